"""TLP 2.0: the order of the five levels, their handling in the platform, STIX ids and MISP tags.

Pure: no Django. The levels rise `clear < green < amber < amber+strict < red` (FIRST TLP 2.0);
a clearance or a cap is the highest level allowed. The handling table is EXCHANGE.md §6.4 as
data; the STIX ids are the OASIS TLP 2.0 marking definitions (§6.13), with the TLP 1.0 ids and
OpenCTI's AMBER+STRICT id accepted on import. Unknown or missing markings are refused, never
guessed: the colour decides who may read.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final, Literal

from oip.vocabulary import TLP_LEVELS, Tlp

__all__ = [
    "HANDLING",
    "OPENCTI_AMBER_STRICT",
    "STIX_TLP1",
    "STIX_TLP2",
    "TLP_LEVELS",
    "Handling",
    "UnknownMarking",
    "at_most",
    "from_misp_tag",
    "from_stix_marking",
    "from_stix_markings",
    "max_tlp",
    "min_tlp",
    "misp_tag",
    "parse_tlp",
    "rank",
    "stix_marking_id",
]

_RANK: Final[dict[str, int]] = {level: i for i, level in enumerate(TLP_LEVELS)}


class UnknownMarking(ValueError):
    """A TLP label, STIX marking id or MISP tag that names no known TLP level."""


def rank(tlp: Tlp) -> int:
    """Return the position of `tlp` in the rising order (clear 0 ... red 4)."""
    return _RANK[tlp]


def max_tlp(a: Tlp, b: Tlp) -> Tlp:
    """Return the more restrictive of two levels."""
    return a if _RANK[a] >= _RANK[b] else b


def min_tlp(a: Tlp, b: Tlp) -> Tlp:
    """Return the less restrictive of two levels."""
    return a if _RANK[a] <= _RANK[b] else b


def at_most(tlp: Tlp, cap: Tlp) -> bool:
    """Return whether an item at `tlp` fits under `cap` (a clearance or a receive cap)."""
    return _RANK[tlp] <= _RANK[cap]


def parse_tlp(text: str) -> Tlp:
    """Return the level a label names: `amber+strict`, `TLP:AMBER+STRICT`, `tlp:clear`.

    TLP 1.0's WHITE reads as CLEAR (FIRST: "TLP:WHITE has been replaced by TLP:CLEAR").
    Raises `UnknownMarking` for anything else.
    """
    word = text.strip().lower()
    if word.startswith("tlp:"):
        word = word[4:]
    if word == "white":
        return "clear"
    for level in TLP_LEVELS:
        if word == level:
            return level
    raise UnknownMarking(f"not a TLP level: {text!r}")


# --- handling (§6.4) ---------------------------------------------------------------------------

Readers = Literal["members", "community", "addressees", "named"]
Export = Literal["yes", "watermarked", "watermarked_encrypted", "no"]
KeyClass = Literal["none", "standard", "red"]


@dataclass(frozen=True, slots=True)
class Handling:
    """How the platform treats one TLP level (EXCHANGE.md §6.4).

    `readers`: every exchange member, the area community within its cap, the addressee
    organisations (members with clearance >= the level), or the named individuals only.
    `export`: `watermarked` records egress with declared onward recipients; `watermarked_encrypted`
    also encrypts to the organisation's key (age). `onward_consent`: who must consent before the
    item leaves (`community` / `clients`), None when onward sharing is not a question.
    Reminders never carry content at any level, so there is no field for it.
    """

    tlp: Tlp
    readers: Readers
    min_clearance: Tlp
    encrypted_at_rest: bool
    key_class: KeyClass
    reads_audited: bool
    step_up: bool
    export: Export
    egress_recorded: bool
    taxii: bool
    attachments: bool
    onward_consent: Literal["community", "clients"] | None


HANDLING: Final[dict[Tlp, Handling]] = {
    "clear": Handling(
        "clear", "members", "clear", False, "none", False, False, "yes", False, True, True, None
    ),
    "green": Handling(
        "green", "community", "green", True, "standard", False, False, "yes", False, True, True,
        "community",
    ),
    "amber": Handling(
        "amber", "addressees", "amber", True, "standard", True, False, "watermarked", True, True,
        True, "clients",
    ),
    "amber+strict": Handling(
        "amber+strict", "addressees", "amber+strict", True, "standard", True, False,
        "watermarked_encrypted", True, True, True, None,
    ),
    "red": Handling(
        "red", "named", "red", True, "red", True, True, "no", False, False, False, None
    ),
}  # fmt: skip


# --- STIX 2.1 marking definitions (§6.13) -----------------------------------------------------

_PREFIX: Final = "marking-definition--"

#: The OASIS TLP 2.0 marking definitions (STIX 2.1 extension-definition--60a3c5c5...).
STIX_TLP2: Final[dict[Tlp, str]] = {
    "clear": _PREFIX + "94868c89-83c2-464b-929b-a1a8aa3c8487",
    "green": _PREFIX + "bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    "amber": _PREFIX + "55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    "amber+strict": _PREFIX + "939a9414-2ddd-4d32-a0cd-375ea402b003",
    "red": _PREFIX + "e828b379-4e03-4974-9ac4-e53a884c97c1",
}

#: The STIX 2.0/2.1 TLP 1.0 marking definitions (python-stix2 `TLP_WHITE` ...), accepted on import.
STIX_TLP1: Final[dict[str, Tlp]] = {
    _PREFIX + "613f2e26-407d-48c7-9eca-b8e91df99dc9": "clear",
    _PREFIX + "34098fce-860f-48ae-8e50-ebd3cc5e41da": "green",
    _PREFIX + "f88d31f6-486f-44da-b317-01333bde0b82": "amber",
    _PREFIX + "5e57c739-391a-4eb3-b6be-7d15ca92d5ed": "red",
}

#: OpenCTI's own AMBER+STRICT marking (predates the OASIS one; used across its connectors).
OPENCTI_AMBER_STRICT: Final = _PREFIX + "826578e1-40ad-459f-bc73-ede076f81f37"

_FROM_STIX: Final[dict[str, Tlp]] = {
    **{marking: level for level, marking in STIX_TLP2.items()},
    **STIX_TLP1,
    OPENCTI_AMBER_STRICT: "amber+strict",
}


def stix_marking_id(tlp: Tlp) -> str:
    """Return the OASIS TLP 2.0 marking-definition id to export an item at `tlp` with."""
    return STIX_TLP2[tlp]


def from_stix_marking(marking_id: str) -> Tlp:
    """Return the level of one TLP marking-definition id (TLP 2.0, TLP 1.0 or OpenCTI's
    AMBER+STRICT). Raises `UnknownMarking` for any other id: the caller refuses the object."""
    try:
        return _FROM_STIX[marking_id]
    except KeyError:
        raise UnknownMarking(f"unknown TLP marking definition: {marking_id!r}") from None


def from_stix_markings(marking_refs: Iterable[str], others: Iterable[str] = ()) -> Tlp:
    """Return the level of an object from its `object_marking_refs`.

    Every reference must be a known TLP marking or one of `others` (non-TLP markings the bundle
    defines, e.g. a PAP statement); at least one must be TLP. Several TLP markings give the most
    restrictive. Raises `UnknownMarking` otherwise (missing or unknown markings: refuse).
    """
    allowed = frozenset(others)
    found: Tlp | None = None
    for ref in marking_refs:
        if ref in allowed and ref not in _FROM_STIX:
            continue
        level = from_stix_marking(ref)
        found = level if found is None else max_tlp(found, level)
    if found is None:
        raise UnknownMarking("no TLP marking: the object is refused, its colour is never guessed")
    return found


# --- MISP tags (the `tlp` taxonomy, which has `clear` and `amber+strict`) -----------------------


def misp_tag(tlp: Tlp) -> str:
    """Return the MISP tag for `tlp` (`tlp:clear`, `tlp:amber+strict`)."""
    return f"tlp:{tlp}"


def from_misp_tag(tag: str) -> Tlp:
    """Return the level of a MISP `tlp:` tag (`tlp:white` reads as CLEAR). Raises
    `UnknownMarking` for other tags, including the taxonomy's `tlp:ex:chr` and `tlp:unclear`."""
    if not tag.strip().lower().startswith("tlp:"):
        raise UnknownMarking(f"not a MISP tlp tag: {tag!r}")
    return parse_tlp(tag)
