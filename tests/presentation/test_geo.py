"""The WB6 tier map: structure, accessibility, CSP safety, unique ids."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from oip.presentation.geo import focus_codes, map_svg

SVG = "{http://www.w3.org/2000/svg}"
SIX = ("AL", "BA", "XK", "ME", "MK", "RS")
NAMES = {
    "AL": "Albania",
    "BA": "Bosnia and Herzegovina",
    "XK": "Kosovo",
    "ME": "Montenegro",
    "MK": "North Macedonia",
    "RS": "Serbia",
}
TIERS: dict[str, int | None] = {"AL": 1, "BA": 0, "XK": None, "ME": 2, "MK": 3, "RS": 2}
STATUSES = {"ME": "on_notice", "RS": "suspended", "AL": "active"}
LINKS = {code: f"/countries/{code}/?area=cyber&x=1" for code in SIX}


def _map(prefix: str = "map", **kwargs: object) -> str:
    args: dict[str, object] = {
        "names": NAMES,
        "title": "Cybersecurity: tier per country",
        "links": LINKS,
        "statuses": STATUSES,
        "id_prefix": prefix,
    }
    args.update(kwargs)
    return map_svg(TIERS, **args)  # type: ignore[arg-type]


def _country_groups(root: ET.Element) -> dict[str, ET.Element]:
    return {g.get("data-code", ""): g for g in root.iter(f"{SVG}g") if g.get("class") == "country"}


def test_shipped_geometry_has_the_six_and_neighbours() -> None:
    assert sorted(focus_codes()) == sorted(SIX)


def test_parses_as_xml_with_accessible_name() -> None:
    root = ET.fromstring(_map(links=None))
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "map-title map-desc"
    assert root.find(f"{SVG}title").text == "Cybersecurity: tier per country"  # type: ignore[union-attr]
    desc = root.find(f"{SVG}desc").text  # type: ignore[union-attr]
    assert desc == (
        "Tier per country. Albania: tier 1 incremental; Bosnia and Herzegovina: no tier yet; "
        "Kosovo: not assessed; Montenegro: tier 2 structural (on notice); "
        "North Macedonia: tier 3 transformational; Serbia: tier 2 structural (suspended)."
    )


def test_exactly_six_linked_country_shapes() -> None:
    root = ET.fromstring(_map())
    anchors = list(root.iter(f"{SVG}a"))
    assert len(anchors) == 6
    hrefs = sorted(a.get("href") for a in anchors)  # type: ignore[type-var]
    assert hrefs == sorted(LINKS.values())
    for a in anchors:
        assert len(list(a.iter(f"{SVG}path"))) in (1, 2)  # base colour (+ pattern overlay)
    # Interactive children must stay reachable: not role=img when linked.
    assert root.get("role") == "group"
    # The & in the link is escaped in the markup.
    assert "?area=cyber&amp;x=1" in _map()


def test_no_links_no_anchors() -> None:
    assert "<a " not in _map(links=None)


def test_each_of_the_six_has_a_title_with_tier_and_status() -> None:
    groups = _country_groups(ET.fromstring(_map()))
    titles = {code: g.find(f"{SVG}title").text for code, g in groups.items()}  # type: ignore[union-attr]
    assert titles == {
        "AL": "Albania: tier 1 incremental",
        "BA": "Bosnia and Herzegovina: no tier yet",
        "XK": "Kosovo: not assessed",
        "ME": "Montenegro: tier 2 structural (on notice)",
        "MK": "North Macedonia: tier 3 transformational",
        "RS": "Serbia: tier 2 structural (suspended)",
    }


def test_labels_and_status_marks() -> None:
    svg = _map()
    texts = [t.text for t in ET.fromstring(svg).iter(f"{SVG}text")]
    for label in ("AL 1", "BA 0", "XK", "ME 2", "MK 3", "RS 2"):
        assert texts.count(label) == 1
    # not assessed in words, on Kosovo's plate and in the legend; never "n/a"
    assert texts.count("not assessed") == 2
    assert not any("n/a" in (t or "") for t in texts)
    # one "!" and one "×" beside labels, plus one of each in the legend
    assert texts.count("!") == 2
    assert texts.count("×") == 2
    # MK (tier 3, darkest fill) has white text; the others dark text
    mk = next(t for t in ET.fromstring(svg).iter(f"{SVG}text") if t.text == "MK 3")
    al = next(t for t in ET.fromstring(svg).iter(f"{SVG}text") if t.text == "AL 1")
    assert mk.get("fill") == "#ffffff"
    assert al.get("fill") == "#111111"


def test_labels_say_tier_and_score_and_not_assessed_in_words() -> None:
    # XK is not assessed: a score given for it is never shown; RS has no score (None).
    scores = {"AL": 37.5, "BA": 20.0, "XK": 55.0, "ME": 0.0, "MK": 100.0, "RS": None}
    texts = [t.text for t in ET.fromstring(_map(scores=scores)).iter(f"{SVG}text")]
    labels = sorted(t for t in texts if t and t[:2] in SIX)
    assert labels == ["AL 1 · 37.5", "BA 0 · 20", "ME 2 · 0", "MK 3 · 100", "RS 2", "XK"]
    assert texts.count("not assessed") == 2
    assert not any("55" in (t or "") for t in texts)


def test_legend_lists_every_tier_and_not_assessed() -> None:
    texts = [t.text for t in ET.fromstring(_map()).iter(f"{SVG}text")]
    for name in (
        "0 no tier yet",
        "1 incremental",
        "2 structural",
        "3 transformational",
        "not assessed",
        "on notice",
        "suspended",
    ):
        assert name in texts


def test_patterns_differ_per_tier_and_countries_use_them() -> None:
    root = ET.fromstring(_map())
    patterns = {p.get("id"): ET.tostring(p) for p in root.iter(f"{SVG}pattern")}
    # 0 and 3 are plain colours (white, dark); 1, 2 and n/a add marks on top
    assert set(patterns) == {"map-pat-t1", "map-pat-t2", "map-pat-na"}
    bodies = [re.sub(rb'id="[^"]*"', b"", body) for body in patterns.values()]
    assert len(set(bodies)) == 3
    fills = {
        code: tuple(path.get("fill") for path in g.iter(f"{SVG}path"))
        for code, g in _country_groups(root).items()
    }
    assert fills == {
        "AL": ("#cfe3f3", "url(#map-pat-t1)"),
        "BA": ("#f7f7f7",),
        "XK": ("#ffffff", "url(#map-pat-na)"),
        "ME": ("#6baed6", "url(#map-pat-t2)"),
        "MK": ("#08519c",),
        "RS": ("#6baed6", "url(#map-pat-t2)"),
    }
    # every tier and "not assessed" look different (colour + pattern)
    assert len({fills[c] for c in ("AL", "BA", "XK", "ME", "MK")}) == 5


def test_ids_unique_within_and_across_prefixes() -> None:
    one, two = _map("cyber"), _map("fdi")
    ids_one = re.findall(r'\bid="([^"]+)"', one)
    ids_two = re.findall(r'\bid="([^"]+)"', two)
    assert len(ids_one) == len(set(ids_one)) == 6  # title, desc, 3 patterns, clip
    assert not set(ids_one) & set(ids_two)
    assert all(i.startswith("cyber-") for i in ids_one)
    # every url(#...) reference points at an id of the same map
    assert set(re.findall(r"url\(#([^)]+)\)", two)) <= set(ids_two)


def test_csp_safe_and_no_remote_resources() -> None:
    svg = _map()
    assert "style=" not in svg
    assert "<style" not in svg
    assert "<script" not in svg
    assert re.findall(r"https?://[^\s\"'<>]+", svg) == ["http://www.w3.org/2000/svg"]


def test_untrusted_text_is_escaped() -> None:
    svg = map_svg(
        {"ME": 2},
        names={"ME": '<b>"Montenegro"</b>'},
        title="A & B <script>",
        id_prefix="x",
    )
    ET.fromstring(svg)
    assert "<script" not in svg
    assert "&lt;b&gt;" in svg


def test_missing_six_are_not_assessed() -> None:
    groups = _country_groups(ET.fromstring(map_svg({"AL": 3}, names=NAMES, title="t")))
    assert sorted(groups) == sorted(SIX)
    assert groups["RS"].find(f"{SVG}title").text == "Serbia: not assessed"  # type: ignore[union-attr]


@pytest.mark.parametrize("prefix", ["", "1map", 'a"b', "a b"])
def test_bad_prefix_refused(prefix: str) -> None:
    with pytest.raises(ValueError, match="id_prefix"):
        _map(prefix)


def test_bad_tier_and_unsafe_link_refused() -> None:
    with pytest.raises(ValueError, match="tier for ME"):
        map_svg({"ME": 4}, names=NAMES, title="t")
    with pytest.raises(ValueError, match="disallowed scheme"):
        map_svg({"ME": 1}, names=NAMES, title="t", links={"ME": "javascript:alert(1)"})
