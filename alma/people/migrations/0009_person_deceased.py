"""A person may be marked deceased: kept on record, left out of the alumni of record (CASE)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("people", "0008_consent_for_publicity"),
    ]

    operations = [
        migrations.AddField(
            model_name="person",
            name="deceased",
            field=models.BooleanField(db_default=False, default=False, verbose_name="deceased"),
        ),
        migrations.AddField(
            model_name="historicalperson",
            name="deceased",
            field=models.BooleanField(db_default=False, default=False, verbose_name="deceased"),
        ),
    ]
