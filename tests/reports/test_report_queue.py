"""Reports cannot take the site down: one render at a time per process behind a short queue
(503 with Retry-After beyond it), the current reports served from the shared store that
`oip prerender` fills after every import, and the one date rule for `as_of`/`since`.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.test import Client
from hypothesis import given, settings
from hypothesis import strategies as st

from oip.evidence.actions import import_evidence
from oip.reports import store, views
from oip.reports.queue import Busy, RenderQueue
from oip.site import clock
from oip.site.dates import DateRefused, parse_as_of
from oip.standings.version import data_version
from tests.hardening.procs import sqlite_scratch
from tests.scenario import import_scenario, scenario_yaml
from tests.site.serving import Server, serve

# The queue itself


def _occupy(queue: RenderQueue, count: int) -> tuple[threading.Event, list[threading.Thread]]:
    """Start `count` callers whose job blocks until the returned event is set; return once
    all of them are admitted (holding or waiting for the slot)."""
    release = threading.Event()
    threads = [
        threading.Thread(target=lambda: queue.run(release.wait), daemon=True) for _ in range(count)
    ]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 30
    while queue.admitted < count:
        assert time.monotonic() < deadline, "the callers were never admitted"
        threading.Event().wait(0.01)
    return release, threads


@pytest.mark.parametrize("waiting", [0, 1, 2, 5])
def test_beyond_one_render_and_the_waiting_callers_the_answer_is_busy_at_once(
    waiting: int,
) -> None:
    queue = RenderQueue(waiting=waiting, wait_seconds=60)
    release, threads = _occupy(queue, 1 + waiting)
    started = time.monotonic()
    with pytest.raises(Busy) as busy:
        queue.run(lambda: "never")
    assert time.monotonic() - started < 1
    assert busy.value.retry_after >= 1
    release.set()
    for thread in threads:
        thread.join(timeout=30)
    assert queue.admitted == 0
    assert queue.run(lambda: "rendered") == "rendered"


def test_a_wait_that_runs_out_is_busy_too() -> None:
    queue = RenderQueue(waiting=3, wait_seconds=0.2)
    release, threads = _occupy(queue, 1)
    with pytest.raises(Busy):
        queue.run(lambda: "never")
    assert queue.admitted == 1
    release.set()
    threads[0].join(timeout=30)


def test_a_failing_job_frees_the_slot() -> None:
    queue = RenderQueue(waiting=0, wait_seconds=0)

    def boom() -> None:
        raise RuntimeError("render failed")

    with pytest.raises(RuntimeError, match="render failed"):
        queue.run(boom)
    assert queue.admitted == 0
    assert queue.run(lambda: 1) == 1


@settings(max_examples=15, deadline=None)
@given(callers=st.integers(min_value=1, max_value=10), waiting=st.integers(0, 4))
def test_never_more_than_one_job_runs_and_exactly_the_overflow_is_refused(
    callers: int, waiting: int
) -> None:
    queue = RenderQueue(waiting=waiting, wait_seconds=30)
    running = 0
    most = 0
    lock = threading.Lock()
    gate = threading.Event()

    def job() -> str:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        gate.wait(30)
        with lock:
            running -= 1
        return "ok"

    def call(_: int) -> str:
        try:
            return queue.run(job)
        except Busy:
            return "busy"

    with ThreadPoolExecutor(max_workers=callers) as pool:
        futures = [pool.submit(call, i) for i in range(callers)]
        deadline = time.monotonic() + 30
        admitted = min(callers, 1 + waiting)
        while sum(f.done() for f in futures) < callers - admitted or queue.admitted < admitted:
            assert time.monotonic() < deadline
            threading.Event().wait(0.005)
        gate.set()
        results = sorted(f.result() for f in futures)
    assert most == 1
    assert results == sorted(["ok"] * admitted + ["busy"] * (callers - admitted))


# The views (in-process, on the test database)


@pytest.fixture
def report_store(settings: object, tmp_path: Path) -> Path:
    path = tmp_path / "store"
    settings.OIP_REPORT_STORE = path  # type: ignore[attr-defined]
    return path


@pytest.fixture
def scenario(db: None, tmp_path: Path) -> None:
    import_scenario(tmp_path)


def _refusal(raw: str, name: str = "as_of") -> str:
    with pytest.raises(DateRefused) as refused:
        parse_as_of(raw, name=name)
    return f"{refused.value}\n"


@pytest.mark.django_db
@pytest.mark.parametrize("raw", ["1999-12-31", "0001-01-01", "2999-01-01", "2024-W01-1", "x"])
def test_report_dates_are_refused_with_the_rule_of_the_pages(client: Client, raw: str) -> None:
    for url in ("/reports/region.pdf", "/reports/country/ME.html"):
        response = client.get(url, {"as_of": raw})
        assert response.status_code == 400
        assert response.content.decode() == _refusal(raw)
    response = client.get("/reports/region.html", {"since": raw})
    assert response.status_code == 400
    assert response.content.decode() == _refusal(raw, "since")


@pytest.mark.django_db
def test_since_after_as_of_is_refused(client: Client) -> None:
    response = client.get("/reports/region.html", {"as_of": "2025-01-01", "since": "2025-06-01"})
    assert response.status_code == 400
    assert response.content.decode() == (
        "since 2025-06-01 is after as_of 2025-01-01: changes are listed from since up to as_of.\n"
    )


def test_a_full_queue_answers_503_with_retry_after(
    client: Client, scenario: None, report_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    queue = RenderQueue(waiting=0, wait_seconds=0)
    monkeypatch.setattr(views, "QUEUE", queue)
    release, threads = _occupy(queue, 1)
    try:
        response = client.get("/reports/country/ME.html", {"as_of": "2025-08-01"})
        assert response.status_code == 503
        assert int(response["Retry-After"]) >= 1
        assert response["Cache-Control"] == "no-store"
        assert "Try again in" in response.content.decode()
    finally:
        release.set()
        threads[0].join(timeout=30)
    again = client.get("/reports/country/ME.html", {"as_of": "2025-08-01"})
    assert again.status_code == 200
    assert again["Content-Disposition"] == 'attachment; filename="oip-me-2025-08-01.html"'


def test_unknown_countries_do_not_take_the_render_slot(
    client: Client, db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    queue = RenderQueue(waiting=0, wait_seconds=0)
    monkeypatch.setattr(views, "QUEUE", queue)
    release, threads = _occupy(queue, 1)
    try:
        assert client.get("/reports/country/QQ.pdf").status_code == 404
    finally:
        release.set()
        threads[0].join(timeout=30)


def test_todays_reports_are_served_from_the_store_until_the_data_changes(
    client: Client, scenario: None, report_store: Path, tmp_path: Path
) -> None:
    written = store.prerender(("html",))
    assert len(written) == 7  # six countries and the region
    today = clock.today().isoformat()
    assert {p.name for p in written} == {
        *(f"oip-{c}-{today}.html" for c in ("al", "ba", "me", "mk", "rs", "xk")),
        f"oip-region-{today}.html",
    }
    me = next(p for p in written if p.name.startswith("oip-me-"))
    assert "Montenegro" in me.read_text()
    # Served from the store: a marker written there comes back, nothing is rendered.
    me.write_bytes(b"<p>from the store</p>")
    response = client.get("/reports/country/ME.html")
    assert response.status_code == 200
    assert response.content == b"<p>from the store</p>"
    assert response["Content-Disposition"] == f'attachment; filename="oip-me-{today}.html"'
    # A second prerender finds everything there.
    assert store.prerender(("html",)) == []
    # New evidence: a new data version, rendered afresh, and prerender prunes the old one.
    before = data_version()
    more = tmp_path / "more.yaml"
    more.write_text(scenario_yaml().replace("2025-10-01", "2025-10-02"), encoding="utf-8")
    import_evidence([more], recorded_by="test")
    assert data_version() != before
    fresh = client.get("/reports/country/ME.html")
    assert b"Montenegro" in fresh.content
    assert len(store.prerender(("html",))) == 6  # ME was stored by the request above
    assert len([p for p in report_store.iterdir() if not p.name.startswith(".")]) == 1


# The real server: 16 concurrent requests for reports of distinct dates


@pytest.fixture(scope="module")
def loaded_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    var = tmp_path_factory.mktemp("h3reports")
    with sqlite_scratch(var) as db:
        db.oip("migrate", "--noinput")
        db.oip("catalogue", "load")
        db.oip("evidence", "load-baseline")
        with serve(var, db.env, workers=2, threads=4) as running:
            yield running


def _get(server: Server, path: str) -> tuple[int, dict[str, str], bytes, float]:
    connection = server.connection(timeout=120)
    started = time.monotonic()
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read()
        return response.status, dict(response.getheaders()), body, time.monotonic() - started
    finally:
        connection.close()


def test_sixteen_concurrent_report_requests_leave_healthz_fast(loaded_server: Server) -> None:
    days = [dt.date(2025, 1, 6) + dt.timedelta(days=9 * i) for i in range(16)]
    paths = [f"/reports/country/ME.pdf?as_of={d.isoformat()}" for d in days]
    done = threading.Event()
    health: list[float] = []

    def probe() -> None:
        while not done.is_set():
            status, _, body, took = _get(loaded_server, "/healthz")
            assert (status, body) == (200, b"ok")
            health.append(took)

    prober = threading.Thread(target=probe, daemon=True)
    with ThreadPoolExecutor(max_workers=16) as pool:
        futures = [pool.submit(_get, loaded_server, p) for p in paths]
        prober.start()
        answers = [f.result() for f in futures]
    done.set()
    prober.join(timeout=60)

    statuses = sorted(a[0] for a in answers)
    rendered = [a for a in answers if a[0] == 200]
    refused = [a for a in answers if a[0] == 503]
    assert len(rendered) + len(refused) == 16, statuses
    # Two processes, each rendering one and queueing two: at most six are admitted.
    assert len(rendered) <= 6
    assert len(refused) >= 10
    assert rendered, "no report was rendered at all"
    for _, _, body, _ in rendered:
        assert body.startswith(b"%PDF")
    for _, headers, _, _ in refused:
        assert int(headers["Retry-After"]) >= 1
    print(  # the measurement, for `pytest -s`
        f"reports: {len(rendered)} rendered, {len(refused)} refused; healthz: {len(health)} "
        f"probes, max {max(health):.3f} s, median {sorted(health)[len(health) // 2]:.3f} s"
    )
    assert len(health) >= 5, "healthz was hardly probed while the reports rendered"
    assert max(health) < 1.0, f"healthz took up to {max(health):.2f} s ({len(health)} probes)"


# After an import, today's reports are rendered in the background


def test_an_import_prerenders_todays_reports_in_the_background(tmp_path: Path) -> None:
    with sqlite_scratch(tmp_path) as db:
        env = {"OIP_PRERENDER": "1", "OIP_PRERENDER_FORMATS": "html"}
        db = type(db)(db.engine, {**db.env, **env}, db.var)
        db.oip("migrate", "--noinput")
        db.oip("catalogue", "load")
        db.oip("evidence", "load-baseline")
        expected = db.python(
            "from oip.reports import store\nfrom oip.standings.version import data_version\n"
            "print(json.dumps(str(store._version_dir(data_version()))))"
        )
    directory = Path(expected)
    log = tmp_path / "reports" / store.LOG_NAME

    def complete() -> bool:
        entries = list(directory.glob("*/*.html")) if directory.exists() else []
        return len(entries) == 7

    _wait_for(complete, log, deadline=300)
    names = sorted(p.parent.name for p in directory.glob("*/*.html"))
    today = clock.today().isoformat()
    assert names == sorted(
        [f"country-{c}-{today}" for c in ("AL", "BA", "ME", "MK", "RS", "XK")]
        + [f"region-all-{today}"]
    )
    assert "Traceback" not in log.read_text()


def _wait_for(condition: Callable[[], bool], log: Path, deadline: float) -> None:
    until = time.monotonic() + deadline
    while not condition():
        if time.monotonic() > until:
            pytest.fail(f"not prerendered within {deadline} s; log:\n{log.read_text()[-3000:]}")
        threading.Event().wait(0.2)
