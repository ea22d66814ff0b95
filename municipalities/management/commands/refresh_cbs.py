"""`manage.py refresh_cbs`: population, households, dwellings, social rental stock and jobs of
the municipalities in the database, from CBS StatLine (docs/cbs.md).

    manage.py refresh_cbs [--year 2024] [--table kwb=85984NED] [--table jobs=83582NED]
                          [--only kwb|jobs] [--dry-run]
                          [--catalog-url HOST] [--save-dir DIR | --from-dir DIR]

All tables are fetched first; then everything is stored in one transaction, or nothing.
Without network the command ends with one line on stderr and exit status 1.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from municipalities import cbs
from municipalities.cbs_services import (
    CREATE,
    KEEP,
    UNCHANGED,
    UPDATE,
    FigureChange,
    RefreshResult,
    cbs_figures_refresh,
)


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _number(value: Decimal | None) -> str:
    if value is None:
        return "-"
    return f"{value:f}" if value != value.to_integral_value() else f"{value:.0f}"


def _table_overrides(values: list[str]) -> dict[str, str]:
    overrides: dict[str, str] = {}
    for value in values:
        key, sep, table_id = value.partition("=")
        key, table_id = key.strip(), table_id.strip()
        if not sep or key not in cbs.SOURCES or not cbs.TABLE_ID.fullmatch(table_id):
            raise CommandError(
                _(
                    "--table: expected SOURCE=TABLE_ID with SOURCE one of %(sources)s, got %(value)r."
                )
                % {"sources": ", ".join(cbs.SOURCES), "value": value}
            )
        overrides[key] = table_id
    return overrides


class Command(BaseCommand):
    # Speaks the active language: Dutch (LANGUAGE_CODE) from the command line.
    leave_locale_alone = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Translated when the command is made, not when the module is imported.
        self.help = _(
            "Refresh population, households, dwellings, social rental stock and jobs of the "
            "municipalities in the database from CBS StatLine (see docs/cbs.md)."
        )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--year",
            type=int,
            default=cbs.DEFAULT_YEAR,
            help=_(
                "Year of the figures (stocks on 1 January of that year; jobs in December of "
                "the year before). Default: %(default)s."
            ),
        )
        parser.add_argument(
            "--table",
            action="append",
            default=[],
            metavar="SOURCE=TABLE_ID",
            help=_(
                "Use another CBS table for a source, e.g. kwb=86165NED or jobs=83582NED. "
                "Repeatable."
            ),
        )
        parser.add_argument(
            "--only",
            action="append",
            choices=sorted(cbs.SOURCES),
            help=_("Refresh only this source (repeatable). Default: all."),
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=_("Show what would change; write nothing."),
        )
        parser.add_argument(
            "--catalog-url",
            default=None,
            help=_("CBS open data host. Default: %(default_host)s.")
            % {"default_host": cbs.DEFAULT_CATALOG},
        )
        files = parser.add_mutually_exclusive_group()
        files.add_argument(
            "--save-dir",
            type=Path,
            help=_("Also save the downloaded tables as JSON in this folder."),
        )
        files.add_argument(
            "--from-dir",
            type=Path,
            help=_("Read the tables from a folder written by --save-dir instead of the network."),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        year: int = options["year"]
        if not 2000 <= year <= 2100:
            raise CommandError(
                _("--year: expected a year from 2000 to 2100, got %(year)s.") % {"year": year}
            )
        overrides = _table_overrides(options["table"])
        keys = options["only"] or list(cbs.SOURCES)
        sources = [cbs.SOURCES[k] for k in cbs.SOURCES if k in keys]
        unused = sorted(set(overrides) - {s.key for s in sources})
        if unused:
            raise CommandError(
                _("--table %(source)s is given, but that source is not refreshed (--only).")
                % {"source": ", ".join(unused)}
            )
        plan = []
        for source in sources:
            table_id = overrides.get(source.key) or source.default_table(year)
            if table_id is None:
                raise CommandError(
                    _(
                        "No default CBS table for %(source)s in %(year)s; name one with "
                        "--table %(source)s=TABLE_ID (see docs/cbs.md)."
                    )
                    % {"source": source.key, "year": year}
                )
            plan.append((source, table_id))

        # Network (or files) first: nothing is read from or written to the database before
        # every table is in.
        try:
            tables = [
                (source, self._get(table_id, source, year, options)) for source, table_id in plan
            ]
            figures: list[cbs.CbsFigure] = []
            empty: list[tuple[str, str]] = []
            for source, table in tables:
                extraction = source.extract(table, year=year)
                figures += extraction.figures
                empty += extraction.empty
            indicators = [i for source in sources for i in source.indicators]
            result = cbs_figures_refresh(
                year=year, figures=figures, indicators=indicators, dry_run=options["dry_run"]
            )
        except cbs.CbsError as exc:
            raise CommandError(_one_line(str(exc))) from None
        except ValidationError as exc:
            raise CommandError(
                _one_line(_("A CBS value is not valid: %(errors)s") % {"errors": exc})
            ) from None
        self._report(result, tables, empty, verbosity=options["verbosity"])

    def _get(self, table_id: str, source: cbs.Source, year: int, options: dict) -> cbs.CbsTable:
        if options["from_dir"] is not None:
            return cbs.read_table(table_id, options["from_dir"])
        return cbs.fetch_table(
            table_id,
            filters=source.filters(year),
            catalog_url=options["catalog_url"],
            save_dir=options["save_dir"],
        )

    def _line(self, change: FigureChange) -> str:
        new, old = _number(change.new.value), _number(change.old_value)
        if change.action == CREATE:
            what = _("%(new)s (new)") % {"new": new}
        elif change.action == UPDATE:
            what = _("%(old)s -> %(new)s (changed)") % {"old": old, "new": new}
        elif change.action == KEEP:
            what = _("%(old)s (kept: entered by the municipality; CBS has %(new)s)") % {
                "old": old,
                "new": new,
            }
        else:
            what = _("%(new)s (unchanged)") % {"new": new}
        municipality = change.municipality
        return f"  {municipality.cbs_code} {municipality.name}, {change.indicator.code}: {what}"

    def _report(
        self,
        result: RefreshResult,
        tables: list[tuple[cbs.Source, cbs.CbsTable]],
        empty: list[tuple[str, str]],
        *,
        verbosity: int,
    ) -> None:
        out = self.stdout
        if result.dry_run:
            out.write(_("Dry run: nothing is written. These changes would be made:"))
        for _source, table in tables:
            out.write(
                _("%(prefix)s %(table)s, %(title)s")
                % {"prefix": cbs.SOURCE_PREFIX, "table": table.table_id, "title": table.title}
            )
        for change in result.changes:
            if verbosity >= 2 or (verbosity == 1 and change.action != UNCHANGED):
                out.write(self._line(change))
        if result.unknown_codes:
            out.write(
                _("Ignored %(count)s municipality codes that are not in the database.")
                % {"count": len(result.unknown_codes)}
            )
        known_empty = set(empty)
        for code, indicator in result.without_value:
            reason = (
                _("CBS left the cell empty")
                if (code, indicator) in known_empty
                else _("not in the CBS table")
            )
            out.write(
                self.style.WARNING(
                    _("No value for %(code)s %(indicator)s: %(reason)s.")
                    % {"code": code, "indicator": indicator, "reason": reason}
                )
            )
        out.write(
            _(
                "%(year)s: %(created)s new, %(updated)s changed, %(unchanged)s unchanged, "
                "%(kept)s kept (entered by the municipality)."
            )
            % {
                "year": result.year,
                "created": result.count(CREATE),
                "updated": result.count(UPDATE),
                "unchanged": result.count(UNCHANGED),
                "kept": result.count(KEEP),
            }
        )
