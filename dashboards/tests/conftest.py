from __future__ import annotations

from typing import Any

import pytest

from .factories import Region, mra_region, synthetic_region


@pytest.fixture
def mra(db: Any) -> Region:
    return mra_region()


@pytest.fixture(params=[30, 342], ids=["30-municipalities", "342-municipalities"])
def region(request: Any, db: Any) -> Region:
    return mra_region() if request.param == 30 else synthetic_region(342, 40)


@pytest.fixture(autouse=True)
def _fresh_dashboard_caches() -> Any:
    """Every test starts without cached run shapes or charts in this process."""
    from dashboards import cache

    cache.memo.clear()
    cache.resume()
    yield
    cache.memo.clear()
    cache.resume()
