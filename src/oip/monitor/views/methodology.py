"""The methodology, generated from the loaded catalogue and its rules."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from oip.monitor import reads
from oip.monitor.views.common import frame, monitor_page


@monitor_page
def methodology(request: HttpRequest, as_of: dt.date) -> HttpResponse:
    page = reads.methodology()
    return render(
        request, "monitor/methodology.html", frame(request, as_of, data=page, nav="methodology")
    )
