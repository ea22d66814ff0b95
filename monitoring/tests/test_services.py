"""Entering, submitting and confirming realised numbers: validation, four eyes, history."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from core.models import FigureStatus
from monitoring import services
from monitoring.models import Realisation
from municipalities.models import Municipality

DATE = datetime.date(2026, 3, 31)


def entry(value: object, source: str = "Eigen registratie", when: object = DATE):
    return services.RealisationInput(realised=value, source=source, reference_date=when)


@pytest.fixture
def haarlem(db) -> Municipality:
    return Municipality.objects.get(cbs_code="GM0392")


def save(adopted, haarlem, user, values, year=2026, quarter=1):
    return services.realisations_save_draft(
        round_=adopted, municipality=haarlem, year=year, quarter=quarter, values=values, user=user
    )


def test_officer_saves_a_quarter_as_draft_with_history(adopted, haarlem, user_named) -> None:
    officer = user_named("beleid.haarlem")
    assert save(adopted, haarlem, officer, {"urgent": entry("16"), "homeless": entry("1.200")})
    urgent = Realisation.objects.get(group__code="urgent")
    assert (urgent.realised, urgent.status, urgent.updated_by) == (16, "draft", officer)
    assert Realisation.objects.get(group__code="homeless").realised == 1200
    assert urgent.history.first().history_user == officer
    # Saving the same numbers again changes nothing.
    assert save(adopted, haarlem, officer, {"urgent": entry("16")}) == 0


@pytest.mark.parametrize(
    ("value", "code"),
    [("-1", "V002"), ("2,5", "V003"), ("veel", "V001"), ("", "M004")],
)
def test_a_wrong_number_is_refused_and_nothing_is_saved(
    adopted, haarlem, user_named, value, code
) -> None:
    with pytest.raises(services.RealisationsRejected) as exc:
        save(
            adopted,
            haarlem,
            user_named("beleid.haarlem"),
            {"homeless": entry("3"), "urgent": entry(value)},
        )
    assert [i.code for i in exc.value.issues] == [code]
    assert not Realisation.objects.exists()


def test_source_date_group_and_quarter_are_checked(adopted, haarlem, user_named) -> None:
    officer = user_named("beleid.haarlem")
    with pytest.raises(services.RealisationsRejected) as exc:
        save(adopted, haarlem, officer, {"urgent": entry("3", source="", when=None)})
    assert {i.code for i in exc.value.issues} == {"V007", "V008"}
    with pytest.raises(services.RealisationsRejected) as exc:
        save(adopted, haarlem, officer, {"students": entry("3")})
    assert [i.code for i in exc.value.issues] == ["M003"]
    with pytest.raises(services.RealisationsRejected) as exc:
        save(adopted, haarlem, officer, {"urgent": entry("3")}, year=2028)
    assert [i.code for i in exc.value.issues] == ["M002"]
    assert "2028" in exc.value.issues[0].message
    assert not Realisation.objects.exists()


def test_officer_cannot_enter_numbers_of_another_municipality(adopted, haarlem, user_named) -> None:
    for username in ("beleid.amsterdam", "programma", "coordinator.zuid-kennemerland"):
        with pytest.raises(PermissionDenied):
            save(adopted, haarlem, user_named(username), {"urgent": entry("3")})


def test_four_eyes_a_colleague_confirms_not_the_submitter(adopted, haarlem, user_named) -> None:
    first, second = user_named("beleid.haarlem"), user_named("beleid2.haarlem")
    kwargs = {"round_": adopted, "municipality": haarlem, "year": 2026, "quarter": 1}
    save(adopted, haarlem, first, {"urgent": entry("16")})
    with pytest.raises(services.WorkflowError):
        services.realisations_confirm(user=second, **kwargs)
    assert services.realisations_submit(user=first, **kwargs) == 1
    with pytest.raises(PermissionDenied):
        services.realisations_confirm(user=first, **kwargs)
    with pytest.raises(PermissionDenied):
        services.realisations_confirm(user=user_named("beleid.amsterdam"), **kwargs)
    assert services.realisations_confirm(user=second, **kwargs) == 1
    realisation = Realisation.objects.get()
    assert (realisation.status, realisation.confirmed_by) == (FigureStatus.CONFIRMED, second)
    assert realisation.history.count() == 3
    # A change afterwards is a draft again and needs four eyes anew.
    save(adopted, haarlem, second, {"urgent": entry("17")})
    realisation.refresh_from_db()
    assert (realisation.status, realisation.realised) == (FigureStatus.DRAFT, 17)
