"""``{% agreement_documents_status round %}``: the status of a round's PDF agreements.

Pages of lower apps (the review page of agreements, the round page of allocation) show it
without importing reports: the tag renders reports/_documents_progress.html, which polls
reports:round_documents_status with htmx until every agreement is ready or failed.
"""

from __future__ import annotations

from typing import Any

from django import template

from ..progress import documents_progress

register = template.Library()


@register.inclusion_tag("reports/_documents_progress.html", takes_context=True)
def agreement_documents_status(context: template.Context, round_: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "round": round_,
        "progress": documents_progress(round_=round_, user=user),
        "next": request.get_full_path() if request is not None else "",
    }
