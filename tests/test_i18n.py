"""Dutch first, English available; the Dutch catalogue is complete and compiled."""

from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale" / "nl" / "LC_MESSAGES" / "django.po"


def test_every_string_has_a_dutch_translation() -> None:
    po = polib.pofile(str(PO))
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert untranslated == []
    assert fuzzy == []


def test_compiled_catalogue_matches_the_source() -> None:
    po = polib.pofile(str(PO))
    mo = polib.mofile(str(PO.with_suffix(".mo")))
    compiled = {e.msgid: e.msgstr for e in mo if not e.msgid_plural}
    for entry in po.translated_entries():
        if not entry.msgid_plural:
            assert compiled.get(entry.msgid) == entry.msgstr, entry.msgid


@pytest.mark.django_db
def test_interface_is_dutch_by_default_and_english_on_request(client_for) -> None:
    c = client_for("beleid.haarlem")
    assert "Gemeenten" in c.get("/gemeenten/").content.decode()
    c.post("/i18n/setlang/", {"language": "en", "next": "/gemeenten/"})
    body = c.get("/gemeenten/").content.decode()
    assert "Municipalities with population" in body
    assert 'lang="en"' in body


@pytest.mark.django_db
def test_language_switch_works_before_login(client) -> None:
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/inloggen/"})
    assert response.status_code == 302
    assert "Log in with the account" in client.get("/inloggen/").content.decode()


@pytest.mark.django_db
def test_an_english_browser_still_gets_dutch_until_the_user_chooses(client_for) -> None:
    c = client_for("beleid.haarlem")
    body = c.get("/gemeenten/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "Gemeenten met inwoners" in body
