"""PostgreSQL triggers (migration 0004) refuse raw changes to the rows of an agreed round."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from agreements import services as review_services
from allocation.models import RoundStatus

from .fixtures import (
    approve_all,
)

pytestmark = pytest.mark.django_db

FROZEN_UPDATES = [
    ("allocation_scenariorun", "UPDATE allocation_scenariorun SET digest = %s", ["0" * 64]),
    ("allocation_scenario", "UPDATE allocation_scenario SET description = %s", ["x"]),
    (
        "allocation_scenariogroupsetting",
        "UPDATE allocation_scenariogroupsetting SET credit_factor = %s",
        [1],
    ),
    ("allocation_scenarioweight", "UPDATE allocation_scenarioweight SET weight = %s", [1]),
    ("allocation_proposal", "UPDATE allocation_proposal SET run_digest = %s", ["0" * 64]),
    ("allocation_approval", "UPDATE allocation_approval SET reason = %s", ["x"]),
    ("allocation_approval", "DELETE FROM allocation_approval WHERE id > %s", [0]),
    ("allocation_scenariorun", "DELETE FROM allocation_scenariorun WHERE id > %s", [0]),
    # The standing texts, stored at adoption (issue 11), are frozen the same way.
    ("agreements_standingtext", "UPDATE agreements_standingtext SET body = %s", ["x"]),
    ("agreements_standingtext", "DELETE FROM agreements_standingtext WHERE id > %s", [0]),
]


@pytest.fixture
def agreed_round(proposal, user_named):
    if connection.vendor != "postgresql":
        from conftest import skip_or_fail

        skip_or_fail("the freeze triggers exist on PostgreSQL only (set DATABASE_URL)")
    approve_all(proposal, user_named)
    return review_services.round_adopt(round_=proposal.round, user=user_named("voorzitter"))


@pytest.mark.parametrize(("table", "sql", "params"), FROZEN_UPDATES)
def test_the_database_refuses_a_raw_change_to_a_frozen_row(agreed_round, table, sql, params):
    with transaction.atomic(), connection.cursor() as cursor:
        with pytest.raises(DatabaseError, match=f"agreed or superseded: .* on {table} refused"):
            cursor.execute(sql, params)
        transaction.set_rollback(True)


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE allocation_proposal SET status = 'current' WHERE round_id = %s",
        "INSERT INTO allocation_transfer (round_id, proposal_id, group_id, giver_id, taker_id, "
        "initiator_id, amount, reason, status, proposed_at, answer) SELECT p.round_id, p.id, "
        "g.id, 1, 2, 1, 1, '', 'accepted', now(), '' FROM allocation_proposal p, "
        "target_groups_targetgroup g WHERE p.round_id = %s LIMIT 1",
    ],
)
def test_the_database_refuses_a_new_or_reopened_row_in_an_agreed_round(agreed_round, sql):
    with transaction.atomic(), connection.cursor() as cursor:
        with pytest.raises(DatabaseError, match="agreed or superseded"):
            cursor.execute(sql, [agreed_round.pk])
        transaction.set_rollback(True)


def test_rows_of_a_round_still_in_review_can_change(proposal):
    if connection.vendor != "postgresql":
        from conftest import skip_or_fail

        skip_or_fail("the freeze triggers exist on PostgreSQL only (set DATABASE_URL)")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE allocation_scenario SET description = 'nog open'")
        assert cursor.rowcount == 1


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        ("UPDATE allocation_round SET status = 'in_review' WHERE id = %s", "only a correction"),
        ("UPDATE allocation_round SET status = 'draft' WHERE id = %s", "only a correction"),
        # Superseded without a correction naming the round: refused as well.
        ("UPDATE allocation_round SET status = 'superseded' WHERE id = %s", "only a correction"),
        ("UPDATE allocation_round SET agreed_run_id = NULL WHERE id = %s", "agreed run is fixed"),
        ("DELETE FROM allocation_round WHERE id = %s", "DELETE refused"),
        ("UPDATE allocation_roundtransition SET reason = 'x' WHERE round_id = %s", "append-only"),
        ("DELETE FROM allocation_roundtransition WHERE round_id = %s", "are kept"),
    ],
)
def test_an_adopted_round_keeps_its_status_and_history(agreed_round, sql, message):
    with transaction.atomic(), connection.cursor() as cursor:
        with pytest.raises(DatabaseError, match=message):
            cursor.execute(sql, [agreed_round.pk])
        transaction.set_rollback(True)


def test_a_correction_supersedes_the_round_and_then_it_stays_superseded(agreed_round, user_named):
    new = review_services.round_correct(
        round_=agreed_round, user=user_named("programma"), reason="Rekenfout in de cijfers"
    )
    agreed_round.refresh_from_db()
    assert agreed_round.status == RoundStatus.SUPERSEDED
    assert new.status == RoundStatus.DRAFT
    with transaction.atomic(), connection.cursor() as cursor:
        with pytest.raises(DatabaseError, match="is superseded: status change refused"):
            cursor.execute(
                "UPDATE allocation_round SET status = 'agreed' WHERE id = %s", [agreed_round.pk]
            )
        transaction.set_rollback(True)


def test_status_history_of_an_open_round_is_append_only_too(proposal):
    if connection.vendor != "postgresql":
        from conftest import skip_or_fail

        skip_or_fail("the freeze triggers exist on PostgreSQL only (set DATABASE_URL)")
    with transaction.atomic(), connection.cursor() as cursor:
        with pytest.raises(DatabaseError, match="append-only"):
            cursor.execute(
                "UPDATE allocation_roundtransition SET reason = 'x' WHERE round_id = %s",
                [proposal.round.pk],
            )
        transaction.set_rollback(True)


def test_a_ready_agreement_document_is_kept_as_made(agreed_round):
    from reports.models import AgreementDocument, DocumentStatus

    docs = AgreementDocument.objects.filter(round=agreed_round)
    if not docs.exists():  # the adoption schedules them on commit; make the rows here
        AgreementDocument.objects.create(round=agreed_round, run_digest="a" * 64)
    doc = docs.first()
    # Being made and then ready: allowed while it is not ready yet.
    docs.filter(pk=doc.pk).update(
        status=DocumentStatus.READY,
        pdf=b"%PDF-1.7",
        sha256="b" * 64,
        page_count=1,
        finished_at=timezone.now(),
    )
    for sql in (
        "UPDATE reports_agreementdocument SET pdf = %s WHERE id = %s",
        "UPDATE reports_agreementdocument SET status = 'pending' WHERE id = %s",
        "DELETE FROM reports_agreementdocument WHERE id = %s",
    ):
        params = [b"%PDF-evil", doc.pk] if "pdf =" in sql else [doc.pk]
        with transaction.atomic(), connection.cursor() as cursor:
            with pytest.raises(DatabaseError, match="is ready and kept as made"):
                cursor.execute(sql, params)
            transaction.set_rollback(True)
