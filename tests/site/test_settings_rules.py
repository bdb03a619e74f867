"""The rules of the settings module as properties: the secret key rule is Django's own (W009),
and OIP_PUBLIC_URL takes exactly absolute http(s) URLs with a host."""

from __future__ import annotations

import pytest
from django.core.checks.security.base import _check_secret_key
from django.core.exceptions import ImproperlyConfigured
from hypothesis import given
from hypothesis import strategies as st

from oip.settings import public_url, strong_secret, trusted_proxies

keys = st.one_of(
    st.text(max_size=80),
    st.text(alphabet="ab", min_size=40, max_size=80),
    st.text(alphabet="abcdef", min_size=45, max_size=60),
    st.text(min_size=50, max_size=70).map(lambda k: "django-insecure-" + k),
)


@given(keys)
def test_the_secret_rule_is_djangos_w009_rule(key: str) -> None:
    assert strong_secret(key) == _check_secret_key(key)


hosts = st.from_regex(r"[a-z][a-z0-9-]{0,20}(\.[a-z]{2,6}){0,2}", fullmatch=True)
paths = st.from_regex(r"(/[a-z0-9_-]{1,8}){0,3}/?", fullmatch=True)


@given(
    scheme=st.sampled_from(["http", "https"]), host=hosts, port=st.integers(1, 65535), path=paths
)
def test_absolute_http_urls_are_taken_without_their_trailing_slash(
    scheme: str, host: str, port: int, path: str
) -> None:
    url = f"{scheme}://{host}:{port}{path}"
    assert public_url("OIP_PUBLIC_URL", url) == url.rstrip("/")


@given(
    scheme=st.from_regex(r"[a-z][a-z0-9+.-]{0,10}", fullmatch=True).filter(
        lambda s: s not in {"http", "https"}
    ),
    rest=st.sampled_from(["//oip.example.eu", "alert(1)", "//", ""]),
)
def test_other_schemes_are_refused(scheme: str, rest: str) -> None:
    with pytest.raises(ImproperlyConfigured, match=r"^OIP_PUBLIC_URL must be an absolute"):
        public_url("OIP_PUBLIC_URL", f"{scheme}:{rest}")


@pytest.mark.parametrize(
    "url",
    ["https://", "http:///path", "https://:443", "//oip.example.eu", "oip.example.eu"],
)
def test_urls_without_a_host_are_refused(url: str) -> None:
    with pytest.raises(ImproperlyConfigured, match=r"^OIP_PUBLIC_URL must be an absolute"):
        public_url("OIP_PUBLIC_URL", url)


@pytest.mark.parametrize(
    "url", ["https://user:pw@oip.example.eu", "https://oip.example.eu/?a=1", "https://o.eu/#x"]
)
def test_credentials_queries_and_fragments_are_refused(url: str) -> None:
    with pytest.raises(ImproperlyConfigured, match="must not carry a query"):
        public_url("OIP_PUBLIC_URL", url)


def test_trusted_proxies_are_canonical_networks() -> None:
    assert trusted_proxies("P", ["10.0.0.1", "10.1.2.3/8", "2001:db8::1/64"]) == [
        "10.0.0.1/32",
        "10.0.0.0/8",
        "2001:db8::/64",
    ]
    with pytest.raises(ImproperlyConfigured, match=r"^P must list IP addresses or networks"):
        trusted_proxies("P", ["10.0.0.300"])
