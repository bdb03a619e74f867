"""The public monitor's URL map (all GET, all accept `?as_of=YYYY-MM-DD`)."""

from django.urls import path, re_path

from oip.monitor.views import (
    about,
    area,
    changes,
    charts,
    country,
    downloads,
    exchange,
    methodology,
    overview,
    target,
)

app_name = "monitor"

urlpatterns = [
    path("", overview.overview, name="overview"),
    re_path(r"^divergence\.(?P<fmt>svg|png|csv)$", charts.divergence, name="divergence"),
    path("countries/<str:code>/", country.country, name="country"),
    re_path(
        r"^countries/(?P<code>[^/]+)/timeline\.(?P<fmt>svg|png|csv)$",
        charts.timeline,
        name="timeline",
    ),
    path("areas/<str:area>/", area.area, name="area"),
    path("targets/<str:target>/", target.target, name="target"),
    path("changes/", changes.changes, name="changes"),
    path("changes/feed.atom", changes.changes_feed, name="changes-feed"),
    path("methodology/", methodology.methodology, name="methodology"),
    path("about/", about.about, name="about"),
    path("exchange/performance/", exchange.performance, name="exchange"),
    path(
        "exchange/performance/<str:code>/<str:area>/<str:quarter>",
        exchange.performance,
        name="exchange-quarter",
    ),
    path("downloads/", downloads.index, name="downloads"),
    path("downloads/standings.csv", downloads.standings_csv, name="standings-csv"),
    path("downloads/standings.json", downloads.standings_json, name="standings-json"),
    path("downloads/standings.zip", downloads.standings_zip, name="standings-zip"),
    path("downloads/evidence.csv", downloads.evidence_csv, name="evidence-csv"),
    path("downloads/evidence.json", downloads.evidence_json, name="evidence-json"),
    path("downloads/evidence.zip", downloads.evidence_zip, name="evidence-zip"),
    path("downloads/catalogue.csv", downloads.catalogue_csv, name="catalogue-csv"),
    path("downloads/catalogue.json", downloads.catalogue_json, name="catalogue-json"),
    path("downloads/catalogue.zip", downloads.catalogue_zip, name="catalogue-zip"),
]
