"""The About page: who compiles OIP's data, from which memo, under which licence, and how to
ask for a correction."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from oip.monitor.pages import about as about_page
from oip.monitor.views.common import frame, monitor_page


@monitor_page
def about(request: HttpRequest, as_of: dt.date) -> HttpResponse:
    """The About page (the same at every date; `as_of` only keeps the frame's links dated).

    Only `OIP_CONTACT_EMAIL` is read from the settings: nothing else reaches the page."""
    page = about_page.build(settings.OIP_CONTACT_EMAIL)
    return render(request, "monitor/about.html", frame(request, as_of, nav="about", data=page))
