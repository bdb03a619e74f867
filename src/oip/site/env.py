"""Typed readers of environment variables, for the settings and the commands that start OIP.

Contract: an unset or empty variable gives the default; a set one is parsed strictly, and
anything that does not parse (or lies outside the stated bounds) raises
`ImproperlyConfigured` whose message names the variable, the value found and what is
expected, never a bare `ValueError` from deep inside a conversion.
"""

from __future__ import annotations

import math
import os
from typing import overload

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off"})


def _raw(name: str) -> str | None:
    value = os.environ.get(name)
    return None if value is None or value.strip() == "" else value


@overload
def env_str(name: str, default: str) -> str: ...
@overload
def env_str(name: str, default: None = None) -> str | None: ...
def env_str(name: str, default: str | None = None) -> str | None:
    """The variable's text as set (not stripped), or `default` when unset or blank."""
    value = _raw(name)
    return default if value is None else value


def env_bool(name: str, default: bool) -> bool:
    """1/true/yes/on or 0/false/no/off (any case), or `default` when unset or blank."""
    value = _raw(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in TRUE_WORDS:
        return True
    if lowered in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {value!r}")


def env_list(name: str, default: list[str]) -> list[str]:
    """Comma-separated items, each stripped, empty ones dropped; `default` when unset."""
    value = _raw(name)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def _bounds(minimum: float | None, maximum: float | None) -> str:
    if minimum is not None and maximum is not None:
        return f" from {minimum} to {maximum}"
    if minimum is not None:
        return f" of at least {minimum}"
    if maximum is not None:
        return f" of at most {maximum}"
    return ""


def _check_bounds(
    name: str, value: str, number: float, minimum: float | None, maximum: float | None, kind: str
) -> None:
    if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
        raise ImproperlyConfigured(
            f"{name} must be {kind}{_bounds(minimum, maximum)}, got {value.strip()!r}"
        )


def env_int(
    name: str, default: int, *, minimum: int | None = None, maximum: int | None = None
) -> int:
    """A whole number written in decimal (e.g. `8000`), within the bounds; else `default`."""
    value = _raw(name)
    if value is None:
        return default
    text = value.strip()
    digits = text[1:] if text[:1] in "+-" else text
    if not (digits.isascii() and digits.isdigit()) or len(digits) > 18:
        raise ImproperlyConfigured(
            f"{name} must be a whole number{_bounds(minimum, maximum)}, got {value.strip()!r}"
        )
    number = int(text)
    _check_bounds(name, value, number, minimum, maximum, "a whole number")
    return number


def env_float(
    name: str, default: float, *, minimum: float | None = None, maximum: float | None = None
) -> float:
    """A finite decimal number (e.g. `2` or `0.5`), within the bounds; else `default`."""
    value = _raw(name)
    if value is None:
        return default
    try:
        number = float(value.strip())
    except ValueError:
        number = math.nan
    if not math.isfinite(number):
        raise ImproperlyConfigured(
            f"{name} must be a number{_bounds(minimum, maximum)}, got {value.strip()!r}"
        )
    _check_bounds(name, value, number, minimum, maximum, "a number")
    return number
