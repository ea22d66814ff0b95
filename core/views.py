"""The error pages; under /api/ the errors are JSON, like DRF's own."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render


def _is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/")


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return JsonResponse(
            {"detail": "You do not have permission to perform this action."}, status=403
        )
    return render(request, "403.html", status=403)


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"detail": "Not found."}, status=404)
    return render(request, "404.html", status=404)


def error_500(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"detail": "A server error occurred."}, status=500)
    return render(request, "500.html", status=500)
