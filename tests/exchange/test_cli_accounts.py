"""`oip exchange org add`, `user add`, `token issue` (EXCHANGE.md §10): exact output, errors
naming the argument, nothing half written."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import RequestFactory
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oip.accounts.models import ApiToken, Membership, Organisation, token_digest
from oip.exchange.arguments import comma_list, duration
from oip.exchange.audit import verify_chain
from oip.exchange.auth import TokenAuth
from oip.exchange.models import AuditEvent

pytestmark = pytest.mark.django_db
User = get_user_model()
NOW = dt.datetime(2026, 6, 1, 10, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def frozen(settings: Any) -> Any:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def oip_exchange(*args: str) -> tuple[int, str, str]:
    """Run `oip exchange ARGS`; return (exit status, stdout, stderr)."""
    out, err = StringIO(), StringIO()
    try:
        call_command("exchange", *args, stdout=out, stderr=err)
    except SystemExit as exit_:
        return int(exit_.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def counts() -> tuple[int, int, int, int, int]:
    return (
        Organisation.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
        ApiToken.objects.count(),
        AuditEvent.objects.count(),
    )


AL = ["org", "add", "CSIRT-AL", "--name", "Albania national CSIRT", "--kind", "national"]
AL += ["--areas", "cyber", "--country", "AL", "--functions", "national_csirt"]


# --- org add --------------------------------------------------------------------------------


def test_org_add_national_prints_the_id() -> None:
    assert oip_exchange(*AL) == (0, "CSIRT-AL\n", "")
    org = Organisation.objects.get(short_name="CSIRT-AL")
    assert (org.name, org.kind, org.country_id, org.body, org.areas, org.functions) == (
        "Albania national CSIRT",
        "national",
        "AL",
        "",
        ["cyber"],
        ["national_csirt"],
    )
    assert org.valid_from == NOW.date()


def test_org_add_eu_body() -> None:
    status = oip_exchange(
        "org", "add", "ENISA", "--name", "ENISA", "--kind", "eu_body",
        "--areas", "cyber, fimi", "--body", "enisa",
    )  # fmt: skip
    assert status == (0, "ENISA\n", "")
    org = Organisation.objects.get(short_name="ENISA")
    assert (org.kind, org.country_id, org.body, org.areas) == (
        "eu_body",
        None,
        "enisa",
        ["cyber", "fimi"],
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"--areas": "cyber,nowhere"},
            "org add: --areas: unknown areas ['nowhere']; known areas: ",
        ),
        ({"--country": "FR"}, "org add: --country: unknown country 'FR'; known: "),
        ({"--country": None}, "org add: --country: a national organisation needs its country code"),
        ({"--body": "enisa"}, "org add: --body: only an EU body names a catalogue body"),
        ({"--name": "  "}, "org add: --name: must not be empty"),
        ({"--functions": "spying"}, "org add: --functions: unknown functions ['spying']"),
        ({"ID": "bad id!"}, "org add: ID: 1 to 40 letters, digits"),
    ],
)
def test_org_add_refusals_name_the_argument_and_write_nothing(
    change: dict[str, str | None], message: str
) -> None:
    args = list(AL)
    for flag, value in change.items():
        if flag == "ID":
            args[2] = str(value)
        elif value is None:
            index = args.index(flag)
            del args[index : index + 2]
        elif flag in args:
            args[args.index(flag) + 1] = value
        else:
            args += [flag, value]
    before = counts()
    status, out, err = oip_exchange(*args)
    assert (status, out) == (1, "")
    assert err.startswith(message)
    assert counts() == before


def test_org_add_eu_body_refusals() -> None:
    base = ["org", "add", "ENISA", "--name", "ENISA", "--kind", "eu_body", "--areas", "cyber"]
    assert oip_exchange(*base) == (
        1,
        "",
        "org add: --body: an EU body needs its catalogue body id, e.g. enisa\n",
    )
    status, _, err = oip_exchange(*base, "--body", "nsa")
    assert status == 1
    assert err.startswith("org add: --body: unknown catalogue body 'nsa'; known: ")
    assert oip_exchange(*base, "--body", "enisa", "--country", "AL") == (
        1,
        "",
        "org add: --country: an EU body has no country\n",
    )
    assert Organisation.objects.count() == 0


def test_org_id_is_unique_case_insensitively() -> None:
    oip_exchange(*AL)
    again = list(AL)
    again[2] = "csirt-al"
    assert oip_exchange(*again) == (
        1,
        "",
        "org add: ID: an organisation 'csirt-al' already exists\n",
    )
    assert Organisation.objects.count() == 1


def test_org_add_unknown_kind_is_a_usage_error() -> None:
    args = list(AL)
    args[args.index("--kind") + 1] = "operator"
    with pytest.raises(CommandError, match="argument --kind: invalid choice: 'operator'"):
        call_command("exchange", *args, stdout=StringIO(), stderr=StringIO())
    assert Organisation.objects.count() == 0


# --- user add -------------------------------------------------------------------------------


def test_user_add_with_password_file(tmp_path: Path) -> None:
    oip_exchange(*AL)
    secret = tmp_path / "pw"
    secret.write_text("s3cret pass\nignored\n", encoding="utf-8")
    assert oip_exchange(
        "user", "add", "alma", "--org", "CSIRT-AL", "--role", "contact_point",
        "--clearance", "amber+strict", "--password-file", str(secret),
    ) == (0, "alma\n", "")  # fmt: skip
    user = User.objects.get(username="alma")
    assert user.check_password("s3cret pass") is True
    membership = Membership.objects.get(user=user)
    assert (
        membership.organisation.short_name,
        membership.role,
        membership.clearance,
        membership.areas,
        membership.valid_from,
        membership.valid_to,
    ) == ("CSIRT-AL", "contact_point", "amber+strict", ["cyber"], NOW, None)


def test_user_add_without_password_cannot_sign_in() -> None:
    oip_exchange(*AL)
    status = oip_exchange(
        "user", "add", "bot", "--org", "csirt-al", "--role", "analyst", "--clearance", "green",
        "--areas", "cyber",
    )  # fmt: skip
    assert status == (0, "bot\n", "")
    assert User.objects.get(username="bot").has_usable_password() is False


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--org", "NOPE"], "user add: --org: no organisation 'NOPE'"),
        (["--org", "CSIRT-AL", "--areas", "fimi"], "user add: --areas: unknown areas ['fimi']; the organisation's areas: cyber\n"),
        (["--org", "CSIRT-AL", "--password-file", "/nonexistent/pw"], "user add: --password-file: cannot read '/nonexistent/pw'"),
    ],
)  # fmt: skip
def test_user_add_refusals_name_the_argument_and_write_nothing(
    extra: list[str], message: str
) -> None:
    oip_exchange(*AL)
    before = counts()
    status, out, err = oip_exchange(
        "user", "add", "alma", "--role", "contact_point", "--clearance", "amber", *extra
    )
    assert (status, out) == (1, "")
    assert err.startswith(message)
    assert counts() == before


def test_user_add_refuses_an_empty_password_file(tmp_path: Path) -> None:
    oip_exchange(*AL)
    empty = tmp_path / "pw"
    empty.write_text("\n", encoding="utf-8")
    before = counts()
    assert oip_exchange(
        "user", "add", "alma", "--org", "CSIRT-AL", "--role", "officer", "--clearance", "red",
        "--password-file", str(empty),
    ) == (1, "", "user add: --password-file: the file's first line (the password) is empty\n")  # fmt: skip
    assert counts() == before


def test_user_add_refuses_an_existing_username() -> None:
    oip_exchange(*AL)
    args = ["user", "add", "alma", "--org", "CSIRT-AL", "--role", "officer", "--clearance", "red"]
    oip_exchange(*args)
    before = counts()
    args[2] = "ALMA"
    assert oip_exchange(*args) == (1, "", "user add: USERNAME: a user 'ALMA' already exists\n")
    assert counts() == before


def test_user_add_bad_role_is_a_usage_error() -> None:
    oip_exchange(*AL)
    with pytest.raises(CommandError, match="argument --role: invalid choice: 'boss'"):
        call_command(
            "exchange", "user", "add", "x", "--org", "CSIRT-AL", "--role", "boss",
            "--clearance", "red", stdout=StringIO(), stderr=StringIO(),
        )  # fmt: skip


# --- token issue ----------------------------------------------------------------------------


def _alma() -> None:
    oip_exchange(*AL)
    oip_exchange(
        "user", "add", "alma", "--org", "CSIRT-AL", "--role", "contact_point",
        "--clearance", "amber",
    )  # fmt: skip


def test_token_issue_prints_only_the_token_which_then_authenticates() -> None:
    _alma()
    status, out, err = oip_exchange("token", "issue", "alma")
    assert (status, err) == (0, "")
    token = out.removesuffix("\n")
    assert out == token + "\n"
    assert len(token) == 43
    row = ApiToken.objects.get()
    assert row.token_hash == token_digest(token)
    assert (row.organisation.short_name, row.expires_at) == ("CSIRT-AL", NOW + dt.timedelta(days=1))
    request = RequestFactory().get("/", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert TokenAuth()(request).user.username == "alma"


def test_token_expires_in(frozen: Any) -> None:
    _alma()
    _, out, _ = oip_exchange("token", "issue", "alma", "--expires-in", "12h")
    assert ApiToken.objects.get().expires_at == NOW + dt.timedelta(hours=12)
    request = RequestFactory().get("/", HTTP_AUTHORIZATION=f"Bearer {out.strip()}")
    frozen.shift(dt.timedelta(hours=12))
    assert TokenAuth()(request) is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nobody"], "token issue: USERNAME: no user 'nobody'\n"),
        (["alma", "--org", "ENISA"], "token issue: --org: no organisation 'ENISA' (see the IDs given to `org add`)\n"),
        (["alma", "--expires-in", "400d"], "token issue: --expires-in: must be positive and at most 365d\n"),
    ],
)  # fmt: skip
def test_token_issue_refusals(args: list[str], message: str) -> None:
    _alma()
    before = counts()
    assert oip_exchange("token", "issue", *args) == (1, "", message)
    assert counts() == before


def test_token_needs_a_valid_membership(frozen: Any) -> None:
    _alma()
    Membership.objects.filter(user__username="alma").update(valid_to=NOW + dt.timedelta(hours=1))
    frozen.shift(dt.timedelta(hours=1))
    assert oip_exchange("token", "issue", "alma") == (
        1,
        "",
        "token issue: USERNAME: 'alma' has no valid membership: no token\n",
    )


def test_token_for_a_person_of_two_organisations_names_one() -> None:
    _alma()
    oip_exchange(
        "org", "add", "CERT-AL", "--name", "Albania gov CERT", "--kind", "national",
        "--areas", "cyber", "--country", "AL",
    )  # fmt: skip
    Membership.objects.create(
        user=User.objects.get(username="alma"),
        organisation=Organisation.objects.get(short_name="CERT-AL"),
        role="officer",
        areas=["cyber"],
        valid_from=NOW - dt.timedelta(days=1),
    )
    assert oip_exchange("token", "issue", "alma") == (
        1,
        "",
        "token issue: --org: 'alma' belongs to CERT-AL, CSIRT-AL: name one\n",
    )
    status, _, _ = oip_exchange("token", "issue", "alma", "--org", "CERT-AL")
    assert status == 0
    assert ApiToken.objects.get().organisation.short_name == "CERT-AL"


@pytest.mark.parametrize("bad", ["0d", "1y", "d", "-1d", "1.5h", "", "1000000d"])
def test_duration_refuses(bad: str) -> None:
    with pytest.raises(Exception, match="must be a positive whole number and a unit"):
        duration(bad)


@settings(max_examples=500, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.integers(min_value=1, max_value=999_999), st.sampled_from("mhdw"))
def test_duration_reads_every_number_and_unit(number: int, unit: str) -> None:
    seconds = {"m": 60, "h": 3600, "d": 86400, "w": 604800}[unit]
    assert duration(f"{number}{unit}") == dt.timedelta(seconds=number * seconds)


@settings(max_examples=500, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.text("abcdefghij-_", min_size=1, max_size=8), min_size=1, max_size=5))
def test_comma_list_round_trips(items: list[str]) -> None:
    assert comma_list(" , ".join(items)) == items


def test_every_administrative_act_is_audited_without_secrets() -> None:
    _alma()
    _, token, _ = oip_exchange("token", "issue", "alma")
    org = Organisation.objects.get(short_name="CSIRT-AL")
    membership = Membership.objects.get(user__username="alma")
    rows = list(
        AuditEvent.objects.order_by("seq").values_list(
            "action", "object_type", "object_id", "actor_user", "actor_org", "outcome"
        )
    )
    assert rows == [
        ("org.add", "organisation", str(org.pk), "", str(org.pk), "allowed"),
        ("user.add", "membership", str(membership.pk), "alma", str(org.pk), "allowed"),
        ("token.issue", "api_token", token[:8], "alma", str(org.pk), "allowed"),
    ]
    assert AuditEvent.objects.get(action="user.add").details == {
        "via": "oip exchange",
        "role": "contact_point",
        "clearance": "amber",
        "areas": ["cyber"],
        "password": False,
    }
    assert token.strip() not in repr(list(AuditEvent.objects.values()))
    assert verify_chain().verified is True


def test_token_list_and_revoke(frozen: Any) -> None:
    _alma()
    _, out, _ = oip_exchange("token", "issue", "alma", "--expires-in", "2d")
    token = out.strip()
    assert oip_exchange("token", "list") == (
        0,
        f"{token[:8]} alma CSIRT-AL 2026-06-01T10:00:00Z 2026-06-03T10:00:00Z -\n",
        "",
    )
    frozen.shift(dt.timedelta(hours=1))
    assert oip_exchange("token", "revoke", token[:8]) == (
        0,
        f"{token[:8]} revoked at 2026-06-01T11:00:00Z\n",
        "",
    )
    request = RequestFactory().get("/", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert TokenAuth()(request) is None
    # a second revocation keeps the first instant, and writes nothing
    before = counts()
    frozen.shift(dt.timedelta(hours=1))
    assert oip_exchange("token", "revoke", token[:8])[1] == (
        f"{token[:8]} revoked at 2026-06-01T11:00:00Z\n"
    )
    assert counts() == before
    assert oip_exchange("token", "list", "alma")[1].endswith(" 2026-06-01T11:00:00Z\n")
    assert token not in oip_exchange("token", "list")[1][8:]
    assert AuditEvent.objects.filter(action="token.revoke").count() == 1


def test_token_revoke_and_list_refusals() -> None:
    assert oip_exchange("token", "revoke", "nothing1") == (
        1,
        "",
        "token revoke: PREFIX: no token 'nothing1' (see `token list`)\n",
    )
    assert oip_exchange("token", "list", "nobody") == (
        1,
        "",
        "token list: USERNAME: no user 'nobody'\n",
    )
