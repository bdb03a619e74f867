"""Region analytics over the engine's standings, and the rules the pages and reports share.

Pure: no Django. `analytics` (divergence, gaps, blockers, priorities, the region summary),
`milestones` (progress per country), `who` (who must act), `coverage` (what is assessed),
`leaders` (leaders and trailing), `achieved` (who achieved a target), `dates` (a year earlier).
"""

from oip.region.achieved import achieved_by
from oip.region.analytics import (
    AreaDivergence,
    Blocker,
    Gap,
    Priority,
    RegionSummary,
    blockers,
    divergence,
    priorities,
    region,
    region_at,
    uniformity_gaps,
)
from oip.region.coverage import Coverage, area_coverage, coverage
from oip.region.dates import year_earlier
from oip.region.leaders import leaders, trailing
from oip.region.milestones import CountryMilestone, MilestoneProgress, milestone_progress
from oip.region.who import EU_SIDE, WhoMustAct, who_must_act

__all__ = [
    "EU_SIDE",
    "AreaDivergence",
    "Blocker",
    "CountryMilestone",
    "Coverage",
    "Gap",
    "MilestoneProgress",
    "Priority",
    "RegionSummary",
    "WhoMustAct",
    "achieved_by",
    "area_coverage",
    "blockers",
    "coverage",
    "divergence",
    "leaders",
    "milestone_progress",
    "priorities",
    "region",
    "region_at",
    "trailing",
    "uniformity_gaps",
    "who_must_act",
    "year_earlier",
]
