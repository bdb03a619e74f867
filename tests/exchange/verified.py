"""Helpers for exchange tests: people with a real second factor, and sessions that passed it.

`with_device(user)` gives `user` a confirmed TOTP device (and returns it); `current_code(device)`
is the code it accepts now (computed with django_otp.oath.totp at the frozen or real time);
`verify(persona)` marks the persona's session as having passed the second factor now, exactly
as the login page does (the device's persistent id in the session, the exchange's start and
last-activity instants), without the slow password round trip.
"""

from __future__ import annotations

from typing import Any

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from oip.exchange.auth import LAST_SEEN, SIGNED_IN_AT
from oip.site import clock
from tests.personas import Persona


def with_device(user: Any) -> TOTPDevice:
    """Give `user` a confirmed TOTP device."""
    return TOTPDevice.objects.create(user=user, name="test authenticator", confirmed=True)


def current_code(device: TOTPDevice) -> str:
    """The six-digit code `device` shows now (time.time(), which time_machine freezes)."""
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return f"{code:06d}"


def wrong_code(device: TOTPDevice) -> str:
    """A six-digit code `device` does not accept now."""
    return f"{(int(current_code(device)) + 1) % 1_000_000:06d}"


def verify(persona: Persona) -> Persona:
    """Mark the persona's session as signed in with the second factor, now; return it."""
    device = TOTPDevice.objects.filter(user=persona.user, confirmed=True).first()
    if device is None:
        device = with_device(persona.user)
    session = persona.client.session
    moment = clock.now().timestamp()
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[SIGNED_IN_AT] = moment
    session[LAST_SEEN] = moment
    session.save()
    return persona
