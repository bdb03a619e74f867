from django.apps import AppConfig


class StandingsConfig(AppConfig):
    name = "oip.standings"
    label = "standings"
    verbose_name = "OIP standings"

    def ready(self) -> None:
        # Writers below this layer announce changes by signal; the memo and the cached
        # evaluations are forgotten here, so no writer imports a reader.
        from oip.site.signals import data_changed
        from oip.standings.evaluation import clear_cache

        data_changed.connect(clear_cache, dispatch_uid="oip.standings.clear_cache")
