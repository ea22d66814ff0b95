"""Settings, docker-compose and the database this suite runs on."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from conftest import IN_CI, skip_or_fail

ROOT = Path(__file__).resolve().parent.parent


def _settings_check(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "DEBUG", "SECRET_KEY"}
    }
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={**clean, "DJANGO_SETTINGS_MODULE": "mra_housing.settings", **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_defaults_are_sqlite_in_process_jobs_and_debug_off() -> None:
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DEBUG, s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, "
        "s.LANGUAGE_CODE, s.TIME_ZONE)"
    )
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DEBUG"}}
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, "SECRET_KEY": "x", "DJANGO_SETTINGS_MODULE": "mra_housing.settings"},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout.split()
    assert out == ["False", "django.db.backends.sqlite3", "True", "nl", "Europe/Amsterdam"]


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DEBUG": "maybe", "SECRET_KEY": "x"}, "DEBUG must be true or false"),
        ({}, "SECRET_KEY is not set"),
        ({"SECRET_KEY": "x", "REDIS_URL": "http://nope"}, "REDIS_URL must start with"),
        ({"SECRET_KEY": "x", "DATABASE_URL": "nonsense://"}, "DATABASE_URL"),
    ],
)
def test_bad_settings_fail_with_improperly_configured(env, message) -> None:
    result = _settings_check(env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_database_is_postgresql_in_ci() -> None:
    engine = settings.DATABASES["default"]["ENGINE"]
    if IN_CI:
        assert engine == "django.db.backends.postgresql"
    else:
        assert engine in {"django.db.backends.postgresql", "django.db.backends.sqlite3"}


def test_docker_compose_file_is_valid() -> None:
    tool = shutil.which("docker-compose")
    if not tool:
        skip_or_fail("docker-compose is not installed (apt-get install -y docker-compose)")
    result = subprocess.run(
        [tool, "-f", str(ROOT / "docker-compose.yml"), "config", "-q"],
        env={**os.environ, "SECRET_KEY": "compose-check"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    text = (ROOT / "docker-compose.yml").read_text()
    for service in ("db:", "redis:", "web:", "worker:", "beat:", "healthcheck:"):
        assert service in text


def test_no_cdn_in_templates() -> None:
    for path in ROOT.glob("*/templates/**/*.html"):
        text = path.read_text()
        assert "https://" not in text, path
        assert "http://" not in text, path
    for path in (ROOT / "templates").glob("**/*.html"):
        assert "https://" not in path.read_text(), path
