"""The bounded reader (`oip.evidence.reading`): whole-file refusals, each naming file, record
and field, before a record is checked. No database."""

from __future__ import annotations

import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from oip.evidence import bounded_yaml, reading
from oip.evidence.reading import EvidenceFile, FileProblem, RecordError, printable
from oip.evidence.records import read_file
from tests.evidence.test_records_import import alias_bomb

HEADER = "country,benchmark,status,observed_on,source_url,source_title"


@pytest.fixture(params=reading.LOADERS, ids=lambda loader: loader.__name__)
def each_loader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run the test with each YAML loader: libyaml's parser and PyYAML's pure-Python one."""
    monkeypatch.setattr(reading, "LOADERS", (request.param,))


def refusal(path: Path) -> RecordError:
    with pytest.raises(FileProblem) as caught:
        list(read_file(path))
    return caught.value.error


def write(tmp_path: Path, name: str, data: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


@pytest.mark.usefixtures("each_loader")
def test_the_alias_bomb_is_refused_at_once_in_little_memory(tmp_path: Path) -> None:
    data = alias_bomb()
    assert len(data) <= 877
    path = write(tmp_path, "bomb.yaml", data)
    tracemalloc.start()
    started = time.perf_counter()
    error = refusal(path)
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert elapsed < 1.0
    assert peak < 2 * 1024 * 1024
    assert (error.file, error.record, error.field) == (str(path), "observations[0]", "note")
    assert error.message == "anchors (&name) are not allowed in evidence files"


@pytest.mark.usefixtures("each_loader")
def test_an_alias_alone_is_refused_naming_its_record_and_field(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "alias.yaml",
        "observations:\n- country: ME\n  source: {title: T}\n- country: ME\n  source: *s\n",
    )
    error = refusal(path)
    assert str(error) == (
        f"{path}: observations[1]: source: aliases (*name) are not allowed in evidence files"
    )


@pytest.mark.usefixtures("each_loader")
def test_tags_and_merge_keys_are_not_yaml_features_of_records(tmp_path: Path) -> None:
    tagged = write(tmp_path, "tag.yaml", "observations:\n- note: !!str 12\n")
    assert str(refusal(tagged)) == (
        f"{tagged}: observations[0]: note: tags (tag:yaml.org,2002:str) are not allowed in "
        "evidence files"
    )
    merged = write(tmp_path, "merge.yaml", "observations:\n- <<: {country: ME}\n")
    [(_, _, raw)] = list(read_file(merged))
    assert raw == {"<<": {"country": "ME"}}  # an unknown field for the checker, not a merge


@pytest.mark.usefixtures("each_loader")
def test_a_key_written_twice_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "twice.yaml", "observations:\n- country: ME\n  country: AL\n")
    assert str(refusal(path)) == (
        f"{path}: observations[0]: country: the same key appears twice in one mapping"
    )
    top = write(tmp_path, "top.yaml", "observations: []\nobservations: []\n")
    assert str(refusal(top)) == (
        f"{top}: line 2: observations: the same key appears twice in one mapping"
    )


@pytest.mark.usefixtures("each_loader")
def test_deep_yaml_is_a_clear_message_not_a_recursion_error(tmp_path: Path) -> None:
    path = write(tmp_path, "deep.yaml", "observations:\n- note: " + "[" * 20_000 + "]" * 20_000)
    assert str(refusal(path)) == (
        f"{path}: observations[0]: note.0.0.0.0.0: nested more than 8 levels deep"
    )


def test_a_file_over_its_size_cap_is_refused_unread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(reading.MAX_BYTES, ".yaml", 1000)
    path = write(tmp_path, "big.yaml", "# " + "x" * 1000 + "\nobservations: []\n")
    assert str(refusal(path)) == (
        f"{path}: file: -: larger than 1000 bytes, the limit for a .yaml file: split it"
    )
    assert list(read_file(write(tmp_path, "small.yaml", "observations: []\n"))) == []


def test_the_caps_are_the_documented_ones() -> None:
    assert reading.MAX_BYTES == {
        ".yaml": 4 * 1024 * 1024,
        ".yml": 4 * 1024 * 1024,
        ".csv": 128 * 1024 * 1024,
    }


def test_the_file_is_read_once_so_both_passes_see_the_same_bytes(tmp_path: Path) -> None:
    path = write(tmp_path, "e.csv", f"{HEADER}\nME,b,met,2024-01-01,https://x.org,T\n")
    with EvidenceFile(path) as file:
        first = list(file.records())
        path.write_text(f"{HEADER}\nAL,c,partial,2024-01-02,https://y.org,U\nXK,d,met,,,\n")
        second = list(file.records())
    assert first == second
    assert [raw["country"] for _, _, raw in second] == ["ME"]


def test_a_csv_column_named_twice_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "twice.csv", f"{HEADER},note,note\nME,b,met,2024-01-01,,T,a,b\n")
    assert str(refusal(path)) == (f"{path}: line 1: header: column(s) named more than once: note")


def test_a_cr_only_csv_gets_a_message_a_person_understands(tmp_path: Path) -> None:
    path = write(tmp_path, "mac.csv", f"{HEADER}\rME,b,met,2024-01-01,https://x.org,T\r")
    assert str(refusal(path)) == (
        f"{path}: line 1: -: the lines end with a carriage return (CR) only, an old Mac "
        "format: save the file with LF or CRLF line endings"
    )
    stray = write(tmp_path, "stray.csv", f"{HEADER}\nME,b,met,2024-01-01,https://x.org,T\rU\n")
    error = refusal(stray)
    assert (error.record, error.field) == ("line 2", "-")
    assert error.message.startswith("a carriage return (CR) inside a field that is not in")
    assert "newline=''" not in error.message


def test_crlf_and_a_source_kind_column_are_read(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "e.csv",
        f"{HEADER},source_kind\r\nME,b,met,2024-01-01,,T,measured\r\n",
    )
    [(kind, label, raw)] = list(read_file(path))
    assert (kind, label) == ("observation", "line 2")
    assert raw["source"] == {
        "url": "",
        "title": "T",
        "publisher": "",
        "published_on": "",
        "excerpt": "",
        "kind": "measured",
    }


@pytest.mark.usefixtures("each_loader")
def test_unquoted_booleans_and_numbers_keep_what_was_written(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "types.yaml",
        "observations:\n- {country: NO, note: 12, status: yes, observed_on: 2024-01-01, x: ~}\n",
    )
    [(_, _, raw)] = list(read_file(path))
    assert raw == {
        "country": reading.NotText("boolean", "NO"),
        "note": reading.NotText("integer", "12"),
        "status": reading.NotText("boolean", "yes"),
        "observed_on": "2024-01-01",
        "x": None,
    }


@pytest.mark.usefixtures("each_loader")
def test_messages_never_carry_a_terminal_escape(tmp_path: Path) -> None:
    path = write(tmp_path, "esc.yaml", 'observations: []\n"\\e[2J": 1\n')
    message = str(refusal(path))
    assert "\x1b" not in message
    assert message == f"{path}: file: \\x1b[2J: unknown top-level key"


@given(st.text())
def test_printable_leaves_no_control_character(text: str) -> None:
    shown = printable(text)
    assert not any((0 <= ord(c) < 32 and c not in "\t\n") or 127 <= ord(c) < 160 for c in shown)
    if not any((ord(c) < 32 and c not in "\t\n") or 127 <= ord(c) < 160 for c in text):
        assert shown == text


plain_text = st.text(st.characters(exclude_categories=("Cs", "Cc")), max_size=30)


@given(
    st.lists(
        st.dictionaries(
            st.sampled_from(["country", "benchmark", "note", "status"]), plain_text, max_size=4
        ),
        max_size=4,
    )
)
def test_yaml_without_shared_objects_reads_as_plain_yaml_would(
    records: list[dict[str, str]],
) -> None:
    """Property: for text values (no aliases possible), each bounded loader reads exactly what
    PyYAML's safe loader reads."""
    text = yaml.safe_dump({"observations": records}, allow_unicode=True)
    expected = yaml.safe_load(text)
    for loader in reading.LOADERS:
        assert bounded_yaml.load(text, loader) == expected


def test_the_reader_and_checker_load_without_django() -> None:
    code = (
        "import sys, oip.evidence.records, oip.evidence.reading, oip.evidence.bounded_yaml\n"
        "import oip.site.daterule\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_libyaml_is_used_when_present() -> None:
    assert reading.LOADERS[0].__name__ == (
        "_LibyamlLoader" if yaml.__with_libyaml__ else "_PythonLoader"
    )


@pytest.mark.parametrize(
    "text", ["observations: [", "observations:\n  - {country: ME\n", "observations: @x\n", "\t- a"]
)
def test_malformed_yaml_is_told_in_the_same_words_with_or_without_libyaml(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str
) -> None:
    path = write(tmp_path, "bad.yaml", text)
    with_libyaml = str(refusal(path))
    monkeypatch.setattr(reading, "LOADERS", reading.LOADERS[-1:])
    assert str(refusal(path)) == with_libyaml
    assert ": malformed YAML: " in with_libyaml


@given(st.integers(0, 40))
def test_nesting_is_refused_exactly_beyond_the_limit(levels: int) -> None:
    """Property: a note nested `levels` lists deep sits at depth levels + 4 (document,
    observations, record, note) and is refused exactly when that exceeds MAX_DEPTH."""
    text = "observations:\n- note: " + "[" * levels + "x" + "]" * levels + "\n"
    for loader in reading.LOADERS:
        if levels + 4 <= bounded_yaml.MAX_DEPTH:
            bounded_yaml.load(text, loader)
            continue
        with pytest.raises(bounded_yaml.Refused) as refused:
            bounded_yaml.load(text, loader)
        assert refused.value.message == "nested more than 8 levels deep"
        assert refused.value.trail[:3] == ["observations", 0, "note"]


@given(
    st.lists(st.sampled_from(["country", "note", "status", "x"]), min_size=1, max_size=6),
    st.sampled_from(reading.LOADERS),
)
def test_a_mapping_is_refused_exactly_when_a_key_repeats(keys: list[str], loader: type) -> None:
    text = "observations:\n- {" + ", ".join(f"{key}: v" for key in keys) + "}\n"
    repeats = [k for i, k in enumerate(keys) if k in keys[:i]]
    if not repeats:
        bounded_yaml.load(text, loader)
        return
    with pytest.raises(bounded_yaml.Refused) as refused:
        bounded_yaml.load(text, loader)
    assert refused.value.trail == ["observations", 0, repeats[0]]
    assert refused.value.message == "the same key appears twice in one mapping"
