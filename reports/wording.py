"""Dutch wording of an agreement: numbers, dates, units and every calculation step.

The agreement is a Dutch document that wethouders sign, whatever language the interface
shows: its sentences are written here in Dutch (not through the interface's catalogue), so
that no English can reach a PDF. The appendix sentences are rendered from the stored step
data of the adopted computation (allocation/engine/io.py ``explain``), never from the
engine's English explanations. Pure functions: no database, no Django.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
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


def _indicator_value(value: Any) -> str:
    number = Decimal(str(value))
    return nl_number(number, 0 if number % 1 == 0 else 2)


def _bound_name(hit: Any) -> str:
    return {"lower": "de ondergrens", "upper": "de bovengrens"}.get(str(hit), "geen")


def _rounding_sentence(
    method: str, steps: Mapping[str, Any], n: int, unit: str, context: tuple[int, int] | None
) -> str:
    rounding = steps.get("rounding") or {}
    forced = rounding.get("forced_by_bound")
    bounds = steps.get("bounds") or {}
    if forced == "lower":
        return (
            f"Afronden: de ondergrens geeft de doorslag; de gemeente krijgt ten minste "
            f"{nl_decimal(bounds.get('lower'), 4)}, naar boven afgerond: n = {n}."
        )
    if forced == "upper":
        return (
            f"Afronden: de bovengrens geeft de doorslag; de gemeente krijgt ten hoogste "
            f"{nl_decimal(bounds.get('upper'), 4)}, naar beneden afgerond: n = {n}."
        )
    floor = int(rounding.get("floor") or 0)
    rest = nl_number(rounding.get("remainder") or 0, 6)
    rank = rounding.get("rank")
    if method == "hamilton":
        count, handed = context or (0, 0)
        extra = n - floor
        text = (
            f"Afronden met de grootste-restmethode: het hele deel is {floor}, de rest {rest} "
            f"staat op plaats {rank} van {count}."
        )
        if handed == 1:
            text += f" Er gaat 1 {unit_words(unit, 1)} extra naar de grootste rest"
        else:
            text += f" Er gaan {handed} {unit_words(unit, handed)} extra naar de grootste resten"
        if extra == 1:
            return text + f"; deze gemeente krijgt er 1 bij: n = {n}."
        if extra == 0:
            return text + f"; deze gemeente krijgt er geen bij: n = {n}."
        return text + f"; door de grenzen wordt het n = {n} ({nl_signed(extra)} op het hele deel)."
    name = METHOD_NAMES_NL.get(method, method)
    return (
        f"Afronden met {name}: het hele deel is {floor}; in de rangorde van de deelgetallen "
        f"staat deze gemeente op plaats {rank}: n = {n}."
    )


def calculation_lines(
    a: Mapping[str, Any],
    *,
    method: str,
    total: int,
    unit: str,
    indicator_names: Mapping[str, str],
    rounding_context: tuple[int, int] | None,
    transfer: int,
    agreed: int,
    per_year: Sequence[int],
    years: Sequence[int],
) -> list[str]:
    """Every step from figures to agreed number for one municipality and group, in Dutch."""
    steps = a["steps"]
    n = int(a["allocation"])
    lines: list[str] = []
    if method == "statutory" and "statutory" in steps:
        st = steps["statutory"]
        parts = []
        for i, h in enumerate(st.get("half_years") or []):
            estimate = " (schatting, nog niet gepubliceerd)" if h.get("estimate") else ""
            parts.append(
                f"{halfyear_text(h.get('label'), i)}{estimate}: {nl_number(h['national_total'])} × "
                f"{nl_number(st['population'])} / {nl_number(h['national_population'])} = "
                f"{nl_number(h['quota'], 4)}, naar boven afgerond {h['task']}"
            )
        if not parts and st.get("national_total") is not None:
            parts.append(
                f"{nl_number(st['national_total'])} × {nl_number(st['population'])} / "
                f"{nl_number(st['national_population'])}, naar boven afgerond {n}"
            )
        lines.append(
            "Wettelijke taakstelling (Huisvestingswet 2014, artikel 29): het landelijke aantal "
            "× de inwoners van de gemeente / de inwoners van Nederland, ieder halfjaar apart "
            "naar boven afgerond."
        )
        lines.extend(p[0].upper() + p[1:] + "." for p in parts)
        lines.append(f"Samen: n = {n}.")
    elif method == "local" or "local" in steps:
        demand = (steps.get("local") or {}).get("demand", n)
        lines.append(
            f"Eigen vraag van de gemeente: n = {nl_number(demand)}; er wordt niets herverdeeld."
        )
    else:
        parts = []
        for code, ind in steps["indicators"].items():
            if ind.get("weight") is None or ind.get("share") is None:
                continue
            parts.append(
                f"{indicator_names.get(code, code).lower()} {_indicator_value(ind['value'])} van "
                f"{nl_number(ind['regional_total'])} = {nl_number(ind['share'], 6)} × gewicht "
                f"{nl_decimal(ind['weight'], 4)}"
            )
        if parts:
            lines.append(f"Sleutel w = {'; '.join(parts)}; samen w = {nl_number(steps['key'], 6)}.")
        lines.append(
            f"Aandeel zonder verrekening w × T = {nl_number(steps['key'], 6)} × "
            f"{nl_number(total)} = {nl_number(steps['uncorrected_share'], 4)}."
        )
        credit = steps.get("credit") or {}
        if Decimal(str(credit.get("factor") or 0)):
            lines.append(
                f"Verrekening: bestaande inzet {nl_number(credit['existing_effort'])} × factor "
                f"{nl_decimal(credit['factor'], 4)} = {nl_number(credit['credit'], 4)}; "
                f"aandeel na verrekening q = {nl_number(credit['corrected_quota'], 4)}."
            )
            if credit.get("already_does_more_than_its_share"):
                lines.append("Deze gemeente doet al meer dan haar aandeel en krijgt 0.")
        bounds = steps.get("bounds") or {}
        if bounds.get("lower") is not None or bounds.get("upper") is not None:
            lines.append(
                f"Grenzen: ondergrens {nl_number(bounds.get('lower'), 4)}, bovengrens "
                f"{nl_number(bounds.get('upper'), 4)}; bereikt: {_bound_name(bounds.get('bound_hit'))}."
            )
        if "subregion" in steps:
            sub = steps["subregion"]
            lines.append(
                f"Deelregio {sub['name']}: quotum {nl_number(sub['quota'], 4)}, afgerond "
                f"{sub['allocation']}."
            )
        lines.append(f"Quotum a = {nl_number(steps['quota'], 6)}.")
        lines.append(_rounding_sentence(method, steps, n, unit, rounding_context))
    backlog = int(a.get("backlog") or 0)
    computed = int(a.get("total_with_backlog", n))
    if backlog:
        kind = "achterstand" if backlog > 0 else "voorsprong"
        lines.append(
            f"Uit de vorige periode: {kind} {nl_number(abs(backlog))}; berekend totaal "
            f"{nl_number(computed)} (nooit onder 0)."
        )
    if transfer:
        lines.append(
            f"Overdracht tussen gemeenten (artikel 29, tweede lid): {nl_signed(transfer)}."
        )
    lines.append(
        f"Afgesproken: {nl_number(agreed)} {unit_words(unit, agreed)} voor de hele periode, "
        f"{per_year_text(per_year, years)}."
    )
    lines.append(
        f"Zuiver naar inwoners zou het {nl_number(steps.get('population_share'), 2)} zijn "
        f"(verschil {nl_number(steps.get('difference_from_population_share'), 2)})."
    )
    return lines
