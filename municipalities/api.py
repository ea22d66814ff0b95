"""Open data API: municipalities and sub-regions (public, read-only)."""

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from . import selectors


class MunicipalityOutSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="CBS code, GM followed by four digits")
    name = serializers.CharField()
    subregion = serializers.CharField()
    province = serializers.CharField()
    year = serializers.IntegerField(allow_null=True, help_text="Year of the figures")
    population = serializers.IntegerField(allow_null=True)
    dwellings = serializers.IntegerField(allow_null=True)


class SubRegionOutSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    province = serializers.CharField()
    municipalities = serializers.ListField(child=serializers.CharField())
    population = serializers.IntegerField()
    dwellings = serializers.IntegerField()


def _int(value: Any) -> int | None:
    return int(value) if value is not None else None


class MunicipalityListApi(APIView):
    """All municipalities with their latest confirmed population and dwelling stock."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(responses=MunicipalityOutSerializer(many=True))
    def get(self, request: Request) -> Response:
        data = [
            {
                "code": row["municipality"].cbs_code,
                "name": row["municipality"].name,
                "subregion": row["municipality"].subregion.name,
                "province": row["municipality"].get_province_display(),
                "year": row["year"],
                "population": _int(row["population"]),
                "dwellings": _int(row["dwellings"]),
            }
            for row in selectors.municipalities_with_key_figures()
        ]
        return Response(MunicipalityOutSerializer(data, many=True).data)


class SubRegionListApi(APIView):
    """The seven sub-regions with their municipalities (CBS codes) and totals."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(responses=SubRegionOutSerializer(many=True))
    def get(self, request: Request) -> Response:
        data = [
            {
                "slug": r["subregion"].slug,
                "name": r["subregion"].name,
                "province": r["subregion"].get_province_display(),
                "municipalities": [row["municipality"].cbs_code for row in r["municipalities"]],
                "population": int(r["population"]),
                "dwellings": int(r["dwellings"]),
            }
            for r in selectors.subregion_overview()
        ]
        return Response(SubRegionOutSerializer(data, many=True).data)
