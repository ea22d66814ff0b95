from __future__ import annotations

from typing import Any

import pytest

from allocation.models import Round
from allocation.tests.factories import RoundFactory

from .fixtures import proposal, review_round  # noqa: F401 - fixtures of the review tests


@pytest.fixture
def round_(db: Any) -> Round:
    return RoundFactory(name="Afspraken 2026–2027")
