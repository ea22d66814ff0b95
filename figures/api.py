"""API for the figures of a municipality and year (login or token required, English).

GET reads; PATCH saves changes as draft with the same rules as the form and the import
(figures.validation); submit and confirm follow the four-eyes workflow. To change a figure
that exists, send the `version` you read: without it, or with an old one, the answer is
409 and nothing is saved.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import exceptions as drf_exceptions
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import access
from core.models import FigureStatus
from municipalities.models import Municipality

from . import selectors, services
from . import validation as v
from .entries import ChangeRequest, GroupInput, IndicatorInput, Version


def _municipality(code: str) -> Municipality:
    try:
        return Municipality.objects.select_related("subregion").get(cbs_code=code)
    except Municipality.DoesNotExist:
        raise Http404 from None


def _check_year(year: int) -> None:
    if not 2000 <= year <= 2100:
        raise Http404


def _user_name(user: Any) -> str | None:
    return user.username if user is not None else None


def figures_payload(*, municipality: Municipality, year: int, with_drafts: bool) -> dict[str, Any]:
    figures = selectors.year_figures(municipality=municipality, year=year)

    def visible(f: Any) -> bool:
        return f is not None and (with_drafts or f.status == FigureStatus.CONFIRMED)

    def common(f: Any) -> dict[str, Any]:
        return {
            "source": f.source,
            "reference_date": f.reference_date.isoformat(),
            "status": f.status,
            "illustrative": f.illustrative,
            "comment": f.comment,
            "version": f.version,
            "updated_at": f.updated_at.isoformat(),
            "updated_by": _user_name(f.updated_by),
            "submitted_by": _user_name(f.submitted_by),
            "confirmed_by": _user_name(f.confirmed_by),
        }

    return {
        "municipality": municipality.cbs_code,
        "name": municipality.name,
        "year": year,
        "drafts_included": with_drafts,
        "locked": figures.locked,
        "indicators": [
            {
                "code": r.indicator.code,
                "name": r.indicator.name_en,
                "unit": r.indicator.unit,
                "required": r.indicator.required,
                "value": str(r.figure.value) if r.figure and visible(r.figure) else None,
                **(common(r.figure) if visible(r.figure) else {"status": "missing"}),
            }
            for r in figures.indicators
        ],
        "groups": [
            {
                "code": r.group.code,
                "name": r.group.name_en,
                "unit": r.group.unit,
                "definition": r.group.definition_en or r.group.definition_nl,
                **{
                    n: (getattr(r.figure, n) if visible(r.figure) else None) for n in v.GROUP_FIELDS
                },
                **(common(r.figure) if visible(r.figure) else {"status": "missing"}),
            }
            for r in figures.groups
        ],
    }


class _StructureError(Exception):
    pass


def _version(raw: Any) -> Version:
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, int) or raw < 0:
        raise _StructureError("version must be a whole number")
    return int(raw)


def _text(raw: Any, name: str) -> str:
    if raw is None:
        return ""
    if not isinstance(raw, str):
        raise _StructureError(f"{name} must be text")
    return raw.strip()


def change_request_from(data: Any) -> ChangeRequest:
    """Read a PATCH body into a change request; values go through figures.validation."""
    if not isinstance(data, dict):
        raise _StructureError("the body must be a JSON object")
    unknown = set(data) - {"indicators", "groups", "acknowledgements"}
    if unknown:
        raise _StructureError(f"unknown keys: {', '.join(sorted(unknown))}")
    request = ChangeRequest()
    indicators = data.get("indicators", {})
    groups = data.get("groups", {})
    if not isinstance(indicators, dict) or not isinstance(groups, dict):
        raise _StructureError("indicators and groups must be objects keyed by code")
    for code, item in indicators.items():
        if not isinstance(item, dict) or "value" not in item:
            raise _StructureError(f"indicators.{code} must be an object with a value")
        value, issues = v.parse_number(item.get("value"), key=code, notation="plain")
        request.issues += issues
        date_value, date_issues = v.parse_date(item.get("reference_date"), row=code)
        request.issues += date_issues
        if issues:
            continue
        request.indicators.append(
            IndicatorInput(
                code=code,
                value=value,
                source=_text(item.get("source"), "source"),
                reference_date=date_value,
                expected_version=_version(item.get("version")),
            )
        )
    for code, item in groups.items():
        if not isinstance(item, dict):
            raise _StructureError(f"groups.{code} must be an object")
        values: dict[str, Any] = {}
        failed = False
        for name in v.GROUP_FIELDS:
            if name in item:
                number, issues = v.parse_number(item[name], key=f"{code}.{name}", notation="plain")
                request.issues += issues
                failed = failed or bool(issues)
                values[name] = number
        date_value, date_issues = v.parse_date(item.get("reference_date"), row=code)
        request.issues += date_issues
        if failed or not values:
            continue
        request.groups.append(
            GroupInput(
                code=code,
                values=values,
                source=_text(item.get("source"), "source"),
                reference_date=date_value,
                expected_version=_version(item.get("version")),
            )
        )
    acks = data.get("acknowledgements", [])
    if not isinstance(acks, list):
        raise _StructureError("acknowledgements must be a list")
    for ack in acks:
        if not isinstance(ack, dict) or not {"code", "field", "comment"} <= set(ack):
            raise _StructureError("each acknowledgement needs code, field and comment")
        comment = _text(ack["comment"], "comment")
        if comment:
            request.acknowledgements[(str(ack["code"]), str(ack["field"]))] = comment
    return request


def _rejected(ev: selectors.Evaluation) -> Response:
    body: dict[str, Any] = {
        "errors": [i.as_dict() for i in ev.errors],
        "warnings": [i.as_dict() for i in ev.unacknowledged],
    }
    if ev.conflicts:
        body["detail"] = (
            "Someone else changed these figures after you read them. Nothing was saved. "
            "Read them again and send your change with the new version."
        )
        body["conflicts"] = [
            {
                "code": c.key,
                "version": c.figure.version,
                "updated_by": _user_name(c.figure.updated_by),
                "updated_at": c.figure.updated_at.isoformat(),
            }
            for c in ev.conflicts
        ]
        return Response(body, status=status.HTTP_409_CONFLICT)
    body["detail"] = (
        "The figures were not saved: correct the errors."
        if ev.errors
        else "The figures were not saved: acknowledge each warning with a comment."
    )
    return Response(body, status=status.HTTP_400_BAD_REQUEST)


_FIGURES_RESPONSE = inline_serializer(
    "YearFigures",
    {
        "municipality": serializers.CharField(),
        "name": serializers.CharField(),
        "year": serializers.IntegerField(),
        "drafts_included": serializers.BooleanField(),
        "locked": serializers.BooleanField(),
        "indicators": serializers.ListField(child=serializers.DictField()),
        "groups": serializers.ListField(child=serializers.DictField()),
    },
)
_PATCH_REQUEST = inline_serializer(
    "YearFiguresChange",
    {
        "indicators": serializers.DictField(
            child=serializers.DictField(),
            required=False,
            help_text='By code: {"value": "168250", "source": "...", "reference_date": '
            '"2025-01-01", "version": 3}',
        ),
        "groups": serializers.DictField(
            child=serializers.DictField(),
            required=False,
            help_text='By code: {"demand": 12, "existing_effort": 4, "realised": null, '
            '"source": "...", "reference_date": "2025-01-01", "version": 2}',
        ),
        "acknowledgements": serializers.ListField(
            child=serializers.DictField(),
            required=False,
            help_text='[{"code": "V101", "field": "population", "comment": "..."}]',
        ),
    },
)


class YearFiguresApi(APIView):
    """The figures of one municipality and year. Drafts only for who may read them."""

    @extend_schema(responses=_FIGURES_RESPONSE)
    def get(self, request: Request, code: str, year: int) -> Response:
        municipality = _municipality(code)
        _check_year(year)
        with_drafts = access.can_view_municipality_drafts(request.user, municipality)
        if not with_drafts and not access.can_view_public(request.user):
            raise PermissionDenied
        return Response(
            figures_payload(municipality=municipality, year=year, with_drafts=with_drafts)
        )

    @extend_schema(
        request=_PATCH_REQUEST,
        responses={
            200: _FIGURES_RESPONSE,
            400: OpenApiResponse(description="Errors, or warnings without a comment"),
            409: OpenApiResponse(description="Changed by someone else in the meantime"),
        },
    )
    def patch(self, request: Request, code: str, year: int) -> Response:
        municipality = _municipality(code)
        _check_year(year)
        if not access.can_edit_municipality_figures(request.user, municipality):
            raise PermissionDenied
        try:
            change = change_request_from(request.data)
        except _StructureError as exc:
            return Response({"detail": f"Invalid input: {exc}."}, status=400)
        try:
            ev = services.figures_save_draft(
                municipality=municipality,
                year=year,
                request=change,
                user=request.user,
                origin="api",
            )
        except services.FiguresRejected as exc:
            return _rejected(exc.evaluation)
        payload = figures_payload(municipality=municipality, year=year, with_drafts=True)
        payload["saved"] = len(ev.changes)
        return Response(payload)


class YearFiguresValidateApi(APIView):
    """Check a change without saving it: the errors and warnings it would get."""

    @extend_schema(request=_PATCH_REQUEST, responses={200: OpenApiResponse(description="Issues")})
    def post(self, request: Request, code: str, year: int) -> Response:
        municipality = _municipality(code)
        _check_year(year)
        if not access.can_edit_municipality_figures(request.user, municipality):
            raise PermissionDenied
        try:
            change = change_request_from(request.data)
        except _StructureError as exc:
            return Response({"detail": f"Invalid input: {exc}."}, status=400)
        ev, _snapshot = selectors.evaluate_one(municipality=municipality, year=year, request=change)
        return Response(
            {
                "ok": ev.ok,
                "changes": [
                    {
                        "field": f.key,
                        "old": None if f.old is None else str(f.old),
                        "new": None if f.new is None else str(f.new),
                    }
                    for c in ev.changes
                    for f in c.fields
                ],
                "errors": [i.as_dict() for i in ev.errors],
                "warnings": [i.as_dict() for i in ev.warnings],
                "unacknowledged": [i.as_dict() for i in ev.unacknowledged],
            }
        )


class _StepApi(APIView):
    step = ""

    @extend_schema(request=None, responses={200: OpenApiResponse(description="Figures moved on")})
    def post(self, request: Request, code: str, year: int) -> Response:
        municipality = _municipality(code)
        _check_year(year)
        if not access.can_view_municipality_drafts(request.user, municipality):
            raise PermissionDenied
        try:
            if self.step == "submit":
                count = services.figures_submit(
                    municipality=municipality, year=year, user=request.user
                )
            else:
                count = services.figures_confirm(
                    municipality=municipality, year=year, user=request.user
                )
        except services.WorkflowError as exc:
            return Response(
                {"detail": str(exc), "errors": [i.as_dict() for i in exc.issues]}, status=400
            )
        except PermissionDenied as exc:
            raise drf_exceptions.PermissionDenied(str(exc) or None) from None
        return Response(
            {"count": count, "status": {"submit": "submitted"}.get(self.step, "confirmed")}
        )


class YearFiguresSubmitApi(_StepApi):
    """Submit the draft figures for confirmation (the municipality's officers)."""

    step = "submit"


class YearFiguresConfirmApi(_StepApi):
    """Confirm submitted figures: four eyes (another officer, or the programme team)."""

    step = "confirm"
