"""Take the README's screenshots of the monitor (baseline evidence only, no test scenario).

    .venv/bin/python -m tests.browser.screenshots [--as-of YYYY-MM-DD]

Writes docs/screenshots/overview.png and docs/screenshots/country.png (1280 px wide).
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from tests.browser import live

OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--as-of", default=None)
    parser.add_argument("--country", default="ME")
    args = parser.parse_args()
    query = f"?as_of={args.as_of}" if args.as_of else ""
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as var:
        server = live.start(Path(var))
        try:
            with sync_playwright() as playwright:
                browser = live.launch(playwright)
                page = browser.new_page(viewport={"width": 1280, "height": 1600})
                for name, path in (("overview", "/"), ("country", f"/countries/{args.country}/")):
                    page.goto(server.url + path + query)
                    page.screenshot(path=str(OUT / f"{name}.png"), full_page=False, clip=None)
                browser.close()
        finally:
            server.stop()
    print(f"wrote {OUT / 'overview.png'} and {OUT / 'country.png'}")


if __name__ == "__main__":
    main()
