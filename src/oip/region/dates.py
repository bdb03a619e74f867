"""The calendar rule the region's comparisons use. Pure: no Django.

`year_earlier` lives with the engine's progress rule (`change_12m` uses it too); the trend of an
area and a report's default "changes since" both compare with that day.
"""

from __future__ import annotations

from oip.conditionality.progress import year_earlier

__all__ = ["year_earlier"]
