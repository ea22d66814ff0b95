"""Who may download which agreement and export; every role on both sides of the line."""

from __future__ import annotations

import pytest

from reports.models import AgreementDocument, DocumentStatus

from .conftest import FAKE_PDF

pytestmark = pytest.mark.django_db

ZK_ALLOWED = [
    "coordinator.zuid-kennemerland",
    "stuurgroep.zuid-kennemerland",
    "beleid.haarlem",
    "beleid2.haarlem",
    "voorzitter",
    "programma",
    "beheer",
]
ZK_DENIED = ["beleid.amsterdam", "stuurgroep.amsterdam", "stuurgroep.ijmond"]
MRA_ALLOWED = ["voorzitter", "programma", "beheer", "stuurgroep.amsterdam", "stuurgroep.ijmond"]
MRA_DENIED = ["coordinator.zuid-kennemerland", "beleid.haarlem", "beleid.amsterdam"]


def _pdf_url(round_, scope: str) -> str:
    return f"/rondes/{round_.pk}/afspraken/{scope}.pdf"


@pytest.mark.parametrize("username", ZK_ALLOWED)
def test_the_subregion_agreement_downloads_for_its_own_people_and_region_wide_roles(
    rounds_for_views, client_for, username
) -> None:
    response = client_for(username).get(_pdf_url(rounds_for_views["adopted"], "zuid-kennemerland"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert response.content == FAKE_PDF


@pytest.mark.parametrize("username", ZK_DENIED)
def test_the_subregion_agreement_is_refused_to_other_subregions(
    rounds_for_views, client_for, username
) -> None:
    response = client_for(username).get(_pdf_url(rounds_for_views["adopted"], "zuid-kennemerland"))
    assert response.status_code == 403
    assert FAKE_PDF not in response.content


@pytest.mark.parametrize("username", MRA_ALLOWED)
def test_the_mra_agreement_downloads_for_region_wide_roles_and_every_steering_member(
    rounds_for_views, client_for, username
) -> None:
    response = client_for(username).get(_pdf_url(rounds_for_views["adopted"], "mra"))
    assert response.status_code == 200
    assert response.content == FAKE_PDF


@pytest.mark.parametrize("username", MRA_DENIED)
def test_the_mra_agreement_is_refused_to_coordinators_and_officers(
    rounds_for_views, client_for, username
) -> None:
    response = client_for(username).get(_pdf_url(rounds_for_views["adopted"], "mra"))
    assert response.status_code == 403


def test_an_anonymous_visitor_is_sent_to_the_login_page(rounds_for_views, client_for) -> None:
    response = client_for(None).get(_pdf_url(rounds_for_views["adopted"], "zuid-kennemerland"))
    assert response.status_code == 302
    assert "/inloggen/" in response["Location"]


def test_an_unknown_subregion_is_not_found(rounds_for_views, client_for) -> None:
    response = client_for("programma").get(_pdf_url(rounds_for_views["adopted"], "atlantis"))
    assert response.status_code == 404


def test_an_unadopted_round_has_no_pdf_and_says_so_in_dutch(rounds_for_views, client_for) -> None:
    round_ = rounds_for_views["in_review"]
    response = client_for("coordinator.zuid-kennemerland").get(
        _pdf_url(round_, "zuid-kennemerland")
    )
    assert response.status_code == 404
    text = response.content.decode()
    assert "is nog niet vastgesteld" in text
    assert response["Content-Type"].startswith("text/html")
    page = client_for("programma").get(f"/rondes/{round_.pk}/afspraken/")
    assert page.status_code == 404
    assert "Nog geen afspraken" in page.content.decode()


def test_a_document_still_being_made_is_not_served(rounds_for_views, client_for) -> None:
    round_ = rounds_for_views["adopted"]
    AgreementDocument.objects.filter(round=round_, subregion__slug="ijmond").update(
        status=DocumentStatus.GENERATING, pdf=None, sha256=""
    )
    response = client_for("stuurgroep.ijmond").get(_pdf_url(round_, "ijmond"))
    assert response.status_code == 404
    assert "nog niet klaar" in response.content.decode()


def test_the_agreements_page_lists_only_what_the_user_may_download(
    rounds_for_views, client_for, django_assert_max_num_queries
) -> None:
    round_ = rounds_for_views["adopted"]
    client = client_for("coordinator.zuid-kennemerland")
    with django_assert_max_num_queries(12):
        page = client.get(f"/rondes/{round_.pk}/afspraken/")
    html = page.content.decode()
    assert page.status_code == 200
    assert _pdf_url(round_, "zuid-kennemerland") in html
    assert _pdf_url(round_, "amsterdam") not in html
    assert _pdf_url(round_, "mra") not in html
    chair = client_for("voorzitter").get(f"/rondes/{round_.pk}/afspraken/").content.decode()
    assert chair.count(".pdf") == 7  # IJmond's failed


def test_the_round_page_links_to_the_agreements_and_exports_once_adopted(
    rounds_for_views, client_for
) -> None:
    client = client_for("programma")
    adopted = client.get(rounds_for_views["adopted"].get_absolute_url()).content.decode()
    assert f"/rondes/{rounds_for_views['adopted'].pk}/afspraken/" in adopted
    assert f"/rondes/{rounds_for_views['adopted'].pk}/export.xlsx" in adopted
    draft = client.get(rounds_for_views["in_review"].get_absolute_url()).content.decode()
    assert "/afspraken/" not in draft


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize(
    "username", ["beleid.amsterdam", "coordinator.zuid-kennemerland", "voorzitter"]
)
def test_every_role_may_export_the_adopted_numbers_and_a_run(
    rounds_for_views, client_for, username, fmt
) -> None:
    round_ = rounds_for_views["adopted"]
    client = client_for(username)
    response = client.get(f"/rondes/{round_.pk}/export.{fmt}")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    run_response = client.get(f"/berekeningen/{round_.agreed_run_id}/export.{fmt}")
    assert run_response.status_code == 200


def test_the_run_page_links_to_its_exports(rounds_for_views, client_for) -> None:
    run_id = rounds_for_views["adopted"].agreed_run_id
    html = client_for("beleid.haarlem").get(f"/berekeningen/{run_id}/").content.decode()
    assert f"/berekeningen/{run_id}/export.xlsx" in html
    assert f"/berekeningen/{run_id}/export.csv" in html


def test_exports_are_refused_to_users_without_a_role_and_anonymous_visitors(
    rounds_for_views, client_for, django_user_model
) -> None:
    round_ = rounds_for_views["adopted"]
    django_user_model.objects.create_user(username="zonder.rol", password="x")
    response = client_for("zonder.rol").get(f"/rondes/{round_.pk}/export.xlsx")
    assert response.status_code == 403
    response = client_for("zonder.rol").get(_pdf_url(round_, "zuid-kennemerland"))
    assert response.status_code == 403
    response = client_for(None).get(f"/berekeningen/{round_.agreed_run_id}/export.csv")
    assert response.status_code == 302


def test_an_unadopted_round_has_no_export_and_an_unknown_format_is_not_found(
    rounds_for_views, client_for
) -> None:
    client = client_for("programma")
    response = client.get(f"/rondes/{rounds_for_views['in_review'].pk}/export.xlsx")
    assert response.status_code == 404
    assert "nog niet vastgesteld" in response.content.decode()
    response = client.get(f"/rondes/{rounds_for_views['adopted'].pk}/export.pdf")
    assert response.status_code == 404


# --- status and "opnieuw maken" (issue 11) --------------------------------------------------


def _regenerate_url(round_, scope: str) -> str:
    return f"/rondes/{round_.pk}/afspraken/{scope}/opnieuw-maken/"


def test_the_agreements_page_shows_each_documents_status_and_the_button_to_the_programme_team(
    rounds_for_views, client_for
) -> None:
    round_ = rounds_for_views["adopted"]
    html = client_for("programma").get(f"/rondes/{round_.pk}/afspraken/").content.decode()
    assert 'id="status-zuid-kennemerland"' in html
    assert "Klaar" in html
    # Only a document that is not ready can be made again (a ready one is kept as made).
    assert html.count("opnieuw-maken/") == 1
    assert _regenerate_url(round_, "ijmond") in html
    chair = client_for("voorzitter").get(f"/rondes/{round_.pk}/afspraken/").content.decode()
    assert chair.count("opnieuw-maken/") == 1
    other = client_for("stuurgroep.ijmond").get(f"/rondes/{round_.pk}/afspraken/").content.decode()
    assert "opnieuw-maken/" not in other
    assert 'id="status-mra"' in other


def test_the_programme_team_makes_an_agreement_again(
    rounds_for_views, client_for, queue, django_capture_on_commit_callbacks
) -> None:
    sent = queue.sent
    round_ = rounds_for_views["adopted"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("programma").post(_regenerate_url(round_, "ijmond"))
    assert response.status_code == 302
    doc = AgreementDocument.objects.get(round=round_, subregion__slug="ijmond")
    assert doc.status == DocumentStatus.PENDING
    assert doc.pdf is None
    assert doc.queued_at is not None
    assert sent == [doc.pk]


@pytest.mark.parametrize(
    "username",
    [
        "beleid.haarlem",
        "coordinator.zuid-kennemerland",
        "stuurgroep.zuid-kennemerland",
        "beheer",
    ],
)
def test_other_roles_may_not_make_an_agreement_again(
    rounds_for_views, client_for, username
) -> None:
    round_ = rounds_for_views["adopted"]
    response = client_for(username).post(_regenerate_url(round_, "zuid-kennemerland"))
    assert response.status_code == 403
    doc = AgreementDocument.objects.get(round=round_, subregion__slug="zuid-kennemerland")
    assert doc.status == DocumentStatus.READY


def test_making_again_needs_a_post_and_a_login(rounds_for_views, client_for) -> None:
    round_ = rounds_for_views["adopted"]
    anonymous = client_for(None).post(_regenerate_url(round_, "mra"))
    assert anonymous.status_code == 302
    assert "/inloggen/" in anonymous["Location"]
    assert client_for("programma").get(_regenerate_url(round_, "mra")).status_code == 405
    assert client_for("programma").post(_regenerate_url(round_, "onbekend")).status_code == 404
    doc = AgreementDocument.objects.get(round=round_, subregion__isnull=True)
    assert doc.status == DocumentStatus.READY
