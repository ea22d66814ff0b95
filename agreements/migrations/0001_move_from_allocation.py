"""The review and agreement models, moved here from the allocation app (state only).

The tables already exist (allocation migrations 0003 and 0004) and keep their names through
``db_table``; this migration only tells Django that the models now belong to this app.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('allocation', '0005_move_review_to_agreements'),
        ('municipalities', '0001_initial'),
        ('target_groups', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
        migrations.CreateModel(
            name='Proposal',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('run_digest', models.CharField(max_length=64, verbose_name='digest of the computation')),
                ('status', models.CharField(choices=[('current', 'current'), ('voided', 'voided'), ('adopted', 'adopted')], default='current', max_length=10, verbose_name='status')),
                ('proposed_at', models.DateTimeField(verbose_name='proposed at')),
                ('voided_at', models.DateTimeField(blank=True, null=True, verbose_name='voided at')),
                ('void_reason', models.TextField(blank=True, verbose_name='why voided')),
                ('proposed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='proposed by')),
                ('round', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='proposals', to='allocation.round', verbose_name='round')),
                ('run', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='allocation.scenariorun', verbose_name='computation')),
            ],
            options={
                'verbose_name': 'proposal',
                'verbose_name_plural': 'proposals',
                'db_table': 'allocation_proposal',
                'ordering': ['round', '-proposed_at', '-pk'],
            },
        ),
        migrations.CreateModel(
            name='Approval',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('decision', models.CharField(choices=[('approve', 'approves'), ('object', 'objects')], max_length=8, verbose_name='decision')),
                ('reason', models.TextField(blank=True, verbose_name='reason')),
                ('digest', models.CharField(max_length=64, verbose_name='digest approved')),
                ('decided_at', models.DateTimeField(verbose_name='decided at')),
                ('state', models.CharField(choices=[('active', 'valid'), ('replaced', 'replaced by a later decision'), ('voided', 'voided')], default='active', max_length=10, verbose_name='state')),
                ('ended_at', models.DateTimeField(blank=True, null=True, verbose_name='ended at')),
                ('void_reason', models.TextField(blank=True, verbose_name='why voided')),
                ('subregion', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='municipalities.subregion', verbose_name='sub-region')),
                ('user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by')),
                ('proposal', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='approvals', to='agreements.proposal', verbose_name='proposal')),
            ],
            options={
                'verbose_name': 'decision of a sub-region',
                'verbose_name_plural': 'decisions of sub-regions',
                'db_table': 'allocation_approval',
                'ordering': ['proposal', 'subregion__name', '-decided_at'],
            },
        ),
        migrations.CreateModel(
            name='RoundCorrection',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('reason', models.TextField(verbose_name='reason')),
                ('at', models.DateTimeField(verbose_name='at')),
                ('new_round', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='allocation.round', verbose_name='new version')),
                ('old_round', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='allocation.round', verbose_name='corrected round')),
                ('user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by')),
            ],
            options={
                'verbose_name': 'correction',
                'verbose_name_plural': 'corrections',
                'db_table': 'allocation_roundcorrection',
            },
        ),
        migrations.CreateModel(
            name='RoundTransition',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('from_status', models.CharField(choices=[('draft', 'draft'), ('collecting', 'collecting figures'), ('computing', 'computing'), ('in_review', 'in review'), ('agreed', 'agreed'), ('superseded', 'superseded')], max_length=12, verbose_name='from')),
                ('to_status', models.CharField(choices=[('draft', 'draft'), ('collecting', 'collecting figures'), ('computing', 'computing'), ('in_review', 'in review'), ('agreed', 'agreed'), ('superseded', 'superseded')], max_length=12, verbose_name='to')),
                ('reason', models.TextField(blank=True, verbose_name='reason')),
                ('at', models.DateTimeField(verbose_name='at')),
                ('round', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='transitions', to='allocation.round', verbose_name='round')),
                ('user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by')),
            ],
            options={
                'verbose_name': 'status change',
                'verbose_name_plural': 'status changes',
                'db_table': 'allocation_roundtransition',
                'ordering': ['round', 'at', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='Transfer',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('amount', models.PositiveIntegerField(verbose_name='number')),
                ('reason', models.TextField(blank=True, verbose_name='reason')),
                ('status', models.CharField(choices=[('proposed', 'proposed'), ('accepted', 'accepted'), ('rejected', 'rejected')], default='proposed', max_length=10, verbose_name='status')),
                ('proposed_at', models.DateTimeField(verbose_name='proposed at')),
                ('decided_at', models.DateTimeField(blank=True, null=True, verbose_name='answered at')),
                ('answer', models.TextField(blank=True, verbose_name='answer')),
                ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='answered by')),
                ('giver', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='municipalities.municipality', verbose_name='hands over')),
                ('group', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='target_groups.targetgroup', verbose_name='target group')),
                ('initiator', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='municipalities.municipality', verbose_name='proposed by municipality')),
                ('proposal', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='transfers', to='agreements.proposal', verbose_name='proposal')),
                ('proposed_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='entered by')),
                ('round', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='transfers', to='allocation.round', verbose_name='round')),
                ('taker', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='municipalities.municipality', verbose_name='takes over')),
            ],
            options={
                'verbose_name': 'transfer',
                'verbose_name_plural': 'transfers',
                'db_table': 'allocation_transfer',
                'ordering': ['round', 'proposed_at', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='Comment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('author_role', models.CharField(max_length=12, verbose_name='role')),
                ('author_scope', models.CharField(blank=True, max_length=100, verbose_name='for')),
                ('body', models.TextField(verbose_name='message')),
                ('created_at', models.DateTimeField(verbose_name='written at')),
                ('author', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='author')),
                ('municipality', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='municipalities.municipality', verbose_name='municipality')),
                ('round', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='comments', to='allocation.round', verbose_name='round')),
            ],
            options={
                'verbose_name': 'comment',
                'verbose_name_plural': 'comments',
                'db_table': 'allocation_comment',
                'ordering': ['round', 'created_at', 'pk'],
                'constraints': [models.CheckConstraint(condition=models.Q(('body', ''), _negated=True), name='comment_body_not_empty')],
            },
        ),
        migrations.CreateModel(
            name='DeadlineReminder',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('deadline', models.DateField(verbose_name='deadline')),
                ('sent_at', models.DateTimeField(verbose_name='sent at')),
                ('recipient_count', models.PositiveIntegerField(default=0, verbose_name='recipients')),
                ('round', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='allocation.round', verbose_name='round')),
            ],
            options={
                'verbose_name': 'deadline reminder',
                'verbose_name_plural': 'deadline reminders',
                'db_table': 'allocation_deadlinereminder',
                'constraints': [models.UniqueConstraint(fields=('round', 'deadline'), name='deadline_reminder_once_per_deadline')],
            },
        ),
        migrations.AddConstraint(
            model_name='proposal',
            constraint=models.UniqueConstraint(condition=models.Q(('status', 'current')), fields=('round',), name='proposal_one_current_per_round'),
        ),
        migrations.AddConstraint(
            model_name='proposal',
            constraint=models.CheckConstraint(condition=models.Q(('status__in', ['current', 'voided', 'adopted'])), name='proposal_status_valid'),
        ),
        migrations.AddConstraint(
            model_name='proposal',
            constraint=models.CheckConstraint(condition=models.Q(('run_digest__regex', '^[0-9a-f]{64}$')), name='proposal_run_digest_hex'),
        ),
        migrations.AddConstraint(
            model_name='proposal',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'voided'), _negated=True), ('voided_at__isnull', False), _connector='OR'), name='proposal_voided_has_time'),
        ),
        migrations.AddConstraint(
            model_name='approval',
            constraint=models.UniqueConstraint(condition=models.Q(('state', 'active')), fields=('proposal', 'subregion'), name='approval_one_active_per_subregion'),
        ),
        migrations.AddConstraint(
            model_name='approval',
            constraint=models.CheckConstraint(condition=models.Q(('decision__in', ['approve', 'object'])), name='approval_decision_valid'),
        ),
        migrations.AddConstraint(
            model_name='approval',
            constraint=models.CheckConstraint(condition=models.Q(('state__in', ['active', 'replaced', 'voided'])), name='approval_state_valid'),
        ),
        migrations.AddConstraint(
            model_name='approval',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('decision', 'object'), _negated=True), models.Q(('reason', ''), _negated=True), _connector='OR'), name='approval_objection_has_reason'),
        ),
        migrations.AddConstraint(
            model_name='approval',
            constraint=models.CheckConstraint(condition=models.Q(('state', 'active'), ('ended_at__isnull', False), _connector='OR'), name='approval_ended_has_time'),
        ),
        migrations.AddConstraint(
            model_name='roundcorrection',
            constraint=models.CheckConstraint(condition=models.Q(('reason', ''), _negated=True), name='round_correction_has_reason'),
        ),
        migrations.AddConstraint(
            model_name='roundtransition',
            constraint=models.CheckConstraint(condition=models.Q(('from_status', models.F('to_status')), _negated=True), name='round_transition_changes_status'),
        ),
        migrations.AddConstraint(
            model_name='transfer',
            constraint=models.CheckConstraint(condition=models.Q(('giver', models.F('taker')), _negated=True), name='transfer_two_municipalities'),
        ),
        migrations.AddConstraint(
            model_name='transfer',
            constraint=models.CheckConstraint(condition=models.Q(('initiator', models.F('giver')), ('initiator', models.F('taker')), _connector='OR'), name='transfer_initiator_is_party'),
        ),
        migrations.AddConstraint(
            model_name='transfer',
            constraint=models.CheckConstraint(condition=models.Q(('amount__gt', 0)), name='transfer_amount_positive'),
        ),
        migrations.AddConstraint(
            model_name='transfer',
            constraint=models.CheckConstraint(condition=models.Q(('status__in', ['proposed', 'accepted', 'rejected'])), name='transfer_status_valid'),
        ),
        migrations.AddConstraint(
            model_name='transfer',
            constraint=models.CheckConstraint(condition=models.Q(('status', 'proposed'), ('decided_at__isnull', False), _connector='OR'), name='transfer_answered_has_time'),
        ),
                ],
        ),
    ]
