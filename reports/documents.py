"""The content of a PDF agreement (DOMAIN.md 6) as plain data, filled by a selector.

Keeping the document as data makes the PDF template dumb and lets tests check every number
against what the template printed. Numbers are already formatted the Dutch way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class AgreementRow:
    code: str
    name: str
    agreed: int
    backlog: int
    total: int
    per_1000: str  # formatted, e.g. "1,23"
    transfer: int | None = None  # agreed transfer between municipalities (art. 29(2)), if any
    subregion: str = ""


@dataclass(frozen=True)
class CalculationLine:
    """One municipality's calculation for one group, for the appendix (a person can redo it)."""

    municipality: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class SubregionTotal:
    name: str
    total: int
    share_of_mra: str


@dataclass
class GroupSection:
    code: str
    name: str
    unit: str
    definition: str
    household_size: str
    method: list[str]  # sentences describing weights, credit, bounds and rounding
    rows: list[AgreementRow]
    subregion_total: int
    mra_total: int
    share_of_mra: str  # formatted percentage, e.g. "6,4%"
    calculations: list[CalculationLine] = field(default_factory=list)
    subregion_totals: list[SubregionTotal] = field(default_factory=list)  # MRA document only
    chart_svg: str = ""  # data: URI of the SVG bar chart; the table is its text alternative
    chart_alt: str = ""
    has_transfers: bool = False


@dataclass(frozen=True)
class SourceLine:
    indicator: str
    source: str
    reference_date: date | None


@dataclass
class AgreementDocument:
    title: str
    scope: str  # the sub-region's name, or "Metropoolregio Amsterdam"
    period: str
    parties: list[str]
    decision_date: date | None
    version: int
    digest: str
    groups: list[GroupSection]
    sources: list[SourceLine]
    clauses: list[str] = field(default_factory=list)
    illustrative: bool = False  # the figures include demo values (never in a real agreement)
    illustrative_note: str = ""
    is_mra: bool = False
    summary_chart_svg: str = ""  # sub-region: its share of the MRA per group (data: URI)
    summary_chart_alt: str = ""
    population_share: str = ""  # the sub-region's share of the MRA's inhabitants
    round_name: str = ""
    scenario_name: str = ""
    reference_year: int | None = None
