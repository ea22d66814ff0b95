"""Settings for MRA Fair Share, driven by environment variables (see .env.example).

With nothing set the app runs on SQLite in the project folder and runs background jobs
in-process, so that `make run` needs nothing but Python. `DATABASE_URL` switches to
PostgreSQL and `REDIS_URL` to Redis as Celery broker and result store.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()


def _bool(name: str, default: bool) -> bool:
    """Read a boolean variable strictly: a typo must not silently turn DEBUG on or off."""
    raw = env.str(name, default="")
    if raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def _int(name: str, default: int, minimum: int = 0) -> int:
    """Read a whole-number variable; a typo or a negative value is an error, not a default."""
    raw = env.str(name, default="").strip()
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}")
    return value


DEBUG = _bool("DEBUG", False)

SECRET_KEY = env.str("SECRET_KEY", default="")
# The placeholder of .env.example (and the development key) must never sign real sessions.
EXAMPLE_SECRET_KEYS = {
    "change-me-to-a-long-random-string",
    "insecure-development-key-do-not-use-in-production",
}
if SECRET_KEY in EXAMPLE_SECRET_KEYS and not DEBUG:
    raise ImproperlyConfigured(
        "SECRET_KEY is the example value from .env.example. Set a long random key, e.g. "
        'python3 -c "import secrets; print(secrets.token_urlsafe(50))"'
    )
if not SECRET_KEY:
    if not DEBUG and not _bool("ALLOW_INSECURE_SECRET_KEY", False):
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it, or run with DEBUG=true for local development."
        )
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "simple_history",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "core",
    "accounts",
    "municipalities",
    "target_groups",
    "figures",
    "allocation",
    "agreements",
    "reports",
    "dashboards",
    "monitoring",
    "partners",
    "public",
    "home",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.DutchFirstLocaleMiddleware",
    "core.middleware.ApiInEnglishMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "core.middleware.LoginRequiredExceptApiMiddleware",
    "accounts.middleware.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "core.middleware.IdleTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "core.http.NoStoreDownloadsMiddleware",
    # Last, as django-axes asks: turns a lock-out into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "mra_housing.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "accounts.context_processors.navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "mra_housing.wsgi.application"
ASGI_APPLICATION = "mra_housing.asgi.application"

# Database: SQLite in the project folder unless DATABASE_URL is set.
DATABASE_URL = env.str("DATABASE_URL", default="")
if DATABASE_URL:
    if DATABASE_URL.split(":", 1)[0] not in {"postgres", "postgresql", "pgsql", "sqlite"}:
        raise ImproperlyConfigured(
            "DATABASE_URL must be a postgres:// (or sqlite://) URL, "
            f"not {DATABASE_URL.split(':', 1)[0]!r}"
        )
    try:
        DATABASES = {"default": env.db_url_config(DATABASE_URL)}
    except Exception as exc:  # django-environ raises several types for a bad URL
        raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from exc
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DB_CONN_MAX_AGE", default=60))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env.str("SQLITE_PATH", default=str(BASE_DIR / "db.sqlite3")),
            "OPTIONS": {"timeout": 20},
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Passwords (issue 12): at least 12 characters, not like the username, not common, not only
# digits. The demo password `mra-demo` does not pass; only `demo_data` sets it, directly.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login security (issue 12, docs/security.md). django-axes counts failed logins per username
# and address and locks that pair out for a while; every failure is logged and stored.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_FAILURE_LIMIT = _int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
LOGIN_LOCKOUT_MINUTES = _int("LOGIN_LOCKOUT_MINUTES", 15, minimum=1)
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=LOGIN_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
AXES_CLIENT_IP_CALLABLE = "core.http.client_ip"
# Reverse proxies in front of the app that append to X-Forwarded-For (0: use REMOTE_ADDR).
PROXY_COUNT = _int("PROXY_COUNT", 0)
# Second sign-in step (TOTP) for the chair, the programme team and administrators. With
# DEBUG on, the demo accounts of `make run` sign in with their password only.
MRA_REQUIRE_2FA = _bool("MRA_REQUIRE_2FA", True)
OTP_TOTP_ISSUER = "MRA Fair Share"
# A session ends after this long without a request, and in any case after 12 hours.
SESSION_IDLE_TIMEOUT = _int("SESSION_IDLE_MINUTES", 30, minimum=1) * 60
SESSION_COOKIE_AGE = 12 * 60 * 60
# API tokens expire (401 "Token has expired."); wrong tokens from one address are throttled.
API_TOKEN_TTL_DAYS = _int("API_TOKEN_DAYS", 30, minimum=1)
API_TOKEN_FAILURE_LIMIT = _int("API_TOKEN_FAILURE_LIMIT", 20)

# Internationalisation: Dutch first, English available.
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FIXTURE_DIRS = [BASE_DIR / "fixtures"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS: list[Path] = []
# Production (docker-compose) runs collectstatic and sets STATIC_MANIFEST=true for hashed,
# compressed files; otherwise whitenoise serves straight from the apps' static folders.
STATIC_MANIFEST = _bool("STATIC_MANIFEST", False)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if STATIC_MANIFEST
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST
STATIC_ROOT = BASE_DIR / "staticfiles" if STATIC_MANIFEST else None
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
MEDIA_URL = "media/"

# Security headers: safe defaults; HTTPS-only settings switch on behind TLS.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL = _bool("SECURE_SSL", False)
SESSION_COOKIE_SECURE = SECURE_SSL
CSRF_COOKIE_SECURE = SECURE_SSL
SECURE_SSL_REDIRECT = SECURE_SSL
if SECURE_SSL:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # Only a request to the browsers' preload list acts on it; check --deploy asks for it.
    SECURE_HSTS_PRELOAD = True
    # The container's health check asks over plain HTTP from inside.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Content-Security-Policy (django-csp): everything from our own origin, no inline script or
# style, no eval, no framing. Charts are server-side SVG; htmx's own indicator style is
# switched off in base.html and lives in site.css. docs/security.md explains each directive.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# E-mail: console in development, SMTP when EMAIL_URL is set.
EMAIL_URL = env.str("EMAIL_URL", default="")
if EMAIL_URL:
    vars().update(env.email_url_config(EMAIL_URL))
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="MRA Fair Share <noreply@mra.example>")
# The address of the app as users reach it: e-mails link into the app with it.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000" if DEBUG else "")
if SITE_URL and not SITE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured("SITE_URL must start with http:// or https://")

# Celery: Redis when REDIS_URL is set, else tasks run in-process (eagerly).
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL and not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured("REDIS_URL must start with redis://, rediss:// or unix://")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
# Without REDIS_URL: make the PDF agreements in a background thread after the response,
# not inside the request (reports.background). Unset: follows DEBUG (on in `make run`).
if env.str("EAGER_JOBS_IN_THREAD", default=""):
    EAGER_JOBS_IN_THREAD = _bool("EAGER_JOBS_IN_THREAD", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A worker child (prefork pool) that has grown past this many KiB after a task is replaced
# by a fresh one: making PDFs leaves WeasyPrint's caches and a fragmented heap behind, so
# that a worker would keep about 400 MB (issue 14; docs/performance.md, "Worker memory").
# 120000 KiB is just above a fresh child (about 110 MB): a child is replaced after nearly
# every PDF, so the whole worker (parent + child) stays at about 233 MB.
CELERY_WORKER_MAX_MEMORY_PER_CHILD = _int("CELERY_WORKER_MAX_MEMORY_PER_CHILD", 120_000, 50_000)
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_RESULT_EXPIRES = 3600
# Jobs that cannot get stuck (issue 12; docs/security.md "Jobs"). A job runs at most
# JOB_TIME_LIMIT seconds (a soft limit 30 s earlier ends it with a message); a message its
# worker did not acknowledge (the worker died) is delivered again JOB_VISIBILITY_TIMEOUT
# seconds after delivery; the reaper sends again, or ends, a job that made no progress for
# JOB_STUCK_AFTER seconds. Publishing gives up within seconds when Redis is away.
JOB_TIME_LIMIT = env.int("JOB_TIME_LIMIT", default=600)
JOB_STUCK_AFTER = env.int("JOB_STUCK_AFTER", default=JOB_TIME_LIMIT + 60)
JOB_VISIBILITY_TIMEOUT = env.int("JOB_VISIBILITY_TIMEOUT", default=JOB_TIME_LIMIT + 300)
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": JOB_VISIBILITY_TIMEOUT,
    "socket_connect_timeout": 3,
    "socket_timeout": 10,
}
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 1,
}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 3
CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    # Once a day: mail officers with missing figures before a round's deadline (issue 5).
    "send-deadline-reminders": {
        "task": "agreements.send_deadline_reminders",
        "schedule": 24 * 60 * 60,
    },
    # Every 5 minutes: PDF agreements waiting or being made too long are sent again, or
    # failed after 3 attempts; adopted rounds without documents get them (reports.reaper).
    "reap-agreement-documents": {
        "task": "reports.reap_documents",
        "schedule": 5 * 60,
    },
    # Every 5 minutes: computations stuck in the queue or without progress are sent again
    # or end failed, so that they can be tried again (issue 12).
    "reap-stuck-runs": {
        "task": "allocation.reap_stuck_runs",
        "schedule": 5 * 60,
    },
}
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="mra")

CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an API client without a session gets 401 with WWW-Authenticate.
        "accounts.authentication.ExpiringTokenAuthentication",
        "accounts.authentication.VerifiedSessionAuthentication",
    ],
    # JSON only: the figures API takes nested objects, which forms cannot carry (the schema
    # must not offer them either). Nested deeper than 50 levels is a 400, not a 500 (issue 12).
    "DEFAULT_PARSER_CLASSES": ["core.api.BoundedJSONParser"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    "EXCEPTION_HANDLER": "core.api.exception_handler",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "MRA Fair Share API",
    "DESCRIPTION": "Open data on the 30 MRA municipalities and the fair-share allocation.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    # Every operation documents the API's JSON errors (401, 403, 404, ...): core.api.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.api.document_error_responses",
    ],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"concise_forbidden": {"()": "core.logfilters.ConciseForbiddenFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # WeasyPrint and fontTools log every layout step at INFO.
    "loggers": {
        # Django's own console handler would print every record a second time (root has one).
        "django": {"handlers": [], "propagate": True},
        # A 403 is one line without a traceback (core.logfilters.ConciseForbiddenFilter).
        "django.request": {"filters": ["concise_forbidden"]},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # django-axes: failed logins and lock-outs are warnings; its start banner is not.
        "axes": {"level": "WARNING"},
    },
}

# Demo accounts (`manage.py demo_data`).
DEMO_PASSWORD = env.str("DEMO_PASSWORD", default="mra-demo")
