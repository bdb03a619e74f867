from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "oip.reports"
    label = "reports"
    verbose_name = "Reports"

    def ready(self) -> None:
        # Imported here, not at the top: models are not loaded before ready(). After every
        # committed write the current reports are rendered again (when OIP_PRERENDER is on).
        from oip.reports.store import schedule_prerender
        from oip.site.signals import data_changed

        data_changed.connect(schedule_prerender, dispatch_uid="oip.reports.prerender")
