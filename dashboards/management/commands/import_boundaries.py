"""Import municipal outlines from a CBS/PDOK GeoJSON file for the dashboard map.

python manage.py import_boundaries gemeenten.geojson [--code-property statcode]
    [--tolerance 50]
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dashboards.geo import BoundaryFileError, read_boundaries
from dashboards.services import boundaries_import


class Command(BaseCommand):
    help = (
        "Store a simplified outline per municipality from a GeoJSON FeatureCollection "
        "(CBS/PDOK 'gemeenten'), matched on the CBS code (statcode or gemeentecode)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="a GeoJSON file (FeatureCollection)")
        parser.add_argument(
            "--code-property",
            help="the feature property holding the CBS code (default: statcode, "
            "gemeentecode, gm_code, code or cbs_code)",
        )
        parser.add_argument(
            "--tolerance",
            type=float,
            help="simplification tolerance in the file's units (default: 1/1000 of its extent)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise CommandError(f"{path}: file not found") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"{path}: cannot read the file ({exc})") from None
        except json.JSONDecodeError as exc:
            raise CommandError(
                f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
            ) from None
        if options["tolerance"] is not None and options["tolerance"] < 0:
            raise CommandError("--tolerance must not be negative")
        try:
            geometries = read_boundaries(
                data, code_property=options["code_property"], tolerance=options["tolerance"]
            )
        except BoundaryFileError as exc:
            raise CommandError(f"{path}: {exc}") from None
        outcome = boundaries_import(geometries=geometries, source=path.name)
        if not outcome.stored:
            raise CommandError(
                f"{path}: none of the {len(geometries)} codes in the file is one of our "
                "municipalities; nothing was stored"
            )
        self.stdout.write(
            f"Stored {len(outcome.stored)} outlines; skipped {len(outcome.skipped)} codes of "
            f"other municipalities; {len(outcome.missing)} municipalities without an outline"
            + (f" ({', '.join(outcome.missing)})" if outcome.missing else "")
            + "."
        )
