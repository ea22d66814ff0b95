from __future__ import annotations

from typing import Any

import pytest

from allocation.models import Round

from .factories import RoundFactory


@pytest.fixture
def round_(db: Any) -> Round:
    return RoundFactory(name="Afspraken 2026–2027")
