"""The administrator's named actions on organisations, people and tokens (EXCHANGE.md §10).

`add_organisation`, `add_user`, `issue_token` and `revoke_token` check everything first and raise `Refused`
naming the command-line argument at fault (`ID`, `--areas`, ...); then they write in one
transaction with their audit row (`oip.exchange.audit`, actions `org.add`, `user.add`,
`token.issue`, `token.revoke`), so a refused call leaves nothing behind. The commands of `oip.exchange.cli.org`,
`.user` and `.token` call them and nothing else.

An organisation's `ID` is its `short_name`, unique (compared case-insensitively) among
organisations; it is what `--org` names.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction

from oip.accounts.models import ApiToken, Membership, Organisation
from oip.catalogue.fetch import current_catalogue
from oip.catalogue.models import Country
from oip.exchange import audit
from oip.site import clock
from oip.vocabulary import MEMBERSHIP_ROLES, ORGANISATION_FUNCTIONS, TLP_LEVELS

#: The kinds of organisation the `org add` command creates (operators are not exchange parties).
ORG_KINDS = ("eu_body", "national")
ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}")
#: The longest a token may live.
MAX_TOKEN_LIFETIME = dt.timedelta(days=365)
#: Who the audit chain names for the administrator's commands (they run with database rights).
COMMAND_LINE = {"via": "oip exchange"}


class Refused(Exception):
    """A refused request: `argument` names the command-line argument at fault."""

    def __init__(self, argument: str, message: str) -> None:
        super().__init__(f"{argument}: {message}")
        self.argument = argument
        self.message = message


def find_organisation(org_id: str, argument: str = "--org") -> Organisation:
    """The organisation whose ID (short name) is `org_id`, compared case-insensitively."""
    found = list(Organisation.objects.filter(short_name__iexact=org_id)[:2])
    if len(found) != 1:
        raise Refused(argument, f"no organisation {org_id!r} (see the IDs given to `org add`)")
    return found[0]


def _areas(areas: Sequence[str], argument: str, allowed: Sequence[str] | None = None) -> list[str]:
    if not areas:
        raise Refused(argument, "name at least one area")
    known = [a.id for a in current_catalogue().areas] if allowed is None else list(allowed)
    unknown = [a for a in areas if a not in known]
    if unknown:
        where = "known areas" if allowed is None else "the organisation's areas"
        raise Refused(argument, f"unknown areas {unknown}; {where}: {', '.join(known)}")
    return list(dict.fromkeys(areas))


def add_organisation(
    org_id: str,
    *,
    name: str,
    kind: str,
    areas: Sequence[str],
    country: str | None = None,
    body: str | None = None,
    functions: Sequence[str] = (),
) -> Organisation:
    """Create the organisation `org_id` (its short name); return it.

    A national organisation needs `country` (a catalogue country code) and no `body`; an EU
    body needs `body` (a catalogue body id) and no `country`.
    """
    if not ID_PATTERN.fullmatch(org_id):
        raise Refused(
            "ID", "1 to 40 letters, digits, '.', '_' or '-', starting with a letter or a digit"
        )
    if not name.strip():
        raise Refused("--name", "must not be empty")
    if kind not in ORG_KINDS:
        raise Refused("--kind", f"must be one of {', '.join(ORG_KINDS)}")
    chosen_areas = _areas(areas, "--areas")
    bad_functions = [f for f in functions if f not in ORGANISATION_FUNCTIONS]
    if bad_functions:
        raise Refused("--functions", f"unknown functions {bad_functions}")
    country_row: Country | None = None
    if kind == "national":
        if not country:
            raise Refused("--country", "a national organisation needs its country code")
        if body:
            raise Refused("--body", "only an EU body names a catalogue body")
        country_row = Country.objects.filter(code=country.upper()).first()
        if country_row is None:
            codes = ", ".join(Country.objects.values_list("code", flat=True))
            raise Refused("--country", f"unknown country {country!r}; known: {codes}")
    else:
        if country:
            raise Refused("--country", "an EU body has no country")
        bodies = [b.id for b in current_catalogue().bodies]
        if not body:
            raise Refused("--body", "an EU body needs its catalogue body id, e.g. enisa")
        if body not in bodies:
            raise Refused("--body", f"unknown catalogue body {body!r}; known: {', '.join(bodies)}")
    organisation = Organisation(
        name=name.strip(),
        short_name=org_id,
        kind=kind,
        country=country_row,
        body=body or "",
        functions=list(functions),
        areas=chosen_areas,
        valid_from=clock.today(),
    )
    _clean(organisation, {"short_name": "ID", "country": "--country", "body": "--body"})
    with transaction.atomic():
        if Organisation.objects.select_for_update().filter(short_name__iexact=org_id).exists():
            raise Refused("ID", f"an organisation {org_id!r} already exists")
        organisation.save()
        audit.append(
            "org.add",
            object_type="organisation",
            object_id=str(organisation.pk),
            actor_org=str(organisation.pk),
            details=COMMAND_LINE | {"short_name": org_id, "kind": kind, "areas": chosen_areas},
        )
    return organisation


def add_user(
    username: str,
    *,
    org_id: str,
    role: str,
    clearance: str,
    areas: Sequence[str] | None = None,
    password: str | None = None,
    now: dt.datetime | None = None,
) -> Any:
    """Create `username` with a membership of `org_id` valid from `now`; return the user.

    Without `password` the account has an unusable password (it cannot sign in until one is
    set). `areas` default to all the organisation's areas.
    """
    user_model = get_user_model()
    try:
        user_model.username_validator(username)
    except ValidationError as error:
        raise Refused("USERNAME", " ".join(error.messages)) from None
    if role not in MEMBERSHIP_ROLES:
        raise Refused("--role", f"must be one of {', '.join(MEMBERSHIP_ROLES)}")
    if clearance not in TLP_LEVELS:
        raise Refused("--clearance", f"must be one of {', '.join(TLP_LEVELS)}")
    if password is not None and not password:
        raise Refused("--password-file", "the file's first line (the password) is empty")
    organisation = find_organisation(org_id)
    chosen = _areas(
        organisation.areas if areas is None else areas, "--areas", allowed=organisation.areas
    )
    moment = clock.now() if now is None else now
    with transaction.atomic():
        if user_model.objects.filter(username__iexact=username).exists():
            raise Refused("USERNAME", f"a user {username!r} already exists")
        user = user_model(username=username)
        if password is None:
            user.set_unusable_password()
        else:
            user.set_password(password)
        user.save()
        membership = Membership(
            user=user,
            organisation=organisation,
            role=role,
            areas=chosen,
            clearance=clearance,
            valid_from=moment,
        )
        _clean(membership, {"areas": "--areas", "role": "--role", "clearance": "--clearance"})
        membership.save()
        audit.append(
            "user.add",
            object_type="membership",
            object_id=str(membership.pk),
            actor_user=username,
            actor_org=str(organisation.pk),
            details=COMMAND_LINE
            | {
                "role": role,
                "clearance": clearance,
                "areas": chosen,
                "password": password is not None,
            },
        )
    return user


def issue_token(
    username: str,
    *,
    lifetime: dt.timedelta,
    org_id: str | None = None,
    now: dt.datetime | None = None,
) -> tuple[str, ApiToken]:
    """Issue a bearer token for `username` in the organisation of their valid membership.

    `org_id` chooses among several valid memberships (required then). Returns the token text
    (shown once) and the stored row.
    """
    if not dt.timedelta(0) < lifetime <= MAX_TOKEN_LIFETIME:
        raise Refused("--expires-in", f"must be positive and at most {MAX_TOKEN_LIFETIME.days}d")
    moment = clock.now() if now is None else now
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise Refused("USERNAME", f"no user {username!r}")
    if not user.is_active:
        raise Refused("USERNAME", f"user {username!r} is not active")
    organisations = {
        m.organisation.short_name: m.organisation
        for m in Membership.objects.valid_at(moment)
        .filter(user=user)
        .select_related("organisation")
    }
    if org_id is not None:
        organisation = find_organisation(org_id)
        if organisation.short_name not in organisations:
            raise Refused("--org", f"{username!r} has no valid membership of {org_id!r}")
    elif len(organisations) == 1:
        organisation = next(iter(organisations.values()))
    elif not organisations:
        raise Refused("USERNAME", f"{username!r} has no valid membership: no token")
    else:
        raise Refused(
            "--org", f"{username!r} belongs to {', '.join(sorted(organisations))}: name one"
        )
    with transaction.atomic():
        token, row = ApiToken.issue(user, organisation, lifetime, now=moment)
        audit.append(
            "token.issue",
            object_type="api_token",
            object_id=row.prefix,
            actor_user=username,
            actor_org=str(organisation.pk),
            details=COMMAND_LINE | {"expires_at": row.expires_at.isoformat()},
        )
    return token, row


def revoke_token(prefix: str, now: dt.datetime | None = None) -> ApiToken:
    """Revoke the token whose listing prefix is `prefix` from `now` on; return its row.

    Revoking a revoked token changes nothing (its first revocation stands).
    """
    moment = clock.now() if now is None else now
    with transaction.atomic():
        found = list(
            ApiToken.objects.select_for_update()
            .select_related("user", "organisation")
            .filter(prefix=prefix)[:2]
        )
        if not found:
            raise Refused("PREFIX", f"no token {prefix!r} (see `token list`)")
        if len(found) > 1:
            raise Refused("PREFIX", f"several tokens start with {prefix!r}: revoke in the admin")
        row = found[0]
        if row.revoked_at is None:
            row.revoked_at = max(moment, row.created_at)
            row.save(update_fields=["revoked_at"])
            audit.append(
                "token.revoke",
                object_type="api_token",
                object_id=row.prefix,
                actor_user=row.user.get_username(),
                actor_org=str(row.organisation_id),
                details=COMMAND_LINE,
            )
    return row


def tokens_of(username: str | None = None) -> list[ApiToken]:
    """The tokens (of `username`, or everyone's), oldest first; never their text."""
    rows = ApiToken.objects.select_related("user", "organisation").order_by("created_at", "pk")
    if username is not None:
        if not get_user_model().objects.filter(username=username).exists():
            raise Refused("USERNAME", f"no user {username!r}")
        rows = rows.filter(user__username=username)
    return list(rows)


def _clean(instance: Any, arguments: dict[str, str]) -> None:
    """Run the model's validation; a refusal names the argument behind the field."""
    try:
        instance.full_clean()
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise Refused(arguments.get(field, field), " ".join(messages)) from None
