from __future__ import annotations

from typing import Any

import pytest

from agreements.tests.fixtures import proposal, review_round  # noqa: F401 - shared fixtures
from allocation.models import Round
from allocation.tests.factories import RoundFactory


@pytest.fixture
def round_(db: Any) -> Round:
    """An open round in draft, as the demo's current round."""
    return RoundFactory(name="Afspraken 2026–2027")
