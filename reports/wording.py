"""Dutch wording of an agreement: numbers, dates, units and every calculation step.

The agreement is a Dutch document that wethouders sign, whatever language the interface
shows: its sentences are written here in Dutch (not through the interface's catalogue), so
that no English can reach a PDF. The appendix sentences are rendered from the stored step
data of the adopted computation (allocation/engine/io.py ``explain``), never from the
engine's English explanations. Pure functions: no database, no Django.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

MONTHS_NL = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)

# The unit of a group (target_groups.Unit) in Dutch: (one, many).
UNITS_NL: dict[str, tuple[str, str]] = {
    "persons": ("persoon", "personen"),
    "households": ("huishouden", "huishoudens"),
    "beds": ("bed", "bedden"),
    "units": ("eenheid", "eenheden"),
    "pitches": ("standplaats", "standplaatsen"),
}
UNIT_LABELS_NL: dict[str, str] = {
    "persons": "personen",
    "households": "huishoudens",
    "beds": "personen (bedden)",
    "units": "eenheden",
    "pitches": "standplaatsen",
}

METHOD_NAMES_NL = {
    "hamilton": "de grootste-restmethode (Hamilton)",
    "sainte-lague": "de delersmethode Sainte-Laguë",
    "dhondt": "de delersmethode D'Hondt",
    "huntington-hill": "de delersmethode Huntington-Hill",
    "statutory": "de wettelijke taakstelling (Huisvestingswet 2014, artikel 29)",
    "local": "de eigen vraag van iedere gemeente",
}

TEXT_NAMES_NL = {
    "considerations": "overwegingen",
    "definitions": "begrippen",
    "conditions": "voorwaarden",
}

MODE_SENTENCES_NL = {
    "spread": "Verdeeld over de gemeenten met een verdeelsleutel: ieder een eerlijk aandeel.",
    "local": (
        "Waar de vraag ontstaat: iedere gemeente neemt haar eigen vraag; er wordt niets "
        "herverdeeld. Dit aantal is dus geen verdeeld aandeel."
    ),
    "statutory": (
        "De wettelijke taakstelling (Huisvestingswet 2014, artikel 29). Die is niet "
        "onderhandelbaar; gemeenten kunnen wel onderling een deel overdragen (artikel 29, "
        "tweede lid)."
    ),
}


# --- numbers and dates ----------------------------------------------------------------------


def nl_number(value: Decimal | int | str | None, places: int = 0) -> str:
    """12345.678 -> "12.345,68" (places=2). None -> "–"."""
    if value is None:
        return "–"
    number = Decimal(str(value))
    quant = Decimal(1).scaleb(-places)
    text = f"{number.quantize(quant, rounding=ROUND_HALF_UP):,.{places}f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def nl_signed(value: int) -> str:
    """+5, −5 (a real minus sign) or 0."""
    if value > 0:
        return f"+{nl_number(value)}"
    if value < 0:
        return f"−{nl_number(-value)}"
    return "0"


def nl_decimal(value: Decimal | int | str | None, places: int) -> str:
    """A decimal with at most `places` decimals and no trailing zeros: 0,5 · 0,064289 · 3."""
    if value is None:
        return "–"
    text = nl_number(value, places)
    if "," in text:
        text = text.rstrip("0").rstrip(",")
    return text


def nl_date(value: date | None) -> str:
    if value is None:
        return "–"
    return f"{value.day} {MONTHS_NL[value.month - 1]} {value.year}"


def nl_pct(part: int | Decimal, whole: int | Decimal, places: int = 1) -> str:
    if not whole:
        return "–"
    return nl_number(Decimal(100) * Decimal(part) / Decimal(whole), places) + "%"


def nl_list(items: Sequence[str]) -> str:
    """ "a", "a en b", "a, b en c"."""
    items = [i for i in items if i]
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " en " + items[-1]


def period_label(start: date, end: date) -> str:
    """ "2026–2027", or "2026" for a period within one year."""
    return str(start.year) if start.year == end.year else f"{start.year}–{end.year}"


def unit_words(unit: str, count: int | None = None) -> str:
    """The unit in Dutch, singular for exactly one: "1 persoon", "5 personen", "3 bedden"."""
    one, many = UNITS_NL.get(unit, ("eenheid", "eenheden"))
    return one if count == 1 else many


def unit_label(unit: str) -> str:
    return UNIT_LABELS_NL.get(unit, "eenheden")


def per_year_text(per_year: Sequence[int], years: Sequence[int]) -> str:
    """ "123 in 2026 en 123 in 2027"."""
    return nl_list([f"{nl_number(n)} in {y}" for n, y in zip(per_year, years, strict=True)])


def halfyear_text(label: str | None, index: int) -> str:
    """ "2026-H1" -> "eerste halfjaar 2026"."""
    if label and "-H" in label:
        year, half = label.split("-H", 1)
        return f"{'eerste' if half == '1' else 'tweede'} halfjaar {year}"
    return f"halfjaar {index + 1}"


# --- the method of a group ------------------------------------------------------------------


def method_lines(
    settings: Mapping[str, Any], indicator_names: Mapping[str, str], mode: str = "spread"
) -> list[str]:
    """The settings of one group in the adopted computation, in Dutch sentences. `mode` is
    the group's allocation mode: spread, local (own demand) or statutory."""
    if mode == "local":
        return [
            "Iedere gemeente neemt de eigen vraag die zij heeft opgegeven; de regionale opgave "
            "is de som daarvan.",
            "Er is geen verdeelsleutel, verrekening of afronding.",
        ]
    if mode == "statutory":
        return [
            "De regionale opgave is de som van de wettelijke taakstellingen van de gemeenten.",
            "Per halfjaar: het landelijke aantal × de inwoners van de gemeente / de inwoners "
            "van Nederland, ieder halfjaar apart naar boven afgerond (Huisvestingswet 2014, "
            "artikel 29).",
        ]
    lines = []
    method = settings.get("method", "hamilton")
    weights = settings.get("weights") or {}
    if weights and method not in ("statutory", "local"):
        parts = [
            f"{nl_decimal(Decimal(str(w)) * 100, 2)}% {indicator_names.get(code, code).lower()}"
            for code, w in weights.items()
        ]
        lines.append(f"Verdeelsleutel: {nl_list(parts)}.")
    source = settings.get("task_source")
    if method == "local":
        lines.append("Regionale opgave: de som van de eigen vraag van de gemeenten.")
    elif source == "entered":
        lines.append(
            f"Regionale opgave: het ingevoerde totaal van {nl_number(settings.get('entered_total'))}."
        )
    elif source == "statutory" or method == "statutory":
        lines.append("Regionale opgave: de som van de wettelijke taakstellingen.")
    else:
        lines.append("Regionale opgave: de som van de vraag die de gemeenten hebben opgegeven.")
    if method not in ("statutory", "local"):
        factor = Decimal(str(settings.get("credit_factor") or 0))
        if factor:
            lines.append(
                f"Verrekening van wat een gemeente al doet: factor {nl_decimal(factor, 4)} van "
                "de bestaande inzet."
            )
        else:
            lines.append("Wat een gemeente al doet, wordt niet verrekend.")
        if settings.get("max_credit_fraction") is not None:
            cut = Decimal(str(settings["max_credit_fraction"])) * 100
            lines.append(
                f"De verrekening verlaagt een aandeel met ten hoogste {nl_decimal(cut, 2)}%."
            )
        if settings.get("upper_bound_mutations_pct") is not None:
            pct = nl_decimal(settings["upper_bound_mutations_pct"], 2)
            lines.append(
                f"Bovengrens: ten hoogste {pct}% van de jaarlijkse mutaties van een gemeente."
            )
    lines.append(f"Afronden op hele aantallen: {METHOD_NAMES_NL.get(method, method)}.")
    if settings.get("two_tier"):
        lines.append("In twee stappen: eerst per deelregio, daarna binnen iedere deelregio.")
    if settings.get("carry_over"):
        lines.append("De achterstand of voorsprong uit de vorige periode komt bij de nieuwe taak.")
    return lines


# --- one municipality's calculation ---------------------------------------------------------


def rounding_context(result: Mapping[str, Any]) -> dict[str, tuple[int, int]]:
    """Per CBS code: (how many share the rounding, how many units go to the largest
    remainders) in the largest-remainder method; per sub-region when in two tiers."""
    allocations = result["allocations"]
    groups: dict[str, list[Mapping[str, Any]]] = {}
    two_tier = bool(result.get("two_tier"))
    for a in allocations:
        groups.setdefault(a["subregion"] if two_tier else "", []).append(a)
    houses: dict[str, int] = {}
    if two_tier:
        houses = {s["name"]: int(s["allocation"]) for s in result.get("subregions", [])}
    out: dict[str, tuple[int, int]] = {}
    for key, members in groups.items():
        house = houses.get(key, sum(int(a["allocation"]) for a in members))
        floors = sum(int((a["steps"].get("rounding") or {}).get("floor") or 0) for a in members)
        for a in members:
            out[a["code"]] = (len(members), house - floors)
    return out


# --- the calculation of a group, as one table for the appendix -------------------------------

# What the appendix calls the numbers (plain Dutch, no jargon such as "quotum").
KEY = "Sleutel w"
SHARE = "Aandeel volgens de sleutel a"


def _dec(value: Any) -> Decimal:
    return Decimal(str(value)) if value is not None else Decimal(0)


def _figure(value: Any) -> str:
    """An indicator value: whole numbers without decimals, others with two."""
    number = _dec(value)
    return nl_number(number, 0 if number % 1 == 0 else 2)


def _bound_word(hit: Any) -> str:
    return {"lower": "ondergrens", "upper": "bovengrens"}.get(str(hit), "nee")


@dataclass(frozen=True)
class CalculationInput:
    """One municipality's stored steps and its agreed numbers (agreements.selectors)."""

    name: str
    allocation: Mapping[str, Any]  # the stored allocation with its steps (engine io.explain)
    transfer: int
    agreed: int


@dataclass
class CalculationParts:
    """A group's calculation table: see `calculation_table`."""

    general: list[str]
    specific: list[str]
    columns: list[str]
    rows: list[tuple[str, list[str]]]
    notes: list[str]


def calculation_table(
    result: Mapping[str, Any],
    members: Sequence[CalculationInput],
    *,
    method: str,
    unit: str,
    indicator_names: Mapping[str, str],
    key_column: bool = True,
) -> CalculationParts:
    """One group's calculation for the appendix, as a table a person can redo row by row.

    Every cell comes from the stored steps of the adopted computation. `general` holds the
    sentences that say how a row is made, without the group's own numbers (so that groups
    computed alike share them); `specific` the group's constants (T, B, how many units the
    rounding hands out). Only the steps that matter for the group get a column; `key_column`
    False leaves the key w out when the table of the municipalities' figures shows it."""
    many = unit_words(unit)
    total = int(result.get("total") or result.get("allocated_total") or 0)
    steps_of = [m.allocation["steps"] for m in members]
    if method == "statutory" and all("statutory" in s for s in steps_of):
        return _statutory_table(members, many)
    if method == "local" or any("local" in s for s in steps_of):
        return _local_table(members, many)

    general: list[str] = []
    specific: list[str] = []
    notes: list[str] = []
    if key_column:
        general.append(key_sentence(result.get("weights") or {}, indicator_names))
    credits = [s.get("credit") or {} for s in steps_of]
    factor = _dec(credits[0].get("factor")) if credits else Decimal(0)
    if factor:
        f = nl_decimal(factor, 4)
        general.append(
            f"a is het aandeel volgens de sleutel: w × B − {f} × de bestaande inzet van de "
            f"gemeente, met B = T + {f} × de bestaande inzet van alle gemeenten van de MRA samen "
            "(zo blijft het totaal T)."
        )
        effort = sum(
            (
                _dec((a["steps"].get("credit") or {}).get("existing_effort"))
                for a in result.get("allocations") or []
                if not (a["steps"].get("credit") or {}).get("already_does_more_than_its_share")
            ),
            Decimal(0),
        )
        specific.append(
            f"T = {nl_number(total)} {many} voor de hele periode; B = {nl_number(total)} + {f} × "
            f"{_figure(effort)} = {nl_decimal(total + factor * effort, 4)} {many}."
        )
        if any(c.get("already_does_more_than_its_share") for c in credits):
            general.append(
                "Een gemeente die al meer doet dan haar aandeel, krijgt 0; de andere delen dan "
                "de opgave naar verhouding van hun sleutels."
            )
    else:
        general.append("a is het aandeel volgens de sleutel: w × T.")
        specific.append(f"T = {nl_number(total)} {many} voor de hele periode.")
    has_bounds = any(
        (s.get("bounds") or {}).get("lower") is not None
        or (s.get("bounds") or {}).get("upper") is not None
        for s in steps_of
    )
    if has_bounds:
        general.append(
            "Grenzen: een aandeel komt niet onder de ondergrens en niet boven de bovengrens; "
            "wat een grens afsnijdt of toevoegt, gaat naar verhouding naar de andere gemeenten. "
            "a is het aandeel na de grenzen."
        )
    two_tier = bool(result.get("two_tier")) and any("subregion" in s for s in steps_of)
    if two_tier:
        general.append(
            "In twee stappen: eerst krijgt iedere deelregio de som van de aandelen van haar "
            "gemeenten, afgerond op hele aantallen; dat hele aantal wordt daarna binnen de "
            "deelregio verdeeld (a is het aandeel binnen de deelregio)."
        )
        seen: set[str] = set()
        for s in steps_of:
            sub = s.get("subregion") or {}
            name = str(sub.get("name") or "")
            if not name or name in seen:
                continue
            seen.add(name)
            own = sub.get("own_key") or {}
            extra = ""
            if own:
                extra = "; binnen de deelregio met een eigen sleutel: " + " + ".join(
                    f"{nl_decimal(_dec(v), 4)} × {indicator_names.get(k, k).lower()}"
                    for k, v in (own.get("weights") or {}).items()
                )
            specific.append(
                f"Deelregio {name}: som van de aandelen {nl_number(sub.get('quota'), 4)}, "
                f"afgerond {nl_number(sub.get('allocation'))} {many}{extra}."
            )
    if method == "hamilton":
        general.append(
            "Afronden met de grootste-restmethode: iedere gemeente krijgt eerst het hele deel van "
            "a; wat dan nog over is, gaat één voor één naar de grootste resten. De gemeenten op "
            "plaats 1 tot en met dat aantal krijgen er 1 bij. Zo ontstaat n."
        )
        context = rounding_context(result)
        for count, handed in sorted({context.get(m.allocation["code"], (0, 0)) for m in members}):
            within = "in de deelregio " if two_tier else ""
            specific.append(
                f"Na het hele deel {'is' if handed == 1 else 'zijn'} er {nl_number(handed)} "
                f"{unit_words(unit, handed)} over voor de grootste resten van de {count} "
                f"gemeenten {within}(plaats 1 tot en met {nl_number(handed)})."
            )
    else:
        general.append(
            f"Afronden met {METHOD_NAMES_NL.get(method, method)}: iedere gemeente krijgt het hele "
            "deel van a; de rest gaat in de rangorde van de deelgetallen (de kolom plaats). Zo "
            "ontstaat n."
        )

    headers = [
        KEY,
        "Bestaande inzet",
        "Ondergrens",
        "Bovengrens",
        "Grens bereikt",
        "Eigen sleutel deelregio",
        SHARE,
        "Plaats van de rest",
        "n",
        "Achterstand",
        "Overdracht",
        "Afgesproken (hele periode)",
    ]
    rows: list[list[str]] = []
    keep = [False] * len(headers)
    for m, steps in zip(members, steps_of, strict=True):
        a = m.allocation
        credit = steps.get("credit") or {}
        bounds = steps.get("bounds") or {}
        rounding = steps.get("rounding") or {}
        own = (steps.get("subregion") or {}).get("own_key") or {}
        backlog = int(a.get("backlog") or 0)
        forced = rounding.get("forced_by_bound")
        n_text = nl_number(int(a["allocation"]))
        if forced in ("lower", "upper"):
            n_text += " *"
            notes.append(
                f"* {m.name}: de {_bound_word(forced)} geeft de doorslag bij het afronden "
                f"({'naar boven' if forced == 'lower' else 'naar beneden'} afgerond)."
            )
        if credit.get("already_does_more_than_its_share"):
            notes.append(f"{m.name} doet al meer dan haar aandeel en krijgt 0.")
        rows.append(
            [
                nl_number(steps.get("key"), 6),
                _figure(credit.get("existing_effort")),
                nl_number(bounds.get("lower"), 4),
                nl_number(bounds.get("upper"), 4),
                _bound_word(bounds.get("bound_hit")),
                nl_number(own.get("key"), 6) if own else "–",
                nl_number(steps.get("quota"), 6),
                str(rounding.get("rank") or "–"),
                n_text,
                nl_signed(backlog),
                nl_signed(m.transfer),
                nl_number(m.agreed),
            ]
        )
        shown = [
            key_column,
            bool(factor),
            has_bounds,
            has_bounds,
            has_bounds,
            bool(own),
            True,
            True,
            True,
            backlog != 0,
            m.transfer != 0,
            backlog != 0 or m.transfer != 0,
        ]
        keep = [k or s for k, s in zip(keep, shown, strict=True)]
    _agreed_sentence(general, many, keep[-1])
    return CalculationParts(
        general=general,
        specific=specific,
        columns=[h for h, k in zip(headers, keep, strict=True) if k],
        rows=[
            (m.name, [c for c, k in zip(row, keep, strict=True) if k])
            for m, row in zip(members, rows, strict=True)
        ],
        notes=notes,
    )


def key_sentence(weights: Mapping[str, Any], indicator_names: Mapping[str, str]) -> str:
    """ "w is de sleutel van de gemeente: 0,5 × het aandeel inwoners + ..." ."""
    parts = [
        f"{nl_decimal(_dec(weight), 4)} × het aandeel {indicator_names.get(code, code).lower()}"
        for code, weight in weights.items()
        if _dec(weight)
    ]
    return (
        f"w is de sleutel van de gemeente: {' + '.join(parts)} (de aandelen staan in de tabel "
        "met de cijfers van de gemeenten)."
    )


def _agreed_sentence(general: list[str], many: str, changed: bool) -> None:
    if changed:
        general.append(
            "Afgesproken is n met de achterstand (+) of voorsprong (−) uit de vorige periode en "
            "de overdrachten tussen gemeenten (artikel 3), voor de hele periode."
        )
    else:
        general.append("Het afgesproken aantal voor de hele periode is n.")


def _changes(members: Sequence[CalculationInput]) -> bool:
    return any(int(m.allocation.get("backlog") or 0) or m.transfer for m in members)


def _agreed_cells(m: CalculationInput) -> list[str]:
    return [
        nl_signed(int(m.allocation.get("backlog") or 0)),
        nl_signed(m.transfer),
        nl_number(m.agreed),
    ]


def _agreed_headers() -> list[str]:
    return ["Achterstand", "Overdracht", "Afgesproken (hele periode)"]


def _statutory_table(members: Sequence[CalculationInput], many: str) -> CalculationParts:
    first = members[0].allocation["steps"]["statutory"] if members else {}
    halves = first.get("half_years") or []
    general = [
        "Wettelijke taakstelling (Huisvestingswet 2014, artikel 29): per halfjaar het landelijke "
        "aantal × de inwoners van de gemeente / de inwoners van Nederland, ieder halfjaar apart "
        "naar boven afgerond; n is de som."
    ]
    specific = []
    for i, h in enumerate(halves):
        estimate = " (schatting, nog niet gepubliceerd)" if h.get("estimate") else ""
        specific.append(
            f"{halfyear_text(h.get('label'), i).capitalize()}{estimate}: landelijk "
            f"{nl_number(h.get('national_total'))} {many}, Nederland "
            f"{nl_number(h.get('national_population'))} inwoners."
        )
    if not halves and first.get("national_total") is not None:
        specific.append(
            f"Landelijk {nl_number(first['national_total'])} {many}, Nederland "
            f"{nl_number(first['national_population'])} inwoners."
        )
    columns = ["Inwoners"]
    for i, h in enumerate(halves):
        label = halfyear_text(h.get("label"), i)
        columns += [f"{label}: berekend", f"{label}: naar boven"]
    columns.append("n")
    changed = _changes(members)
    rows = []
    for m in members:
        st = m.allocation["steps"]["statutory"]
        cells = [nl_number(st.get("population"))]
        own = st.get("half_years") or []
        for h in own:
            cells += [nl_number(h.get("quota"), 4), nl_number(h.get("task"))]
        cells += ["–", "–"] * (len(halves) - len(own))
        cells.append(nl_number(int(m.allocation["allocation"])))
        rows.append((m.name, cells + (_agreed_cells(m) if changed else [])))
    _agreed_sentence(general, many, changed)
    return CalculationParts(
        general=general,
        specific=specific,
        columns=columns + (_agreed_headers() if changed else []),
        rows=rows,
        notes=[],
    )


def _local_table(members: Sequence[CalculationInput], many: str) -> CalculationParts:
    general = [
        "Eigen vraag: iedere gemeente neemt de vraag die zij zelf heeft opgegeven (n); er wordt "
        "niets herverdeeld, afgerond of verrekend."
    ]
    changed = _changes(members)
    rows = []
    for m in members:
        demand = (m.allocation["steps"].get("local") or {}).get(
            "demand", m.allocation["allocation"]
        )
        rows.append((m.name, [nl_number(demand)] + (_agreed_cells(m) if changed else [])))
    _agreed_sentence(general, many, changed)
    return CalculationParts(
        general=general,
        specific=[],
        columns=["Eigen vraag n"] + (_agreed_headers() if changed else []),
        rows=rows,
        notes=[],
    )


def figures_table(
    allocations: Sequence[Mapping[str, Any]],
    codes: Sequence[str],
    indicator_names: Mapping[str, str],
    *,
    key: bool = False,
    everyone: Sequence[Mapping[str, Any]] = (),
) -> tuple[list[str], list[tuple[str, list[str]]], list[str]]:
    """The municipalities' figures that the keys use: per indicator its value and its share
    of the MRA's total (value / total), and with `key` the key w of these allocations (the
    groups that share one set of weights; `everyone`: all the MRA's allocations, for the
    total of the keys). Returns the column headers, one row per
    municipality and the MRA's totals."""
    columns: list[str] = []
    totals: list[str] = []
    first = allocations[0]["steps"]["indicators"] if allocations else {}
    for code in codes:
        name = indicator_names.get(code, code)
        columns += [name, f"Aandeel {name.lower()}"]
        totals += [_figure((first.get(code) or {}).get("regional_total")), "1"]
    if key:
        columns.append(KEY)
        key_total = sum((_dec(a["steps"].get("key")) for a in everyone or allocations), Decimal(0))
        totals.append(nl_decimal(key_total, 6))
    rows = []
    for a in allocations:
        indicators = a["steps"]["indicators"]
        cells = []
        for code in codes:
            ind = indicators.get(code) or {}
            cells += [_figure(ind.get("value")), nl_number(ind.get("share"), 6)]
        if key:
            cells.append(nl_number(a["steps"].get("key"), 6))
        rows.append((str(a["name"]), cells))
    return columns, rows, totals
