"""The recompute kit of an adopted round: a zip, built in memory, that lets anyone redo the
published numbers with ``manage.py allocate`` (DOMAIN.md 5) and check the control code.

Contents (see docs/public.md):

- ``<group>/scenario.json``: per group the engine input exactly as the app gave it;
- ``transfers.json``: the accepted transfers, exactly as the control code covers them;
- ``expected.json``: the published agreed numbers per group and municipality, and the digest;
- ``berekening.json``: the stored computation (inputs, settings, results) behind the digest;
- ``LEESMIJ.txt``: how to recompute, in Dutch.

The same round always gives the same bytes (fixed order and timestamps).
"""

from __future__ import annotations

import io
import json
import textwrap
import zipfile
from datetime import date
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation

from .selectors import PublicAgreement

SCENARIO_NAME = "scenario.json"
TRANSFERS_NAME = "transfers.json"
EXPECTED_NAME = "expected.json"
COMPUTATION_NAME = "berekening.json"
README_NAME = "LEESMIJ.txt"


def _json(value: Any) -> bytes:
    """As the app serves scenario.json (allocation.views.run_group_input)."""
    return (json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()


def scenario_path(code: str) -> str:
    return f"{code}/{SCENARIO_NAME}"


def expected_dict(agreement: PublicAgreement) -> dict[str, Any]:
    """The published numbers: per group and municipality what was agreed, with the parts
    (computed and transfer) and the split per year; per group and sub-region the totals."""
    agreed = agreement.agreed
    round_ = agreement.round
    years = [str(y) for y in agreement.years]
    groups: dict[str, Any] = {}
    for code, group in agreed.groups.items():
        subregions: dict[str, int] = {}
        for line in group.lines:
            subregions[line.subregion] = subregions.get(line.subregion, 0) + line.agreed
        groups[code] = {
            "name": group.group.name_nl,
            "unit": group.group.unit,
            "scenario": scenario_path(code),
            "total": group.total,
            "total_per_year": dict(zip(years, group.total_per_year, strict=True)),
            "subregions": dict(sorted(subregions.items())),
            "municipalities": [
                {
                    "code": line.code,
                    "name": line.name,
                    "subregion": line.subregion,
                    "computed": line.computed,
                    "transfer": line.transfer,
                    "agreed": line.agreed,
                    "per_year": dict(zip(years, line.per_year, strict=True)),
                }
                for line in group.lines
            ],
        }
    return {
        "round": {
            "id": round_.pk,
            "name": round_.name,
            "period_start": round_.period_start.isoformat(),
            "period_end": round_.period_end.isoformat(),
            "years": list(agreement.years),
            "status": round_.status,
        },
        "digest": agreed.digest,
        "run_digest": agreed.run_digest,
        "illustrative": agreement.illustrative,
        "illustrative_figures": list(agreement.illustrative_names),
        "rule": (
            "agreed = total_with_backlog of `manage.py allocate` plus, for every transfer of "
            "the group in transfers.json, amount if the municipality is 'to' and minus amount "
            "if it is 'from'; per_year splits agreed evenly over the years, the remainder one "
            "each to the earliest years"
        ),
        "groups": groups,
    }


README_WIDTH = 88


def _wrap(text: str) -> str:
    """Wrap long prose lines; indented lines (commands, code) stay as they are."""
    lines = []
    for line in text.splitlines():
        if len(line) <= README_WIDTH or line.startswith(" "):
            lines.append(line)
        else:
            indent = "  " if line.startswith("- ") else ""
            lines.extend(textwrap.wrap(line, README_WIDTH, subsequent_indent=indent))
    return "\n".join(lines) + "\n"


def readme_text(agreement: PublicAgreement) -> str:
    """LEESMIJ.txt: the kit is Dutch, whatever the reader's interface language."""
    with translation.override("nl"):
        return _wrap(
            render_to_string(
                "public/leesmij.txt",
                {
                    "agreement": agreement,
                    "round": agreement.round,
                    "groups": [
                        {"code": code, "name": group.group.name_nl, "path": scenario_path(code)}
                        for code, group in agreement.agreed.groups.items()
                        if code in agreement.scenarios
                    ],
                    "years": ", ".join(str(y) for y in agreement.years),
                    "year_count": len(agreement.years),
                },
            )
        )


def kit_files(agreement: PublicAgreement) -> dict[str, bytes]:
    """Every file of the kit by its path inside the zip, in a fixed order."""
    files: dict[str, bytes] = {README_NAME: readme_text(agreement).encode()}
    files[EXPECTED_NAME] = _json(expected_dict(agreement))
    files[TRANSFERS_NAME] = _json(list(agreement.agreed.transfers))
    files[COMPUTATION_NAME] = _json(agreement.computation)
    for code, scenario in agreement.scenarios.items():
        files[scenario_path(code)] = _json(scenario)
    return files


def kit_filename(agreement: PublicAgreement) -> str:
    return f"narekenen-ronde-{agreement.round.pk}.zip"


def kit_zip(agreement: PublicAgreement) -> bytes:
    """The kit as zip bytes, built in memory; the same agreement gives the same bytes."""
    stamp: date = agreement.decision_date or agreement.round.period_start
    date_time = (max(stamp.year, 1980), stamp.month, stamp.day, 0, 0, 0)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in kit_files(agreement).items():
            info = zipfile.ZipInfo(name, date_time=date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, content)
    return buffer.getvalue()
