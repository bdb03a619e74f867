"""Append-only in the database, unique fingerprints, immutable import batches, `Source.kind`.

Before the fingerprint becomes unique, exact duplicates that concurrent imports could store
(same fingerprint = same content) are folded into the oldest row: the only clean-up the
append-only store will ever allow, done once, before the triggers exist. Existing batches keep
what they read (`created + skipped` observations).
"""

import django.db.models.deletion
from django.db import migrations, models

from oip.site.appendonly import AppendOnlyTriggers

APPEND_ONLY_TABLES = (
    "evidence_source",
    "evidence_importbatch",
    "evidence_observation",
    "evidence_contextnote",
)

KEEP_OLDEST_OBSERVATION = (
    "DELETE FROM evidence_observation WHERE id NOT IN "
    "(SELECT MIN(id) FROM evidence_observation GROUP BY fingerprint)"
)
BATCH_READ_COUNTS = "UPDATE evidence_importbatch SET observations_read = created + skipped"


class Migration(migrations.Migration):
    dependencies = [
        ("evidence", "0002_read_indexes"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="contextnote",
            options={"base_manager_name": "objects", "ordering": ["noted_on", "id"]},
        ),
        migrations.AlterModelOptions(
            name="importbatch",
            options={
                "base_manager_name": "objects",
                "ordering": ["-recorded_at", "-id"],
                "verbose_name_plural": "import batches",
            },
        ),
        migrations.AlterModelOptions(
            name="observation",
            options={
                "base_manager_name": "objects",
                "ordering": ["country_id", "benchmark_id", "observed_on", "recorded_at", "id"],
            },
        ),
        migrations.AlterModelOptions(
            name="source",
            options={"base_manager_name": "objects"},
        ),
        migrations.AddField(
            model_name="contextnote",
            name="batch",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="context_notes",
                to="evidence.importbatch",
            ),
        ),
        migrations.AddField(
            model_name="importbatch",
            name="notes_read",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="importbatch",
            name="observations_read",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="source",
            name="kind",
            field=models.CharField(
                choices=[
                    ("public", "public"),
                    ("measured", "measured"),
                    ("restricted", "restricted"),
                ],
                default="public",
                max_length=16,
            ),
        ),
        migrations.RunSQL(BATCH_READ_COUNTS, migrations.RunSQL.noop),
        migrations.RemoveField(
            model_name="importbatch",
            name="created",
        ),
        migrations.RemoveField(
            model_name="importbatch",
            name="skipped",
        ),
        migrations.RunSQL(KEEP_OLDEST_OBSERVATION, migrations.RunSQL.noop),
        migrations.AlterField(
            model_name="observation",
            name="fingerprint",
            field=models.CharField(max_length=64, unique=True),
        ),
        # Last: SQLite rebuilds a table to alter it, which drops its triggers.
        AppendOnlyTriggers(*APPEND_ONLY_TABLES),
    ]
