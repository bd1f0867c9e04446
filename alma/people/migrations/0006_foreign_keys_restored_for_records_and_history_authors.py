"""Real foreign keys again on every reference of the people tables.

- PostgreSQL: the per-statement plpgsql checks of 0005 (triggers guessing from xmin and a
  one-day updated_at window whether a person is the transaction's own) are dropped, and
  education's and employment's person references get their foreign-key constraints back
  (DEFERRABLE INITIALLY DEFERRED, as Django makes them). SQLite kept its constraints.
- Every database: a history row's author (history_user) is a foreign key again, as
  django-simple-history makes it (0003 had made it a plain column).

The database, not Alma's code, guarantees that no record refers to someone who is not there.
"""

import importlib

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


CHECKED_PER_STATEMENT = importlib.import_module(
    "alma.people.migrations.0005_person_references_checked_per_statement"
)


def _person_keys(apps):
    return [
        (model, model._meta.get_field("person"))
        for model in (apps.get_model("people", "Education"), apps.get_model("people", "Employment"))
    ]


def constraints_back(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in CHECKED_PER_STATEMENT.POSTGRES_BACKWARD:
        schema_editor.execute(statement, None)
    for model, field in _person_keys(apps):
        schema_editor.execute(
            schema_editor._create_fk_sql(model, field, "_fk_%(to_table)s_%(to_column)s")
        )


def checks_per_statement_again(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model, field in _person_keys(apps):
        for name in schema_editor._constraint_names(model, [field.column], foreign_key=True):
            schema_editor.execute(schema_editor._delete_fk_sql(model, name))
    for statement in CHECKED_PER_STATEMENT.POSTGRES_FORWARD:
        schema_editor.execute(statement, None)


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0005_person_references_checked_per_statement"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(constraints_back, checks_per_statement_again),
        migrations.AlterField(
            model_name="historicalchapter",
            name="history_user",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="historicaleducation",
            name="history_user",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="historicalemployment",
            name="history_user",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="historicalorganization",
            name="history_user",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="historicalperson",
            name="history_user",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="historicalstaffpost",
            name="history_user",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
    ]
