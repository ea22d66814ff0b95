"""The agreements app took its models from the allocation app without touching the data."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE_MOVE = [("allocation", "0004_freeze_agreed_rounds"), ("agreements", None)]
AFTER_MOVE = [("agreements", "0001_move_from_allocation")]


def _migrate(targets: list[tuple[str, str | None]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


@pytest.mark.django_db(transaction=True)
def test_rows_written_in_the_old_layout_are_read_by_the_agreements_app() -> None:
    # Going back before the move also takes back the partner roles (accounts 0002 needs the
    # partners app, which needs agreements): the demo's partner people do not fit the old
    # 12-character role column, so they go first (this test's database is flushed after).
    from accounts.models import Membership

    Membership.objects.filter(organisation__isnull=False).delete()
    executor = _migrate(BEFORE_MOVE)
    old = executor.loader.project_state([BEFORE_MOVE[0]]).apps
    assert "proposal" in old.all_models["allocation"]  # the old layout
    now = timezone.now()
    round_ = old.get_model("allocation", "Round").objects.create(
        name="Afspraken 2024–2025 (oude indeling)",
        period_start=datetime.date(2024, 1, 1),
        period_end=datetime.date(2025, 12, 31),
        reference_year=2023,
        status="collecting",
    )
    old.get_model("allocation", "RoundTransition").objects.create(
        round_id=round_.pk, from_status="draft", to_status="collecting", reason="start", at=now
    )
    old.get_model("allocation", "Comment").objects.create(
        round_id=round_.pk, author_role="programme", body="Graag voor 1 maart.", created_at=now
    )
    old.get_model("allocation", "DeadlineReminder").objects.create(
        round_id=round_.pk, deadline=datetime.date(2024, 3, 1), sent_at=now, recipient_count=4
    )

    new = _migrate(AFTER_MOVE).loader.project_state(AFTER_MOVE).apps
    assert "proposal" not in new.all_models["allocation"]
    transition = new.get_model("agreements", "RoundTransition").objects.get(round_id=round_.pk)
    assert (transition.from_status, transition.to_status, transition.reason) == (
        "draft",
        "collecting",
        "start",
    )
    comment = new.get_model("agreements", "Comment").objects.get(round_id=round_.pk)
    assert comment.body == "Graag voor 1 maart."
    reminder = new.get_model("agreements", "DeadlineReminder").objects.get(round_id=round_.pk)
    assert reminder.recipient_count == 4

    # And the current models (the code the app runs) read the same rows.
    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    from agreements.models import Comment, RoundTransition

    assert RoundTransition.objects.filter(round_id=round_.pk, reason="start").exists()
    assert Comment.objects.get(round_id=round_.pk).round.name.endswith("(oude indeling)")
