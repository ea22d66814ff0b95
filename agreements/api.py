"""API: the agreed numbers of an adopted round (login or token required, English).

The numbers come from `agreements.selectors.agreed_result`, the one source of truth of an
adopted round: the approved computation plus the accepted transfers, per municipality,
group and year, with the approved digest the sub-regions' approvals were bound to.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions as drf_exceptions
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import access
from allocation.models import Round

from . import selectors


class AgreedLineSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="CBS code")
    name = serializers.CharField()
    subregion = serializers.CharField()
    allocation = serializers.IntegerField(help_text="the computed share, without a backlog")
    backlog = serializers.IntegerField(help_text="carried over from the previous round")
    computed = serializers.IntegerField(help_text="allocation plus backlog, never below 0")
    transfer = serializers.IntegerField(help_text="accepted transfers: received minus given")
    agreed = serializers.IntegerField(help_text="for the whole period")
    per_year = serializers.ListField(child=serializers.IntegerField())


class AgreedGroupSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    unit = serializers.CharField()
    total = serializers.IntegerField()
    total_per_year = serializers.ListField(child=serializers.IntegerField())
    municipalities = AgreedLineSerializer(many=True)


class TransferSerializer(serializers.Serializer):
    group = serializers.CharField()
    giver = serializers.CharField(help_text="CBS code of the municipality that hands over")
    taker = serializers.CharField(help_text="CBS code of the municipality that takes over")
    amount = serializers.IntegerField()


class AgreementSerializer(serializers.Serializer):
    round = serializers.IntegerField()
    name = serializers.CharField()
    status = serializers.CharField()
    version = serializers.IntegerField()
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    years = serializers.ListField(child=serializers.IntegerField())
    digest = serializers.CharField(help_text="the approved digest (controlecode)")
    run_digest = serializers.CharField(help_text="the digest of the approved computation")
    transfers = TransferSerializer(many=True)
    groups = AgreedGroupSerializer(many=True)


def agreement_payload(round_: Round, agreed: selectors.AgreedResult) -> dict[str, Any]:
    return {
        "round": round_.pk,
        "name": round_.name,
        "status": round_.status,
        "version": round_.version,
        "period_start": round_.period_start,
        "period_end": round_.period_end,
        "years": list(agreed.years),
        "digest": agreed.digest,
        "run_digest": agreed.run_digest,
        "transfers": [
            {"group": t["group"], "giver": t["from"], "taker": t["to"], "amount": t["amount"]}
            for t in agreed.transfers
        ],
        "groups": [
            {
                "code": code,
                "name": group.group.name_en,
                "unit": group.group.unit,
                "total": group.total,
                "total_per_year": list(group.total_per_year),
                "municipalities": [
                    {
                        "code": line.code,
                        "name": line.name,
                        "subregion": line.subregion,
                        "allocation": line.allocation,
                        "backlog": line.backlog,
                        "computed": line.computed,
                        "transfer": line.transfer,
                        "agreed": line.agreed,
                        "per_year": list(line.per_year),
                    }
                    for line in group.lines
                ],
            }
            for code, group in agreed.groups.items()
        ],
    }


class AgreementApi(APIView):
    """The agreed numbers of an adopted round; 404 when the round is not adopted."""

    @extend_schema(responses=AgreementSerializer)
    def get(self, request: Request, pk: int) -> Response:
        if not access.can_view_rounds(request.user):
            raise drf_exceptions.PermissionDenied
        round_ = Round.objects.filter(pk=pk).first()
        if round_ is None:
            raise Http404
        try:
            agreed = selectors.agreed_result(round_)
        except selectors.NotAdopted:
            raise drf_exceptions.NotFound("This round has not been adopted.") from None
        return Response(AgreementSerializer(agreement_payload(round_, agreed)).data)
