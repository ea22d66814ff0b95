"""The national figures of the statutory task moved from a scenario's group setting to the
round's half-years (0006 copied them). Its own migration, so that the columns are dropped in
a transaction of their own after the data moved."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("allocation", "0006_maatwerk_and_time_base"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="scenariogroupsetting",
            name="scenario_setting_statutory_figures_given",
        ),
        migrations.RemoveField(
            model_name="historicalscenariogroupsetting",
            name="national_population",
        ),
        migrations.RemoveField(
            model_name="historicalscenariogroupsetting",
            name="national_total",
        ),
        migrations.RemoveField(
            model_name="scenariogroupsetting",
            name="national_population",
        ),
        migrations.RemoveField(
            model_name="scenariogroupsetting",
            name="national_total",
        ),
    ]
