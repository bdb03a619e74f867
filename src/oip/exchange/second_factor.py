"""The second factor of people on the exchange: a TOTP device and ten backup codes (django-otp).

The named actions the sign-in and set-up pages call; nothing else writes devices.

- `pending_totp_device(user)`: the user's unconfirmed TOTP device, created on first call (its
  secret is shown on the set-up page until a code from it is entered).
- `confirm_totp(device, code)`: confirm the device with a code it generated and issue ten new
  backup codes (any earlier ones are destroyed); returns the codes, shown once.
- `verify_second_factor(user, code)`: the confirmed device that accepts `code` (a TOTP code, or
  a backup code, which is used up), or None. django-otp throttles each device after failures.
- `qr_svg(device)`: the device's `otpauth://` URL as an inline SVG QR code (no script, no image
  from elsewhere, so it works under the site's CSP).
"""

from __future__ import annotations

import base64
from typing import Any

import qrcode
import qrcode.image.svg
from django.db import transaction
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

TOTP_NAME = "OIP exchange authenticator"
BACKUP_NAME = "OIP exchange backup codes"
BACKUP_CODES = 10


def has_confirmed_totp(user: Any) -> bool:
    """Whether `user` already has a confirmed TOTP device."""
    return bool(TOTPDevice.objects.filter(user=user, confirmed=True).exists())


def pending_totp_device(user: Any) -> TOTPDevice:
    """Return the user's unconfirmed TOTP device, creating one (a fresh secret) if none exists."""
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(user=user, confirmed=False)
            .order_by("pk")
            .first()
        )
        if device is None:
            device = TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)
    return device


def secret_text(device: TOTPDevice) -> str:
    """The device's secret in base32, in groups of four, as authenticator apps ask to type it."""
    secret = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The device's configuration URL as an inline `<svg>` element (role img, labelled)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    svg: str = image.to_string(encoding="unicode")
    return svg.replace(
        "<svg ",
        '<svg class="qr-code" role="img" aria-label="QR code of the authenticator secret" ',
        1,
    )


def confirm_totp(device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm `device` when `code` is a current code of it; return ten new backup codes.

    Returns None (and changes nothing but django-otp's failure count) when the code is wrong.
    The backup codes replace any earlier ones of the user; they are stored as django-otp
    stores them and shown to the user once.
    """
    with transaction.atomic():
        locked = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        if locked.confirmed or not locked.verify_token(code.strip().replace(" ", "")):
            return None
        locked.confirmed = True
        locked.save(update_fields=["confirmed"])
        StaticDevice.objects.filter(user=locked.user).delete()
        backup = StaticDevice.objects.create(user=locked.user, name=BACKUP_NAME, confirmed=True)
        codes = [StaticToken.random_token() for _ in range(BACKUP_CODES)]
        StaticToken.objects.bulk_create(StaticToken(device=backup, token=c) for c in codes)
    return codes


def verify_second_factor(user: Any, code: str) -> Device | None:
    """Return the confirmed device of `user` that accepts `code`, or None.

    TOTP devices are tried first (a six-digit code), then backup codes (used up when accepted).
    """
    token = code.strip().replace(" ", "")
    if not token:
        return None
    with transaction.atomic():
        devices: list[Device] = [
            *TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True),
            *StaticDevice.objects.select_for_update().filter(user=user, confirmed=True),
        ]
        for device in devices:
            if device.verify_token(token):
                return device
    return None
