"""Benchmark the pure access rule: 100,000 decisions (target <= 0.5 s, EXCHANGE.md §6.16).

    PYTHONPATH=src .venv/bin/python bench/bench_liaison_access.py

The inputs are an inbox's mix, seeded: national contact points, analysts and org admins of the
six countries and EU-body officers, against addressed and community items of every template and
TLP level, some delivered under a higher cap, some exceptional, some exercises, mostly `read`
with `send`, `acknowledge` and `export`; standings of every tier and status come from a dict, as
the shell's per-request cache serves them. `baseline_s` is a trivial loop over the same inputs
(calling the standing lookup once per case), the floor any implementation pays.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from oip.liaison.access import decide
from oip.liaison.policy import load_policy
from oip.liaison.types import Action, Actor, DeliveryFact, Exceptional, Item
from oip.vocabulary import STANDING_STATUSES, TLP_LEVELS, StandingStatus

TARGET_S = 0.5
N = 100_000
UTC = dt.UTC
NOW = dt.datetime(2026, 11, 30, 12, tzinfo=UTC)
COUNTRIES = ("AL", "BA", "XK", "ME", "MK", "RS")
TEMPLATES = {
    "cyber-incident": "cyber",
    "fdi-notification": "fdi",
    "eppo-referral": "eppo",
    "fimi-alert": "fimi",
    "aml-exchange": "financial-integrity",
}
EU_BODIES = ("enisa", "commission", "eppo-office", "eeas")
ACTIONS: tuple[Action, ...] = ("read",) * 7 + ("send", "acknowledge", "export")

Case = tuple[Actor, Item, Action]


@dataclass(frozen=True, slots=True)
class _Standing:
    tier: int
    status: StandingStatus


def cases(n: int = N, seed: int = 42) -> tuple[list[Case], Callable[[str, str, dt.date], Any]]:
    """`n` (actor, item, action) cases and a standing lookup, the same for every run."""
    rng = random.Random(seed)
    orgs = [f"{c.lower()}-{a}" for c in COUNTRIES for a in TEMPLATES.values()]
    table = {
        (c, a): _Standing(rng.randint(0, 3), rng.choice(STANDING_STATUSES))
        for c in COUNTRIES
        for a in TEMPLATES.values()
    }
    actors = []
    for org in orgs:
        for roles in ({"contact_point"}, {"contact_point"}, {"analyst"}, {"org_admin"}):
            actors.append(
                Actor(
                    user=f"{org}-{sorted(roles)[0]}",
                    org=org,
                    org_kind="national",
                    country=org[:2].upper(),
                    body=None,
                    roles=frozenset(roles),
                    areas=frozenset(rng.sample(list(TEMPLATES.values()), 2)),
                    clearance=rng.choice(TLP_LEVELS[2:]),
                    membership_valid=rng.random() > 0.02,
                )
            )
    for body in EU_BODIES:
        actors.append(
            Actor(body + "-officer", body, "eu_body", None, body, frozenset({"officer"}),
                  frozenset(rng.sample(list(TEMPLATES.values()), 2)), "red", True)
        )  # fmt: skip
    items = []
    for i in range(500):
        template = rng.choice(list(TEMPLATES))
        tlp = rng.choice(TLP_LEVELS)
        items.append(
            Item(
                id=f"n{i}",
                template=template,
                area=TEMPLATES[template],
                tlp=tlp,
                audience=rng.choice(("addressed", "community")),
                originator_org=rng.choice(orgs + list(EU_BODIES)),
                addressees=frozenset(rng.sample(orgs, 3)),
                named=frozenset({a.user for a in rng.sample(actors, 3)}),
                exercise="ex" if rng.random() < 0.05 else None,
                delivery=DeliveryFact(rng.choice(TLP_LEVELS), NOW) if rng.random() < 0.3 else None,
                exceptional=Exceptional("warning", NOW + dt.timedelta(days=3))
                if rng.random() < 0.05
                else None,
            )
        )
    inputs = []
    for _ in range(n):
        actor, item, action = rng.choice(actors), rng.choice(items), rng.choice(ACTIONS)
        # Most of an inbox is addressed to the reader (or sent by it): the rule's full path.
        if action == "send":
            item = replace(item, originator_org=actor.org)
        elif rng.random() < 0.6:
            item = replace(item, addressees=item.addressees | {actor.org})
        if item.tlp == "red" and rng.random() < 0.5:
            item = replace(item, named=item.named | {actor.user})
        inputs.append((actor, item, action))

    def standing(country: str, area: str, on: dt.date) -> _Standing:
        return table[(country, area)]

    return inputs, standing


def best_of(repeat: int, run: Callable[[], Any]) -> float:
    best = float("inf")
    for _ in range(repeat):
        began = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - began)
    return best


def rows(n: int = N, repeat: int = 5) -> list[dict[str, Any]]:
    """100,000 decisions, best of `repeat` runs, against the trivial loop over the same inputs."""
    policy = load_policy()
    inputs, standing = cases(n)
    today = NOW.date()

    def decisions() -> None:
        for actor, item, action in inputs:
            decide(actor, item, action, standing, policy, NOW)

    def baseline() -> None:
        for actor, item, _action in inputs:
            standing(actor.country or "AL", item.area, today)

    return [
        {
            "figure": f"{n:,} access decisions (pure)",
            "measured_s": round(best_of(repeat, decisions), 4),
            "target_s": TARGET_S,
            "baseline_s": round(best_of(repeat, baseline), 4),
        }
    ]


if __name__ == "__main__":
    for row in rows():
        print(row)
