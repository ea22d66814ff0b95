"""A total of 0 is refused with an explanation, not computed silently (issue 13): in the
scenario's group settings, in the engine (code ``total_zero``) and in the run's message."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from allocation.engine import InvalidInput
from allocation.run_errors import engine_error_message
from allocation.tests.factories import scenario_for

pytestmark = pytest.mark.django_db


def test_an_entered_task_of_zero_is_refused_in_the_group_settings(round_) -> None:
    with pytest.raises(ValidationError) as info:
        scenario_for(round_, groups=("homeless",), task_source="entered", entered_total=0)
    assert list(info.value.message_dict) == ["homeless.entered_total"]


def test_the_run_message_for_a_total_of_zero_explains_what_to_do() -> None:
    error = InvalidInput("is 0", field="total", code="total_zero")
    message = engine_error_message(
        error, group_name="Dak- en thuislozen", scenario={"total": 0}, indicator_names={}
    )
    assert "Dak- en thuislozen" in message
    # Its own explanation (English until the catalogue has it), not the general sentence.
    assert "regional task is 0" in message or "regionale opgave is 0" in message
