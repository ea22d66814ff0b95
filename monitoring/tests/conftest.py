from __future__ import annotations

from typing import Any

import pytest

from allocation.models import Round

from .factories import adopted_round as make_adopted_round


@pytest.fixture
def adopted(db: Any) -> Round:
    return make_adopted_round()
