from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "oip.evidence"
    label = "evidence"
    verbose_name = "Evidence"
