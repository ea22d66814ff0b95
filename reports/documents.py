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
    per_year: tuple[int, ...] = ()


@dataclass(frozen=True)
class RowBlock:
    """The rows of one sub-region in a group's table, with its total (MRA document)."""

    subregion: str
    rows: list[NumberRow]
    total: SubregionTotal | None


@dataclass(frozen=True)
class CalculationTable:
    """One group's calculation for the appendix, one row per municipality: a person can redo
    each number from the municipalities' figures with the sentences in `intro`."""

    intro: tuple[str, ...]  # Dutch: the group's constants (T, B, what the rounding hands out)
    columns: tuple[str, ...]  # the headers after "Gemeente", each with its unit
    rows: tuple[tuple[str, tuple[str, ...]], ...]  # (municipality, its cells)
    notes: tuple[str, ...] = ()  # exceptions in words (a bound decided the rounding, ...)


@dataclass(frozen=True)
class FiguresTable:
    """The municipalities' figures that the keys use: value and share of the MRA's total."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, tuple[str, ...]], ...]
    totals: tuple[str, ...]  # the MRA's totals (shares add up to 1)


@dataclass(frozen=True)
class MethodBlock:
    """Groups that share one method, for the appendix: their names and the method's lines."""

    groups: tuple[str, ...]  # "Dak- en thuislozen (personen; gemiddelde huishoudgrootte 1,1)"
    mode: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class OverviewRow:
    """The MRA-wide document's first pages: one municipality's numbers for every group."""

    name: str
    subregion: str
    agreed: tuple[str, ...]  # per group, for the whole period
    change: tuple[str, ...] = ()  # per group, the change of the average per year, or "nieuw"


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
    calculation: CalculationTable | None = None
    subregion_totals: list[SubregionTotal] = field(default_factory=list)  # MRA document only
    warnings: list[str] = field(default_factory=list)  # maatwerk: spread though not suited
    has_transfers: bool = False

    @property
    def has_changes(self) -> bool:
        """Whether a backlog or a transfer makes an agreed number differ from the share."""
        return any(r.backlog or r.transfer for r in self.rows)

    @property
    def row_blocks(self) -> list[RowBlock]:
        """The rows per sub-region (in the rows' order), each with its total if known."""
        totals = {t.name: t for t in self.subregion_totals}
        blocks: list[RowBlock] = []
        for row in self.rows:
            if not blocks or blocks[-1].subregion != row.subregion:
                blocks.append(RowBlock(row.subregion, [], totals.get(row.subregion)))
            blocks[-1].rows.append(row)
        return blocks


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
    figures: FiguresTable | None = None  # the municipalities' figures the keys use
    calculation_method: list[str] = field(default_factory=list)  # how to read the tables
    methods: list[MethodBlock] = field(default_factory=list)  # groups with the same method
    overview: list[OverviewRow] = field(default_factory=list)  # MRA document: first pages

    @property
    def signatories(self) -> list[Party]:
        return [*self.municipalities, *self.partners]

    @property
    def has_changes(self) -> bool:
        """Whether any agreed number differs from its computed share (backlog, transfer)."""
        return any(g.has_changes for g in self.groups)

    @property
    def calculation_blocks(self) -> list[list[GroupSection]]:
        """The groups with a calculation table, those in a row with the same columns
        together (one table each)."""
        blocks: list[list[GroupSection]] = []
        for g in self.groups:
            if g.calculation is None:
                continue
            if blocks and blocks[-1][-1].calculation.columns == g.calculation.columns:  # type: ignore[union-attr]
                blocks[-1].append(g)
            else:
                blocks.append([g])
        return blocks

    @property
    def considerations_lettered(self) -> list[tuple[str, str]]:
        """The considerations with their letter (a, b, ..., z, aa, ab, ...)."""
        letters = "abcdefghijklmnopqrstuvwxyz"
        return [
            ((letters[i // 26 - 1] if i >= 26 else "") + letters[i % 26], text)
            for i, text in enumerate(self.considerations)
        ]
