"""Time the publication reports on the baseline data: the regional PDF and a country PDF.

Run from the project root: `python -m bench.bench_reports`. Uses a scratch SQLite database in a
temporary OIP_VAR (migrate, catalogue load, evidence load-baseline), then renders each PDF cold
(first render in the process: chart engine and fonts start up) and warm (median of 3), and
prints the figures against the targets: regional PDF <= 10 s, country PDF <= 5 s.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable

TARGETS = {"region": 10.0, "country": 5.0}
AS_OF = dt.date(2026, 11, 21)
COUNTRY = "ME"


def _setup(var: str) -> None:
    os.environ["OIP_VAR"] = var
    os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "oip.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    call_command("catalogue", "load", verbosity=0)
    call_command("evidence", "load-baseline", verbosity=0)


def _time(render: Callable[[], bytes]) -> tuple[float, int]:
    start = time.perf_counter()
    pdf = render()
    return time.perf_counter() - start, len(pdf)


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="oip-bench-reports-") as var:
        _setup(var)
        from oip.reports.build import country_report, region_report
        from oip.reports.render import render_pdf

        jobs: dict[str, Callable[[], bytes]] = {
            "country": lambda: render_pdf(country_report(COUNTRY, AS_OF)),
            "region": lambda: render_pdf(region_report(AS_OF)),
        }
        failed = False
        print(f"reports as of {AS_OF} on the baseline data (build + render, seconds)")
        for name, job in jobs.items():
            cold, size = _time(job)
            warm = statistics.median(_time(job)[0] for _ in range(3))
            target = TARGETS[name]
            verdict = "ok" if max(cold, warm) <= target else "TOO SLOW"
            failed |= verdict != "ok"
            label = f"{name} PDF" + (f" ({COUNTRY})" if name == "country" else "")
            print(
                f"{label:<18} cold {cold:6.2f}  warm {warm:6.2f}  target <= {target:4.1f}"
                f"  {size / 1024:7.0f} KiB  {verdict}"
            )
        return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
