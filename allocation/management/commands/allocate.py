"""The batch interface (DOMAIN.md 5): `manage.py allocate --input scenario.json [--output result.json]`.

A thin wrapper around the engine: read the file, `parse_scenario`, `allocate`,
`result_to_dict`, write JSON to stdout or the output file. Bad input ends with exit status 1
and one line on stderr naming the field; never a traceback. Messages are in English.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from allocation.engine import EngineError, Infeasible, allocate, parse_scenario, result_to_dict

# Where an infeasible bound lives in the input when the engine names no field itself.
_BOUND_FIELDS = {
    "upper": "municipalities[].upper",
    "lower": "municipalities[].lower (or max_credit_fraction)",
    "integer": "municipalities[].lower/upper",
}


def _one_line(text: str) -> str:
    return " ".join(text.split())


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

    def handle(self, *args: Any, **options: Any) -> None:
        source: str = options["input"]
        try:
            text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
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
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CommandError(
                f"--input: {source} is not valid JSON: {exc.msg} at line {exc.lineno} "
                f"column {exc.colno}"
            ) from None
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
