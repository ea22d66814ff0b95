"""Target-group definitions."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts import access

from . import selectors


def target_group_list(request: HttpRequest) -> HttpResponse:
    access.require(access.can_view_public(request.user))
    return render(request, "target_groups/list.html", {"groups": selectors.groups_with_keys()})
