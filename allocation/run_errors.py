"""Plain Dutch messages for a computation that failed: which group, which field, what to do.

The engine speaks English (`EngineError.field` is a JSON path such as
``municipalities[3].indicators.population``); the interface names the group and the field in
words a policy officer uses. Call inside ``translation.override("nl")`` to store Dutch.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from allocation.engine import EngineError, Infeasible, InvalidInput, TieRefused

_MUNICIPALITY_FIELD = re.compile(r"^municipalities\[(\d+)\]\.?(.*)$")


def _municipality_name(scenario: Mapping[str, Any], index: int) -> str:
    try:
        return str(scenario["municipalities"][index]["name"])
    except (KeyError, IndexError, TypeError):
        return _("municipality %(number)d") % {"number": index + 1}


def _names(scenario: Mapping[str, Any], codes: tuple[str, ...]) -> str:
    by_code = {m.get("code"): m.get("name") for m in scenario.get("municipalities", [])}
    return ", ".join(str(by_code.get(code) or code) for code in codes)


def field_label(
    field: str | None, scenario: Mapping[str, Any], indicator_names: Mapping[str, str]
) -> str:
    """The engine's field path in words, for example 'Inwoners van Haarlem'."""
    if not field:
        return _("the settings")
    match = _MUNICIPALITY_FIELD.match(field)
    if match:
        name = _municipality_name(scenario, int(match.group(1)))
        rest = match.group(2)
        if rest.startswith("indicators."):
            code = rest.removeprefix("indicators.")
            return _("%(indicator)s of %(municipality)s") % {
                "indicator": indicator_names.get(code, code),
                "municipality": name,
            }
        part = {
            "existing_effort": _("existing effort"),
            "lower": _("lower bound"),
            "upper": _("upper bound"),
            "code": _("CBS code"),
            "subregion": _("sub-region"),
            "backlog": _("backlog"),
        }.get(rest, rest or _("figures"))
        return _("%(part)s of %(municipality)s") % {"part": part, "municipality": name}
    if field.startswith("weights."):
        code = field.removeprefix("weights.")
        return _("weight of %(indicator)s") % {"indicator": indicator_names.get(code, code)}
    return {
        "total": _("regional task (total)"),
        "weights": _("weights"),
        "credit_factor": _("credit factor c"),
        "max_credit_fraction": _("maximum credit cut m"),
        "statutory": _("national figures for the statutory task"),
        "statutory.national_total": _("national half-year total"),
        "statutory.national_population": _("national population"),
        "strict_ties": _("refuse exact ties"),
        "method": _("rounding method"),
        "household_size": _("household size"),
        "municipalities": _("municipalities"),
    }.get(field, field)


def engine_error_message(
    error: EngineError,
    *,
    group_name: str,
    scenario: Mapping[str, Any],
    indicator_names: Mapping[str, str],
) -> str:
    """One or two plain Dutch sentences: the group, what is wrong, the field."""
    total = scenario.get("total")
    if isinstance(error, Infeasible):
        names = _names(scenario, error.codes)
        if error.bound == "upper":
            field = _("upper bound (percentage of yearly mutations)")
            explanation = _(
                "the upper bounds leave too little room: together the municipalities can "
                "take less than the regional task of %(total)s. Raise the upper bound or "
                "lower the task. Municipalities with an upper bound: %(names)s."
            ) % {"total": total, "names": names}
        elif error.bound == "lower":
            field = _("maximum credit cut m")
            explanation = _(
                "the lower bounds add up to more than the regional task of %(total)s. "
                "Allow a larger credit cut or raise the task. Municipalities: %(names)s."
            ) % {"total": total, "names": names}
        else:
            field = _("upper bound (percentage of yearly mutations)")
            explanation = _("the lower and upper bound in whole numbers clash for %(names)s.") % {
                "names": names
            }
    elif isinstance(error, TieRefused):
        field = _("refuse exact ties")
        tied = sorted({code for tie in error.ties for code in tie.tied})
        explanation = _(
            "municipalities are exactly tied when rounding (%(names)s). You chose not to "
            "break ties by the fixed rule, so the steering group decides. Switch off "
            "'refuse exact ties' to use the rule."
        ) % {"names": _names(scenario, tuple(tied))}
    elif isinstance(error, InvalidInput) and error.code == "total_zero":
        field = _("regional task")
        explanation = _(
            "the regional task is 0, so there is nothing to distribute. Enter or confirm the "
            "demand figures of this group, enter a task above 0, or leave the group out of "
            "the scenario."
        )
    elif isinstance(error, InvalidInput) and "regional total of 0" in error.message:
        field = field_label(error.field, scenario, indicator_names)
        explanation = _(
            "the regional total of this indicator is 0, so it cannot share anything. Give it "
            "weight 0 or enter its figures."
        )
    elif isinstance(error, InvalidInput) and "is missing for" in error.message:
        field = field_label(error.field, scenario, indicator_names)
        explanation = _("this figure is missing. Enter and confirm it.")
    else:
        field = field_label(error.field, scenario, indicator_names)
        explanation = _("this value cannot be used. Check it in the scenario or the figures.")
    return _(
        "Target group %(group)s: %(explanation)s Field: %(field)s. (Technical detail: %(detail)s)"
    ) % {
        "group": group_name,
        "explanation": explanation,
        "field": field,
        "detail": str(error).replace("\n", " "),
    }


def unexpected_error_message(*, group_name: str | None) -> str:
    if group_name:
        return _(
            "Target group %(group)s: the computation stopped because of an unexpected error. "
            "Try again; if it happens again, tell the system administrator."
        ) % {"group": group_name}
    return _(
        "The computation stopped because of an unexpected error. Try again; if it happens "
        "again, tell the system administrator."
    )


def time_limit_message(*, group_name: str | None) -> str:
    """The computation ran into its time limit (JOB_TIME_LIMIT) and was stopped."""
    from django.conf import settings

    minutes = max(1, round(int(settings.JOB_TIME_LIMIT) / 60))
    if group_name:
        return _(
            "Target group %(group)s: the computation took longer than %(minutes)d minutes and "
            "was stopped. Try again later; if it happens again, tell the system administrator."
        ) % {"group": group_name, "minutes": minutes}
    return _(
        "The computation took longer than %(minutes)d minutes and was stopped. Try again "
        "later; if it happens again, tell the system administrator."
    ) % {"minutes": minutes}
