"""The completeness check of a referral: is it actionable, or too thin to submit? (EXCHANGE.md §3.4)

Pure: no Django. A referral to the EPPO missing the description of the facts, the assessment of
the damage or the possible legal qualification cannot be submitted (Regulation (EU) 2017/1939
Art. 24(1), adopted as the shared format). The template's JSON Schema already requires these
fields; this check gives each gap a message a prosecutor can act on, and adds the competence
thresholds a schema cannot say well:

- a damage of `unknown` needs a reason;
- below EUR 10,000 the referral says why the EPPO should act (Art. 25(2): repercussions at
  Union level, or Union officials suspected);
- VAT fraud is within the EPPO's competence only with a total damage of at least EUR 10 million
  connected with two or more Member States (Art. 22(1); Directive (EU) 2017/1371 Art. 2(2));
- expenditure fraud names the EU funds concerned (the memo: "when EU-funded programmes are
  implicated").

Call it after `Template.validate`; where both answer for the same pointer, show this message.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, Final

from oip.liaison.templates import PayloadError

__all__ = [
    "PIF_THRESHOLD_EUR",
    "VAT_MIN_MEMBER_STATES",
    "VAT_THRESHOLD_EUR",
    "completeness",
]

PIF_THRESHOLD_EUR: Final = Decimal(10_000)
"""Regulation (EU) 2017/1939 Art. 25(2): below it, only with Union-level repercussions or
Union officials suspected."""

VAT_THRESHOLD_EUR: Final = Decimal(10_000_000)
"""Regulation (EU) 2017/1939 Art. 22(1), Directive (EU) 2017/1371 Art. 2(2): VAT fraud."""

VAT_MIN_MEMBER_STATES: Final = 2
"""... connected with the territory of two or more Member States (same articles)."""

EXPENDITURE_OFFENCES: Final = frozenset(
    {"fraud-expenditure-non-procurement", "fraud-expenditure-procurement"}
)

FACTS = "Art. 24(1) EPPO Regulation asks for a description of the facts"
DAMAGE = (
    "Art. 24(1) EPPO Regulation asks for an assessment of the damage caused or likely to be "
    "caused: give damage.assessed_eur in EUR, or `unknown` with a reason"
)
QUALIFICATION = (
    "Art. 24(1) EPPO Regulation asks for the possible legal qualification: the PIF offence "
    "and the national provision"
)


def _text(value: object) -> bool:
    return isinstance(value, str) and value.strip() != ""


def _amount(value: object) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return Decimal(str(value))


def _facts(payload: Mapping[str, Any]) -> list[PayloadError]:
    facts = payload.get("facts")
    if not isinstance(facts, Mapping):
        return [PayloadError("/facts", f"{FACTS}: what happened, when and where")]
    errors = []
    if not _text(facts.get("description")):
        errors.append(PayloadError("/facts/description", f"{FACTS}: what happened"))
    if not _text(facts.get("period_from")):
        errors.append(PayloadError("/facts/period_from", f"{FACTS}: since when"))
    if not isinstance(facts.get("places"), list) or not facts["places"]:
        errors.append(PayloadError("/facts/places", f"{FACTS}: where (at least one country)"))
    return errors


def _damage(payload: Mapping[str, Any]) -> list[PayloadError]:
    damage = payload.get("damage")
    if not isinstance(damage, Mapping):
        return [PayloadError("/damage", DAMAGE)]
    errors = []
    assessed = damage.get("assessed_eur")
    amount = _amount(assessed)
    if assessed == "unknown":
        if not _text(damage.get("unknown_reason")):
            errors.append(
                PayloadError(
                    "/damage/unknown_reason",
                    "a damage of `unknown` needs the reason it cannot be assessed yet "
                    "(Art. 24(1) EPPO Regulation asks for an assessment of the damage)",
                )
            )
    elif amount is None or amount < 0:
        errors.append(PayloadError("/damage/assessed_eur", DAMAGE))
    if not _text(damage.get("basis")):
        errors.append(PayloadError("/damage/basis", "say how the damage was assessed (Art. 24(1))"))
    if amount is not None and 0 <= amount < PIF_THRESHOLD_EUR:
        grounds = damage.get("below_threshold_grounds")
        if not isinstance(grounds, list) or not grounds:
            errors.append(
                PayloadError(
                    "/damage/below_threshold_grounds",
                    "Art. 25(2) EPPO Regulation: below EUR 10,000 the EPPO acts only if the "
                    "offence has repercussions at Union level or Union officials are "
                    "suspected: say which",
                )
            )
    return errors


def _qualification(payload: Mapping[str, Any]) -> list[PayloadError]:
    qualification = payload.get("legal_qualification")
    if not isinstance(qualification, Mapping):
        return [PayloadError("/legal_qualification", QUALIFICATION)]
    errors = []
    if not _text(qualification.get("offence")):
        errors.append(PayloadError("/legal_qualification/offence", QUALIFICATION))
    if not _text(qualification.get("national_provision")):
        errors.append(PayloadError("/legal_qualification/national_provision", QUALIFICATION))
    return errors


def _offence(payload: Mapping[str, Any]) -> str | None:
    qualification = payload.get("legal_qualification")
    if isinstance(qualification, Mapping) and isinstance(qualification.get("offence"), str):
        return str(qualification["offence"])
    return None


def _vat(payload: Mapping[str, Any]) -> list[PayloadError]:
    if _offence(payload) != "fraud-revenue-vat":
        return []
    damage = payload.get("damage")
    if not isinstance(damage, Mapping):
        return []  # already reported by _damage
    errors = []
    amount = _amount(damage.get("assessed_eur"))
    if amount is not None and amount < VAT_THRESHOLD_EUR:
        errors.append(
            PayloadError(
                "/damage/assessed_eur",
                "Art. 22(1) EPPO Regulation: VAT fraud is within the EPPO's competence only "
                "with a total damage of at least EUR 10 million",
            )
        )
    states = damage.get("vat_member_states")
    if not isinstance(states, list) or len(set(map(str, states))) < VAT_MIN_MEMBER_STATES:
        errors.append(
            PayloadError(
                "/damage/vat_member_states",
                "Art. 22(1) EPPO Regulation: VAT fraud is within the EPPO's competence only "
                "when connected with the territory of two or more Member States: name them",
            )
        )
    return errors


def _funds(payload: Mapping[str, Any]) -> list[PayloadError]:
    if _offence(payload) not in EXPENDITURE_OFFENCES:
        return []
    if isinstance(payload.get("eu_funds"), Mapping):
        return []
    return [
        PayloadError(
            "/eu_funds",
            "expenditure fraud: name the EU programme, the project or contract and the "
            "managing or contracting authority",
        )
    ]


Check = Callable[[Mapping[str, Any]], list[PayloadError]]

CHECKS: Final[Mapping[tuple[str, str], tuple[Check, ...]]] = {
    ("eppo-referral", "referral"): (_facts, _damage, _qualification, _vat, _funds),
}


def completeness(template_id: str, stage: str, payload: Mapping[str, Any]) -> list[PayloadError]:
    """Return why `payload` is too thin to submit as `stage` of `template_id` ([] = complete).

    Sorted by pointer, then message. Templates and stages without a completeness rule (all but
    the EPPO referral) are always complete. Never raises on malformed payloads: a field of the
    wrong type counts as missing.
    """
    errors = [error for check in CHECKS.get((template_id, stage), ()) for error in check(payload)]
    return sorted(errors, key=lambda e: (e.pointer, e.message))
