"""Every URL as every role, against the role matrix in docs/security.md (issue 12).

The matrix in `docs/security.md` ("Role matrix") is the single source of truth: this test
parses it, fills each URL's parameters with real objects (a round in review with a proposal,
an adopted round with its PDF agreements, a computed run, uploads of two officers), GETs every
URL as every role and checks the answer. It fails when a named URL of the project is missing
from the matrix, or the matrix names a URL that no longer exists. Every state-changing request
(`POST` rows) is also sent by each role that must not make it: the answer must be the refusal
of the matrix and the database must be unchanged.

To draft rows for new URLs: `ROLE_WALK_DRAFT=/tmp/rows.md pytest tests/test_url_role_walk.py`
writes what every role gets now, as matrix rows, to that file (check each cell before copying:
the matrix says what *should* happen).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from agreements.tests.fixtures import proposal, review_round  # noqa: F401 - fixtures

SECURITY_MD = Path(__file__).resolve().parent.parent / "docs" / "security.md"
MATRIX_HEADING = "## Role matrix"

# One demo account per role (accounts.models.Role); the matrix has a column per role.
USERS: dict[str, str | None] = {
    "anonymous": None,
    "officer": "beleid.haarlem",  # Haarlem, in Zuid-Kennemerland
    "coordinator": "coordinator.zuid-kennemerland",
    "steering": "stuurgroep.zuid-kennemerland",
    "chair": "voorzitter",
    "programme": "programma",
    "admin": "beheer",
    # Partners (issue 15), scoped by their organisation's working area.
    "corporation": "corporatie.kennemerland",
    "care_provider": "zorg.zuid-kennemerland",
    "province": "provincie.noord-holland",
}
OWN_CODE, OTHER_CODE = "GM0392", "GM0363"  # Haarlem (own), Amsterdam (another sub-region)
SCOPED_PARAMS = {"code", "slug", "scope"}
OBJECTS = ("–", "review round", "adopted round", "scenario", "run", "upload")

# Django's admin has a URL per model and action; the matrix lists a few entries into it and
# the walk checks only those. Static and media files are not views of ours.
SKIPPED_NAMESPACES = ("admin",)

# The tables that change without anything being changed by a request: sessions, sign-in
# bookkeeping (django-axes) and the cache table if any.
VOLATILE_TABLES = re.compile(r"^(django_session|axes_|django_cache)")


# --- the matrix ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    method: str  # GET, POST or PATCH
    name: str  # URL name, with namespace
    extra: dict[str, str]  # URL kwargs or POST data given in the row (`scope=mra`, `action=adopt`)
    route: str
    obj: str
    cells: dict[str, str]
    line: int

    @property
    def label(self) -> str:
        extra = " ".join(f"{k}={v}" for k, v in self.extra.items())
        return f"{self.method} {self.name}{' ' + extra if extra else ''}"


def parse_matrix(text: str) -> list[Row]:
    """The rows of the role matrix: the tables with the header `| URL | path | object | ...`."""
    start = text.index(MATRIX_HEADING)
    end = text.find("\n## ", start + 1)
    section = text[start : end if end != -1 else None]
    first_line = text[:start].count("\n") + 1
    rows: list[Row] = []
    in_table = False
    roles: list[str] = []
    for offset, line in enumerate(section.splitlines()):
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if cells[:3] == ["URL", "path", "object"]:
            assert not roles or cells[3:] == roles, f"security.md line {first_line + offset}"
            roles = cells[3:]
            in_table = True
        in_table = in_table and line.startswith("|")
        if not in_table or not re.match(r"^((POST|PATCH) )?`", cells[0]):
            continue
        assert len(cells) == 3 + len(roles), f"security.md line {first_line + offset}: {line}"
        m = re.fullmatch(r"(?:(POST|PATCH) )?`([^`]+)`((?: [\w-]+=@?[\w.-]+)*)", cells[0])
        assert m, f"security.md line {first_line + offset}: bad first cell {cells[0]!r}"
        extra = dict(pair.split("=", 1) for pair in m.group(3).split())
        assert cells[2] in OBJECTS, f"security.md line {first_line + offset}: object {cells[2]!r}"
        rows.append(
            Row(
                method=m.group(1) or "GET",
                name=m.group(2),
                extra=extra,
                route=cells[1].strip("`"),
                obj=cells[2],
                cells=dict(zip(roles, (c.strip("`") for c in cells[3:]), strict=True)),
                line=first_line + offset,
            )
        )
    return rows


def project_urls() -> dict[str, str]:
    """Every named URL of the project (admin entries aside) with its route."""
    found: dict[str, str] = {}

    def walk(resolver: URLResolver, prefix: str, namespace: str | None) -> None:
        for p in resolver.url_patterns:
            if isinstance(p, URLResolver):
                ns = ":".join(x for x in (namespace, p.namespace) if x) or None
                walk(p, prefix + str(p.pattern), ns)
            elif isinstance(p, URLPattern):
                route = prefix + str(p.pattern)
                if namespace and namespace.split(":")[0] in SKIPPED_NAMESPACES:
                    continue
                assert p.name, f"an unnamed URL pattern cannot be in the matrix: {route}"
                found[f"{namespace}:{p.name}" if namespace else p.name] = route

    walk(get_resolver(), "", None)
    return found


def admin_route(name: str) -> str | None:
    try:
        return reverse(name).lstrip("/")
    except Exception:  # noqa: BLE001 - any failure means: no such admin URL
        return None


@pytest.fixture(scope="module")
def matrix() -> list[Row]:
    return parse_matrix(SECURITY_MD.read_text(encoding="utf-8"))


def test_the_matrix_lists_every_url_and_only_existing_ones(matrix: list[Row]) -> None:
    urls = project_urls()
    listed = {r.name for r in matrix if r.method == "GET"}
    missing = sorted(set(urls) - listed)
    gone = sorted(
        r.name
        for r in matrix
        if r.name not in urls and not (r.name.startswith("admin:") and admin_route(r.name))
    )
    wrong_route = sorted(
        f"{r.name}: matrix says {r.route!r}, the URL is {urls[r.name]!r}"
        for r in matrix
        if r.name in urls and r.route != urls[r.name]
    )
    post_without_get = sorted({r.name for r in matrix if r.method != "GET"} - listed)
    assert not missing, (
        "URL names missing from the role matrix in docs/security.md (add a row per name): "
        + ", ".join(missing)
    )
    assert not gone, "the role matrix lists URLs that do not exist: " + ", ".join(gone)
    assert not wrong_route, "routes differ:\n" + "\n".join(wrong_route)
    assert not post_without_get, "POST rows without a GET row: " + ", ".join(post_without_get)


def test_the_matrix_has_a_column_for_every_role(matrix: list[Row]) -> None:
    from accounts.models import Role

    roles = ["anonymous", *Role.values]
    columns = list(matrix[0].cells)
    missing = [r for r in roles if r not in columns]
    assert not missing, "roles without a column in the role matrix: " + ", ".join(missing)
    assert columns == [r for r in roles if r in columns], "columns in the order of Role"
    assert set(columns) <= set(USERS), "a column without a demo account in USERS"


def test_the_matrix_cells_are_well_formed(matrix: list[Row]) -> None:
    routes = project_urls()
    for row in matrix:
        for role, cell in row.cells.items():
            assert parse_cell(cell, row.method), f"line {row.line}, {role}: {cell!r}"
            if "/" in cell or cell == "own":
                assert scoped(row, routes.get(row.name, row.route)), (
                    f"line {row.line}: {role} has {cell!r}, but the URL has no own/other object"
                )


# --- cells --------------------------------------------------------------------------------------

CELL = re.compile(r"^(\d{3}|login|ok)(?:/(\d{3}|login|ok))?$")


def parse_cell(cell: str, method: str) -> tuple[str, str] | None:
    """A cell as (own, other): `own` is 200/403 (POST: ok/403), `A/B` is A own, B other's."""
    if cell == "own":
        return ("200", "403") if method == "GET" else ("ok", "403")
    m = CELL.match(cell)
    if not m or ("ok" in cell and method == "GET"):
        return None
    return (m.group(1), m.group(2) or m.group(1))


def scoped(row: Row, route: str) -> bool:
    """Does the URL point at something of a municipality, a sub-region or a user?"""
    params = set(re.findall(r"<(?:\w+:)?(\w+)>", route))
    return bool(params & SCOPED_PARAMS - set(row.extra)) or row.obj == "upload"


def outcome(response: Any) -> str:
    """A response as a matrix cell would write it."""
    status = response.status_code
    login = reverse("login")
    if status == 302 and response["Location"].split("?")[0] in (login, reverse("admin:login")):
        return "login"
    return str(status)


# --- the objects --------------------------------------------------------------------------------


@dataclass
class World:
    objects: dict[str, Any]
    subregion_slugs: tuple[str, str]
    uploads: dict[str, Any]
    clients: dict[str, Client] = field(default_factory=dict)


FAKE_PDF = b"%PDF-1.7\n% a stand-in for the walk\n%%EOF\n"


@pytest.fixture
def world(
    proposal: Any,  # noqa: F811 - the fixture
    user_named: Callable[[str], Any],
) -> World:
    """A round in review with a proposal, an adopted round with ready PDFs, two uploads."""
    from django.utils import timezone

    from allocation.models import ScenarioRun
    from figures.models import PendingImport
    from municipalities.models import Municipality, SubRegion
    from reports.models import AgreementDocument, DocumentStatus
    from reports.tests.factories import adopted_round

    adopted = adopted_round(name="Afspraken rondgang")
    assert adopted.agreed_run is not None
    for subregion in [None, *SubRegion.objects.all()]:
        AgreementDocument.objects.create(
            round=adopted,
            subregion=subregion,
            run_digest=adopted.agreed_run.digest,
            status=DocumentStatus.READY,
            pdf=FAKE_PDF,
            sha256=hashlib.sha256(FAKE_PDF).hexdigest(),
            page_count=1,
            finished_at=timezone.now(),
        )
    run = ScenarioRun.objects.get(pk=proposal.run_id)
    uploads = {
        owner: PendingImport.objects.create(
            uploaded_by=user_named(owner), filename="cijfers.csv", file_hash="0" * 64, rows=[]
        )
        for owner in ("beleid.haarlem", "beleid.amsterdam")
    }
    # Figures waiting for confirmation, so that confirming or sending back would change them.
    from core.models import FigureStatus
    from municipalities.models import MunicipalFigure
    from target_groups.models import GroupFigure

    for code, submitter in ((OWN_CODE, "beleid2.haarlem"), (OTHER_CODE, "beleid.amsterdam")):
        for model in (MunicipalFigure, GroupFigure):
            model.objects.filter(municipality__cbs_code=code, year=2024).update(
                status=FigureStatus.SUBMITTED,
                submitted_by=user_named(submitter),
                updated_by=user_named(submitter),
            )
    # A transfer Amsterdam proposes to Haarlem: Haarlem's officers or the programme team answer.
    from agreements.services import transfer_propose
    from target_groups.models import TargetGroup

    amsterdam = Municipality.objects.get(cbs_code=OTHER_CODE)
    transfer = transfer_propose(
        round_=proposal.round,
        group=TargetGroup.objects.get(code="urgent"),
        giver=amsterdam,
        taker=Municipality.objects.get(cbs_code=OWN_CODE),
        amount=1,
        initiator=amsterdam,
        user=user_named("beleid.amsterdam"),
    )
    own = Municipality.objects.get(cbs_code=OWN_CODE).subregion.slug
    other = Municipality.objects.get(cbs_code=OTHER_CODE).subregion.slug
    return World(
        objects={
            "review round": proposal.round,
            "adopted round": adopted,
            "scenario": run.scenario,
            "run": run,
            "transfer": transfer,
        },
        subregion_slugs=(own, other),
        uploads=uploads,
        clients={role: signed_in(USERS[role], user_named) for role in USERS},
    )


def signed_in(username: str | None, user_named: Callable[[str], Any]) -> Client:
    """A client signed in as the demo account, past the second step where the role needs it
    (as conftest's client_for); a 500 is an answer here, not an exception."""
    from accounts.access import must_use_two_factor
    from conftest import second_step_pass

    client = Client(raise_request_exception=False)
    if username is not None:
        user = user_named(username)
        client.force_login(user)
        if must_use_two_factor(user):
            second_step_pass(client, user)
    return client


# Parameters that depend on the URL rather than on the row's object.
PARAM_OVERRIDES: dict[str, dict[str, Any]] = {
    "monitoring:quarter": {"year": 2026, "quarter": 1},
    # The template of all 30 municipalities: CSV is as guarded as Excel and much quicker.
    "figures:template_all": {"fmt": "csv"},
}
DEFAULT_PARAMS: dict[str, Any] = {
    "year": 2024,
    "fmt": "xlsx",
    "group": "urgent",
    "group_code": "urgent",
    "key": "urgent",
}


def url_for(row: Row, route: str, world: World, *, own: bool) -> str:
    """The row's URL with real objects: own (Haarlem / Zuid-Kennemerland) or another's."""
    params = re.findall(r"<(?:\w+:)?(\w+)>", route)
    obj = world.objects.get(row.obj)
    values: dict[str, Any] = {}
    for param in params:
        if param in row.extra:
            values[param] = row.extra[param]
        elif param in PARAM_OVERRIDES.get(row.name, {}):
            values[param] = PARAM_OVERRIDES[row.name][param]
        elif param == "code":
            values[param] = OWN_CODE if own else OTHER_CODE
        elif param in ("slug", "scope"):
            values[param] = world.subregion_slugs[0 if own else 1]
        elif param == "pk" and row.obj == "upload":
            values[param] = world.uploads["beleid.haarlem" if own else "beleid.amsterdam"].pk
        elif param == "pk":
            assert obj is not None, f"line {row.line}: {row.name} needs an object, not {row.obj}"
            values[param] = obj.pk
        elif param in ("round_pk", "scenario_pk"):
            # The dashboards: the row's round and a computed scenario of it.
            assert obj is not None, f"line {row.line}: {row.name} needs a round"
            assert row.obj.endswith("round"), f"line {row.line}: {row.name} needs a round"
            scenario = (
                obj.agreed_run.scenario if row.obj == "adopted round" else world.objects["scenario"]
            )
            values[param] = obj.pk if param == "round_pk" else scenario.pk
        elif param in DEFAULT_PARAMS:
            values[param] = DEFAULT_PARAMS[param]
        else:
            raise AssertionError(f"line {row.line}: no value for <{param}> of {row.name}")
    return reverse(row.name, kwargs=values)


def variants(row: Row, route: str) -> list[bool]:
    return [True, False] if scoped(row, route) else [True]


# --- the walk -----------------------------------------------------------------------------------


def routes_of(matrix: list[Row]) -> dict[str, str]:
    routes = project_urls()
    for row in matrix:
        if row.name.startswith("admin:") and row.name not in routes:
            routes[row.name] = admin_route(row.name) or row.route
    return routes


def test_every_url_as_every_role_answers_as_the_matrix_says(
    matrix: list[Row], world: World
) -> None:
    routes = routes_of(matrix)
    wrong: list[str] = []
    seen: dict[tuple[str, str], dict[str, str]] = {}
    rows = [r for r in matrix if r.method == "GET" and r.name in routes]
    for row in rows:
        route = routes[row.name]
        for own in variants(row, route):
            url = url_for(row, route, world, own=own)
            for role in row.cells:
                got = outcome(world.clients[role].get(url))
                seen.setdefault((row.label, "own" if own else "other"), {})[role] = got
                expected = parse_cell(row.cells[role], "GET")
                assert expected is not None
                want = expected[0 if own else 1]
                if got != want:
                    which = "own" if own else "another's"
                    wrong.append(
                        f"line {row.line} {row.label} ({which}: {url}) as {role}: "
                        f"matrix {want}, got {got}"
                    )
                assert got != "500", f"{url} as {role}: 500"
    _draft(matrix, world)
    assert not wrong, f"{len(wrong)} answers differ from the matrix:\n" + "\n".join(wrong)


def _draft(matrix: list[Row], world: World) -> None:
    """With ROLE_WALK_DRAFT set: write rows for the URLs that the matrix misses."""
    target = os.environ.get("ROLE_WALK_DRAFT")
    if not target:
        return
    listed = {r.name for r in matrix}
    lines = []
    for name, route in sorted(project_urls().items()):
        if name in listed and not os.environ.get("ROLE_WALK_DRAFT_ALL"):
            continue
        obj = _guess_object(route)
        row = Row("GET", name, {}, route, obj, dict.fromkeys(USERS, "200"), 0)
        cells = []
        for role in USERS:
            answers = [
                outcome(world.clients[role].get(url_for(row, route, world, own=own)))
                for own in variants(row, route)
            ]
            cell = "/".join(dict.fromkeys(answers)) if len(set(answers)) > 1 else answers[0]
            cells.append("own" if cell == "200/403" else cell)
        lines.append(f"| `{name}` | `{route}` | {obj} | " + " | ".join(cells) + " |")
    Path(target).write_text("\n".join(lines) + "\n", encoding="utf-8")


def _guess_object(route: str) -> str:
    if "<int:pk>" not in route and "round_pk" not in route:
        return "–"
    if route.startswith(("scenarios/", "dashboard/")):
        return "scenario" if route.startswith("scenarios/") else "review round"
    if route.startswith("berekeningen/"):
        return "run"
    if route.startswith("cijfers/import/"):
        return "upload"
    if route.startswith(("monitoring/", "openbaar/", "api/")) or "afspraken" in route:
        return "adopted round"
    return "review round"


# --- state-changing requests --------------------------------------------------------------------


def database_state() -> str:
    """A digest of every row of every table (sessions and sign-in bookkeeping aside)."""
    digest = hashlib.sha256()
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names()):
            if VOLATILE_TABLES.match(table):
                continue
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            rows = sorted(repr(r) for r in cursor.fetchall())
            digest.update(table.encode())
            digest.update("\n".join(rows).encode())
    return digest.hexdigest()


@pytest.fixture
def no_on_commit(django_capture_on_commit_callbacks: Any) -> Iterator[None]:
    with django_capture_on_commit_callbacks(execute=False):
        yield


def send(client: Client, row: Row, url: str, route: str, world: World) -> Any:
    """The row's change request: form data (the row's `action=...`; `@name` is the number of
    an object of the walk), or JSON for the API."""
    data = {
        k: str(world.objects[v[1:]].pk) if v.startswith("@") else v
        for k, v in row.extra.items()
        if not re.search(rf"<(\w+:)?{k}>", route)
    }
    if route.startswith("api/"):
        body = json.dumps(data)
        if row.method == "PATCH":
            return client.patch(url, body, content_type="application/json")
        return client.post(url, body, content_type="application/json")
    assert row.method == "POST", f"line {row.line}: PATCH is for the API only"
    return client.post(url, data)


def test_refused_changes_are_refused_and_change_nothing(
    matrix: list[Row], world: World, no_on_commit: None
) -> None:
    routes = routes_of(matrix)
    wrong: list[str] = []
    tried = 0
    before = database_state()
    for row in (r for r in matrix if r.method != "GET" and r.name in routes):
        route = routes[row.name]
        for own in variants(row, route):
            url = url_for(row, route, world, own=own)
            for role in row.cells:
                expected = parse_cell(row.cells[role], row.method)
                assert expected is not None
                want = expected[0 if own else 1]
                if want == "ok":
                    continue
                got = outcome(send(world.clients[role], row, url, route, world))
                tried += 1
                where = f"line {row.line} {row.label} ({url}) as {role}"
                if got != want:
                    wrong.append(f"{where}: matrix {want}, got {got}")
                after = database_state()
                if after != before:
                    wrong.append(f"{where}: the database changed")
                    before = after
    assert tried > 100, f"only {tried} refused changes tried"
    assert not wrong, f"{len(wrong)} refused changes differ:\n" + "\n".join(wrong)
