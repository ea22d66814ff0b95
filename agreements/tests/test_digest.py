"""The digest an approval binds to changes whenever any input, setting, result or accepted
transfer changes, and never otherwise (property-style: one mutation at a time)."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agreements import selectors as rs
from allocation.digest import run_digest
from allocation.models import ScenarioRun
from allocation.tests.factories import RoundFactory

from .fixtures import computed_run


def _paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    """Every path to a leaf (number, string, bool, null) in a JSON value."""
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _paths(v, (*prefix, k))]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _paths(v, (*prefix, i))]
    return [prefix]


def _mutate(value: Any, path: tuple) -> Any:
    out = copy.deepcopy(value)
    target = out
    for key in path[:-1]:
        target = target[key]
    old = target[path[-1]]
    if isinstance(old, bool):
        new: Any = not old
    elif isinstance(old, int):
        new = old + 1
    elif isinstance(old, str):
        new = old + "1"
    elif old is None:
        new = 0
    else:  # pragma: no cover - canonical JSON has no other leaves
        raise AssertionError(old)
    target[path[-1]] = new
    return out


def _reorder(value: Any) -> Any:
    """The same value with every object's keys in reverse order."""
    if isinstance(value, dict):
        return {k: _reorder(value[k]) for k in reversed(list(value))}
    if isinstance(value, list):
        return [_reorder(v) for v in value]
    return value


@pytest.fixture
def stored_run(db: Any) -> dict[str, Any]:
    """The three stored parts of a real computation."""
    run = computed_run(RoundFactory(name="Digest"))
    return {
        "inputs": run.inputs,
        "settings": run.scenario_settings,
        "results": run.results,
        "digest": run.digest,
    }


PARTS = ["inputs", "settings", "results"]


def _digest(parts: dict[str, Any]) -> str:
    return run_digest(inputs=parts["inputs"], settings=parts["settings"], results=parts["results"])


def test_the_stored_digest_is_the_digest_of_the_stored_parts(stored_run) -> None:
    assert _digest(stored_run) == stored_run["digest"]


@pytest.mark.parametrize("part", PARTS)
def test_changing_any_single_value_of_a_part_changes_the_digest(stored_run, part) -> None:
    paths = _paths(stored_run[part])
    assert len(paths) > 10
    seen = {stored_run["digest"]}
    # Leaves spread over the whole part (at most about 150), one at a time: each mutation
    # gives a digest never seen before. The hypothesis test below draws any leaf.
    for path in paths[:: max(1, len(paths) // 150)]:
        mutated = {**stored_run, part: _mutate(stored_run[part], path)}
        digest = _digest(mutated)
        assert digest not in seen, path
        seen.add(digest)


@pytest.mark.parametrize("part", PARTS)
def test_key_order_and_copies_never_change_the_digest(stored_run, part) -> None:
    reordered = {**stored_run, part: _reorder(copy.deepcopy(stored_run[part]))}
    assert _digest(reordered) == stored_run["digest"]


# The fixture is only read, never changed, so sharing it across examples is safe.
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_a_random_single_mutation_always_changes_the_digest(stored_run, data) -> None:
    part = data.draw(st.sampled_from(PARTS))
    path = data.draw(st.sampled_from(_paths(stored_run[part])))
    assert _digest({**stored_run, part: _mutate(stored_run[part], path)}) != stored_run["digest"]


TRANSFER = {"group": "urgent", "from": "GM0363", "to": "GM0392", "amount": 2, "id": 1}


def test_the_review_digest_covers_the_run_digest_and_each_accepted_transfer() -> None:
    base = rs.review_digest_of(run_digest_hex="a" * 64, transfers=[])
    assert rs.review_digest_of(run_digest_hex="a" * 64, transfers=[]) == base
    assert rs.review_digest_of(run_digest_hex="b" * 64, transfers=[]) != base
    with_transfer = rs.review_digest_of(run_digest_hex="a" * 64, transfers=[TRANSFER])
    assert with_transfer != base
    for key in TRANSFER:
        changed = _mutate(TRANSFER, (key,))
        assert rs.review_digest_of(run_digest_hex="a" * 64, transfers=[changed]) != with_transfer


@pytest.mark.django_db
def test_the_current_inputs_match_a_fresh_run_until_a_figure_changes() -> None:
    from core.models import FigureStatus
    from municipalities.models import MunicipalFigure

    run = computed_run(RoundFactory(name="Vers"))
    run = ScenarioRun.objects.get(pk=run.pk)
    assert rs.run_inputs_current(run)
    assert rs.run_digest_matches(run)
    figure = MunicipalFigure.objects.filter(
        year=2024, status=FigureStatus.CONFIRMED, indicator__code="population"
    ).first()
    MunicipalFigure.objects.filter(pk=figure.pk).update(value=figure.value + 1)
    assert not rs.run_inputs_current(run)
    MunicipalFigure.objects.filter(pk=figure.pk).update(value=figure.value)
    assert rs.run_inputs_current(run)
