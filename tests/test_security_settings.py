"""Production by default (issue 12): `check --deploy` is clean with production settings, the
example SECRET_KEY is refused, and docker-compose turns on TLS-only cookies, HSTS and the
redirect unless told otherwise."""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import skip_or_fail

ROOT = Path(__file__).resolve().parent.parent
ENV_EXAMPLE_KEY = "change-me-to-a-long-random-string"


def _clean_env(**extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DEBUG",
            "SECRET_KEY",
            "SECURE_SSL",
            "ALLOWED_HOSTS",
            "DJANGO_SETTINGS_MODULE",
            "DJANGO_ALLOW_ASYNC_UNSAFE",  # set by conftest for the test process only
        }
    }
    return {**env, "DJANGO_SETTINGS_MODULE": "mra_housing.settings", **extra}


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        env=_clean_env(**env),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_is_clean_with_production_settings() -> None:
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        SECURE_SSL="true",
        ALLOWED_HOSTS="example.nl",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout, result.stdout + result.stderr
    assert "WARNINGS" not in result.stdout + result.stderr


def test_check_deploy_warns_without_tls() -> None:
    result = _manage(
        "check",
        "--deploy",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        SECURE_SSL="false",
        ALLOWED_HOSTS="example.nl",
    )
    assert "security.W004" in result.stderr  # so the clean run above is not an accident


@pytest.mark.parametrize(
    "key", [ENV_EXAMPLE_KEY, "insecure-development-key-do-not-use-in-production"]
)
def test_the_example_secret_key_is_refused_outside_debug(key) -> None:
    result = _manage("check", DEBUG="false", SECRET_KEY=key)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY is the example value from .env.example" in result.stderr


def test_the_env_example_still_holds_the_refused_placeholder() -> None:
    lines = (ROOT / ".env.example").read_text().splitlines()
    assert f"SECRET_KEY={ENV_EXAMPLE_KEY}" in lines


def test_the_example_secret_key_is_allowed_in_debug() -> None:
    result = _manage("check", DEBUG="true", SECRET_KEY=ENV_EXAMPLE_KEY)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"SESSION_IDLE_MINUTES": "half an hour"}, "SESSION_IDLE_MINUTES must be a whole number"),
        ({"API_TOKEN_DAYS": "0"}, "API_TOKEN_DAYS must be at least 1"),
        ({"MRA_REQUIRE_2FA": "sometimes"}, "MRA_REQUIRE_2FA must be true or false"),
    ],
)
def test_bad_security_settings_fail_loudly(env, message) -> None:
    result = _manage("check", DEBUG="false", SECRET_KEY="x", **env)
    assert result.returncode != 0
    assert message in result.stderr


def _compose_config(**env: str) -> dict:
    tool = shutil.which("docker-compose")
    if not tool:
        skip_or_fail("docker-compose is not installed (apt-get install -y docker-compose)")
    assert tool is not None
    base = {k: v for k, v in os.environ.items() if k not in {"SECURE_SSL", "WEB_BIND"}}
    result = subprocess.run(
        [tool, "-f", str(ROOT / "docker-compose.yml"), "config"],
        env={**base, "SECRET_KEY": "compose-check", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout)


def test_compose_defaults_to_tls_only_cookies_hsts_and_the_redirect() -> None:
    config = _compose_config()
    for name in ("web", "worker", "beat"):
        environment = config["services"][name]["environment"]
        assert environment["SECURE_SSL"] == "true", name
        assert environment["DEBUG"] == "false", name
        assert environment["MRA_REQUIRE_2FA"] == "true", name
    # gunicorn listens on the host's loopback only: the TLS proxy in front reaches it there.
    assert config["services"]["web"]["ports"][0].startswith("127.0.0.1:")


def test_compose_can_turn_tls_off_explicitly() -> None:
    config = _compose_config(SECURE_SSL="false")
    assert config["services"]["web"]["environment"]["SECURE_SSL"] == "false"


def test_compose_health_check_passes_the_https_redirect_and_host_check() -> None:
    test = " ".join(_compose_config()["services"]["web"]["healthcheck"]["test"])
    assert "X-Forwarded-Proto" in test
    assert "ALLOWED_HOSTS" in test
