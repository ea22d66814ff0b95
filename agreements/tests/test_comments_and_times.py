"""Small fixes of issue 13: a message in a thread has a length limit (one long unbroken word
made the review page 41,785 px wide; the form and the service refuse more than 5,000
characters, in Dutch), and times are shown in Europe/Amsterdam."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from agreements import services as review_services
from agreements.forms import CommentForm
from agreements.models import COMMENT_MAX_LENGTH
from municipalities.models import Municipality

pytestmark = pytest.mark.django_db


def test_the_form_refuses_a_message_over_the_limit_and_says_so() -> None:
    assert CommentForm(data={"body": "a" * COMMENT_MAX_LENGTH}).is_valid()
    form = CommentForm(data={"body": "a" * (COMMENT_MAX_LENGTH + 1)})
    assert not form.is_valid()
    assert "too long" in form.errors["body"][0] or "te lang" in form.errors["body"][0]
    assert 'maxlength="5000"' in str(form["body"])


def test_the_service_refuses_a_message_over_the_limit(review_round, user_named) -> None:
    haarlem = Municipality.objects.get(cbs_code="GM0392")
    with pytest.raises(ValidationError) as caught:
        review_services.comment_add(
            round_=review_round,
            user=user_named("beleid.haarlem"),
            body="x" * (COMMENT_MAX_LENGTH + 1),
            municipality=haarlem,
        )
    assert "body" in caught.value.message_dict


def test_the_proposal_choice_shows_the_run_time_in_amsterdam_time() -> None:
    """The same run showed at 09:02 on one page and 10:02 on another: the label formatted
    the UTC time. 2 December 08:02 UTC is 09:02 in Amsterdam (winter time)."""
    import datetime
    from types import SimpleNamespace

    from agreements.forms import ProposeForm

    finished = datetime.datetime(2026, 12, 2, 8, 2, tzinfo=datetime.UTC)
    run = SimpleNamespace(pk=7, scenario=SimpleNamespace(name="Standaard"), finished_at=finished)
    form = ProposeForm(runs=[run])  # type: ignore[list-item]
    assert form.fields["run"].choices == [(7, "Standaard · 02-12-2026 09:02")]
