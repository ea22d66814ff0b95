"""The groups page shows each group's maatwerk defaults (issue 10)."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_groups_page_shows_mode_key_and_the_fall_back_attributes(client_for) -> None:
    body = client_for("beleid.haarlem").get(reverse("target_groups:list")).content.decode()
    assert "eigen vraag (waar de vraag ontstaat)" in body
    assert "wettelijke taakstelling" in body
    assert "Banen (werkgelegenheid) 100%" in body
    assert "Sociale huurwoningen (corporatiebezit) 50%" in body
    assert "Bestaande plekken opvang en beschermd wonen" in body
    assert "Telt als wettelijke urgent (terugvalregel)" in body


def _admin_data(response) -> dict:
    form = response.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None:
            continue
        if isinstance(value, bool):
            if value:
                data[name] = "on"
            continue
        data[name] = field.prepare_value(value) if hasattr(field, "prepare_value") else value
    return data


def test_the_programme_team_edits_the_defaults_in_the_admin(client_for) -> None:
    from target_groups.models import TargetGroup

    c = client_for("programma")
    students = TargetGroup.objects.get(code="students")
    url = reverse("admin:target_groups_targetgroup_change", args=[students.pk])
    response = c.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert "default_weights" in body
    assert "housed_from_mutations" in body
    data = _admin_data(response)
    data["allocation_mode"] = "spread"
    data["default_weights"] = '{"study_places": "1"}'
    refused = c.post(url, data)
    assert refused.status_code == 200
    assert "Spreiden past niet bij deze groep" in refused.content.decode()
    data["spreading_suitable"] = "on"
    assert c.post(url, data).status_code == 302
    students.refresh_from_db()
    assert students.allocation_mode == "spread"
    assert students.default_weights == {"study_places": "1"}
    assert students.history.latest().history_user.username == "programma"
