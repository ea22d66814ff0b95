"""The engine's messages in the interface language, with the language's number notation.

The engine (allocation/engine/) speaks English and gives every warning and every rounding
decision a stable code with its parameters (`allocation.engine.types.Note`); a stored run
keeps them under ``messages`` (warnings) and ``decision_code``/``decision_params`` (rounding).
This module turns them into a sentence in the active language (Dutch unless the language
switch says English) with numbers as `core.numbers.format_number` writes them. The pages and
the exports use it; the batch command keeps the engine's English text.

Runs stored before the codes existed only hold the English sentences. `render_warnings` and
`render_decision` then re-derive the parameters from the known English sentences, and give a
plain general sentence in the interface language for anything else.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from core.numbers import format_number

Params = Mapping[str, Any]


@dataclass(frozen=True)
class Rendered:
    """A message in the interface language; ``original`` is the engine's English sentence
    (for analysts: shown in a tooltip, never as page text)."""

    code: str
    text: str
    original: str

    def __str__(self) -> str:
        return self.text


def _n(value: Any, decimals: int | None = None) -> str:
    return format_number(value, decimals)


def _pct(value: Any, decimals: int = 1) -> str:
    """A fraction (0.922) as a percentage number (92,2) without the sign."""
    try:
        return format_number(Decimal(str(value)) * 100, decimals)
    except (InvalidOperation, ValueError):
        return str(value)


def _names(codes: Sequence[str], names: Mapping[str, str]) -> str:
    return ", ".join(names.get(code, code) for code in codes)


def _muni(params: Params, names: Mapping[str, str]) -> str:
    code = params.get("code", "")
    return params.get("name") or names.get(code, code)


def _claim(value: Any) -> str:
    if value is None:
        return "–"
    if value == "infinity":
        return _("infinite")
    return _n(value, 4)


def _hamilton_start(p: Params) -> str:
    return _(
        "Whole part %(floor)s; the remainder %(remainder)s ranks %(rank)s of %(count)s. "
        "After the whole parts %(handed)s are left; they go to the largest remainders."
    ) % {
        "floor": _n(p["floor"]),
        "remainder": _n(p["remainder"], 4),
        "rank": _n(p["rank"]),
        "count": _n(p["count"]),
        "handed": _n(p["handed"]),
    }


def _divisor(p: Params, names: Mapping[str, str]) -> str:
    parts = [_("Result after rounding: %(n)s.") % {"n": _n(p["allocation"])}]
    cut = _claim(p.get("lowest_winning_claim"))
    if p.get("last_claim") is not None:
        parts.append(
            _(
                "The claim of its last place, %(last)s, is not below the lowest claim that "
                "still got a place (%(cut)s)."
            )
            % {"last": _claim(p["last_claim"]), "cut": cut}
        )
    if p.get("next_claim") is not None:
        parts.append(
            _(
                "The claim of a next place, %(next)s (number %(rank)s in line), is not above "
                "%(cut)s."
            )
            % {"next": _claim(p["next_claim"]), "rank": _n(p["rank"]), "cut": cut}
        )
    return " ".join(parts)


def _quota_rule(p: Params, names: Mapping[str, str]) -> str:
    values = {
        "unit": names.get(p["unit"], p["unit"]),
        "n": _n(p["allocation"]),
        "quota": _n(p["quota"], 2),
        "low": _n(p["low"]),
        "high": _n(p["high"]),
    }
    if p.get("subregion"):
        return (
            _(
                "Rounding rule broken: sub-region %(unit)s gets %(n)s, while its exact share "
                "%(quota)s allows %(low)s to %(high)s."
            )
            % values
        )
    return (
        _(
            "Rounding rule broken: %(unit)s gets %(n)s, while its exact share %(quota)s allows "
            "%(low)s to %(high)s."
        )
        % values
    )


TEMPLATES: dict[str, Callable[[Params, Mapping[str, str]], str]] = {
    "fairness.mutation_share_over_threshold": lambda p, names: (
        _(
            "%(name)s (%(code)s): the tasks need %(share)s%% of its vacated social rental "
            "dwellings per year (limit %(threshold)s%%)."
        )
        % {
            "name": _muni(p, names),
            "code": p["code"],
            "share": _pct(p["share"]),
            "threshold": _pct(p["threshold"]),
        }
    ),
    "fairness.task_without_mutations": lambda p, names: (
        _("%(name)s (%(code)s): a task, but no vacated social rental dwellings per year.")
        % {"name": _muni(p, names), "code": p["code"]}
    ),
    "credit.zeroed": lambda p, names: (
        _("Already does more than its share, so the credit brings the task to 0: %(names)s.")
        % {"names": _names(p["codes"], names)}
    ),
    "credit.zeroed_in_subregion": lambda p, names: (
        _(
            "Sub-region %(subregion)s (own key): already does more than its share, so the credit "
            "brings the task to 0: %(names)s."
        )
        % {"subregion": p["subregion"], "names": _names(p["codes"], names)}
    ),
    "bounds.subregion_not_scalable": lambda p, names: (
        _(
            "Sub-region %(subregion)s: its numbers cannot be scaled to its whole number %(n)s, "
            "because the municipalities with room under their upper bound already do more than "
            "their share. The bounds in whole numbers decided the rounding."
        )
        % {"subregion": p["subregion"], "n": _n(p["allocation"])}
    ),
    "rounding.quota_rule_broken": _quota_rule,
    "settings.credit_ignored": lambda p, names: _(
        "This way of allocating does not use the credit for existing effort."
    ),
    "settings.bounds_ignored": lambda p, names: _(
        "This way of allocating does not use the lower and upper bounds."
    ),
    "statutory.estimate": lambda p, names: (
        _("The national total is an estimate (not yet published) for: %(half_years)s.")
        % {"half_years": ", ".join(p["half_years"])}
    ),
    "statutory.sum_differs": lambda p, names: (
        _(
            "The statutory tasks add up to %(allocated)s, not to the total of %(total)s (article "
            "29(2) lets municipalities redistribute as long as the sum stays the same)."
        )
        % {"allocated": _n(p["allocated"]), "total": _n(p["total"])}
    ),
    "rounding.lower_bound": lambda p, names: (
        _("Lower bound: at least %(lower)s, although the method alone gives fewer. Result: %(n)s.")
        % {"lower": _n(p["lower"]), "n": _n(p["allocation"])}
    ),
    "rounding.upper_bound": lambda p, names: (
        _("Upper bound: at most %(upper)s, although the method alone gives more. Result: %(n)s.")
        % {"upper": _n(p["upper"]), "n": _n(p["allocation"])}
    ),
    "rounding.hamilton_one": lambda p, names: (
        _hamilton_start(p)
        + " "
        + _("This municipality gets one more: %(n)s.") % {"n": _n(p["allocation"])}
    ),
    "rounding.hamilton_none": lambda p, names: (
        _hamilton_start(p)
        + " "
        + _("This municipality gets none of them: %(n)s.") % {"n": _n(p["allocation"])}
    ),
    "rounding.hamilton_bounds": lambda p, names: (
        _hamilton_start(p)
        + " "
        + _("Because of the bounds it gets %(n)s (%(extra)s against the whole part).")
        % {"n": _n(p["allocation"]), "extra": ("+" if p["extra"] > 0 else "") + _n(p["extra"])}
    ),
    "rounding.divisor": _divisor,
    "rounding.statutory": lambda p, names: (
        _(
            "Statutory task (Housing Act 2014, article 29): each half-year rounded up by itself, "
            "%(n)s in all."
        )
        % {"n": _n(p["allocation"])}
    ),
    "rounding.local": lambda p, names: (
        _(
            "Own demand: the number is the municipality's own demand, %(n)s; nothing is "
            "redistributed."
        )
        % {"n": _n(p["allocation"])}
    ),
}


def render(
    code: str | None, params: Params | None, original: str, names: Mapping[str, str] | None = None
) -> Rendered:
    """One message in the interface language; an unknown code or broken parameters give
    the general sentence (never the English one)."""
    template = TEMPLATES.get(code or "")
    if template is not None and params is not None:
        try:
            return Rendered(code or "", template(params, names or {}), original)
        except (KeyError, TypeError, ValueError):
            pass
    return Rendered(code or "", general_sentence(), original)


def general_sentence() -> str:
    return _(
        "The computation gave a technical note that has no explanation in plain words yet "
        "(point at it to read it). Compute the scenario again for an explanation."
    )


# --- runs stored before the codes: the English sentences, re-derived -----------------------

_NUMBER = r"-?\d+(?:\.\d+)?"
_LEGACY: list[tuple[re.Pattern[str], str, Callable[[re.Match[str]], dict[str, Any]]]] = [
    (
        re.compile(
            rf"^(?P<code>\S+) (?P<name>.+): the tasks need (?P<share>{_NUMBER})% of its yearly "
            rf"mutations \(threshold (?P<threshold>{_NUMBER})%\)$"
        ),
        "fairness.mutation_share_over_threshold",
        lambda m: {
            "code": m["code"],
            "name": m["name"],
            "share": Decimal(m["share"]) / 100,
            "threshold": Decimal(m["threshold"]) / 100,
        },
    ),
    (
        re.compile(r"^(?P<code>\S+) (?P<name>.+): a task but no yearly mutations$"),
        "fairness.task_without_mutations",
        lambda m: {"code": m["code"], "name": m["name"]},
    ),
    (
        re.compile(
            r"^already does more than its share \(credit brings its task to 0\): (?P<codes>.+)$"
        ),
        "credit.zeroed",
        lambda m: {"codes": m["codes"].split(", ")},
    ),
    (
        re.compile(r"^method \S+ ignores credit for existing effort$"),
        "settings.credit_ignored",
        lambda m: {},
    ),
    (re.compile(r"^method \S+ ignores bounds$"), "settings.bounds_ignored", lambda m: {}),
    (
        re.compile(
            rf"^floor (?P<floor>\d+); remainder (?P<remainder>{_NUMBER}) ranks (?P<rank>\d+) of "
            rf"(?P<count>\d+); (?P<handed>-?\d+) seat\(s\) go to the largest remainders; "
            rf"it gets (?P<gets>one|none): n = (?P<allocation>\d+)$"
        ),
        "rounding.hamilton",
        lambda m: {
            "floor": int(m["floor"]),
            "remainder": m["remainder"],
            "rank": int(m["rank"]),
            "count": int(m["count"]),
            "handed": int(m["handed"]),
            "allocation": int(m["allocation"]),
        },
    ),
    (
        re.compile(
            r"^lower bound: at least (?P<lower>\d+) \(ceil of l_i\) although the method alone "
            r"gives fewer; n = (?P<allocation>\d+)$"
        ),
        "rounding.lower_bound",
        lambda m: {"lower": int(m["lower"]), "allocation": int(m["allocation"])},
    ),
    (
        re.compile(
            r"^upper bound: at most (?P<upper>\d+) \(floor of u_i\) although the method alone "
            r"gives more; n = (?P<allocation>\d+)$"
        ),
        "rounding.upper_bound",
        lambda m: {"upper": int(m["upper"]), "allocation": int(m["allocation"])},
    ),
    (
        re.compile(r"^own demand \(mode local\): n = demand = (?P<allocation>\d+); no "),
        "rounding.local",
        lambda m: {"allocation": int(m["allocation"])},
    ),
]


def _legacy(text: str) -> tuple[str | None, dict[str, Any] | None]:
    for pattern, code, params in _LEGACY:
        match = pattern.match(text)
        if match:
            if code == "rounding.hamilton":
                code = (
                    "rounding.hamilton_one" if match["gets"] == "one" else "rounding.hamilton_none"
                )
            return code, params(match)
    return None, None


def render_warnings(
    stored: Mapping[str, Any] | None, names: Mapping[str, str] | None = None
) -> list[Rendered]:
    """The warnings of a stored result or fairness read-out (the dict with ``warnings`` and,
    since the codes, ``messages``) in the interface language."""
    if not stored:
        return []
    texts = list(stored.get("warnings") or [])
    messages = stored.get("messages")
    if messages is not None and len(messages) == len(texts):
        return [
            render(m.get("code"), m.get("params"), text, names)
            for m, text in zip(messages, texts, strict=True)
        ]
    return [render(*_legacy(text), text, names) for text in texts]


def render_decision(
    rounding: Mapping[str, Any] | None, names: Mapping[str, str] | None = None
) -> Rendered | None:
    """The account of one rounding step (``steps.rounding`` of a stored allocation)."""
    if not rounding:
        return None
    original = str(rounding.get("decision") or "")
    code = rounding.get("decision_code")
    if code is not None:
        return render(code, rounding.get("decision_params"), original, names)
    return render(*_legacy(original), original, names)
