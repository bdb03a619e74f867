"""The one wording: every value of the vocabulary has exactly one word and mark, everywhere."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oip.catalogue.loader import load_catalogue
from oip.presentation import geo, labels
from oip.vocabulary import (
    BENCHMARK_KINDS,
    BENCHMARK_STATUSES,
    CHANGE_KINDS,
    STANDING_STATUSES,
    WHO,
)

TABLES = [
    (labels.BENCHMARK_STATUS, BENCHMARK_STATUSES),
    (labels.STANDING_STATUS, STANDING_STATUSES),
    (labels.CHANGE_KIND, CHANGE_KINDS),
    (labels.KIND_LABEL, BENCHMARK_KINDS),
    (labels.KIND_DESCRIPTION, BENCHMARK_KINDS),
    (labels.WHO_WORDS, WHO),
]


@pytest.mark.parametrize(("table", "values"), TABLES)
def test_every_value_of_the_vocabulary_has_a_label_in_its_order(
    table: dict[str, object], values: tuple[str, ...]
) -> None:
    assert tuple(table) == values


@pytest.mark.parametrize(("table", "values"), TABLES)
def test_labels_cannot_be_changed_at_run_time(
    table: dict[str, object], values: tuple[str, ...]
) -> None:
    with pytest.raises(TypeError):
        table[values[0]] = "changed"  # type: ignore[index]


def test_the_wording_of_each_value() -> None:
    assert dict(labels.BENCHMARK_STATUS) == {
        "met": ("✓", "met"),
        "partial": ("◐", "partly met"),
        "not_met": ("✗", "not met"),
        "expired": ("⌛", "expired (needs renewing)"),
        "not_applicable": ("–", "not applicable"),
        "presumed": ("○", "no breach recorded"),
        "unknown": ("?", "not assessed"),
    }
    assert dict(labels.STANDING_STATUS) == {
        "stable": ("", "stable"),
        "on_notice": ("⚠", "on notice"),
        "suspended": ("⊘", "suspended"),
    }
    assert dict(labels.CHANGE_KIND) == {
        "advanced": ("▲", "advanced"),
        "on_notice": ("⚠", "put on notice"),
        "restored": ("↺", "restored"),
        "fell": ("▼", "fell"),
        "suspended": ("⊘", "suspended"),
    }
    assert list(labels.KIND_LABEL.values()) == [
        "legal",
        "institutional",
        "operational",
        "track record",
        "integrity",
    ]


def test_no_two_benchmark_statuses_share_a_word_or_a_mark() -> None:
    marks = [mark for mark, _ in labels.BENCHMARK_STATUS.values()]
    words = [word for _, word in labels.BENCHMARK_STATUS.values()]
    assert len(set(marks)) == len(marks) == len(BENCHMARK_STATUSES)
    assert len(set(words)) == len(words) == len(BENCHMARK_STATUSES)
    assert labels.BENCHMARK_STATUS["unknown"][1] == labels.NOT_ASSESSED != "not met"


def test_a_table_that_misses_or_adds_a_value_is_refused_by_name() -> None:
    with pytest.raises(
        ValueError, match=r"labels T: missing \['joint'\], not in the vocabulary \[\]"
    ):
        labels.for_every(WHO, {"eu": "x", "country": "y"}, "T")
    with pytest.raises(
        ValueError, match=r"labels T: missing \[\], not in the vocabulary \['both'\]"
    ):
        labels.for_every(WHO, {"eu": "x", "country": "y", "joint": "z", "both": "w"}, "T")


def test_a_table_is_given_in_the_vocabulary_order() -> None:
    table = labels.for_every(WHO, {"joint": 3, "eu": 1, "country": 2}, "T")
    assert list(table.items()) == [("eu", 1), ("country", 2), ("joint", 3)]


def test_who_words_for_a_country_and_without_one() -> None:
    assert [labels.who_words(w, "Montenegro") for w in WHO] == [
        "the EU",
        "Montenegro",
        "the EU and Montenegro together",
    ]
    assert [labels.who_words(w) for w in WHO] == [
        "the EU",
        "the country",
        "the EU and the country together",
    ]


@given(name=st.text(min_size=1))
def test_who_words_name_the_country_exactly_when_it_must_act(name: str) -> None:
    assert labels.who_words("eu", name) == "the EU"
    assert labels.who_words("country", name) == name
    assert labels.who_words("joint", name) == f"the EU and {name} together"


def test_tier_words() -> None:
    catalogue = load_catalogue()
    assert [labels.tier_words(catalogue, t) for t in (None, 0, 1, 2, 3)] == [
        "not assessed",
        "no tier yet",
        "tier 1 · incremental",
        "tier 2 · structural",
        "tier 3 · transformational",
    ]


def test_area_short_names_every_shipped_area() -> None:
    catalogue = load_catalogue()
    assert [labels.area_short(catalogue, a.id) for a in catalogue.areas] == [
        "Cybersecurity",
        "Investment screening (FDI)",
        "Rule of law (FRA)",
        "EPPO",
        "Eurojust",
        "Media and FIMI",
        "Security (CEPOL)",
        "Public administration",
        "Financial integrity",
    ]


def test_the_map_says_what_the_labels_say() -> None:
    assert geo.NOT_ASSESSED == labels.NOT_ASSESSED
    for status, (_, words, _, _) in geo.STATUS_MARKS.items():
        assert words == labels.STANDING_STATUS[status][1]


def test_tier_name_without_a_catalogue_says_no_tier_yet_for_0() -> None:
    assert [labels.tier_name(t) for t in (0, 1, 2, 3)] == [
        "no tier yet",
        "incremental",
        "structural",
        "transformational",
    ]
    with pytest.raises(KeyError):
        labels.tier_name(4)
