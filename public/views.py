"""The public pages of adopted agreements: no login, read only, 404 for anything else.

Thin: find the round (404 unless it has an adopted agreement), ask the selector, render.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from partners import selectors as partner_selectors

from . import kit, selectors


def _agreement_or_404(pk: int) -> selectors.PublicAgreement:
    try:
        return selectors.public_agreement(selectors.adopted_round_get(pk=pk))
    except selectors.NotPublic:
        raise Http404(_("There are no adopted agreements with this number.")) from None


@login_not_required
@require_safe
def round_list(request: HttpRequest) -> HttpResponse:
    return render(request, "public/round_list.html", {"rounds": selectors.adopted_round_list()})


@login_not_required
@require_safe
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = _agreement_or_404(pk)
    return render(
        request,
        "public/round_detail.html",
        {
            "agreement": agreement,
            "round": agreement.round,
            "years": agreement.years,
            # Partners who co-signed in the app, bound to the approved digest (issue 15).
            "acknowledgements": partner_selectors.acknowledgements_of_digest(
                agreement.round, agreement.digest
            ),
        },
    )


@login_not_required
@require_safe
def round_kit(request: HttpRequest, pk: int) -> HttpResponse:
    """The recompute kit as a zip. Its Cache-Control is the one of every download
    (core.http.NoStoreDownloadsMiddleware); the bytes are the same on every request."""
    agreement = _agreement_or_404(pk)
    response = HttpResponse(kit.kit_zip(agreement), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{kit.kit_filename(agreement)}"'
    return response
