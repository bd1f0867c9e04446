import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="SearchDocument",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("kind", models.CharField(max_length=40)),
                ("object_id", models.BigIntegerField()),
                ("level", models.PositiveSmallIntegerField(default=1)),
                ("owner_id", models.BigIntegerField(blank=True, null=True)),
                ("words", models.TextField(blank=True)),
                ("facets", models.TextField(blank=True)),
                ("updated_at", models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={
                "indexes": [models.Index(fields=["kind", "-updated_at"], name="search_kind_updated_idx")],
                "constraints": [
                    models.UniqueConstraint(fields=("kind", "object_id"), name="search_document_key")
                ],
            },
        ),
    ]
