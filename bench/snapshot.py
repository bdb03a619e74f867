"""Save every public page, download, API answer and CLI reading at three dates, for refactors.

Usage: ``OIP_VAR=/tmp/snapdb .venv/bin/python -m bench.snapshot OUT_DIR``

Loads the catalogue and the baseline into a fresh SQLite database under ``OIP_VAR`` and writes
one file per URL and command into OUT_DIR, so that ``diff -r before after`` shows exactly what a
change altered. Volatile parts (the time of the import, the request time in the feed) are
masked so that two runs on the same day compare equal.
"""

from __future__ import annotations

import os
import re
import sys
from io import StringIO
from pathlib import Path

DATES = ("today", "2025-09-01", "2022-09-23")

_VOLATILE = [
    # ISO timestamps with a time part (recorded_at, feed updated, generated at)
    (re.compile(rb"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})?"), b"<ts>"),
    (re.compile(rb"\d{1,2} [A-Z][a-z]+ \d{4}, \d{2}:\d{2} UTC"), b"<when>"),
    (re.compile(rb"csrfmiddlewaretoken\" value=\"[^\"]+\""), b"<csrf>"),
]


def _mask(body: bytes) -> bytes:
    for pattern, repl in _VOLATILE:
        body = pattern.sub(repl, body)
    return body


def main(out: Path) -> None:
    """Write the snapshot into `out` (created)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oip.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from oip.catalogue.fetch import current_catalogue

    call_command("migrate", verbosity=0, interactive=False)
    call_command("catalogue", "load", stdout=StringIO())
    call_command("evidence", "load-baseline", stdout=StringIO())
    catalogue = current_catalogue()
    out.mkdir(parents=True, exist_ok=True)
    client = Client()

    paths = ["/", "/changes/", "/changes/feed.atom", "/methodology/", "/downloads/"]
    paths += ["/divergence.csv", "/divergence.svg"]
    paths += [f"/countries/{c.code}/" for c in catalogue.countries]
    paths += [f"/countries/{c.code}/timeline.csv" for c in catalogue.countries]
    paths += [f"/areas/{a.id}/" for a in catalogue.areas]
    paths += [f"/targets/{t.id}/" for t in catalogue.targets]
    for name in ("standings", "evidence", "catalogue"):
        paths += [f"/downloads/{name}.csv", f"/downloads/{name}.json"]
    paths += [f"/reports/country/{c.code}.html" for c in catalogue.countries]
    paths += ["/reports/region.html"]
    paths += ["/api/v1/standings", "/api/v1/region", "/api/v1/changes", "/api/v1/evidence"]
    paths += ["/api/v1/catalogue", "/api/v1/context-notes"]

    for day in DATES:
        suffix = "" if day == "today" else f"as_of={day}"
        for path in paths:
            url = path + (("&" if "?" in path else "?") + suffix if suffix else "")
            response = client.get(url)
            name = re.sub(r"[^A-Za-z0-9._-]+", "_", path.strip("/") or "index")
            target = out / day / f"{name}.{response.status_code}"
            target.parent.mkdir(parents=True, exist_ok=True)
            body = b"".join(response) if response.streaming else response.content
            target.write_bytes(_mask(body))
        for command in ("standing", "region", "changes"):
            args = [command, "--format", "json"]
            if day != "today" and command != "changes":
                args += ["--as-of", day]
            buffer = StringIO()
            call_command(*args, stdout=buffer)
            (out / day / f"cli-{command}.json").write_bytes(_mask(buffer.getvalue().encode()))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
