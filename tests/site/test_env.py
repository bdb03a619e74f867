"""`oip.site.env`: unset means the default, a set value parses strictly or is refused by name."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from hypothesis import given
from hypothesis import strategies as st

from oip.site.env import env_bool, env_float, env_int, env_list, env_str

NAME = "OIP_H3_TEST_VALUE"


@pytest.fixture
def setenv(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    def put(value: str | None) -> None:
        if value is None:
            monkeypatch.delenv(NAME, raising=False)
        else:
            monkeypatch.setenv(NAME, value)

    return put


@pytest.mark.parametrize("value", [None, "", "   "])
def test_unset_or_blank_gives_the_default(setenv, value: str | None) -> None:  # type: ignore[no-untyped-def]
    setenv(value)
    assert env_str(NAME, "d") == "d"
    assert env_bool(NAME, True) is True
    assert env_list(NAME, ["x"]) == ["x"]
    assert env_int(NAME, 7) == 7
    assert env_float(NAME, 0.5) == 0.5


@given(number=st.integers(min_value=-(10**17), max_value=10**17), pad=st.sampled_from(["", " "]))
def test_whole_numbers_round_trip(number: int, pad: str) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(NAME, f"{pad}{number}{pad}")
        assert env_int(NAME, 0) == number


@given(number=st.floats(allow_nan=False, allow_infinity=False))
def test_finite_numbers_round_trip(number: float) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(NAME, repr(number))
        assert env_float(NAME, 0.0) == number


@given(
    text=st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=12).filter(
        lambda t: any(not (c.isascii() and c.isdigit()) for c in t.strip().lstrip("+-"))
    )
)
def test_anything_but_decimal_digits_is_refused_naming_the_variable(text: str) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(NAME, text)
        if text.strip() == "":
            assert env_int(NAME, 4) == 4
            return
        with pytest.raises(ImproperlyConfigured) as refused:
            env_int(NAME, 0)
        assert str(refused.value) == f"{NAME} must be a whole number, got {text.strip()!r}"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("8", "OIP_H3_TEST_VALUE must be a whole number from 1 to 5, got '8'"),
        ("0", "OIP_H3_TEST_VALUE must be a whole number from 1 to 5, got '0'"),
        ("1e3", "OIP_H3_TEST_VALUE must be a whole number from 1 to 5, got '1e3'"),
        ("３", "OIP_H3_TEST_VALUE must be a whole number from 1 to 5, got '３'"),
    ],
)
def test_bounds_and_exact_messages(setenv, value: str, message: str) -> None:  # type: ignore[no-untyped-def]
    setenv(value)
    with pytest.raises(ImproperlyConfigured) as refused:
        env_int(NAME, 3, minimum=1, maximum=5)
    assert str(refused.value) == message


@pytest.mark.parametrize("value", ["inf", "-inf", "nan", "two", "1,5"])
def test_floats_must_be_finite_numbers(setenv, value: str) -> None:  # type: ignore[no-untyped-def]
    setenv(value)
    with pytest.raises(ImproperlyConfigured) as refused:
        env_float(NAME, 1.0, minimum=0)
    assert str(refused.value) == f"{NAME} must be a number of at least 0, got {value!r}"


@pytest.mark.parametrize(
    ("value", "expected"), [("YES", True), (" on ", True), ("0", False), ("Off", False)]
)
def test_booleans(setenv, value: str, expected: bool) -> None:  # type: ignore[no-untyped-def]
    setenv(value)
    assert env_bool(NAME, not expected) is expected


def test_a_bad_boolean_is_refused(setenv) -> None:  # type: ignore[no-untyped-def]
    setenv("maybe")
    with pytest.raises(ImproperlyConfigured, match="OIP_H3_TEST_VALUE must be a boolean"):
        env_bool(NAME, False)


def test_lists_are_stripped_and_skip_empty_items(setenv) -> None:  # type: ignore[no-untyped-def]
    setenv(" a, ,b ,, c")
    assert env_list(NAME, []) == ["a", "b", "c"]
