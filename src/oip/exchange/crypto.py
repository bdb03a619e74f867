"""Envelope encryption of the exchange's payloads (EXCHANGE.md §6.12).

- Every submission gets a random 256-bit data key; its payload is sealed with AES-256-GCM
  (a random 96-bit nonce, stored first), the associated data binding
  `notification id | stage | revision | tlp`, so a ciphertext moved to another revision, stage,
  notification or label fails to open.
- The data key is wrapped (AES key wrap, RFC 3394) by the key-encryption key (KEK) read from
  `settings.OIP_EXCHANGE_KEK_FILE`: one line, the key in base64. Its `key_id` is the first 16
  hex digits of its SHA-256. Development generates the file (mode 0600) when it is missing;
  production refuses to start without it (settings). A file others may read is refused.
- Integrity: `payload_mac` is HMAC-SHA-256 of the canonical plaintext, keyed with a key derived
  (HKDF-SHA-256) from the data key, which the KEK protects. Deriving it from the data key rather
  than from the KEK itself keeps every MAC valid across KEK rotation (which only re-wraps data
  keys) and makes a redacted (key-shredded) revision unverifiable as well as unreadable.
- CLEAR payloads are stored in clear, as the canonical JSON bytes, with the same MAC and a data
  key of their own.
- Rotation: `oip exchange keys rotate` writes a new KEK and re-wraps every data key; while it
  runs, the old KEK stays readable as `<file>.<key_id>` (`kek_for` looks there too).

This protects dumps, backups and stolen disks, not a root operator of the application server.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import json
import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.keywrap import InvalidUnwrap, aes_key_unwrap, aes_key_wrap
from django.conf import settings

__all__ = [
    "IntegrityFailure",
    "Kek",
    "KeyFileError",
    "Sealed",
    "associated_data",
    "canonical_json",
    "current_kek",
    "forget_keys",
    "generate_kek_file",
    "kek_for",
    "new_data_key",
    "open_payload",
    "open_text",
    "read_kek_file",
    "seal_payload",
    "seal_text",
    "unwrap",
    "wrap",
]

NONCE_BYTES = 12
KEY_BYTES = 32
MAC_INFO = b"oip-exchange payload mac v1"


class KeyFileError(Exception):
    """The key-encryption key file is missing, malformed, or readable by others."""


class IntegrityFailure(Exception):
    """A ciphertext, a MAC or a wrapped key failed its check: the stored bytes were altered, or
    the data key was shredded. `what` says which."""

    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what


@dataclass(frozen=True, slots=True)
class Kek:
    key_id: str
    key: bytes = b""

    def __repr__(self) -> str:  # never print a key
        return f"Kek({self.key_id})"


_cache: dict[str, Kek] = {}


def forget_keys() -> None:
    """Forget the KEKs read so far (after a rotation, or when a test changes the file)."""
    _cache.clear()


def key_id_of(key: bytes) -> str:
    return hashlib.sha256(key).hexdigest()[:16]


def generate_kek_file(path: Path) -> Kek:
    """Write a new random KEK to `path` (mode 0600, refusing to overwrite) and return it."""
    key = os.urandom(KEY_BYTES)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(base64.b64encode(key).decode("ascii") + "\n")
    return Kek(key_id_of(key), key)


def read_kek_file(path: Path) -> Kek:
    """Read the KEK in `path`. KeyFileError if others may read it or it is not one key."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError as missing:
        raise KeyFileError(f"{path}: no key-encryption key file") from missing
    if mode & (stat.S_IROTH | stat.S_IWOTH):
        raise KeyFileError(
            f"{path}: refused, the key file is readable or writable by others "
            f"(mode {stat.S_IMODE(mode):04o}; chmod 600 it)"
        )
    try:
        key = base64.b64decode(path.read_text(encoding="ascii").strip(), validate=True)
    except (ValueError, UnicodeDecodeError) as bad:
        raise KeyFileError(f"{path}: not a base64 key") from bad
    if len(key) != KEY_BYTES:
        raise KeyFileError(f"{path}: a key-encryption key has {KEY_BYTES} bytes, not {len(key)}")
    return Kek(key_id_of(key), key)


def kek_path() -> Path:
    return Path(settings.OIP_EXCHANGE_KEK_FILE)


def current_kek() -> Kek:
    """The KEK that wraps new data keys; generated (mode 0600) in development if missing."""
    path = kek_path()
    cached = _cache.get(str(path))
    if cached is not None:
        return cached
    if not path.exists() and not settings.PRODUCTION:
        with contextlib.suppress(FileExistsError):  # another process generated it meanwhile
            generate_kek_file(path)
    kek = read_kek_file(path)
    _cache[str(path)] = kek
    return kek


def kek_for(key_id: str) -> Kek:
    """The KEK named `key_id`: the current one, or a previous one kept as `<file>.<key_id>`
    during a rotation. KeyFileError if neither is there."""
    current = current_kek()
    if current.key_id == key_id:
        return current
    cached = _cache.get(key_id)
    if cached is not None:
        return cached
    kept = kek_path().with_name(f"{kek_path().name}.{key_id}")
    kek = read_kek_file(kept)
    if kek.key_id != key_id:
        raise KeyFileError(f"{kept}: holds key {kek.key_id}, not {key_id}")
    _cache[key_id] = kek
    return kek


# Values


def canonical_json(value: Any) -> bytes:
    """The one byte form of a JSON value: sorted keys, no spaces, UTF-8."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def associated_data(notification_id: str, stage: str, revision: int, tlp: str) -> bytes:
    return f"{notification_id}|{stage}|{revision}|{tlp}".encode()


def new_data_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


def wrap(data_key: bytes, kek: Kek | None = None) -> tuple[str, bytes]:
    """Wrap `data_key` with `kek` (default: the current KEK); return (key_id, wrapped)."""
    kek = kek or current_kek()
    return kek.key_id, aes_key_wrap(kek.key, data_key)


def unwrap(key_id: str, wrapped: bytes) -> bytes:
    """The data key; IntegrityFailure if the wrapped bytes were altered."""
    try:
        return aes_key_unwrap(kek_for(key_id).key, bytes(wrapped))
    except (InvalidUnwrap, ValueError) as bad:
        raise IntegrityFailure("wrapped data key") from bad


def _mac(data_key: bytes, plaintext: bytes) -> str:
    mac_key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=MAC_INFO).derive(data_key)
    return hmac.new(mac_key, plaintext, hashlib.sha256).hexdigest()


def _encrypt(data_key: bytes, plaintext: bytes, ad: bytes) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(data_key).encrypt(nonce, plaintext, ad)


def _decrypt(data_key: bytes, sealed: bytes, ad: bytes) -> bytes:
    try:
        return AESGCM(data_key).decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], ad)
    except (InvalidTag, ValueError) as bad:
        raise IntegrityFailure("ciphertext") from bad


@dataclass(frozen=True, slots=True)
class Sealed:
    """A sealed payload: what `Submission` and `DataKey` store, and the data key itself (for
    the title of the first revision; never stored unwrapped)."""

    payload_ct: bytes
    payload_mac: str
    key_id: str
    wrapped: bytes
    data_key: bytes

    def __repr__(self) -> str:
        return f"Sealed({len(self.payload_ct)} bytes, key {self.key_id})"


def seal_payload(
    payload: Mapping[str, Any], *, notification_id: str, stage: str, revision: int, tlp: str
) -> Sealed:
    """Seal `payload` under a new data key: encrypted above CLEAR, canonical JSON at CLEAR."""
    plaintext = canonical_json(payload)
    data_key = new_data_key()
    ad = associated_data(notification_id, stage, revision, tlp)
    stored = plaintext if tlp == "clear" else _encrypt(data_key, plaintext, ad)
    key_id, wrapped = wrap(data_key)
    return Sealed(stored, _mac(data_key, plaintext), key_id, wrapped, data_key)


def open_payload(
    *,
    payload_ct: bytes,
    payload_mac: str,
    key_id: str,
    wrapped: bytes | None,
    notification_id: str,
    stage: str,
    revision: int,
    tlp: str,
) -> dict[str, Any]:
    """The payload stored by `seal_payload`. IntegrityFailure when the ciphertext, the MAC or
    the wrapped key do not check, or when the data key was shredded (`wrapped` None)."""
    if wrapped is None:
        raise IntegrityFailure("data key shredded")
    data_key = unwrap(key_id, wrapped)
    stored = bytes(payload_ct)
    ad = associated_data(notification_id, stage, revision, tlp)
    plaintext = stored if tlp == "clear" else _decrypt(data_key, stored, ad)
    if not hmac.compare_digest(_mac(data_key, plaintext), payload_mac):
        raise IntegrityFailure("payload mac")
    try:
        value = json.loads(plaintext)
    except ValueError as bad:
        raise IntegrityFailure("payload json") from bad
    if not isinstance(value, dict):
        raise IntegrityFailure("payload json")
    return value


def seal_text(text: str, data_key: bytes, *, notification_id: str, tlp: str) -> bytes:
    """Seal a notification's title with the data key of its first revision."""
    return _encrypt(data_key, text.encode(), associated_data(notification_id, "title", 1, tlp))


def open_text(sealed: bytes, data_key: bytes, *, notification_id: str, tlp: str) -> str:
    ad = associated_data(notification_id, "title", 1, tlp)
    return _decrypt(data_key, bytes(sealed), ad).decode()
