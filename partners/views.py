"""The province page (issue 15): the status-holder task against realised, with an export."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts import access
from accounts.twofactor import two_factor_exempt
from allocation.models import Round
from core.numbers import format_number
from core.spreadsheet import write_csv
from figures import selectors as figure_selectors
from figures import services as figure_services
from figures.entries import ChangeRequest, IndicatorInput
from municipalities.models import Municipality, Province, SubRegion

from . import selectors, services
from .forms import CorporationFiguresForm, InviteForm, OrganisationForm
from .models import PartnerOrganisation


def _province_and_round(request: HttpRequest) -> tuple[str, selectors.Round | None, list]:
    access.require(access.can_view_province_page(request.user))
    own = access.province_of(request.user)
    if access.has_role(request.user, access.Role.PROVINCE):
        if own is None:
            raise Http404
        province = own
    else:
        province = request.GET.get("provincie") or Province.NOORD_HOLLAND
        if province not in Province.values:
            raise Http404
    rounds = list(selectors.adopted_rounds())
    chosen = request.GET.get("ronde")
    if chosen is None:
        return province, (rounds[0] if rounds else None), rounds
    round_ = next((r for r in rounds if str(r.pk) == chosen), None)
    if round_ is None:
        raise Http404  # unknown, or not adopted: a province sees no drafts
    return province, round_, rounds


def province_page(request: HttpRequest) -> HttpResponse:
    province, round_, rounds = _province_and_round(request)
    overview = selectors.province_overview(province=province, round_=round_) if round_ else None
    return render(
        request,
        "partners/province.html",
        {
            "overview": overview,
            "province": province,
            "province_label": Province(province).label,
            "rounds": rounds,
            "round": round_,
            "choose_province": not access.has_role(request.user, access.Role.PROVINCE),
            "provinces": Province.choices,
        },
    )


def _half_year_label(hy: selectors.HalfYear) -> str:
    if hy.half == 1:
        return _("first half of %(year)s") % {"year": hy.year}
    return _("second half of %(year)s") % {"year": hy.year}


def province_export(request: HttpRequest) -> HttpResponse:
    province, round_, _rounds = _province_and_round(request)
    if round_ is None:
        raise Http404
    overview = selectors.province_overview(province=province, round_=round_)
    header = [
        _("CBS code"),
        _("municipality"),
        _("half-year"),
        _("task (persons)"),
        _("realised, confirmed (persons)"),
        _("backlog at the end of the half-year (persons)"),
        _("change of the backlog (persons)"),
    ]
    rows = [
        [
            row.code,
            row.name,
            _half_year_label(cell.half_year),
            cell.task,
            cell.realised,
            cell.backlog,
            cell.trend,
        ]
        for row in overview.rows
        for cell in row.cells
    ]
    content = write_csv(
        rows, header=header, to_text=lambda v: "" if v is None else format_number(v)
    )
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    filename = f"statushouders-{province.lower()}-ronde-{round_.pk}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- A corporation's figures (issue 15) --------------------------------------------------------


def corporation_home(request: HttpRequest) -> HttpResponse:
    """The municipalities of the corporation's working area, with its figures of the year."""
    access.require(access.has_role(request.user, access.Role.CORPORATION))
    year = figure_selectors.entry_year()
    rows = selectors.corporation_figures(
        municipality_ids=access.partner_municipality_ids(request.user),
        year=year,
        codes=figure_services.PARTNER_INDICATORS,
    )
    return render(request, "partners/corporation_home.html", {"rows": rows, "year": year})


@require_http_methods(["GET", "POST"])
def corporation_figures(request: HttpRequest, code: str, year: int) -> HttpResponse:
    municipality = get_object_or_404(Municipality, cbs_code=code)
    access.require(access.can_enter_partner_figures(request.user, municipality))
    if not 2000 <= year <= 2100:  # as figures' own pages; locked years: the rules refuse
        raise Http404
    form = CorporationFiguresForm(request.POST or None)
    issues: list = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        change = ChangeRequest(
            indicators=[
                IndicatorInput(
                    code=c,
                    value=data[c],
                    source=data["source"],
                    reference_date=data["reference_date"],
                )
                for c in figure_services.PARTNER_INDICATORS
            ]
        )
        try:
            figure_services.partner_figures_submit(
                municipality=municipality, year=year, request=change, user=request.user
            )
        except figure_services.FiguresRejected as rejected:
            issues = [
                i.message for i in rejected.evaluation.errors + rejected.evaluation.unacknowledged
            ]
            issues += [str(c) for c in rejected.evaluation.conflicts]
            if not issues:
                issues = [str(rejected)]
        except figure_services.WorkflowError as error:
            issues = [str(error)]
        else:
            messages.success(
                request,
                _("Submitted. An officer of %(municipality)s confirms the figures.")
                % {"municipality": municipality.name},
            )
            return redirect("partners:corporation_home")
    return render(
        request,
        "partners/corporation_figures.html",
        {"form": form, "municipality": municipality, "year": year, "issues": issues},
    )


# --- Co-signing an adopted agreement (issue 15) -------------------------------------------------


def agreements_page(request: HttpRequest) -> HttpResponse:
    """The adopted agreements of the working area, each with its acknowledgement or a
    button to co-sign it: corporations and care providers."""
    access.require(
        access.has_role(request.user, access.Role.CORPORATION, access.Role.CARE_PROVIDER)
    )
    membership = access.membership_of(request.user)
    assert membership is not None  # noqa: S101 - has_role checked it
    items = selectors.cosign_overview(
        organisation_id=membership.organisation_id or 0,
        subregion_ids=access.partner_subregion_ids(request.user),
    )
    return render(request, "partners/agreements.html", {"items": items})


@require_POST
def cosign(request: HttpRequest, pk: int, slug: str) -> HttpResponse:
    subregion = get_object_or_404(SubRegion, slug=slug)
    access.require(access.can_cosign_agreement(request.user, subregion))
    round_ = get_object_or_404(Round, pk=pk)
    try:
        services.agreement_cosign(round_=round_, subregion=subregion, user=request.user)
    except services.CosignRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(
            request,
            _("You co-signed the agreement of %(subregion)s.") % {"subregion": subregion.name},
        )
    return redirect("partners:agreements")


# --- Partner management by the programme team (issue 15) -----------------------------------------


def manage(request: HttpRequest) -> HttpResponse:
    access.require(access.can_manage_partners(request.user))
    return render(request, "partners/manage.html", {"organisations": selectors.organisations()})


@require_http_methods(["GET", "POST"])
def organisation_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    access.require(access.can_manage_partners(request.user))
    organisation = get_object_or_404(PartnerOrganisation, pk=pk) if pk else PartnerOrganisation()
    form = OrganisationForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        services.organisation_save(
            organisation=form.save(commit=False),
            municipality_ids=[m.pk for m in form.cleaned_data["municipalities"]],
            user=request.user,
        )
        messages.success(request, _("The organisation was saved."))
        return redirect("partners:manage")
    return render(
        request,
        "partners/organisation_form.html",
        {"form": form, "organisation": organisation, "invite_form": InviteForm()},
    )


@require_POST
def invite(request: HttpRequest, pk: int) -> HttpResponse:
    access.require(access.can_manage_partners(request.user))
    organisation = get_object_or_404(PartnerOrganisation, pk=pk)
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            services.person_invite(
                organisation=organisation,
                full_name=form.cleaned_data["full_name"],
                email=form.cleaned_data["email"],
                user=request.user,
                accept_url=lambda uid, token: request.build_absolute_uri(
                    reverse("partners:invite_accept", args=[uid, token])
                ),
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("An invitation was sent to %(email)s.") % {"email": form.cleaned_data["email"]},
            )
    else:
        messages.error(request, _("Enter a name and a valid e-mail address."))
    return redirect("partners:organisation_edit", pk=organisation.pk)


@login_not_required
@two_factor_exempt
@require_http_methods(["GET", "POST"])
def invite_accept(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """The link in an invitation: choose a password (once; the token then expires)."""
    user_model = get_user_model()
    try:
        person = user_model.objects.get(pk=int(urlsafe_base64_decode(uidb64).decode()))
    except (ValueError, TypeError, OverflowError, user_model.DoesNotExist):
        person = None
    if person is None or not default_token_generator.check_token(person, token):
        return render(request, "partners/invite_invalid.html", status=404)
    form = SetPasswordForm(person, request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your password is set. You can sign in now."))
        return redirect("login")
    return render(request, "partners/invite_accept.html", {"form": form, "person": person})
