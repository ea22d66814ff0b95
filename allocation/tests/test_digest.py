"""Canonical JSON and the run digest: one definition, stable across key order and storage."""

import hashlib

import pytest

from allocation.digest import NotCanonical, canonical_json, run_digest


def test_canonical_json_sorts_keys_and_has_no_whitespace() -> None:
    assert canonical_json({"b": 1, "a": [True, None, "x"]}) == b'{"a":[true,null,"x"],"b":1}'


def test_canonical_json_keeps_non_ascii_as_utf8() -> None:
    assert canonical_json({"naam": "Afspraken 2026–2027"}) == (
        '{"naam":"Afspraken 2026–2027"}'.encode()
    )


def test_key_order_does_not_change_the_digest() -> None:
    one = run_digest(inputs={"a": 1, "b": 2}, settings={"x": "1"}, results={"n": [1, 2]})
    two = run_digest(inputs={"b": 2, "a": 1}, settings={"x": "1"}, results={"n": [1, 2]})
    assert one == two


def test_the_digest_is_sha256_of_the_three_parts_together() -> None:
    expected = hashlib.sha256(
        b'{"inputs":{"t":120},"results":{"n":[43]},"settings":{"m":"hamilton"}}'
    ).hexdigest()
    assert run_digest(inputs={"t": 120}, settings={"m": "hamilton"}, results={"n": [43]}) == (
        expected
    )


def test_any_change_in_results_changes_the_digest() -> None:
    base = run_digest(inputs={}, settings={}, results={"n": 43})
    assert run_digest(inputs={}, settings={}, results={"n": 44}) != base


@pytest.mark.parametrize(
    "value", [{"x": 0.5}, {"x": [1.0]}, {1: "a"}, {"x": (1, 2)}, {"x": {1, 2}}]
)
def test_floats_and_non_json_values_are_refused(value) -> None:
    with pytest.raises(NotCanonical):
        canonical_json(value)
