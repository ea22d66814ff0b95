"""The batch interface (DOMAIN.md 5): `manage.py allocate --input scenario.json [--output result.json]`.

A thin wrapper around the engine: read the file, `parse_scenario`, `allocate`,
`result_to_dict`, write JSON to stdout or the output file. Bad input ends with exit status 1
and one line on stderr naming the field; never a traceback. Messages are in English.
"""

from __future__ import annotations

import json
import math
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from allocation.engine import EngineError, Infeasible, allocate, parse_scenario, result_to_dict
from core import jsonsafe

# Where an infeasible bound lives in the input when the engine names no field itself.
_BOUND_FIELDS = {
    "upper": "municipalities[].upper",
    "lower": "municipalities[].lower (or max_credit_fraction)",
    "integer": "municipalities[].lower/upper",
}


def _one_line(text: str) -> str:
    return " ".join(text.split())


# Input bounds (issue 12): a bad or hostile file ends with one line and exit status 1, in
# bounded time, never a hang or a traceback. Numbers are bounded in allocation.engine.numbers.
MAX_INPUT_BYTES = 10_000_000
MAX_MUNICIPALITIES = 2_000
"""The Netherlands has 342 municipalities; the output grows quadratically with the count."""
DEFAULT_TIMEOUT = 60


def read_bounded(source: str) -> str:
    """The input text; refuses a file larger than MAX_INPUT_BYTES before reading it."""
    if source == "-":
        text = sys.stdin.read(MAX_INPUT_BYTES + 1)
        size = len(text)
    else:
        path = Path(source)
        size = path.stat().st_size if path.is_file() else 0
        text = "" if size > MAX_INPUT_BYTES else path.read_text(encoding="utf-8")
    if size > MAX_INPUT_BYTES:
        raise CommandError(
            f"--input: {source} is larger than {MAX_INPUT_BYTES // 1_000_000} MB; "
            "a scenario is far smaller"
        )
    return text


def _int_or_text(text: str) -> int | str:
    # More than 4,300 digits make int() raise; any such number is out of bounds, and as
    # text the engine refuses it with the field's name.
    return int(text) if len(text) <= 100 else text


def _float_or_text(text: str) -> float | str:
    value = float(text)
    return value if math.isfinite(value) else text  # "1e999999": too large, named by field


def load_scenario_json(text: str, source: str) -> Any:
    """Parse the scenario JSON with bounded depth, size and municipality count."""
    try:
        data = jsonsafe.loads(text, parse_int=_int_or_text, parse_float=_float_or_text)
    except jsonsafe.JSONTooDeep as exc:
        raise CommandError(
            f"--input: {source} is {exc}; a scenario has only a few levels"
        ) from None
    except json.JSONDecodeError as exc:
        raise CommandError(
            f"--input: {source} is not valid JSON: {exc.msg} at line {exc.lineno} "
            f"column {exc.colno}"
        ) from None
    except ValueError as exc:
        raise CommandError(_one_line(f"--input: {source} is not valid JSON: {exc}")) from None
    municipalities = data.get("municipalities") if isinstance(data, dict) else None
    if isinstance(municipalities, list) and len(municipalities) > MAX_MUNICIPALITIES:
        raise CommandError(
            f"municipalities: at most {MAX_MUNICIPALITIES:,} municipalities, "
            f"got {len(municipalities):,}"
        )
    return data


class TimedOut(Exception):
    """Raised by SIGALRM when the run passes its --timeout."""


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise TimedOut after `seconds` of wall-clock time (POSIX: SIGALRM).

    Works only in the main thread; elsewhere, or with 0, there is no limit. The timer is
    one-shot, so an alarm can fire at most once.
    """
    usable = (
        seconds > 0
        and hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
    )
    if not usable:
        yield
        return

    def on_alarm(signum: int, frame: Any) -> None:
        raise TimedOut

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def engine_error_line(error: EngineError) -> str:
    """The engine error as one line that names the field."""
    field = error.field
    if field is None and isinstance(error, Infeasible):
        field = _BOUND_FIELDS.get(error.bound, "municipalities[]")
    return _one_line(f"{field}: {error.message}" if field else error.message)


class Command(BaseCommand):
    help = (
        "Run the fair-share model on a scenario JSON file (see docs/batch.md) and print the "
        "result as JSON, or write it to --output."
    )
    # The model needs no database: do not let system checks stop an analyst.
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--input", required=True, help="scenario JSON file ('-' for stdin)")
        parser.add_argument("--output", help="write the result JSON here instead of stdout")
        parser.add_argument(
            "--timeout",
            type=float,
            default=DEFAULT_TIMEOUT,
            help=f"stop after this many seconds (default {DEFAULT_TIMEOUT}; 0: no limit)",
        )

    def execute(self, *args: Any, **options: Any) -> Any:
        seconds = options.get("timeout") or 0
        try:
            with time_limit(seconds):
                return super().execute(*args, **options)
        except TimedOut:
            raise CommandError(
                f"--timeout: stopped after {seconds:g} s; the scenario is too large or too "
                "hard (raise --timeout to allow more)"
            ) from None

    def handle(self, *args: Any, **options: Any) -> None:
        source: str = options["input"]
        try:
            text = read_bounded(source)
        except FileNotFoundError:
            raise CommandError(f"--input: file not found: {source}") from None
        except IsADirectoryError:
            raise CommandError(f"--input: is a directory, not a file: {source}") from None
        except PermissionError:
            raise CommandError(f"--input: no permission to read {source}") from None
        except UnicodeDecodeError:
            raise CommandError(f"--input: {source} is not UTF-8 text") from None
        except OSError as exc:
            raise CommandError(
                _one_line(f"--input: cannot read {source}: {exc.strerror}")
            ) from None
        data = load_scenario_json(text, source)
        try:
            result = allocate(parse_scenario(data))
            output = result_to_dict(result)
        except EngineError as exc:
            raise CommandError(engine_error_line(exc)) from None
        except RecursionError:
            raise CommandError("--input: the JSON is nested too deeply") from None
        rendered = json.dumps(output, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        target: str | None = options.get("output")
        if target:
            try:
                Path(target).write_text(rendered, encoding="utf-8")
            except OSError as exc:
                raise CommandError(
                    _one_line(f"--output: cannot write {target}: {exc.strerror}")
                ) from None
            self.stdout.write(
                f"Wrote {target}: {len(output['allocations'])} municipalities, "
                f"total {output['allocated_total']}."
            )
        else:
            self.stdout.write(rendered, ending="")
