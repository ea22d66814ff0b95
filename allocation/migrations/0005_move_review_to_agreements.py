"""The review and agreement models moved to the agreements app (state only).

Their tables keep their names (allocation_proposal, ...) and their rows; nothing in the
database changes. agreements 0001 takes the same models into its state.
"""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('allocation', '0004_freeze_agreed_rounds'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
        migrations.RemoveField(
            model_name='comment',
            name='author',
        ),
        migrations.RemoveField(
            model_name='comment',
            name='municipality',
        ),
        migrations.RemoveField(
            model_name='comment',
            name='round',
        ),
        migrations.RemoveField(
            model_name='deadlinereminder',
            name='round',
        ),
        migrations.RemoveField(
            model_name='proposal',
            name='proposed_by',
        ),
        migrations.RemoveField(
            model_name='proposal',
            name='round',
        ),
        migrations.RemoveField(
            model_name='proposal',
            name='run',
        ),
        migrations.RemoveField(
            model_name='transfer',
            name='proposal',
        ),
        migrations.RemoveField(
            model_name='roundcorrection',
            name='new_round',
        ),
        migrations.RemoveField(
            model_name='roundcorrection',
            name='old_round',
        ),
        migrations.RemoveField(
            model_name='roundcorrection',
            name='user',
        ),
        migrations.RemoveField(
            model_name='roundtransition',
            name='round',
        ),
        migrations.RemoveField(
            model_name='roundtransition',
            name='user',
        ),
        migrations.RemoveField(
            model_name='transfer',
            name='decided_by',
        ),
        migrations.RemoveField(
            model_name='transfer',
            name='giver',
        ),
        migrations.RemoveField(
            model_name='transfer',
            name='group',
        ),
        migrations.RemoveField(
            model_name='transfer',
            name='initiator',
        ),
        migrations.RemoveField(
            model_name='transfer',
            name='proposed_by',
        ),
        migrations.RemoveField(
            model_name='transfer',
            name='round',
        ),
        migrations.RemoveField(
            model_name='transfer',
            name='taker',
        ),
        migrations.DeleteModel(
            name='Approval',
        ),
        migrations.DeleteModel(
            name='Comment',
        ),
        migrations.DeleteModel(
            name='DeadlineReminder',
        ),
        migrations.DeleteModel(
            name='Proposal',
        ),
        migrations.DeleteModel(
            name='RoundCorrection',
        ),
        migrations.DeleteModel(
            name='RoundTransition',
        ),
        migrations.DeleteModel(
            name='Transfer',
        ),
                ],
        ),
    ]
