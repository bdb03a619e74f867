"""The exchange's models, re-exported: the store, what goes out, and the audit chain."""

from oip.exchange.models.audit import GENESIS_HASH, AuditEvent, AuditHead
from oip.exchange.models.evidence import BreachSignature, EvidenceLink, HandlingBreach
from oip.exchange.models.exceptional import ExceptionalAddressing
from oip.exchange.models.exercise import (
    AfterActionReport,
    Exercise,
    ExerciseParticipant,
    FollowUp,
    FollowUpClosure,
    Inject,
)
from oip.exchange.models.outbound import WITHDRAWAL_REASONS, EgressRecord, Outbox, Withdrawal
from oip.exchange.models.reachability import ReachabilityTest as ReachabilityTest
from oip.exchange.models.store import (
    AUDIENCES,
    CONTACT_FUNCTIONS,
    EVENT_KINDS,
    SUBMISSION_KINDS,
    Addressee,
    ContactPoint,
    DataKey,
    Delivery,
    ExchangeEvent,
    Notification,
    Submission,
    TemplateVersion,
)

__all__ = [
    "AUDIENCES",
    "CONTACT_FUNCTIONS",
    "EVENT_KINDS",
    "GENESIS_HASH",
    "SUBMISSION_KINDS",
    "WITHDRAWAL_REASONS",
    "Addressee",
    "AfterActionReport",
    "AuditEvent",
    "AuditHead",
    "BreachSignature",
    "ContactPoint",
    "DataKey",
    "Delivery",
    "EgressRecord",
    "EvidenceLink",
    "ExceptionalAddressing",
    "ExchangeEvent",
    "Exercise",
    "ExerciseParticipant",
    "FollowUp",
    "FollowUpClosure",
    "HandlingBreach",
    "Inject",
    "Notification",
    "Outbox",
    "Submission",
    "TemplateVersion",
    "Withdrawal",
]
