"""OIP's one vocabulary: every enumerated word the rules, the store, the API and the pages use.

Pure (no Django, no shell package). Each word list is a `Literal` type, for mypy and the API
schemas, and the tuple of its values in their display order, for model choices, validators
and labels; the tuple is derived from the type, so the two cannot drift apart. Human wording
for each value lives in `oip.presentation.labels`, keyed by these values.
"""

from __future__ import annotations

from typing import Final, Literal, get_args

Who = Literal["eu", "country", "joint"]
BenchmarkKind = Literal["legal", "institutional", "operational", "track_record", "integrity"]
TargetSource = Literal["menu", "memo-text", "op-ed"]
Scope = Literal["country", "region"]
ObservationStatus = Literal["met", "partial", "not_met", "not_applicable"]
# `expired`: a `met` past its validity (needs renewing, never "not met"); `presumed`: a presumed
# integrity benchmark with no observation ("no breach recorded"); `unknown`: no observation.
BenchmarkStatus = Literal[
    "met", "partial", "not_met", "expired", "not_applicable", "presumed", "unknown"
]
StandingStatus = Literal["stable", "on_notice", "suspended"]
ChangeKind = Literal["advanced", "on_notice", "restored", "fell", "suspended"]
SourceKind = Literal["public", "measured", "restricted"]
# Identity (oip.accounts): what an organisation is, what it does, a member's role, and the
# Traffic Light Protocol 2.0 labels in rising order (a clearance is the highest one allowed).
OrganisationKind = Literal["eu_body", "national", "operator"]
OrganisationFunction = Literal[
    "national_csirt",
    "cyber_authority",
    "fdi_screening_authority",
    "prosecution_service",
    "fiu",
    "aro",
    "customs",
    "fimi_liaison_point",
    "media_regulator",
]
MembershipRole = Literal[
    "officer", "liaison_manager", "contact_point", "analyst", "org_admin", "auditor"
]
Tlp = Literal["clear", "green", "amber", "amber+strict", "red"]

WHO: Final[tuple[Who, ...]] = get_args(Who)
BENCHMARK_KINDS: Final[tuple[BenchmarkKind, ...]] = get_args(BenchmarkKind)
TARGET_SOURCES: Final[tuple[TargetSource, ...]] = get_args(TargetSource)
OBSERVATION_STATUSES: Final[tuple[ObservationStatus, ...]] = get_args(ObservationStatus)
BENCHMARK_STATUSES: Final[tuple[BenchmarkStatus, ...]] = get_args(BenchmarkStatus)
STANDING_STATUSES: Final[tuple[StandingStatus, ...]] = get_args(StandingStatus)
CHANGE_KINDS: Final[tuple[ChangeKind, ...]] = get_args(ChangeKind)
SOURCE_KINDS: Final[tuple[SourceKind, ...]] = get_args(SourceKind)
ORGANISATION_KINDS: Final[tuple[OrganisationKind, ...]] = get_args(OrganisationKind)
ORGANISATION_FUNCTIONS: Final[tuple[OrganisationFunction, ...]] = get_args(OrganisationFunction)
MEMBERSHIP_ROLES: Final[tuple[MembershipRole, ...]] = get_args(MembershipRole)
TLP_LEVELS: Final[tuple[Tlp, ...]] = get_args(Tlp)

#: Tier levels and their names in the memo's words; 0 is "no tier yet".
TIER_NAMES: Final[dict[int, str]] = {
    0: "none",
    1: "incremental",
    2: "structural",
    3: "transformational",
}
