"""Observations may supersede an earlier observation (a correction that names what it fixes).

A nullable foreign key to the observation corrected: the database refuses a correction of an
observation that does not exist, and PROTECT keeps a corrected observation from ever being
deleted. SQLite may rebuild the table to add the column, which drops its triggers: they are
installed again (idempotent).
"""

import django.db.models.deletion
from django.db import migrations, models

from oip.site.appendonly import AppendOnlyTriggers


class Migration(migrations.Migration):
    dependencies = [
        ("evidence", "0003_append_only"),
    ]

    operations = [
        migrations.AddField(
            model_name="observation",
            name="supersedes",
            field=models.ForeignKey(
                blank=True,
                help_text="the observation this one corrects; it no longer counts from this "
                "row's recorded_at",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="corrections",
                to="evidence.observation",
            ),
        ),
        AppendOnlyTriggers("evidence_observation"),
    ]
