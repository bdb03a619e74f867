"""The inbox walks an organisation's own items newest first (EXCHANGE.md §6.16)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("exchange", "0006_contact_point_triggers")]

    operations = [
        migrations.AddIndex(
            model_name="notification",
            index=models.Index(
                fields=["originator_org", "created_at"], name="exchange_notif_origin"
            ),
        ),
    ]
