"""Accounts, organisations and memberships: the identity the exchange's access rule will read.

- `User` is OIP's own user model (`AUTH_USER_MODEL = "accounts.User"`), Django's standard
  fields for now, so that fields the exchange needs can later be added by this app alone.
- `Organisation` is an EU body (`eu_body`: a catalogue body id, no country), a national
  authority (`national`) or an operator (`operator`), both with a country.
- `Membership` ties a user to an organisation with a role, the areas it covers and a
  clearance (the highest TLP label the member may read), valid over `[valid_from, valid_to)`.
  Outside that period, or outside the organisation's own validity, it gives no rights at all.
- `ApiToken` is a machine client's bearer token, bound to one user and one organisation,
  expiring; only its SHA-256 is stored (the token itself is shown once, when issued).

What a single row can get wrong is refused by the DATABASE (check constraints), whoever writes;
what needs the catalogue or another row (known country codes, body ids, areas, functions) is
checked by `clean()`, which the admin and `full_clean()` run.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import uuid
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from oip.catalogue.fetch import current_catalogue
from oip.catalogue.models import Country
from oip.site import clock
from oip.vocabulary import (
    MEMBERSHIP_ROLES,
    ORGANISATION_FUNCTIONS,
    ORGANISATION_KINDS,
    TLP_LEVELS,
)

NATIONAL_KINDS = tuple(kind for kind in ORGANISATION_KINDS if kind != "eu_body")


class User(AbstractUser):
    """An OIP account: Django's standard user, swapped in while the project is young.

    The OIP administrator is a superuser; everyone else acts through memberships.
    """

    def memberships_at(self, when: dt.datetime | None = None) -> models.QuerySet[Membership]:
        """Return this user's memberships valid at `when` (default now; see `valid_at`)."""
        return Membership.objects.valid_at(when).filter(user=self)


class Organisation(models.Model):
    """An organisation whose members act in OIP; valid over `[valid_from, valid_to)` (days)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=40)
    kind = models.CharField(max_length=16, choices=[(k, k) for k in ORGANISATION_KINDS])
    country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        help_text="the country of a national organisation or an operator; empty for an EU body",
    )
    body = models.CharField(
        max_length=80, blank=True, help_text="the catalogue body id of an EU body, e.g. enisa"
    )
    functions = models.JSONField(default=list, blank=True, help_text="e.g. national_csirt")
    areas = models.JSONField(default=list, blank=True, help_text="catalogue area ids")
    confidential = models.BooleanField(default=True)
    valid_from = models.DateField(default=clock.today)
    valid_to = models.DateField(null=True, blank=True, help_text="first day no longer valid")

    class Meta:
        ordering = ["kind", "country", "short_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ORGANISATION_KINDS), name="organisation_kind_known"
            ),
            models.CheckConstraint(
                condition=(Q(kind="eu_body") & Q(country__isnull=True) & ~Q(body=""))
                | (Q(kind__in=NATIONAL_KINDS) & Q(country__isnull=False) & Q(body="")),
                name="organisation_eu_body_xor_country",
            ),
            models.CheckConstraint(
                condition=~Q(name="") & ~Q(short_name=""), name="organisation_named"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gt=F("valid_from")),
                name="organisation_validity_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.short_name

    def clean(self) -> None:
        """Refuse ids the catalogue does not know and functions outside the vocabulary."""
        catalogue = current_catalogue()
        errors: dict[str, str] = {}
        if self.kind == "eu_body" and self.country_id is not None:
            errors["country"] = "an EU body has no country"
        if self.kind in NATIONAL_KINDS and self.country_id is None:
            errors["country"] = f"a {self.kind} organisation needs a country"
        if self.kind == "eu_body" and self.body not in {b.id for b in catalogue.bodies}:
            errors["body"] = f"unknown catalogue body {self.body!r}"
        if self.kind in NATIONAL_KINDS and self.body:
            errors["body"] = "only an EU body names a catalogue body"
        bad = _unknown(self.functions, ORGANISATION_FUNCTIONS)
        if bad:
            errors["functions"] = f"unknown functions {bad}; known: {list(ORGANISATION_FUNCTIONS)}"
        bad = _unknown(self.areas, [a.id for a in catalogue.areas])
        if bad:
            errors["areas"] = f"unknown areas {bad}"
        if errors:
            raise ValidationError(errors)

    def valid_on(self, day: dt.date) -> bool:
        """Whether the organisation exists on `day`."""
        return self.valid_from <= day and (self.valid_to is None or day < self.valid_to)


class MembershipQuerySet(models.QuerySet["Membership"]):
    def valid_at(self, when: dt.datetime | None = None) -> MembershipQuerySet:
        """Memberships valid at `when` (default now) whose organisation is valid that day.

        Validity is half-open: from `valid_from` inclusive to `valid_to` exclusive.
        """
        moment = clock.now() if when is None else when
        day = moment.astimezone(dt.UTC).date()
        return self.filter(
            Q(valid_from__lte=moment),
            Q(valid_to__isnull=True) | Q(valid_to__gt=moment),
            Q(organisation__valid_from__lte=day),
            Q(organisation__valid_to__isnull=True) | Q(organisation__valid_to__gt=day),
        )


class Membership(models.Model):
    """A user's time-limited place in an organisation: role, areas and clearance (max TLP)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(max_length=24, choices=[(r, r) for r in MEMBERSHIP_ROLES])
    areas = models.JSONField(
        default=list, blank=True, help_text="areas of the organisation this covers"
    )
    clearance = models.CharField(
        max_length=16,
        choices=[(t, t) for t in TLP_LEVELS],
        default="amber",
        help_text="the highest TLP label the member may read",
    )
    valid_from = models.DateTimeField(default=clock.now)
    valid_to = models.DateTimeField(null=True, blank=True, help_text="first instant not valid")
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships_granted",
    )

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["organisation", "user", "valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=MEMBERSHIP_ROLES), name="membership_role_known"
            ),
            models.CheckConstraint(
                condition=Q(clearance__in=TLP_LEVELS), name="membership_clearance_known"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gt=F("valid_from")),
                name="membership_validity_ordered",
            ),
            models.CheckConstraint(
                condition=Q(granted_by__isnull=True) | ~Q(granted_by=F("user")),
                name="membership_not_self_granted",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.role} · {self.organisation}"

    def clean(self) -> None:
        """Refuse areas the organisation does not cover (at least one area is needed)."""
        if not isinstance(self.areas, list) or not self.areas:
            raise ValidationError({"areas": "name at least one area"})
        if self.organisation_id is not None:
            bad = _unknown(self.areas, self.organisation.areas)
            if bad:
                raise ValidationError(
                    {"areas": f"{bad} not covered by {self.organisation.short_name}"}
                )


def _unknown(values: Any, known: Any) -> list[Any]:
    if not isinstance(values, list):
        return [values]
    return [v for v in values if v not in known]


#: How many characters of a token are kept in clear, to tell tokens apart in listings.
TOKEN_PREFIX_LENGTH = 8


def token_digest(token_text: str) -> str:
    """Return the hex SHA-256 of a bearer token: what is stored and looked up, never the token."""
    return hashlib.sha256(token_text.encode("utf-8", "surrogatepass")).hexdigest()


class ApiToken(models.Model):
    """A bearer token of a machine client, bound to one user and one organisation.

    Only `token_hash` (SHA-256 of the token) is stored, and `prefix` (its first characters) for
    listings. A token is usable at an instant when it is not revoked by then and that instant is
    before `expires_at`; whether its user's membership in its organisation is valid then is the
    caller's question (`oip.exchange.auth.TokenAuth` asks it on every request).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_tokens"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="api_tokens"
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(max_length=TOKEN_PREFIX_LENGTH, editable=False)
    created_at = models.DateTimeField(default=clock.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["user", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("created_at")), name="apitoken_expires_after_created"
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | Q(revoked_at__gte=F("created_at")),
                name="apitoken_revoked_after_created",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.prefix}… · {self.user} · {self.organisation}"

    @classmethod
    def issue(
        cls,
        user: User,
        organisation: Organisation,
        lifetime: dt.timedelta,
        now: dt.datetime | None = None,
    ) -> tuple[str, ApiToken]:
        """Create a token for `user` in `organisation`, valid for `lifetime` from `now`.

        Returns the token text (shown once, never stored) and the stored row. A lifetime that
        is not positive is refused with ValueError.
        """
        if lifetime <= dt.timedelta(0):
            raise ValueError(f"a token's lifetime must be positive, got {lifetime}")
        moment = clock.now() if now is None else now
        token_text = secrets.token_urlsafe(32)
        row = cls.objects.create(
            user=user,
            organisation=organisation,
            token_hash=token_digest(token_text),
            prefix=token_text[:TOKEN_PREFIX_LENGTH],
            created_at=moment,
            expires_at=moment + lifetime,
        )
        return token_text, row

    @classmethod
    def lookup(cls, token_text: str) -> ApiToken | None:
        """Return the row of `token_text` (usable or not), or None when no such token exists.

        The row is found by the token's hash; the hashes are then compared in constant time,
        so the answer does not depend on how much of a guess was right.
        """
        digest = token_digest(token_text)
        row = cls.objects.select_related("user", "organisation").filter(token_hash=digest).first()
        if row is None or not hmac.compare_digest(row.token_hash, digest):
            return None
        return row

    def usable_at(self, when: dt.datetime) -> bool:
        """Whether the token may be used at `when`: issued by then, not expired, not revoked."""
        return self.created_at <= when < self.expires_at and (
            self.revoked_at is None or when < self.revoked_at
        )
