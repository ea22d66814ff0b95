"""Open data API: target-group definitions (public, read-only)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from . import selectors
from .models import TargetGroup


class TargetGroupOutSerializer(serializers.ModelSerializer):
    class Meta:
        model = TargetGroup
        fields = [
            "code",
            "name_nl",
            "name_en",
            "definition_nl",
            "definition_en",
            "unit",
            "household_size",
            "household_size_is_assumption",
            "spreading_suitable",
        ]


class TargetGroupListApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(responses=TargetGroupOutSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(TargetGroupOutSerializer(selectors.target_group_list(), many=True).data)
