"""Envelope encryption: sealed payloads open only where they were sealed, and only unaltered."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oip.exchange import crypto
from oip.exchange.crypto import IntegrityFailure, KeyFileError

WHERE = {"notification_id": "n-1", "stage": "early_warning", "revision": 1, "tlp": "amber"}
PAYLOAD = {"summary": "ZX-MARKER-123 phishing wave", "count": 3, "nested": {"a": [1, 2]}}

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


def sealed_open(sealed: crypto.Sealed, **where: object) -> dict[str, object]:
    place = {**WHERE, **where}
    return crypto.open_payload(
        payload_ct=sealed.payload_ct,
        payload_mac=sealed.payload_mac,
        key_id=sealed.key_id,
        wrapped=sealed.wrapped,
        **place,  # type: ignore[arg-type]
    )


def test_development_generates_a_private_key_file(kek_file: Path) -> None:
    kek = crypto.current_kek()
    assert kek_file.stat().st_mode & 0o777 == 0o600
    assert len(kek.key) == 32
    assert kek.key_id == crypto.key_id_of(kek.key)
    assert repr(kek) == f"Kek({kek.key_id})"


def test_a_world_readable_key_file_is_refused(kek_file: Path) -> None:
    crypto.current_kek()
    crypto.forget_keys()
    os.chmod(kek_file, 0o644)
    with pytest.raises(KeyFileError, match="readable or writable by others"):
        crypto.current_kek()


def test_a_malformed_key_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "short.key"
    path.write_text("c2hvcnQ=\n")
    os.chmod(path, 0o600)
    with pytest.raises(KeyFileError, match="32 bytes, not 5"):
        crypto.read_kek_file(path)


@settings(max_examples=200, deadline=None)
@given(payload=st.dictionaries(st.text(max_size=10), json_values, max_size=5))
def test_a_sealed_payload_opens_to_itself(payload: dict[str, object]) -> None:
    assert sealed_open(crypto.seal_payload(payload, **WHERE)) == payload  # type: ignore[arg-type]


def test_the_ciphertext_does_not_contain_the_plaintext() -> None:
    sealed = crypto.seal_payload(PAYLOAD, **WHERE)  # type: ignore[arg-type]
    assert b"ZX-MARKER-123" not in sealed.payload_ct
    assert len(sealed.payload_ct) == 12 + len(crypto.canonical_json(PAYLOAD)) + 16


def test_clear_is_stored_as_canonical_json() -> None:
    sealed = crypto.seal_payload(PAYLOAD, **{**WHERE, "tlp": "clear"})  # type: ignore[arg-type]
    assert sealed.payload_ct == crypto.canonical_json(PAYLOAD)
    assert sealed_open(sealed, tlp="clear") == PAYLOAD


@pytest.mark.parametrize(
    "where",
    [{"notification_id": "n-2"}, {"stage": "notification"}, {"revision": 2}, {"tlp": "green"}],
)
def test_a_ciphertext_moved_elsewhere_does_not_open(where: dict[str, object]) -> None:
    sealed = crypto.seal_payload(PAYLOAD, **WHERE)  # type: ignore[arg-type]
    with pytest.raises(IntegrityFailure) as failure:
        sealed_open(sealed, **where)
    assert failure.value.what == "ciphertext"


@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_flipping_any_byte_is_detected(data: st.DataObject) -> None:
    for tlp in ("amber", "clear"):
        sealed = crypto.seal_payload(PAYLOAD, **{**WHERE, "tlp": tlp})  # type: ignore[arg-type]
        index = data.draw(st.integers(0, len(sealed.payload_ct) - 1))
        altered = bytearray(sealed.payload_ct)
        altered[index] ^= 0x01
        with pytest.raises(IntegrityFailure):
            sealed_open(
                crypto.Sealed(
                    bytes(altered), sealed.payload_mac, sealed.key_id, sealed.wrapped, b""
                ),
                tlp=tlp,
            )


def test_a_wrong_mac_or_wrapped_key_or_shredded_key_is_detected() -> None:
    sealed = crypto.seal_payload(PAYLOAD, **WHERE)  # type: ignore[arg-type]
    with pytest.raises(IntegrityFailure, match="payload mac"):
        sealed_open(crypto.Sealed(sealed.payload_ct, "0" * 64, sealed.key_id, sealed.wrapped, b""))
    bad_wrap = bytes([sealed.wrapped[0] ^ 1]) + sealed.wrapped[1:]
    with pytest.raises(IntegrityFailure, match="wrapped data key"):
        sealed_open(
            crypto.Sealed(sealed.payload_ct, sealed.payload_mac, sealed.key_id, bad_wrap, b"")
        )
    with pytest.raises(IntegrityFailure, match="data key shredded"):
        crypto.open_payload(
            payload_ct=sealed.payload_ct,
            payload_mac=sealed.payload_mac,
            key_id=sealed.key_id,
            wrapped=None,
            **WHERE,  # type: ignore[arg-type]
        )


def test_the_mac_does_not_reveal_equal_payloads() -> None:
    first = crypto.seal_payload(PAYLOAD, **WHERE)  # type: ignore[arg-type]
    second = crypto.seal_payload(PAYLOAD, **WHERE)  # type: ignore[arg-type]
    assert first.payload_mac != second.payload_mac
    assert first.payload_ct != second.payload_ct


def test_titles_are_bound_to_their_notification() -> None:
    key = crypto.new_data_key()
    sealed = crypto.seal_text("Grid outage", key, notification_id="n-1", tlp="red")
    assert crypto.open_text(sealed, key, notification_id="n-1", tlp="red") == "Grid outage"
    with pytest.raises(IntegrityFailure):
        crypto.open_text(sealed, key, notification_id="n-2", tlp="red")


def test_a_previous_kek_is_found_by_its_key_id(kek_file: Path) -> None:
    old = crypto.current_kek()
    key_id, wrapped = crypto.wrap(b"k" * 32)
    kept = kek_file.with_name(f"kek.key.{old.key_id}")
    kek_file.rename(kept)
    crypto.forget_keys()
    assert crypto.current_kek().key_id != old.key_id  # a new one was generated
    assert crypto.unwrap(key_id, wrapped) == b"k" * 32
