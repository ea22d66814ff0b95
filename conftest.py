"""Project-wide test setup: reference data, demo accounts per role, service checks.

The reference data (30 municipalities, 7 sub-regions, 7 groups, illustrative figures) and
the 18 demo accounts are loaded once into the test database. Transactional tests (worker,
browser) get them again through `loaded_transactional_db`, because they flush the database.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
DEMO_PASSWORD = "mra-demo"


def pytest_configure(config: pytest.Config) -> None:
    from django.conf import settings

    # Fast hashing: tests log in a lot; production keeps Django's default PBKDF2.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_report_header(config: pytest.Config) -> list[str]:
    from django.conf import settings

    db = settings.DATABASES["default"]
    return [
        f"database: {db['ENGINE'].rsplit('.', 1)[-1]} ({db.get('HOST') or db.get('NAME')})",
        f"celery broker: {settings.CELERY_BROKER_URL.split('@')[-1]}",
        f"CI: {IN_CI}",
    ]


def skip_or_fail(reason: str) -> None:
    """Skip locally with a clear reason; under CI=true a missing component is a failure."""
    if IN_CI:
        pytest.fail(f"CI requires this component: {reason}")
    pytest.skip(reason)


def load_reference_data() -> None:
    from accounts.services import demo_accounts_ensure
    from municipalities.services import illustrative_figures_ensure
    from target_groups.services import illustrative_group_figures_ensure

    call_command("loaddata", "reference", verbosity=0)
    illustrative_figures_ensure(year=2024)
    illustrative_group_figures_ensure(year=2024)
    demo_accounts_ensure(password=DEMO_PASSWORD)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    with django_db_blocker.unblock():
        load_reference_data()


@pytest.fixture
def loaded_transactional_db(transactional_db: Any) -> None:
    """A transactional database with the reference data and demo accounts (re)loaded."""
    load_reference_data()


@pytest.fixture(autouse=True)
def _dutch_by_default() -> Iterator[None]:
    """Every test starts in Dutch: an earlier request must not leave its language active."""
    from django.utils import translation

    translation.activate("nl")
    yield
    translation.activate("nl")


@pytest.fixture(autouse=True)
def _celery_eager_by_default() -> Iterator[None]:
    """Tasks run in-process unless a test starts a real worker (see tests/test_worker.py)."""
    from mra_housing.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture
def user_named(django_user_model: Any) -> Callable[[str], Any]:
    """Fetch a demo account by username (see accounts.services.DEMO_ACCOUNTS)."""

    def get(username: str) -> Any:
        return django_user_model.objects.get(username=username)

    return get


def delete_round_for_cleanup(round_: Any) -> None:
    """Remove a round made outside a test transaction, adopted or not, with what hangs on it.

    On PostgreSQL the freeze triggers refuse exactly this (an adopted round is kept for
    good), so the clean-up switches triggers off for its own transaction
    (`session_replication_role = replica`, which needs the superuser the tests run as).
    The app itself never does this.
    """
    from django.db import connection, transaction

    from agreements.models import Proposal
    from allocation.models import Round, ScenarioRun
    from reports.models import AgreementDocument

    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = replica")
        AgreementDocument.objects.filter(round=round_).delete()
        Proposal.objects.filter(round=round_).delete()
        Round.objects.filter(pk=round_.pk).update(agreed_run=None, status="draft")
        ScenarioRun.objects.filter(scenario__round=round_).delete()
        Round.objects.filter(pk=round_.pk).delete()


def second_step_device(user: Any) -> Any:
    """The user's confirmed authenticator-app device (TOTP), made on first use."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="test authenticator", defaults={"confirmed": True}
    )
    return device


def second_step_pass(client: Any, user: Any) -> None:
    """Mark a logged-in test client's session as past the second sign-in step (TOTP), as
    django_otp.login does after a right code. accounts/tests/test_two_factor.py tests the
    step itself; other tests act as a chair, programme team or admin who passed it."""
    from django_otp import DEVICE_ID_SESSION_KEY

    session = client.session
    session[DEVICE_ID_SESSION_KEY] = second_step_device(user).persistent_id
    session.save()


@pytest.fixture
def client_for(client: Any, user_named: Callable[[str], Any]) -> Callable[[str | None], Any]:
    """A test client logged in as the given demo account (None: anonymous).

    Accounts whose role needs the second sign-in step (chair, programme team, admin) have
    passed it, as they must have in production.
    """
    from django.test import Client

    from accounts.access import must_use_two_factor

    def make(username: str | None) -> Any:
        c = Client()
        if username is not None:
            user = user_named(username)
            c.force_login(user)
            if must_use_two_factor(user):
                second_step_pass(c, user)
        return c

    return make


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        skip_or_fail("Chromium is not installed (apt-get install -y chromium)")
    assert path is not None
    return path


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict, chromium_path: str) -> dict:
    """pytest-playwright: use the system Chromium; Playwright cannot download a browser here."""
    return {
        **browser_type_launch_args,
        "executable_path": chromium_path,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture
def page(page: Any) -> Iterator[Any]:
    """pytest-playwright's page, failing the test on any Content-Security-Policy violation.

    The browser reports a blocked inline script or style, eval or foreign source as a
    console error and as a `securitypolicyviolation` event; both are collected.
    """
    violations: list[str] = []

    def on_console(message: Any) -> None:
        if "Content Security Policy" in message.text:
            violations.append(message.text)

    page.on("console", on_console)
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => console.error("
        "'Content Security Policy violation: ' + e.violatedDirective + ' ' + e.blockedURI));"
    )
    yield page
    assert not violations, f"CSP violations on {page.url}: {violations}"


def _redis_answers(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=2).ping())
    except redis.RedisError:
        return False


def worker_database_url() -> str:
    """The test database as a DATABASE_URL for a worker process; PostgreSQL only (SQLite's
    test database lives in memory or is not shared)."""
    from django.db import connection

    db = connection.settings_dict
    if db["ENGINE"] != "django.db.backends.postgresql":
        skip_or_fail("the worker shares the test database only on PostgreSQL (set DATABASE_URL)")
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def start_celery_worker(
    *,
    redis_url: str,
    log_path: Path,
    env: dict[str, str] | None = None,
    program: list[str] | None = None,
) -> Any:
    """Start a real Celery worker process (solo pool) against `redis_url` and the test
    database, and wait until it is ready. `env` adds environment variables (for example
    short job limits); `program` replaces `python -m celery` (a wrapper that patches
    something first). The process gets `log_path` as an attribute."""
    import subprocess
    import sys
    import time

    from django.conf import settings

    full_env = {
        **os.environ,
        "DATABASE_URL": worker_database_url(),
        "REDIS_URL": redis_url,
        "DB_CONN_MAX_AGE": "0",
        "SECRET_KEY": settings.SECRET_KEY,
        **(env or {}),
    }
    with log_path.open("a") as log:
        process = subprocess.Popen(  # noqa: S603 - fixed arguments
            [
                *(program or [sys.executable, "-m", "celery"]),
                "-A",
                "mra_housing",
                "worker",
                "--pool=solo",
                "--loglevel=info",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-n",
                f"test-{os.getpid()}-{time.monotonic_ns()}@%h",
            ],
            env=full_env,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=str(Path(__file__).parent),
        )
    deadline = time.monotonic() + 60
    while "ready" not in log_path.read_text():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"Celery worker did not start:\n{log_path.read_text()[-3000:]}")
        time.sleep(0.2)
    process.log_path = log_path  # type: ignore[attr-defined]
    return process


def stop_celery_worker(process: Any) -> None:
    """Stop a worker from `start_celery_worker` (gently, then for good) and show its log."""
    import subprocess

    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
    print(f"--- celery worker log ---\n{process.log_path.read_text()[-4000:]}")


@pytest.fixture
def celery_worker(tmp_path: Any) -> Iterator[Any]:
    """A real Celery worker process against Redis and the test database.

    Tests that use it need `loaded_transactional_db` (or `transactional_db`) so that the
    worker, another process, sees their committed rows.
    """
    from django.conf import settings

    from mra_housing.celery import app

    if not settings.REDIS_URL:
        skip_or_fail("REDIS_URL is not set: the real worker test needs Redis")
    if not _redis_answers(settings.REDIS_URL):
        skip_or_fail(f"Redis does not answer at {settings.REDIS_URL}")
    worker_database_url()
    app.control.purge()
    process = start_celery_worker(redis_url=settings.REDIS_URL, log_path=tmp_path / "worker.log")
    app.conf.task_always_eager = False
    try:
        yield process
    finally:
        app.conf.task_always_eager = True
        stop_celery_worker(process)
