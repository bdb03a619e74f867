"""The exchange's access policy as data: `data/policy.yaml`, loaded, validated and queried.

Pure: no Django. The file holds EXCHANGE.md §6.5.1 (receive caps by held tier, for items
addressed to the organisation and for community broadcasts; RED for named people; what happens
on a fall and on a suspension; backfill; exceptional addressing), §6.5.3 (which area governs
each template, and its integrity benchmarks), §6.5.4 (the benchmark a confirmed breach records
`not_met` on, by the TLP mishandled) and §6.6.3 (the escalation ladders).

`load_policy()` returns a `Policy` or raises `PolicyError` with one `file:line: field: message`
per problem, like the catalogue loader.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from oip.liaison.problems import DataFileError, Problem
from oip.liaison.tlp import max_tlp, rank
from oip.liaison.types import Audience, Ladder, LadderStep
from oip.vocabulary import TIER_NAMES, Tlp

__all__ = [
    "Policy",
    "PolicyError",
    "Problem",
    "UnknownTemplate",
    "default_path",
    "load_policy",
    "parse_duration",
]

Loc = tuple[str | int, ...]
Mishandled = Literal["red", "amber+strict", "amber", "green", "onward"]
_DURATION = re.compile(r"^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$")


class UnknownTemplate(KeyError):
    """A template id the policy does not list (its area is unknown)."""


class PolicyError(DataFileError):
    """The policy is invalid; `problems` lists every defect found."""


def parse_duration(text: str) -> dt.timedelta:
    """Return an absolute ISO 8601 duration in days, hours and minutes (`P30D`, `PT1H`).

    Months and years are refused: their length depends on the calendar. Raises ValueError.
    """
    match = _DURATION.match(text)
    if match is None or text in ("P", "PT") or text.endswith("T"):
        raise ValueError(f"not a duration in days/hours/minutes: {text!r}")
    days, hours, minutes = (int(g) if g else 0 for g in match.groups())
    return dt.timedelta(days=days, hours=hours, minutes=minutes)


# --- schema ------------------------------------------------------------------------------------


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_duration(value: str) -> str:
    parse_duration(value)
    return value


class _Caps(_Model):
    addressed: Tlp
    community: Tlp
    red: bool = False

    @model_validator(mode="after")
    def _not_red(self) -> _Caps:
        if "red" in (self.addressed, self.community):
            raise ValueError("RED is granted by `red: true` (named individuals), not as a cap")
        return self


def _check_caps(receive: dict[int, _Caps]) -> dict[int, _Caps]:
    if sorted(receive) != list(TIER_NAMES):
        raise ValueError(f"must give every tier {sorted(TIER_NAMES)}")
    # Raising the tier never removes a read right: caps must not fall as tiers rise.
    for tier in list(TIER_NAMES)[1:]:
        low, high = receive[tier - 1], receive[tier]
        if (
            rank(high.addressed) < rank(low.addressed)
            or rank(high.community) < rank(low.community)
            or (low.red and not high.red)
        ):
            raise ValueError(f"tier {tier} receives less than tier {tier - 1}")
    return receive


class _OnNotice(_Model):
    no_new: Tlp | None = None


class _Template(_Model):
    area: str = Field(min_length=1)
    integrity: tuple[str, ...] = ()
    receive: dict[int, _Caps] | None = None
    keep_on_fall: bool | None = None
    withdraw_on_suspension: bool | None = None
    on_notice: _OnNotice | None = None

    @model_validator(mode="after")
    def _monotone(self) -> _Template:
        if self.receive is not None:
            _check_caps(self.receive)
        return self


class _Exceptional(_Model):
    default_expiry: str

    @model_validator(mode="after")
    def _duration(self) -> _Exceptional:
        _check_duration(self.default_expiry)
        return self


class _Step(_Model):
    level: int = Field(ge=1)
    fraction: float = Field(gt=0)
    notify: tuple[str, ...] = Field(min_length=1)
    short_clock: str | None = None
    short_offset: str | None = None

    @model_validator(mode="after")
    def _durations(self) -> _Step:
        if (self.short_clock is None) != (self.short_offset is None):
            raise ValueError("short_clock and short_offset go together")
        for value in (self.short_clock, self.short_offset):
            if value is not None:
                _check_duration(value)
        return self


class _PolicyFile(_Model):
    version: str = Field(min_length=1)
    receive: dict[int, _Caps]
    keep_on_fall: bool
    withdraw_on_suspension: bool
    backfill: str
    exceptional: _Exceptional
    templates: dict[str, _Template]
    suspension: dict[str, dict[Mishandled, tuple[str, ...]]]
    ladders: dict[str, tuple[_Step, ...]]

    _receive = field_validator("receive")(_check_caps)
    _backfill = field_validator("backfill")(_check_duration)

    @model_validator(mode="after")
    def _whole(self) -> _PolicyFile:
        if "default" not in self.ladders:
            raise ValueError("ladders: a `default` ladder is required")
        areas = {t.area for t in self.templates.values()}
        missing = sorted(areas - set(self.suspension))
        if missing:
            raise ValueError(f"suspension: no entry for area(s) {', '.join(missing)}")
        return self


# --- the policy --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Policy:
    """The loaded policy. Caps are precomputed per (template, audience, tier) because the access
    rule asks on every read; templates without an override use the defaults (`template=None`)."""

    version: str
    content_hash: str
    backfill: dt.timedelta
    exceptional_expiry: dt.timedelta
    templates: tuple[str, ...]
    _caps: dict[tuple[str | None, Audience, int], Tlp] = field(repr=False)
    _top_tier: int
    _keep: dict[str | None, bool] = field(repr=False)
    _withdraw: dict[str | None, bool] = field(repr=False)
    _no_new_on_notice: dict[str, Tlp] = field(repr=False)
    _areas: dict[str, str] = field(repr=False)
    _integrity: dict[str, tuple[str, ...]] = field(repr=False)
    _suspension: dict[str, dict[str, tuple[str, ...]]] = field(repr=False)
    _ladders: dict[str, Ladder] = field(repr=False)

    def receive_cap(self, template: str, audience: Audience, tier: int) -> Tlp:
        """Return the highest TLP a country holding `tier` in the template's area receives for
        `audience` items (§6.5.1); `red` when that tier lets named individuals read RED.
        Tiers above the highest listed read as the highest; a negative tier is refused."""
        if tier < 0:
            raise ValueError(f"negative tier: {tier}")
        key_tier = min(tier, self._top_tier)
        cap = self._caps.get((template, audience, key_tier))
        return cap if cap is not None else self._caps[(None, audience, key_tier)]

    def keep_on_fall(self, template: str) -> bool:
        """Whether items delivered under a higher cap stay readable after an ordinary fall."""
        return self._keep.get(template, self._keep[None])

    def withdraw_on_suspension(self, template: str) -> bool:
        """Whether items above the lowered cap are withdrawn while the country is suspended."""
        return self._withdraw.get(template, self._withdraw[None])

    def no_new_on_notice(self, template: str) -> Tlp | None:
        """The level from which no new items are delivered while `on_notice`, if the template
        sets one (`on_notice: {no_new: red}`); None otherwise."""
        return self._no_new_on_notice.get(template)

    def area_of(self, template: str) -> str:
        """Return the catalogue area that governs `template` (§6.5.3)."""
        try:
            return self._areas[template]
        except KeyError:
            raise UnknownTemplate(template) from None

    def integrity_benchmarks(self, template: str) -> tuple[str, ...]:
        """Return the integrity benchmarks that gate `template` (§6.5.3)."""
        self.area_of(template)
        return self._integrity[template]

    def breach_benchmarks(
        self, area: str, tlp_mishandled: Tlp, onward: bool = False
    ) -> tuple[str, ...]:
        """Return the benchmarks a confirmed breach in `area` records `not_met` on (§6.5.4).

        `onward` (a breach of onward-sharing consent) gives the tier-1 (C1) benchmark whatever
        the level; mishandling CLEAR is no breach and gives (). Raises KeyError for an area
        without exchange templates.
        """
        table = self._suspension[area]
        if onward:
            return table["onward"]
        if tlp_mishandled == "clear":
            return ()
        return table[tlp_mishandled]

    def ladder(self, ladder_id: str) -> Ladder:
        """Return the escalation ladder `ladder_id` (`default`, §6.6.3)."""
        return self._ladders[ladder_id]


def default_path() -> Path:
    """Return the policy file shipped inside the package."""
    return Path(str(resources.files("oip.liaison") / "data" / "policy.yaml"))


def load_policy(path: Path | str | None = None) -> Policy:
    """Read, validate and return the policy at `path` (the shipped one by default).

    Raises `PolicyError` with one `file:line: field: message` per problem. `content_hash` is the
    SHA-256 of the parsed content (comments and layout do not change it).
    """
    source = Path(path) if path is not None else default_path()
    display = source.name
    data, lines = _parse(source, display)
    try:
        model = _PolicyFile.model_validate(data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            loc: Loc = tuple(part for part in error["loc"] if isinstance(part, str | int))
            # Pydantic names the union branch or the `[key]` on some locations; drop those.
            loc = tuple(p for p in loc if not (isinstance(p, str) and p.startswith("function-")))
            message = str(error["msg"]).removeprefix("Value error, ")
            problems.append(Problem(display, _line_of(lines, loc), _name(loc), message))
        raise PolicyError(problems) from exc
    digest = hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()
    return _build(model, digest)


def _build(model: _PolicyFile, digest: str) -> Policy:
    caps: dict[tuple[str | None, Audience, int], Tlp] = {}
    audiences: tuple[Audience, Audience] = ("addressed", "community")
    for template, receive in [(None, model.receive)] + [
        (t, cfg.receive) for t, cfg in model.templates.items() if cfg.receive is not None
    ]:
        assert receive is not None
        for tier, row in receive.items():
            for audience in audiences:
                cap: Tlp = row.addressed if audience == "addressed" else row.community
                caps[(template, audience, tier)] = max_tlp(cap, "red") if row.red else cap
    keep: dict[str | None, bool] = {None: model.keep_on_fall}
    withdraw: dict[str | None, bool] = {None: model.withdraw_on_suspension}
    no_new: dict[str, Tlp] = {}
    for template, cfg in model.templates.items():
        if cfg.keep_on_fall is not None:
            keep[template] = cfg.keep_on_fall
        if cfg.withdraw_on_suspension is not None:
            withdraw[template] = cfg.withdraw_on_suspension
        if cfg.on_notice is not None and cfg.on_notice.no_new is not None:
            no_new[template] = cfg.on_notice.no_new
    ladders = {
        ladder_id: Ladder(
            ladder_id,
            tuple(
                LadderStep(
                    s.level,
                    s.fraction,
                    s.notify,
                    parse_duration(s.short_clock) if s.short_clock else None,
                    parse_duration(s.short_offset) if s.short_offset else None,
                )
                for s in steps
            ),
        )
        for ladder_id, steps in model.ladders.items()
    }
    return Policy(
        version=model.version,
        content_hash=digest,
        backfill=parse_duration(model.backfill),
        exceptional_expiry=parse_duration(model.exceptional.default_expiry),
        templates=tuple(model.templates),
        _caps=caps,
        _top_tier=max(model.receive),
        _keep=keep,
        _withdraw=withdraw,
        _no_new_on_notice=no_new,
        _areas={t: cfg.area for t, cfg in model.templates.items()},
        _integrity={t: cfg.integrity for t, cfg in model.templates.items()},
        _suspension={
            a: {str(k): v for k, v in rows.items()} for a, rows in model.suspension.items()
        },
        _ladders=ladders,
    )


# --- YAML with line numbers --------------------------------------------------------------------

_SCALARS = yaml.constructor.SafeConstructor()


def _parse(path: Path, display: str) -> tuple[Any, dict[Loc, int]]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PolicyError([Problem(display, 1, "-", f"cannot read: {exc}")]) from exc
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        reason = getattr(exc, "problem", None) or str(exc)
        raise PolicyError([Problem(display, line, "-", f"malformed YAML: {reason}")]) from exc
    lines: dict[Loc, int] = {}
    if node is None:
        return None, lines
    return _to_data(node, (), lines, display), lines


def _to_data(node: yaml.Node, loc: Loc, lines: dict[Loc, int], display: str) -> Any:
    lines.setdefault(loc, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _SCALARS.construct_object(key_node, deep=True)
            if key in result:
                line = key_node.start_mark.line + 1
                raise PolicyError([Problem(display, line, str(key), "duplicate key")])
            lines[(*loc, key)] = key_node.start_mark.line + 1
            result[key] = _to_data(value_node, (*loc, key), lines, display)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_to_data(item, (*loc, i), lines, display) for i, item in enumerate(node.value)]
    return _SCALARS.construct_object(node, deep=True)


def _line_of(lines: dict[Loc, int], loc: Loc) -> int:
    while loc:
        if loc in lines:
            return lines[loc]
        loc = loc[:-1]
    return lines.get((), 1)


def _name(loc: Loc) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else ("." if out else "") + part
    return out or "-"
