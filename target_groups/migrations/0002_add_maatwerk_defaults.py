"""Maatwerk per group (issue 10, DOMAIN.md 3): each group gets a default allocation mode and
key, whether it is housed from social-rental mutations and whether it counts as statutory
urgent for the fall-back rule; the groups get a history (the programme team edits them).

The data step sets the DOMAIN.md 3 defaults on the groups that exist (a fresh database gets
them from fixtures/reference.json). A group unknown here keeps the field defaults, unless
spreading does not suit it: then it is allocated by its own demand.
"""

import django.db.models.deletion
import simple_history.models
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models


# code -> (mode, weights, credit factor, effort indicator, housed from mutations, statutory urgent)
DEFAULTS = {
    "homeless": (
        "spread",
        {"social_rental": "0.5", "mutations": "0.5"},
        "0.5",
        "shelter_places",
        True,
        True,
    ),
    "status_holders": ("statutory", {}, "0", None, True, False),
    "urgent": ("spread", {"mutations": "1"}, "0", None, True, True),
    "institution_leavers": (
        "spread",
        {"social_rental": "0.5", "mutations": "0.5"},
        "0.5",
        "shelter_places",
        True,
        True,
    ),
    "labour_migrants": ("spread", {"jobs": "1"}, "0", None, False, False),
    "students": ("local", {}, "0", None, False, False),
    "caravan_dwellers": ("local", {}, "0", None, False, False),
}


def set_defaults(apps, schema_editor):
    TargetGroup = apps.get_model("target_groups", "TargetGroup")
    Indicator = apps.get_model("municipalities", "Indicator")
    indicators = {i.code: i for i in Indicator.objects.all()}
    for group in TargetGroup.objects.all():
        if group.code not in DEFAULTS:
            if not group.spreading_suitable:
                group.allocation_mode = "local"
            group.default_weights = {} if not group.spreading_suitable else {"population": "1"}
            group.save()
            continue
        mode, weights, credit, effort, from_mutations, urgent = DEFAULTS[group.code]
        if any(code not in indicators for code in weights):
            weights = {"population": "1"}  # an indicator the key needs is missing here
        group.allocation_mode = mode
        group.default_weights = weights
        group.default_credit_factor = credit
        group.default_effort_indicator = indicators.get(effort) if effort else None
        group.housed_from_mutations = from_mutations
        group.counts_as_statutory_urgent = urgent
        group.save()


class Migration(migrations.Migration):
    dependencies = [
        ("municipalities", "0003_add_maatwerk_indicators"),
        ("target_groups", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="HistoricalTargetGroup",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("code", models.SlugField(max_length=40, verbose_name="code")),
                ("name_nl", models.CharField(max_length=150, verbose_name="Dutch name")),
                ("name_en", models.CharField(max_length=150, verbose_name="English name")),
                ("definition_nl", models.TextField(verbose_name="Dutch definition")),
                ("definition_en", models.TextField(blank=True, verbose_name="English definition")),
                (
                    "entry_hint_nl",
                    models.TextField(blank=True, verbose_name="what officers enter (Dutch)"),
                ),
                (
                    "unit",
                    models.CharField(
                        choices=[
                            ("persons", "persons"),
                            ("households", "households"),
                            ("beds", "persons (beds)"),
                            ("units", "units"),
                            ("pitches", "pitches"),
                        ],
                        max_length=12,
                        verbose_name="unit",
                    ),
                ),
                (
                    "household_size",
                    models.DecimalField(
                        decimal_places=2,
                        default=Decimal("1.00"),
                        help_text="Units per dwelling, to convert the group's numbers to dwellings needed.",
                        max_digits=5,
                        verbose_name="average household size",
                    ),
                ),
                (
                    "household_size_is_assumption",
                    models.BooleanField(
                        default=True, verbose_name="household size is an assumption"
                    ),
                ),
                (
                    "spreading_suitable",
                    models.BooleanField(default=True, verbose_name="spreading suits this group"),
                ),
                (
                    "allocation_mode",
                    models.CharField(
                        choices=[
                            ("spread", "spread with a key"),
                            ("local", "own demand (where the need arises)"),
                            ("statutory", "statutory task"),
                        ],
                        default="spread",
                        help_text="How a new scenario shares this group: spread with a key, each municipality its own demand, or the statutory task. A group that spreading does not suit cannot be spread by default.",
                        max_length=12,
                        verbose_name="default allocation mode",
                    ),
                ),
                (
                    "default_weights",
                    models.JSONField(
                        blank=True,
                        default=dict,
                        help_text='Indicator code and weight as a fraction, together exactly 1, for example {"social_rental": "0.5", "mutations": "0.5"}. Used when the group is spread.',
                        verbose_name="default key: weights",
                    ),
                ),
                (
                    "default_credit_factor",
                    models.DecimalField(
                        decimal_places=4,
                        default=Decimal("0"),
                        help_text="How much existing effort counts: 0 = no credit, 1 = all of it.",
                        max_digits=5,
                        verbose_name="default key: credit factor",
                    ),
                ),
                (
                    "housed_from_mutations",
                    models.BooleanField(
                        default=True,
                        help_text="Counts in the share of yearly mutations that the tasks need (mutation pressure).",
                        verbose_name="housed from social-rental mutations",
                    ),
                ),
                (
                    "counts_as_statutory_urgent",
                    models.BooleanField(
                        default=False,
                        help_text="A new round compares this group with the fall-back rule (a share of the yearly mutations for statutory urgents). Each round can change the choice.",
                        verbose_name="counts as statutory urgent (default)",
                    ),
                ),
                ("position", models.PositiveSmallIntegerField(default=0, verbose_name="position")),
                ("active", models.BooleanField(default=True, verbose_name="active")),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
            ],
            options={
                "verbose_name": "historical target group",
                "verbose_name_plural": "historical target groups",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.AddField(
            model_name="targetgroup",
            name="allocation_mode",
            field=models.CharField(
                choices=[
                    ("spread", "spread with a key"),
                    ("local", "own demand (where the need arises)"),
                    ("statutory", "statutory task"),
                ],
                default="spread",
                help_text="How a new scenario shares this group: spread with a key, each municipality its own demand, or the statutory task. A group that spreading does not suit cannot be spread by default.",
                max_length=12,
                verbose_name="default allocation mode",
            ),
        ),
        migrations.AddField(
            model_name="targetgroup",
            name="counts_as_statutory_urgent",
            field=models.BooleanField(
                default=False,
                help_text="A new round compares this group with the fall-back rule (a share of the yearly mutations for statutory urgents). Each round can change the choice.",
                verbose_name="counts as statutory urgent (default)",
            ),
        ),
        migrations.AddField(
            model_name="targetgroup",
            name="default_credit_factor",
            field=models.DecimalField(
                decimal_places=4,
                default=Decimal("0"),
                help_text="How much existing effort counts: 0 = no credit, 1 = all of it.",
                max_digits=5,
                verbose_name="default key: credit factor",
            ),
        ),
        migrations.AddField(
            model_name="targetgroup",
            name="default_effort_indicator",
            field=models.ForeignKey(
                blank=True,
                help_text="Take the existing effort from this indicator (for example existing shelter places). Empty: the group's own figure for existing effort.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="municipalities.indicator",
                verbose_name="default key: existing effort from indicator",
            ),
        ),
        migrations.AddField(
            model_name="targetgroup",
            name="default_weights",
            field=models.JSONField(
                blank=True,
                default=dict,
                help_text='Indicator code and weight as a fraction, together exactly 1, for example {"social_rental": "0.5", "mutations": "0.5"}. Used when the group is spread.',
                verbose_name="default key: weights",
            ),
        ),
        migrations.AddField(
            model_name="targetgroup",
            name="housed_from_mutations",
            field=models.BooleanField(
                default=True,
                help_text="Counts in the share of yearly mutations that the tasks need (mutation pressure).",
                verbose_name="housed from social-rental mutations",
            ),
        ),
        migrations.RunPython(set_defaults, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="targetgroup",
            constraint=models.CheckConstraint(
                condition=models.Q(("allocation_mode__in", ["spread", "local", "statutory"])),
                name="target_group_allocation_mode_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="targetgroup",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("spreading_suitable", True),
                    models.Q(("allocation_mode", "spread"), _negated=True),
                    _connector="OR",
                ),
                name="target_group_unsuitable_not_spread_by_default",
                violation_error_message="Spreading does not suit this group: choose own demand or the statutory task as its default mode.",
            ),
        ),
        migrations.AddConstraint(
            model_name="targetgroup",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("default_credit_factor__gte", 0), ("default_credit_factor__lte", 1)
                ),
                name="target_group_default_credit_factor_range",
            ),
        ),
        migrations.AddField(
            model_name="historicaltargetgroup",
            name="default_effort_indicator",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                help_text="Take the existing effort from this indicator (for example existing shelter places). Empty: the group's own figure for existing effort.",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="municipalities.indicator",
                verbose_name="default key: existing effort from indicator",
            ),
        ),
        migrations.AddField(
            model_name="historicaltargetgroup",
            name="history_user",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
    ]
