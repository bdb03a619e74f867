"""Benchmark template payload validation: 10,000 payloads (target <= 2 s, brief A1 / §6.16).

    PYTHONPATH=src .venv/bin/python bench/bench_liaison_templates.py

The inputs cycle over every shipped example payload of every template and stage (the realistic
sizes), one in five with a required field removed (so error reporting is measured too).
Validators are compiled once when the set loads, as in a running process. `baseline_s` is a
trivial loop over the same inputs (`dict(payload)`), the floor any implementation pays.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from oip.liaison.templates import Template, TemplateSet, load_templates

TARGET_S = 2.0
N = 10_000

Case = tuple[Template, str, dict[str, Any]]


def cases(template_set: TemplateSet, n: int = N) -> list[Case]:
    pool: list[Case] = []
    for template in template_set.templates.values():
        for stage in template.stages.values():
            for example in stage.examples:
                pool.append((template, stage.id, example))
                required = stage.schema.get("required", [])
                if required:
                    broken = {k: v for k, v in example.items() if k != required[0]}
                    pool.append((template, stage.id, broken))
    return [pool[i % len(pool)] for i in range(n)]


def validate_all(inputs: list[Case]) -> int:
    errors = 0
    for template, stage, payload in inputs:
        errors += len(template.validate(stage, payload))
    return errors


def baseline(inputs: list[Case]) -> int:
    count = 0
    for _template, _stage, payload in inputs:
        count += len(dict(payload))
    return count


def best_of(repeat: int, run: Callable[[], Any]) -> float:
    best = float("inf")
    for _ in range(repeat):
        began = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - began)
    return best


def rows(repeat: int = 3) -> list[dict[str, Any]]:
    """10,000 payload validations against compiled stage schemas, best of `repeat` runs; and
    loading the whole set (every file parsed, checked and compiled) once."""
    began = time.perf_counter()
    template_set = load_templates()
    load_s = time.perf_counter() - began
    inputs = cases(template_set)
    return [
        {
            "figure": "10,000 payload validations, compiled stage schemas (pure)",
            "measured_s": round(best_of(repeat, lambda: validate_all(inputs)), 4),
            "target_s": TARGET_S,
            "baseline_s": round(best_of(repeat, lambda: baseline(inputs)), 4),
        },
        {
            "figure": "load and check every template and taxonomy (pure)",
            "measured_s": round(load_s, 4),
            "target_s": None,
            "baseline_s": None,
        },
    ]


if __name__ == "__main__":
    for row in rows():
        print(row)
