"""`manage.py allocate` on hostile input (issue 12): huge numbers, deep nesting, too many
municipalities, a run that takes too long. Each ends with one line on stderr naming the field,
a non-zero exit and no traceback, within a bounded time, as a real process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from allocation.management.commands import allocate as command

ROOT = Path(__file__).resolve().parents[2]
TIME_LIMIT = 60  # seconds a refused input may take at most, start-up included


def scenario(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "total": 7,
        "weights": {"population": 1},
        "municipalities": [
            {"code": code, "indicators": {"population": pop}}
            for code, pop in {"A": 53000, "B": 24000, "C": 23000}.items()
        ],
    }
    data.update(overrides)
    return data


def run_process(tmp_path: Path, text: str, *args: str) -> tuple[subprocess.CompletedProcess, float]:
    path = tmp_path / "scenario.json"
    path.write_text(text, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "allocate", "--input", str(path), *args],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=TIME_LIMIT + 30,
        check=False,
    )
    return done, time.monotonic() - started


def one_line(done: subprocess.CompletedProcess) -> str:
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr[-2000:]
    return lines[0]


HUGE = [
    # (description, JSON text of the value, field named in the error)
    ("total as a huge JSON number", "1e999999999", "total"),
    ("total as a huge string", '"1e999999999"', "total"),
    ("total 1e999999 as a string", '"1e999999"', "total"),
    ("total 1e999999 as a number", "1e999999", "total"),
    ("total with 5,000 digits", "9" * 5000, "total"),
    ("total far too precise", '"1e-999999999"', "total"),
]


@pytest.mark.parametrize(("what", "value", "field"), HUGE, ids=[h[0] for h in HUGE])
def test_huge_numbers_give_one_line_naming_the_field(tmp_path, what, value, field) -> None:
    text = json.dumps(scenario(total=0)).replace('"total": 0', f'"total": {value}')
    done, seconds = run_process(tmp_path, text)
    line = one_line(done)
    assert line.startswith(f"CommandError: {field}: "), line
    assert seconds < TIME_LIMIT


@pytest.mark.parametrize("value", ['"1e999999999"', "1e999999999", '"1e999999999999999999999"'])
def test_a_huge_indicator_does_not_hang(tmp_path, value) -> None:
    data = scenario()
    text = json.dumps(data).replace('"population": 53000', f'"population": {value}', 1)
    done, seconds = run_process(tmp_path, text)
    line = one_line(done)
    assert "municipalities[0].indicators.population: too large" in line
    assert seconds < TIME_LIMIT


@pytest.mark.parametrize("depth", [60, 50_000])
def test_deep_nesting_gives_one_line(tmp_path, depth) -> None:
    done, seconds = run_process(tmp_path, "[" * depth + "]" * depth)
    line = one_line(done)
    assert "--input:" in line
    assert "nested deeper than 50 levels" in line
    assert seconds < TIME_LIMIT


def test_deep_nesting_inside_a_field_gives_one_line(tmp_path) -> None:
    text = json.dumps(scenario(description="x")).replace('"x"', "[" * 50_000 + "]" * 50_000)
    assert "nested deeper" in one_line(run_process(tmp_path, text)[0])


def test_100000_municipalities_give_one_line_in_bounded_time(tmp_path) -> None:
    data = scenario(
        total=1000,
        municipalities=[
            {"code": f"GM{i:06d}", "indicators": {"population": 1000 + i}} for i in range(100_000)
        ],
    )
    done, seconds = run_process(tmp_path, json.dumps(data))
    line = one_line(done)
    assert line == "CommandError: municipalities: at most 2,000 municipalities, got 100,000"
    assert seconds < TIME_LIMIT


def test_the_largest_allowed_scenario_runs_within_the_default_time_limit(tmp_path) -> None:
    data = scenario(
        total=5000,
        municipalities=[
            {"code": f"GM{i:06d}", "indicators": {"population": 1000 + (i * 7919) % 99991}}
            for i in range(command.MAX_MUNICIPALITIES)
        ],
    )
    done, seconds = run_process(tmp_path, json.dumps(data))
    assert done.returncode == 0, done.stderr[-2000:]
    assert len(json.loads(done.stdout)["allocations"]) == command.MAX_MUNICIPALITIES
    assert seconds < command.DEFAULT_TIMEOUT


def test_a_run_past_its_timeout_stops_with_one_line(tmp_path) -> None:
    data = scenario(
        total=5000,
        municipalities=[
            {"code": f"GM{i:06d}", "indicators": {"population": 1000 + i}} for i in range(2000)
        ],
    )
    done, seconds = run_process(tmp_path, json.dumps(data), "--timeout", "0.05")
    line = one_line(done)
    assert line.startswith("CommandError: --timeout: stopped after 0.05 s")
    assert seconds < TIME_LIMIT


def test_an_input_file_over_10_mb_is_refused_unread(tmp_path) -> None:
    path = tmp_path / "big.json"
    with path.open("w") as handle:
        handle.write('{"description": "')
        handle.write("x" * (command.MAX_INPUT_BYTES + 1))
        handle.write('"}')
    with pytest.raises(CommandError, match=r"^--input: .* is larger than 10 MB"):
        call_command("allocate", "--input", str(path))


def test_the_time_limit_is_lifted_after_the_run(tmp_path) -> None:
    import signal

    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(scenario()))
    before = signal.getsignal(signal.SIGALRM)
    call_command("allocate", "--input", str(path), "--output", str(tmp_path / "out.json"))
    assert signal.getsignal(signal.SIGALRM) is before
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
