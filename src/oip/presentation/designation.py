"""Kosovo's designation: the EU's standard footnote, due wherever the name appears.

Every page, download and report that names Kosovo marks the name with an asterisk where
practical and carries `KOSOVO_NOTE` once (pure: no Django).
"""

from __future__ import annotations

from typing import Final

KOSOVO: Final = "XK"
KOSOVO_NOTE: Final = (
    "This designation is without prejudice to positions on status, and is in line with "
    "UNSCR 1244/1999 and the ICJ Opinion on the Kosovo declaration of independence."
)
KOSOVO_FOOTNOTE: Final = f"* Kosovo: {KOSOVO_NOTE}"


def names_kosovo(country: str | None) -> bool:
    """True when a list narrowed to `country` (None: every country) can name Kosovo."""
    return country is None or country == KOSOVO
