"""The public health check: the database answers, and the broker too when one is configured."""

import logging

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:  # any failure means "not healthy"; details go to the log only
        logger.exception("health check: database did not answer")
        return False


def _broker_ok() -> bool | None:
    url = settings.REDIS_URL
    if not url:
        return None
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
        return bool(client.ping())
    except Exception:  # any failure means "not healthy"
        logger.exception("health check: broker did not answer")
        return False


@never_cache
@require_GET
@login_not_required
def healthz(request: HttpRequest) -> JsonResponse:
    database = _database_ok()
    broker = _broker_ok()
    healthy = database and broker is not False
    body = {
        "status": "ok" if healthy else "unavailable",
        "database": "ok" if database else "unavailable",
        "broker": "not configured" if broker is None else ("ok" if broker else "unavailable"),
    }
    return JsonResponse(body, status=200 if healthy else 503)
