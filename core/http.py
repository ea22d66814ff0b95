"""HTTP helpers: no caching of downloads, and the client's address behind a proxy."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

NO_STORE = "private, no-store"

# Types that only ever leave the app as downloads: PDF agreements and exports.
DOWNLOAD_TYPES = (
    "application/pdf",
    "text/csv",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/zip",
)


def is_download(response: HttpResponse) -> bool:
    disposition = response.get("Content-Disposition", "")
    content_type = response.get("Content-Type", "")
    return disposition.lower().startswith("attachment") or content_type.startswith(DOWNLOAD_TYPES)


class NoStoreDownloadsMiddleware:
    """`Cache-Control: private, no-store` on every download (PDF agreements, exports).

    A browser or proxy must not keep a copy of an agreement or an export on a shared
    computer; the views that make them need not remember to say so.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if is_download(response):
            response["Cache-Control"] = NO_STORE
            response["Pragma"] = "no-cache"  # HTTP/1.0 caches
        return response


def client_ip(request: HttpRequest) -> str | None:
    """The client's IP address, for the login lock-out (django-axes).

    Without a proxy (`PROXY_COUNT=0`) that is REMOTE_ADDR. Behind N trusted reverse proxies
    that each append to X-Forwarded-For, it is the N-th address from the right: everything
    further left was sent by the client and can be forged.
    """
    remote = request.META.get("REMOTE_ADDR")
    count = settings.PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if len(forwarded) < count:
        return remote
    return forwarded[-count]
