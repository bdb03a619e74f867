"""Contact points are records too: the database refuses UPDATE and DELETE on them (a change of
designation is a newer row), like every other append-only table."""

from django.db import migrations

from oip.site.appendonly import AppendOnlyTriggers


class Migration(migrations.Migration):
    dependencies = [
        ("exchange", "0005_exceptional_addressing"),
    ]

    operations = [
        AppendOnlyTriggers("exchange_contactpoint"),
    ]
