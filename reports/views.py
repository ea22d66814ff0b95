"""Pages and downloads of the reports app: PDF agreements and Excel/CSV exports. Thin."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts import access
from agreements.selectors import AgreedResult
from allocation.models import Round, RunStatus, ScenarioRun
from municipalities.models import SubRegion

from . import exports, selectors, services
from .models import DocumentStatus
from .progress import documents_progress

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def _unavailable(
    request: HttpRequest, *, title: str, message: str, round_: Round | None = None
) -> HttpResponse:
    return render(
        request,
        "reports/unavailable.html",
        {"title": title, "message": message, "round": round_},
        status=404,
    )


def _round_or_404(pk: int) -> Round:
    round_ = Round.objects.filter(pk=pk).first()
    if round_ is None:
        raise Http404(_("No round with this number."))
    return round_


def _not_adopted(request: HttpRequest, round_: Round) -> HttpResponse:
    return _unavailable(
        request,
        title=_("No agreements yet"),
        message=_(
            "The round %(name)s has not been adopted yet. Agreements in PDF exist only for an "
            "adopted round, with the numbers the steering group agreed."
        )
        % {"name": round_.name},
        round_=round_,
    )


def round_agreements(request: HttpRequest, pk: int) -> HttpResponse:
    """The PDF agreements of a round that this user may download, with their state."""
    access.require(access.can_view_rounds(request.user))
    round_ = _round_or_404(pk)
    if not selectors.round_is_adopted(round_):
        return _not_adopted(request, round_)
    documents = [
        e
        for e in selectors.agreement_document_editions(round_=round_)
        if access.can_download_agreement(request.user, e.subregion)
    ]
    return render(
        request,
        "reports/round_agreements.html",
        {
            "round": round_,
            "documents": documents,
            "can_export": access.can_export_results(request.user),
            "can_regenerate": access.can_retry_agreements(request.user),
        },
    )


def _edition_asked(request: HttpRequest) -> int | None:
    """The edition in ``?editie=<n>``; None without it; 404 when it is not a number."""
    value = request.GET.get("editie")
    if value is None:
        return None
    if not value.isdigit() or not 1 <= int(value) <= 32767:
        raise Http404(_("No edition with this number."))
    return int(value)


def agreement_download(request: HttpRequest, pk: int, scope: str) -> HttpResponse:
    """One PDF agreement, as a download: whoever `can_download_agreement` lets in, partners
    of the sub-region's working area included (they do not see the rounds themselves).
    The newest ready edition, or with ``?editie=<n>`` that earlier edition."""
    round_ = _round_or_404(pk)
    try:
        subregion = selectors.subregion_from_scope(scope)
    except SubRegion.DoesNotExist:
        raise Http404(_("No sub-region with this name.")) from None
    access.require(access.can_download_agreement(request.user, subregion))
    if not selectors.round_is_adopted(round_):
        return _not_adopted(request, round_)
    edition = _edition_asked(request)
    document = selectors.agreement_document_edition(
        round_=round_, scope=scope, edition=edition, ready=True, with_pdf=True
    )
    if (
        document is None
        and edition is not None
        and selectors.agreement_document_edition(round_=round_, scope=scope, edition=edition)
        is None
    ):
        raise Http404(_("No edition with this number."))
    if document is None or document.status != DocumentStatus.READY or document.pdf is None:
        return _unavailable(
            request,
            title=_("This agreement is not ready yet"),
            message=_(
                "The PDF is being made. This usually takes less than a minute; try again shortly."
            ),
            round_=round_,
        )
    response = HttpResponse(bytes(document.pdf), content_type="application/pdf")
    suffix = f"-editie-{document.edition}" if document.edition > 1 else ""
    response["Content-Disposition"] = (
        f'attachment; filename="afspraken-{round_.pk}-{document.scope_slug}{suffix}.pdf"'
    )
    response["X-Agreement-Edition"] = str(document.edition)
    response["X-Content-SHA256"] = document.sha256
    return response


def _export(run: ScenarioRun, fmt: str, agreed: AgreedResult | None = None) -> HttpResponse:
    if fmt == "xlsx":
        content = exports.run_workbook(run, agreed)
    elif fmt == "csv":
        content = exports.run_csv(run, agreed)
    else:
        raise Http404(_("Unknown export format."))
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    filename = exports.export_filename(run, fmt, agreed)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def run_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The results of one computation as Excel or CSV."""
    access.require(access.can_export_results(request.user))
    run = ScenarioRun.objects.select_related("scenario__round").filter(pk=pk).first()
    if run is None:
        raise Http404(_("No computation with this number."))
    if run.status != RunStatus.SUCCEEDED:
        return _unavailable(
            request,
            title=_("No results to export"),
            message=_(
                "This computation has no results (yet): only a finished computation can be exported."
            ),
        )
    return _export(run, fmt)


def round_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The agreed numbers of an adopted round (agreed_result: the approved computation plus
    the accepted transfers, per year) as Excel or CSV."""
    access.require(access.can_export_results(request.user))
    round_ = _round_or_404(pk)
    try:
        agreed = selectors.agreed_result(round_)
        run = selectors.agreed_run_of(round_)
    except selectors.NotAdopted:
        return _not_adopted(request, round_)
    return _export(run, fmt, agreed)


@require_POST
def agreement_regenerate(request: HttpRequest, pk: int, scope: str) -> HttpResponse:
    """Make one agreement again (programme team, chair): back to waiting, then to the queue."""
    access.require(access.can_retry_agreements(request.user))
    round_ = _round_or_404(pk)
    document = selectors.agreement_document_edition(round_=round_, scope=scope)
    if document is None:
        raise Http404(_("No agreement of this round with this name."))
    try:
        services.agreement_regenerate(document=document, user=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The agreement is being made again."))
    return redirect("reports:round_agreements", pk=round_.pk)


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@require_GET
def round_documents_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The status of a round's agreements as a fragment, polled by htmx every 2 s until
    each is ready or failed; 204 while nothing changed since the fragment the page has."""
    access.require(access.can_view_rounds(request.user))
    round_ = _round_or_404(pk)
    if not selectors.round_is_adopted(round_):
        raise Http404(_("This round has not been adopted."))
    progress = documents_progress(round_=round_, user=request.user)
    if request.GET.get("seen") == progress.state:
        return HttpResponse(status=204)
    response = render(
        request,
        "reports/_documents_progress.html",
        {"round": round_, "progress": progress, "next": _safe_next(request, "")},
    )
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def round_agreements_retry(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Opnieuw proberen" (programme team, chair): send the failed or stuck agreements of
    the round to the queue again."""
    access.require(access.can_retry_agreements(request.user))
    round_ = _round_or_404(pk)
    try:
        sent = services.agreements_retry(round_=round_, user=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        if sent:
            messages.success(request, _("The agreements are being made again."))
        else:
            messages.info(request, _("No agreement needed to be made again."))
    fallback = reverse("reports:round_agreements", kwargs={"pk": round_.pk})
    return redirect(_safe_next(request, fallback))
