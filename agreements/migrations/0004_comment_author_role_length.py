from django.db import migrations, models


class Migration(migrations.Migration):
    """A comment's author role holds "care_provider" (13 characters) since issue 15."""

    dependencies = [("agreements", "0003_freeze_round_status_and_transitions")]

    operations = [
        migrations.AlterField(
            model_name="comment",
            name="author_role",
            field=models.CharField(max_length=16, verbose_name="role"),
        ),
    ]
