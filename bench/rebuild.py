"""The overview rebuilt without the page cache, with the shipped baseline, on a scratch database.

    .venv/bin/python -m bench.rebuild              # this checkout
    PYTHONPATH=/path/to/older/checkout/src .venv/bin/python -m bench.rebuild   # an anchor

Prints the median and 95th percentile of 40 rebuilds of `/` after three warm-up requests (the
evaluation stays cached, as after an import: the figure is data assembly plus rendering). Run it
on an older checkout for the anchor the issue compares against (its target: within 2x).
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from io import StringIO

REBUILDS = 40


def main() -> None:
    os.environ["OIP_VAR"] = tempfile.mkdtemp(prefix="oip-rebuild-")
    os.environ["DJANGO_SETTINGS_MODULE"] = "oip.settings"
    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command
    from django.test import Client

    import oip

    call_command("migrate", verbosity=0, interactive=False)
    call_command("catalogue", "load", stdout=StringIO())
    call_command("evidence", "load-baseline", stdout=StringIO())
    client = Client()
    for _ in range(3):
        client.get("/")
    times = []
    for _ in range(REBUILDS):
        cache.clear()
        started = time.perf_counter()
        response = client.get("/")
        times.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise SystemExit(f"/ answered {response.status_code}")
    times.sort()
    print(f"code: {os.path.dirname(oip.__file__)}")
    print(
        f"overview rebuilt without the page cache: p50 {statistics.median(times) * 1000:.1f} ms, "
        f"p95 {times[int(len(times) * 0.95)] * 1000:.1f} ms (n={len(times)})"
    )


if __name__ == "__main__":
    main()
