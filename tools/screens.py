"""`make screens`: screenshots of the main pages into docs/screens/ (issue 13, acceptance 5).

Starts the app on loopback with the demo data in its own SQLite file in a temporary folder
(DEBUG on, as `make run`; nothing of the project's own database is touched), moves the
demo's current round into review with a proposal (so that the steering group has a decision
waiting), signs in per role with Playwright and the system Chromium, and saves PNGs of
1280×900 (the first screen, no scrolling) of the home page per role, the decision summary,
the dashboard overview and the what-if preview.

    .venv/bin/python tools/screens.py [--out docs/screens] [--db existing-demo.sqlite3]

`--db` copies an existing demo database (made by `manage.py demo_data`) instead of making
a new one, which takes a minute and a half.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
WIDTH, HEIGHT = 1280, 900
PASSWORD = os.environ.get("DEMO_PASSWORD", "mra-demo")
HOME_ROLES = (
    "beleid.haarlem",
    "coordinator.zuid-kennemerland",
    "stuurgroep.zuid-kennemerland",
    "voorzitter",
    "programma",
    "beheer",
)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def _env(folder: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(
        DEBUG="true",
        DATABASE_URL=f"sqlite:///{folder / 'db.sqlite3'}",
        MEDIA_ROOT=str(folder / "media"),
        DJANGO_SETTINGS_MODULE="mra_housing.settings",
        LOG_LEVEL="WARNING",
        EMAIL_URL="dummymail://",  # the round's notifications go nowhere
    )
    return env


def _manage(env: dict[str, str], *args: str) -> None:
    subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, str(ROOT / "manage.py"), *args], cwd=ROOT, env=env, check=True
    )


def _prepare(folder: Path, existing: Path | None) -> dict[str, str]:
    env = _env(folder)
    if existing is not None:
        shutil.copyfile(existing, folder / "db.sqlite3")
        print(f"Using a copy of {existing}.")
    _manage(env, "migrate", "--no-input", "--verbosity", "0")
    if existing is None:
        print("Making the demo data (about a minute and a half)...")
        _manage(env, "demo_data")
    return env


def _django(env: dict[str, str]) -> None:
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _current_round_in_review() -> dict[str, Any]:
    """Move the demo's current round into review with a proposal of scenario Standaard,
    through the services, as the programme team would. Returns the pages to picture."""
    from django.contrib.auth import get_user_model
    from django.urls import NoReverseMatch, reverse

    from agreements import selectors as agreement_selectors
    from agreements import services as agreement_services
    from allocation import services as allocation_services
    from allocation.models import Round, RoundStatus, RunStatus, Scenario, ScenarioRun

    programme = get_user_model().objects.get(username="programma")
    round_ = Round.objects.get(name="Afspraken 2026–2027")
    scenario = Scenario.objects.get(round=round_, name="Standaard")
    for status in (RoundStatus.COLLECTING, RoundStatus.COMPUTING):
        if round_.status == RoundStatus.DRAFT or (
            round_.status == RoundStatus.COLLECTING and status == RoundStatus.COMPUTING
        ):
            round_ = agreement_services.round_transition(
                round_=round_, to_status=status, user=programme
            )
    run = ScenarioRun.objects.filter(scenario=scenario, status=RunStatus.SUCCEEDED).first()
    if run is None and round_.status == RoundStatus.COMPUTING:
        print("Computing scenario Standaard of the current round...")
        run = allocation_services.run_enqueue(scenario=scenario, user=programme)
        allocation_services.run_execute(run_id=run.pk)
        run.refresh_from_db()
    if round_.status == RoundStatus.COMPUTING:
        round_ = agreement_services.round_transition(
            round_=round_, to_status=RoundStatus.IN_REVIEW, user=programme
        )
    if agreement_selectors.current_proposal(round_) is None and run is not None:
        agreement_services.proposal_create(round_=round_, run=run, user=programme)
    pages: dict[str, Any] = {
        "summary": reverse(
            "agreements:summary", kwargs={"pk": round_.pk, "slug": "zuid-kennemerland"}
        ),
        "dashboard": reverse(
            "dashboards:overview", kwargs={"round_pk": round_.pk, "scenario_pk": scenario.pk}
        ),
    }
    try:
        pages["whatif"] = reverse("allocation:scenario_whatif", kwargs={"pk": scenario.pk})
    except NoReverseMatch:
        pages["whatif"] = None
    return pages


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def _server(env: dict[str, str]) -> Iterator[str]:
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(  # noqa: S603 - our own manage.py on loopback
        [sys.executable, str(ROOT / "manage.py"), "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(120):
            try:
                with urllib.request.urlopen(f"{url}/inloggen/", timeout=2):  # noqa: S310 - loopback
                    break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.5)
        else:
            raise SystemExit("The app did not start within a minute.")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def _login(page: Any, url: str, username: str) -> None:
    page.goto(f"{url}/inloggen/")
    page.locator("input[name$='username']").fill(username)
    page.locator("input[name$='password']").fill(PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()


def _shoot(browser: Any, url: str, username: str, path: str, target: Path) -> bool:
    context = browser.new_context(
        viewport={"width": WIDTH, "height": HEIGHT}, locale="nl-NL", timezone_id="Europe/Amsterdam"
    )
    page = context.new_page()
    try:
        _login(page, url, username)
        response = page.goto(f"{url}{path}")
        page.wait_for_load_state("networkidle")
        if response is None or response.status != 200:
            print(f"  skipped {target.name}: {path} answered {response and response.status}")
            return False
        page.screenshot(path=str(target))
        print(f"  {target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}")
        return True
    finally:
        context.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screens")
    parser.add_argument("--db", type=Path, default=None, help="copy this demo database")
    args = parser.parse_args()
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise SystemExit("No Chromium found: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    out: Path = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="mra-screens-") as tmp:
        env = _prepare(Path(tmp), args.db)
        _django(env)
        pages = _current_round_in_review()
        shots: list[tuple[str, str, str]] = [
            (username, "/", f"home-{username.split('.')[0]}.png") for username in HOME_ROLES
        ]
        shots += [
            ("stuurgroep.zuid-kennemerland", pages["summary"], "decision-summary.png"),
            ("programma", pages["dashboard"], "dashboard-overview.png"),
        ]
        if pages["whatif"] is None:
            print(
                "Note: the what-if preview (allocation:scenario_whatif) is not there yet; skipped."
            )
        else:
            shots.append(("programma", pages["whatif"], "whatif-preview.png"))
        with _server(env) as url, sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            print(f"Screenshots of {WIDTH}×{HEIGHT} into {out}:")
            made = sum(
                _shoot(browser, url, username, path, out / name) for username, path, name in shots
            )
            browser.close()
    print(f"{made} of {len(shots)} screenshots made.")
    if made < len(shots):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
