"""The exchange admin shows the operator metadata only, and changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.exchange.test_actions import send

pytestmark = pytest.mark.django_db


def test_the_operator_sees_metadata_not_content(
    frozen: Any, cyber_evidence: None, enisa_officer: Any, operator_user: Any
) -> None:
    notification = send(enisa_officer, title="ZX-TITLE-MARKER")
    client = Client()
    client.force_login(operator_user)
    for path in (
        "/admin/exchange/notification/",
        f"/admin/exchange/notification/{notification.id}/change/",
        "/admin/exchange/submission/",
        "/admin/exchange/auditevent/",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert b"ZX-TITLE-MARKER" not in response.content
        assert b"ZX-MARKER-123" not in response.content
    assert client.get("/admin/exchange/notification/add/").status_code == 403
    assert client.get("/admin/exchange/datakey/").status_code == 404
