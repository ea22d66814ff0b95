"""Maatwerk per group and one time base (issue 10).

- A scenario's group setting gets an allocation mode (spread, local, statutory), a basis for an
  entered total (per year or for the whole period) and an indicator for existing effort.
- A round gets the fall-back settings (percentage of yearly mutations, default 15%, and the
  groups that count as statutory urgents) and one row per half-year of its period with the
  national figures of the statutory task (``RoundHalfYear``).
- Data: every round gets its half-years; the national figures a scenario held (one half-year,
  the old way) are copied to each half-year as an estimate; the round's statutory-urgent
  groups are the groups' defaults. Settings that used the rounding method ``statutory`` become
  the mode ``statutory`` (not in agreed or superseded rounds: those rows are frozen, and their
  computations keep their own copy of the settings). 0007 then drops the scenario's national
  figures.
- PostgreSQL: the new tables are frozen with the round, as in 0004.
"""

import datetime

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


FROZEN = ("agreed", "superseded")
DEFAULT_NATIONAL_POPULATION = 17_942_942  # CBS, 1 January 2024


def _half_years(start, end):
    labels = []
    for year in range(start.year, end.year + 1):
        for half, first, last in (
            (1, datetime.date(year, 1, 1), datetime.date(year, 6, 30)),
            (2, datetime.date(year, 7, 1), datetime.date(year, 12, 31)),
        ):
            if start <= first and last <= end:
                labels.append(f"{year}-H{half}")
    return labels


def time_base_and_modes(apps, schema_editor):
    Round = apps.get_model("allocation", "Round")
    RoundHalfYear = apps.get_model("allocation", "RoundHalfYear")
    Setting = apps.get_model("allocation", "ScenarioGroupSetting")
    TargetGroup = apps.get_model("target_groups", "TargetGroup")
    urgent = list(TargetGroup.objects.filter(counts_as_statutory_urgent=True))
    for round_ in Round.objects.all():
        national = (
            Setting.objects.filter(scenario__round=round_, national_total__isnull=False)
            .order_by("pk")
            .values_list("national_total", "national_population")
            .first()
        )
        for label in _half_years(round_.period_start, round_.period_end):
            RoundHalfYear.objects.get_or_create(
                round=round_,
                label=label,
                defaults={
                    "national_total": national[0] if national else None,
                    "national_population": (national[1] if national else None)
                    or DEFAULT_NATIONAL_POPULATION,
                    "estimate": True,
                },
            )
        round_.statutory_urgent_groups.set(urgent)
        if round_.status not in FROZEN:
            Setting.objects.filter(scenario__round=round_, method="statutory").update(
                mode="statutory", method="hamilton"
            )


# table -> SQL expression of the row's round id (see 0004_freeze_agreed_rounds).
FROZEN_TABLES = {
    "allocation_roundhalfyear": "ROW.round_id",
    "allocation_round_statutory_urgent_groups": "ROW.round_id",
}

FUNCTION = """
CREATE OR REPLACE FUNCTION {table}_frozen() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND EXISTS (
        SELECT 1 FROM allocation_round r
        WHERE r.id = {old} AND r.status IN ('agreed', 'superseded')
    ) THEN
        RAISE EXCEPTION 'round is agreed or superseded: % on {table} refused', TG_OP
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') AND EXISTS (
        SELECT 1 FROM allocation_round r
        WHERE r.id = {new} AND r.status IN ('agreed', 'superseded')
    ) THEN
        RAISE EXCEPTION 'round is agreed or superseded: % on {table} refused', TG_OP
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS {table}_frozen ON {table};
CREATE TRIGGER {table}_frozen BEFORE INSERT OR UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION {table}_frozen();
"""

DROP = """
DROP TRIGGER IF EXISTS {table}_frozen ON {table};
DROP FUNCTION IF EXISTS {table}_frozen();
"""


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, expression in FROZEN_TABLES.items():
        schema_editor.execute(
            FUNCTION.format(
                table=table,
                old=expression.replace("ROW.", "OLD."),
                new=expression.replace("ROW.", "NEW."),
            ),
            params=None,  # the SQL holds a literal % (RAISE ... %, TG_OP)
        )


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in FROZEN_TABLES:
        schema_editor.execute(DROP.format(table=table), params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("allocation", "0005_move_review_to_agreements"),
        ("municipalities", "0003_add_maatwerk_indicators"),
        ("target_groups", "0002_add_maatwerk_defaults"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="HistoricalRound_statutory_urgent_groups",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("m2m_history_id", models.AutoField(primary_key=True, serialize=False)),
            ],
            options={
                "verbose_name": "HistoricalRound_statutory_urgent_groups",
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalRoundHalfYear",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                (
                    "label",
                    models.CharField(
                        help_text="For example 2026-H1.", max_length=7, verbose_name="half-year"
                    ),
                ),
                (
                    "national_total",
                    models.PositiveIntegerField(
                        blank=True,
                        help_text="The number of status holders the Netherlands houses in this half-year.",
                        null=True,
                        verbose_name="national half-year total (vg)",
                    ),
                ),
                (
                    "national_population",
                    models.PositiveBigIntegerField(
                        help_text="Inhabitants of the Netherlands on 1 January of the year before.",
                        verbose_name="national population (P_NL)",
                    ),
                ),
                (
                    "estimate",
                    models.BooleanField(
                        default=True,
                        help_text="The national total is not yet published: this is an estimate.",
                        verbose_name="estimate",
                    ),
                ),
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
                "verbose_name": "historical half-year of a round",
                "verbose_name_plural": "historical half-years of a round",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="RoundHalfYear",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "label",
                    models.CharField(
                        help_text="For example 2026-H1.", max_length=7, verbose_name="half-year"
                    ),
                ),
                (
                    "national_total",
                    models.PositiveIntegerField(
                        blank=True,
                        help_text="The number of status holders the Netherlands houses in this half-year.",
                        null=True,
                        verbose_name="national half-year total (vg)",
                    ),
                ),
                (
                    "national_population",
                    models.PositiveBigIntegerField(
                        help_text="Inhabitants of the Netherlands on 1 January of the year before.",
                        verbose_name="national population (P_NL)",
                    ),
                ),
                (
                    "estimate",
                    models.BooleanField(
                        default=True,
                        help_text="The national total is not yet published: this is an estimate.",
                        verbose_name="estimate",
                    ),
                ),
            ],
            options={
                "verbose_name": "half-year of a round",
                "verbose_name_plural": "half-years of a round",
                "ordering": ["round", "label"],
            },
        ),
        migrations.AddField(
            model_name="historicalround",
            name="fallback_pct",
            field=models.DecimalField(
                decimal_places=2,
                default=15,
                help_text="Without regional agreements a municipality would have to give this share of its yearly vacated social rental dwellings to statutory urgents (15% in the MRA discussions).",
                max_digits=5,
                verbose_name="fall-back rule: percentage of yearly mutations",
            ),
        ),
        migrations.AddField(
            model_name="historicalscenariogroupsetting",
            name="effort_indicator",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="municipalities.indicator",
                verbose_name="existing effort from indicator",
            ),
        ),
        migrations.AddField(
            model_name="historicalscenariogroupsetting",
            name="entered_total_basis",
            field=models.CharField(
                choices=[("per_year", "per year"), ("period", "for the whole period")],
                default="period",
                max_length=8,
                verbose_name="the entered total is",
            ),
        ),
        migrations.AddField(
            model_name="historicalscenariogroupsetting",
            name="mode",
            field=models.CharField(
                choices=[
                    ("spread", "spread with a key"),
                    ("local", "own demand (where the need arises)"),
                    ("statutory", "statutory task"),
                ],
                default="spread",
                max_length=12,
                verbose_name="allocation mode",
            ),
        ),
        migrations.AddField(
            model_name="round",
            name="fallback_pct",
            field=models.DecimalField(
                decimal_places=2,
                default=15,
                help_text="Without regional agreements a municipality would have to give this share of its yearly vacated social rental dwellings to statutory urgents (15% in the MRA discussions).",
                max_digits=5,
                verbose_name="fall-back rule: percentage of yearly mutations",
            ),
        ),
        migrations.AddField(
            model_name="round",
            name="statutory_urgent_groups",
            field=models.ManyToManyField(
                blank=True,
                help_text="What a municipality agreed for these groups is compared with the fall-back.",
                related_name="+",
                to="target_groups.targetgroup",
                verbose_name="groups that count as statutory urgents",
            ),
        ),
        migrations.AddField(
            model_name="scenariogroupsetting",
            name="effort_indicator",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="municipalities.indicator",
                verbose_name="existing effort from indicator",
            ),
        ),
        migrations.AddField(
            model_name="scenariogroupsetting",
            name="entered_total_basis",
            field=models.CharField(
                choices=[("per_year", "per year"), ("period", "for the whole period")],
                default="period",
                max_length=8,
                verbose_name="the entered total is",
            ),
        ),
        migrations.AddField(
            model_name="scenariogroupsetting",
            name="mode",
            field=models.CharField(
                choices=[
                    ("spread", "spread with a key"),
                    ("local", "own demand (where the need arises)"),
                    ("statutory", "statutory task"),
                ],
                default="spread",
                max_length=12,
                verbose_name="allocation mode",
            ),
        ),
        migrations.AlterField(
            model_name="historicalscenario",
            name="urgent_fallback_pct",
            field=models.DecimalField(
                decimal_places=2,
                default=15,
                help_text="A copy of the round's fall-back percentage; the round's setting decides.",
                max_digits=5,
                verbose_name="fall-back for urgent cases (percentage of yearly mutations)",
            ),
        ),
        migrations.AlterField(
            model_name="scenario",
            name="urgent_fallback_pct",
            field=models.DecimalField(
                decimal_places=2,
                default=15,
                help_text="A copy of the round's fall-back percentage; the round's setting decides.",
                max_digits=5,
                verbose_name="fall-back for urgent cases (percentage of yearly mutations)",
            ),
        ),
        migrations.AddConstraint(
            model_name="round",
            constraint=models.CheckConstraint(
                condition=models.Q(("fallback_pct__gt", 0), ("fallback_pct__lte", 100)),
                name="round_fallback_pct_range",
            ),
        ),
        migrations.AddConstraint(
            model_name="scenariogroupsetting",
            constraint=models.CheckConstraint(
                condition=models.Q(("mode__in", ["spread", "local", "statutory"])),
                name="scenario_setting_mode_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="scenariogroupsetting",
            constraint=models.CheckConstraint(
                condition=models.Q(("entered_total_basis__in", ["per_year", "period"])),
                name="scenario_setting_entered_total_basis_valid",
            ),
        ),
        migrations.AddField(
            model_name="historicalround_statutory_urgent_groups",
            name="history",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.DO_NOTHING,
                to="allocation.historicalround",
            ),
        ),
        migrations.AddField(
            model_name="historicalround_statutory_urgent_groups",
            name="round",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_tablespace="",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="allocation.round",
            ),
        ),
        migrations.AddField(
            model_name="historicalround_statutory_urgent_groups",
            name="targetgroup",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_tablespace="",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="target_groups.targetgroup",
            ),
        ),
        migrations.AddField(
            model_name="historicalroundhalfyear",
            name="history_user",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="historicalroundhalfyear",
            name="round",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="allocation.round",
                verbose_name="round",
            ),
        ),
        migrations.AddField(
            model_name="roundhalfyear",
            name="round",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="half_years",
                to="allocation.round",
                verbose_name="round",
            ),
        ),
        migrations.AddConstraint(
            model_name="roundhalfyear",
            constraint=models.UniqueConstraint(
                fields=("round", "label"), name="round_half_year_unique"
            ),
        ),
        migrations.AddConstraint(
            model_name="roundhalfyear",
            constraint=models.CheckConstraint(
                condition=models.Q(("label__regex", "^[0-9]{4}-H[12]$")),
                name="round_half_year_label_format",
            ),
        ),
        migrations.AddConstraint(
            model_name="roundhalfyear",
            constraint=models.CheckConstraint(
                condition=models.Q(("national_population__gt", 0)),
                name="round_half_year_population_positive",
            ),
        ),
        migrations.RunPython(time_base_and_modes, migrations.RunPython.noop),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
