"""Browser tests: Debian's Chromium (via Playwright) against a live `oip serve`.

They skip, saying why, only when /usr/bin/chromium (or Playwright, or axe-core's
JavaScript from the `axe-playwright-python` package) is absent.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser import live
from tests.scenario import scenario_yaml


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    reason = live.chromium_missing_reason()
    for item in items:
        if "tests/browser/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.browser)
            if reason:
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def live_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The URL of a live server with the baseline evidence and the EPPO scenario for Montenegro."""
    var = tmp_path_factory.mktemp("oip-live")
    scenario = var / "scenario.yaml"
    scenario.write_text(scenario_yaml(), encoding="utf-8")
    server = live.start(var, [scenario])
    yield server.url
    server.stop()


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
    with sync_api.sync_playwright() as playwright:
        browser = live.launch(playwright)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core's JavaScript, shipped inside the `axe-playwright-python` dev dependency."""
    from importlib.resources import files

    try:
        return (files("axe_playwright_python") / "axe.min.js").read_text(encoding="utf-8")
    except ModuleNotFoundError:
        pytest.skip("axe-core needs the dev dependency axe-playwright-python")
        raise


class Page:
    """A Playwright page that records console errors, page errors and failed requests."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.problems: list[str] = []
        page.on(
            "console", lambda m: m.type == "error" and self.problems.append(f"console: {m.text}")
        )
        page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        page.on(
            "response",
            lambda r: r.status >= 400 and self.problems.append(f"HTTP {r.status}: {r.url}"),
        )

    def visit(self, url: str) -> Any:
        """Go to `url`, require a 200, and return the Playwright page."""
        response = self.page.goto(url)
        assert response is not None
        assert response.status == 200, url
        return self.page


@pytest.fixture
def page(chromium: Any) -> Iterator[Page]:
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    yield Page(context.new_page())
    context.close()


@pytest.fixture
def phone(chromium: Any) -> Iterator[Page]:
    context = chromium.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
    yield Page(context.new_page())
    context.close()


@pytest.fixture(scope="session")
def scenario_dir() -> Path:
    return Path(__file__).parent
