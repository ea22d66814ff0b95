"""The content of a PDF agreement (DOMAIN.md 6) as plain data, filled by a selector.

Keeping the document as data makes the PDF template dumb and lets tests check every number
against what the template printed. Numbers are already formatted the Dutch way; every text
here is Dutch (the agreement is a Dutch document, whatever the interface language).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .wording import nl_signed


@dataclass(frozen=True)
class Party:
    """A party to the agreement, as it appears in the list of parties and its signature."""

    name: str  # "Het college van burgemeester en wethouders van de gemeente Haarlem"
    short: str  # "Gemeente Haarlem"
    represented_by: str  # "de wethouder" or the representative entered for a partner
    kind: str  # gemeente, corporatie, zorgaanbieder, provincie, overig, stuurgroep
    role: str  # "partij", "medeondertekenaar", "waarnemer"
    signs: bool = True
    acknowledged: str = ""  # who co-signed in the app and when (partners, issue 15)


@dataclass(frozen=True)
class NumberRow:
    """One municipality's agreed number for one group (in the group's unit)."""

    code: str
    name: str
    subregion: str
    allocation: int  # the computed share n_i, without a carried backlog
    computed: int  # the computation, with a carried backlog
    backlog: int
    transfer: int  # accepted art. 29(2) transfers: received minus given
    agreed: int  # for the whole period
    per_year: tuple[int, ...]
    per_1000: str  # agreed per 1.000 inhabitants, formatted

    @property
    def transfer_text(self) -> str:
        return nl_signed(self.transfer)


@dataclass(frozen=True)
class SubregionTotal:
    name: str
    total: int
    share_of_mra: str


@dataclass(frozen=True)
class CalculationLine:
    """One municipality's calculation for one group, for the appendix (a person can redo it)."""

    municipality: str
    lines: tuple[str, ...]


@dataclass
class GroupSection:
    code: str
    name: str
    unit: str  # Dutch, plural: personen, huishoudens, personen (bedden), eenheden, standplaatsen
    definition: str
    mode: str  # how the group is shared, in one Dutch sentence
    household_size: str
    method: list[str]  # Dutch sentences: key, credit, bounds, rounding
    rows: list[NumberRow]
    total: int  # of the scope (sub-region, or MRA)
    total_per_year: tuple[int, ...]
    mra_total: int
    share_of_mra: str  # formatted percentage, e.g. "6,4%"
    calculations: list[CalculationLine] = field(default_factory=list)
    subregion_totals: list[SubregionTotal] = field(default_factory=list)  # MRA document only
    warnings: list[str] = field(default_factory=list)  # maatwerk: spread though not suited
    has_transfers: bool = False


@dataclass(frozen=True)
class SummaryItem:
    """What a municipality agrees for one group, in plain Dutch, for its first page."""

    group: str
    unit: str
    agreed: int
    per_year: tuple[int, ...]
    sentence: str
    change: str  # against the previous round, or ""
    previous: int | None = None  # agreed in the previous round, for its whole period


@dataclass
class MunicipalitySummary:
    code: str
    name: str
    subregion: str
    items: list[SummaryItem]
    notes: list[str] = field(default_factory=list)  # transfers and backlogs, in plain Dutch


@dataclass(frozen=True)
class TransferLine:
    group: str
    unit: str
    giver: str
    taker: str
    amount: int
    sentence: str


@dataclass(frozen=True)
class FallbackRow:
    municipality: str
    year: int
    mutations: str
    fallback: str  # pct of the yearly mutations, in dwellings
    agreed: str  # agreed that year for the groups that count as statutory urgents, dwellings
    difference: str
    meets: bool


@dataclass
class FallbackSection:
    pct: str  # "15%"
    groups: list[str]
    rows: list[FallbackRow]
    note: str = ""


@dataclass(frozen=True)
class SourceLine:
    indicator: str
    source: str
    reference_date: str  # formatted Dutch date, or "–"


@dataclass
class AgreementDocument:
    title: str
    scope: str  # the sub-region's name, or "Metropoolregio Amsterdam"
    period_label: str  # "2026–2027"
    period: str  # "1 januari 2026 tot en met 31 december 2027"
    start: str  # "1 januari 2026"
    end: str  # "31 december 2027"
    years: tuple[int, ...]
    version: int
    decision_date: str  # formatted Dutch date, or "–"
    digest: str  # the approved digest: the controlecode
    run_digest: str
    round_name: str
    scenario_name: str
    reference_year: int | None
    is_mra: bool
    municipalities: list[Party]
    partners: list[Party]  # co-signing partners (corporations, care providers, others)
    observers: list[Party]  # the province(s) and other observers
    chair: Party
    considerations: list[str]
    definitions: list[str]
    conditions: list[str]
    summaries: list[MunicipalitySummary]
    groups: list[GroupSection]
    transfers: list[TransferLine]
    sources: list[SourceLine]
    previous_round: str = ""  # the round the first pages compare with
    fallback: FallbackSection | None = None
    illustrative: bool = False  # the figures include demo values (never in a real agreement)
    illustrative_note: str = ""
    text_versions: str = ""  # which versions of the standing texts this document holds
    summary_chart_svg: str = ""  # sub-region: its share of the MRA per group (data: URI)
    summary_chart_alt: str = ""
    population_share: str = ""  # the sub-region's share of the MRA's inhabitants

    @property
    def signatories(self) -> list[Party]:
        return [*self.municipalities, *self.partners]
