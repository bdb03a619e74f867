"""A correction (an observation that supersedes another) is an event of its own on the change
list and in the Atom feed, naming the observation it replaces."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.test import Client

from oip.evidence.models import Observation
from tests.evidence.test_corrections import BENCHMARK, load, record

pytestmark = pytest.mark.django_db

T1 = dt.datetime(2026, 1, 10, tzinfo=dt.UTC)
T2 = dt.datetime(2026, 3, 10, tzinfo=dt.UTC)


def _correct(tmp_path: Path) -> None:
    load(tmp_path, "first.yaml", record(observed_on="2018-11-01"), at=T1)
    wrong = Observation.objects.get(benchmark_id=BENCHMARK, observed_on=dt.date(2018, 11, 1))
    load(
        tmp_path,
        "fix.yaml",
        record(observed_on="2019-11-01", supersedes=wrong.fingerprint),
        at=T2,
    )


def test_the_change_list_names_a_correction_and_what_it_replaces(tmp_path: Path) -> None:
    _correct(tmp_path)

    page = Client().get("/changes/?kind=evidence&as_of=2026-11-01").content.decode()

    assert page.count('class="event-superseded"') == 1
    assert page.count('class="event-recorded"') == 1
    assert 'replaces the observation of <time datetime="2018-11-01"><del>1 Nov 2018</del>' in page


def test_the_feed_says_the_corrected_observation_no_longer_counts(tmp_path: Path) -> None:
    _correct(tmp_path)

    feed = Client().get("/changes/feed.atom").content.decode()

    assert feed.count("This corrects the observation of 2018-11-01, which no longer counts") == 1
    assert "correction recorded" in feed


def test_the_country_page_strikes_a_superseded_observation_through(tmp_path: Path) -> None:
    _correct(tmp_path)
    wrong, fix = Observation.objects.filter(benchmark_id=BENCHMARK).order_by("recorded_at")

    page = Client().get("/countries/ME/").content.decode()

    assert f'<tr id="obs-{wrong.pk}" class="superseded">' in page
    assert "<del>2018-11-01</del>" in page
    assert f'Superseded: <a href="#obs-{fix.pk}">see its correction</a>' in page
    assert f'<tr id="obs-{fix.pk}">' in page
