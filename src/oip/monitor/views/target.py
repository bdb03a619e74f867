"""A target's page: its benchmarks and each country's status with evidence and source."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from oip.monitor import reads
from oip.monitor.views.common import frame, monitor_page
from oip.presentation import labels


@monitor_page
def target(request: HttpRequest, as_of: dt.date, target: str) -> HttpResponse:
    page = reads.target(target, as_of)
    context = frame(
        request,
        as_of,
        data=page,
        nav="target",
        status_legend=[labels.BENCHMARK_STATUS[s] for s in page.statuses],
        observed_count=page.observed_count,
    )
    return render(request, "monitor/target.html", context)
