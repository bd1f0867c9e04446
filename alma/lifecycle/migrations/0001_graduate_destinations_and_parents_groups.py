"""Graduates' destinations and new parents' groups move from events to lifecycle.

The tables stay where they are (events_graduatedestination, events_parentsgroup and its
members table): this migration only tells Django's state that lifecycle owns the models, and
events 0002 that events no longer does.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('events', '0001_events_and_programs'),
        ('people', '0005_person_references_checked_per_statement'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='GraduateDestination',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('graduation_year', models.PositiveSmallIntegerField(verbose_name='graduation year')),
                        ('asked_at', models.DateTimeField(blank=True, null=True)),
                        ('answered_at', models.DateTimeField(blank=True, null=True)),
                        ('city', models.CharField(blank=True, max_length=80, verbose_name='city')),
                        ('country', models.CharField(blank=True, max_length=80, verbose_name='country')),
                        ('employer', models.CharField(blank=True, max_length=200, verbose_name='employer or school')),
                        ('title', models.CharField(blank=True, max_length=120, verbose_name='title')),
                        ('officers_notified_at', models.DateTimeField(blank=True, null=True)),
                        ('chapter', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='new_alumni', to='people.chapter')),
                        ('person', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='destinations', to='people.person')),
                    ],
                    options={
                        'verbose_name': 'graduate destination',
                        'verbose_name_plural': 'graduate destinations',
                        'db_table': 'events_graduatedestination',
                        'indexes': [models.Index(fields=['chapter', '-answered_at'], name='destination_chapter_idx')],
                        'constraints': [models.UniqueConstraint(fields=('person', 'graduation_year'), name='graduate_destination_unique')],
                    },
                ),
                migrations.CreateModel(
                    name='ParentsGroup',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('entry_year', models.PositiveSmallIntegerField(verbose_name='entry year')),
                        ('name', models.CharField(max_length=200, verbose_name='name')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                        ('chapter', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='parents_groups', to='people.chapter')),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('members', models.ManyToManyField(blank=True, related_name='parents_groups', to='people.person')),
                    ],
                    options={
                        'verbose_name': 'new parents group',
                        'verbose_name_plural': 'new parents groups',
                        'db_table': 'events_parentsgroup',
                        'constraints': [models.UniqueConstraint(fields=('chapter', 'entry_year'), name='parents_group_unique')],
                    },
                ),
            ],
        ),
    ]
