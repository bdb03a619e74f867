"""Who must act for what is missing: the EU, the country, or both jointly. Pure: no Django.

One rule everywhere: `eu`, `country` and `joint` are counted apart. (The `standing` command
used to count `joint` with the EU, the pages did not.)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final, Protocol

from oip.conditionality.types import Who
from oip.vocabulary import WHO

__all__ = ["EU_SIDE", "Missing", "WhoMustAct", "who_must_act"]

#: The parties on the EU's side of a blocker: the EU alone, or the EU with the country.
EU_SIDE: Final[tuple[Who, ...]] = ("eu", "joint")


class Missing(Protocol):
    """Anything naming who must act for a benchmark and its status (a `BenchmarkState`)."""

    @property
    def who(self) -> str: ...

    @property
    def status(self) -> str: ...


@dataclass(frozen=True, slots=True)
class WhoMustAct:
    """How many missing benchmarks each party must act on, and how many have no evidence.

    `eu + country + joint == total`; `not_assessed` counts those of any party that are
    `unknown` (no observation at all).
    """

    eu: int
    country: int
    joint: int
    not_assessed: int

    @property
    def total(self) -> int:
        return self.eu + self.country + self.joint

    def count(self, who: Who) -> int:
        """Return the number of missing benchmarks `who` must act on."""
        counts: dict[Who, int] = {"eu": self.eu, "country": self.country, "joint": self.joint}
        return counts[who]

    @property
    def acting(self) -> tuple[Who, ...]:
        """The parties with at least one benchmark to act on, in vocabulary order."""
        return tuple(who for who in WHO if self.count(who))


def who_must_act(missing: Iterable[Missing]) -> WhoMustAct:
    """Return the count of `missing` benchmarks per party that must act (their `who`).

    Pass a standing's `missing` (or any rows with a `who` and a `status`, e.g. a report's rows,
    or several standings' rows together); each counts once, for its own `who`. ValueError for
    a `who` outside the vocabulary.
    """
    counts: dict[str, int] = dict.fromkeys(WHO, 0)
    not_assessed = 0
    for state in missing:
        if state.who not in counts:
            raise ValueError(f"who must act: {state.who!r} is none of {', '.join(WHO)}")
        counts[state.who] += 1
        not_assessed += state.status == "unknown"
    return WhoMustAct(
        eu=counts["eu"], country=counts["country"], joint=counts["joint"], not_assessed=not_assessed
    )
