"""API: who am I (needs a session or a token)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from . import access


class MeOutSerializer(serializers.Serializer):
    username = serializers.CharField()
    role = serializers.CharField(allow_null=True)
    municipality = serializers.CharField(allow_null=True, help_text="CBS code")
    subregion = serializers.CharField(allow_null=True, help_text="sub-region slug")


class MeApi(APIView):
    """The signed-in user's role and scope."""

    @extend_schema(responses=MeOutSerializer)
    def get(self, request: Request) -> Response:
        m = access.membership_of(request.user)
        data = {
            "username": request.user.get_username(),
            "role": m.role if m else None,
            "municipality": m.municipality.cbs_code if m and m.municipality else None,
            "subregion": m.subregion.slug if m and m.subregion else None,
        }
        return Response(MeOutSerializer(data).data)
