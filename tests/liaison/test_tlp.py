"""TLP 2.0 in the liaison core: the order, the handling table, STIX ids and MISP tags."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oip.liaison.tlp import (
    HANDLING,
    OPENCTI_AMBER_STRICT,
    UnknownMarking,
    at_most,
    from_misp_tag,
    from_stix_marking,
    from_stix_markings,
    max_tlp,
    min_tlp,
    misp_tag,
    parse_tlp,
    rank,
    stix_marking_id,
)
from oip.vocabulary import TLP_LEVELS, Tlp

tlps = st.sampled_from(TLP_LEVELS)


def test_levels_rise_from_clear_to_red() -> None:
    assert [rank(t) for t in ("clear", "green", "amber", "amber+strict", "red")] == [0, 1, 2, 3, 4]
    assert max_tlp("green", "amber+strict") == "amber+strict"
    assert min_tlp("green", "amber+strict") == "green"
    assert at_most("amber", "amber") is True
    assert at_most("amber+strict", "amber") is False


@settings(max_examples=500)
@given(tlps, tlps)
def test_max_and_min_agree_with_rank(a: Tlp, b: Tlp) -> None:
    high, low = max_tlp(a, b), min_tlp(a, b)
    assert {high, low} == {a, b}
    assert rank(high) >= rank(low)
    assert at_most(low, high) is True
    assert at_most(a, b) is (rank(a) <= rank(b))


def test_stix_tlp2_ids_are_the_oasis_marking_definitions() -> None:
    assert stix_marking_id("clear") == "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487"
    assert stix_marking_id("green") == "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"
    assert stix_marking_id("amber") == "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"
    assert (
        stix_marking_id("amber+strict")
        == "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003"
    )
    assert stix_marking_id("red") == "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"


@pytest.mark.parametrize(
    ("marking", "level"),
    [
        ("marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9", "clear"),
        ("marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da", "green"),
        ("marking-definition--f88d31f6-486f-44da-b317-01333bde0b82", "amber"),
        ("marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed", "red"),
        ("marking-definition--826578e1-40ad-459f-bc73-ede076f81f37", "amber+strict"),
        ("marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003", "amber+strict"),
    ],
)
def test_tlp1_and_opencti_ids_map_to_levels(marking: str, level: str) -> None:
    assert from_stix_marking(marking) == level


@settings(max_examples=500)
@given(tlps)
def test_export_id_reads_back_as_the_same_level(level: Tlp) -> None:
    assert from_stix_marking(stix_marking_id(level)) == level


def test_unknown_marking_is_refused_not_guessed() -> None:
    with pytest.raises(UnknownMarking, match="unknown TLP marking definition"):
        from_stix_marking("marking-definition--00000000-0000-4000-8000-000000000000")


def test_object_markings_take_the_most_restrictive_and_refuse_missing_ones() -> None:
    pap = "marking-definition--11111111-1111-4111-8111-111111111111"
    refs = [stix_marking_id("green"), OPENCTI_AMBER_STRICT, pap]
    assert from_stix_markings(refs, others=[pap]) == "amber+strict"
    with pytest.raises(UnknownMarking, match="no TLP marking"):
        from_stix_markings([pap], others=[pap])
    with pytest.raises(UnknownMarking):
        from_stix_markings([pap])


def test_misp_tags_use_the_tlp_taxonomy() -> None:
    assert misp_tag("amber+strict") == "tlp:amber+strict"
    assert misp_tag("clear") == "tlp:clear"
    assert from_misp_tag("tlp:white") == "clear"
    assert from_misp_tag("TLP:AMBER+STRICT") == "amber+strict"
    with pytest.raises(UnknownMarking):
        from_misp_tag("tlp:ex:chr")
    with pytest.raises(UnknownMarking):
        from_misp_tag("rsit:malicious-code")
    assert parse_tlp("TLP:RED") == "red"


def test_handling_table_is_section_6_4() -> None:
    rows = {
        t: (h.readers, h.encrypted_at_rest, h.reads_audited, h.export, h.taxii, h.attachments)
        for t, h in HANDLING.items()
    }
    assert rows == {
        "clear": ("members", False, False, "yes", True, True),
        "green": ("community", True, False, "yes", True, True),
        "amber": ("addressees", True, True, "watermarked", True, True),
        "amber+strict": ("addressees", True, True, "watermarked_encrypted", True, True),
        "red": ("named", True, True, "no", False, False),
    }
    assert HANDLING["red"].key_class == "red"
    assert HANDLING["red"].step_up is True
    assert HANDLING["amber"].egress_recorded is True
    assert HANDLING["amber+strict"].min_clearance == "amber+strict"
    assert HANDLING["green"].onward_consent == "community"
    assert HANDLING["amber"].onward_consent == "clients"
