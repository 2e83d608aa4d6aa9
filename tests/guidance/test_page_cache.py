"""The folder's pages are rendered once and served from the cache: each person still sees their own
name, CSRF token and messages, and an edit, an import or a role change shows on the very next
request (portal.caching)."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group
from django.db import transaction
from django.test import Client
from django.urls import reverse

from guidance.content import CONTENT_FILE, import_folder
from guidance.models import Contact, Rule, Section
from portal import caching, roles
from portal.models import ContentVersion
from tests.guidance.test_editing import _section_form_data
from tests.personas import PASSWORD

pytestmark = pytest.mark.django_db

FOLDER_PAGES = [
    "/",
    "/afsnit/virus/",
    "/afsnit/brugernavn-og-adgangskode/",
    "/kontakt/",
    "/udskriv/",
    "/hvad-goer-jeg-nu/",
    "/hvad-goer-jeg-nu/mistet-udstyr/",
    "/soeg/?q=virus",
    "/soeg/?q=fodbold",
    "/soeg/",
]


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def folder_version() -> int:
    return dict(ContentVersion.objects.values_list("name", "version")).get(caching.FOLDER, 0)


def without_csrf_token(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


@pytest.mark.parametrize("path", FOLDER_PAGES)
def test_a_cached_page_is_the_page_rendered_without_the_cache(path, reporter, settings):
    client = as_user(reporter)
    cached = [client.get(path) for _ in range(2)][-1]
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    uncached = client.get(path)
    assert cached.status_code == uncached.status_code == 200
    assert without_csrf_token(cached.text) == without_csrf_token(uncached.text)


@pytest.mark.parametrize("path", FOLDER_PAGES)
def test_the_next_person_sees_their_own_name_not_the_one_who_filled_the_cache(
    path, reporter, colleague
):
    as_user(colleague).get(path)  # renders and keeps the page
    html = as_user(reporter).get(path).text
    assert "Rikke Rasmussen" in html
    assert "Carl" not in html
    assert "Christensen" not in html
    assert "carl" not in html


def test_the_password_checker_knows_the_viewers_own_name(reporter, colleague):
    path = "/afsnit/brugernavn-og-adgangskode/"
    as_user(colleague).get(path)
    html = as_user(reporter).get(path).text
    assert 'data-username="rikke" data-first-name="Rikke" data-last-name="Rasmussen"' in html


def test_each_request_gets_its_own_csrf_token_and_logging_out_with_it_works(reporter):
    client = as_user(reporter)
    client.get("/kontakt/")
    client.handler.enforce_csrf_checks = True
    html = client.get("/kontakt/").text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    response = client.post(reverse("logout"), {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert client.get("/kontakt/").status_code == 302


def test_a_message_shows_once_on_a_cached_page(reporter):
    client = Client()
    client.post(reverse("login"), {"username": "rikke", "password": PASSWORD})
    client.get("/")  # the home page is now cached
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Nyere2027Kode",
            "new_password2": "Nyere2027Kode",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/"
    assert "Din adgangskode er skiftet." in response.text
    assert "Din adgangskode er skiftet." not in client.get("/").text


def test_editing_a_rule_in_the_admin_shows_on_the_very_next_request(reporter, superuser):
    employee = as_user(reporter)
    section = Section.objects.get(slug="virus")
    assert "Ny regel om virus." not in employee.get("/afsnit/virus/").text
    editor = as_user(superuser)
    url = reverse("admin:guidance_section_change", args=[section.pk])
    response = editor.post(
        url, _section_form_data(section, **{"rules-0-text": "Ny regel om virus."})
    )
    assert response.status_code == 302
    assert "Ny regel om virus." in employee.get("/afsnit/virus/").text
    assert "Ny regel om virus." in employee.get("/udskriv/").text


def test_a_contact_changed_anywhere_shows_on_the_very_next_request(reporter):
    employee = as_user(reporter)
    employee.get("/kontakt/")
    Contact.objects.filter(pk=Contact.objects.first().pk).update(phone="11 22 33 44")
    assert "11 22 33 44" in employee.get("/kontakt/").text


def test_re_importing_the_folder_shows_on_the_very_next_request(reporter, tmp_path):
    employee = as_user(reporter)
    assert "Virus og skadelig software, nu med ny titel" not in employee.get("/").text
    changed = tmp_path / "folder.toml"
    text = CONTENT_FILE.read_text(encoding="utf-8")
    title = Section.objects.get(slug="virus").title
    changed.write_text(
        text.replace(f'title = "{title}"', 'title = "Virus og skadelig software, nu med ny titel"'),
        encoding="utf-8",
    )
    import_folder(changed)
    assert "Virus og skadelig software, nu med ny titel" in employee.get("/").text


def test_the_folders_version_rises_with_the_transaction_that_changes_it():
    before = folder_version()
    section = Section.objects.get(slug="virus")
    with transaction.atomic():
        Rule.objects.create(section=section, kind="skal", text="Midlertidig.", anchor="midl")
        assert folder_version() > before
        transaction.set_rollback(True)
    assert folder_version() == before
    Section.objects.filter(pk=section.pk).update(title="Virus")
    assert folder_version() > before


def test_a_role_given_or_taken_changes_the_menu_of_a_cached_page_on_the_very_next_request(
    reporter,
):
    client = as_user(reporter)
    assert ">Sager<" not in client.get("/kontakt/").text
    reporter.groups.add(Group.objects.get_or_create(name=roles.MANAGERS)[0])
    assert ">Sager<" in client.get("/kontakt/").text
    reporter.groups.clear()
    assert ">Sager<" not in client.get("/kontakt/").text


def test_a_role_given_in_the_admin_shows_on_the_very_next_request(reporter, superuser):
    employee = as_user(reporter)
    assert ">Sager<" not in employee.get("/kontakt/").text
    assert ">Sager<" not in employee.get("/soeg/?q=virus").text
    profile = reporter.profile
    response = as_user(superuser).post(
        reverse("admin:auth_user_change", args=[reporter.pk]),
        {
            "username": reporter.username,
            "first_name": reporter.first_name,
            "last_name": reporter.last_name,
            "email": reporter.email,
            "department": profile.department_id,
            "manager": profile.manager_id or "",
            "roles": [roles.MANAGERS],
            "is_active": "on",
            "_save": "Gem",
        },
    )
    assert response.status_code == 302
    assert ">Sager<" in employee.get("/kontakt/").text
    assert ">Sager<" in employee.get("/soeg/?q=virus").text


def test_people_with_different_roles_get_their_own_menus_from_one_cache(
    reporter, manager, gdpr_user, superuser
):
    menus = {}
    for user in (reporter, manager, gdpr_user, superuser, reporter):
        html = as_user(user).get("/kontakt/").text
        menus[user.username] = [
            link for link in (">Sager<", ">Frister<", ">Administration<") if link in html
        ]
    assert menus == {
        "rikke": [],
        "mona": [">Sager<"],
        "gry": [">Sager<", ">Frister<"],
        "sune": [">Sager<", ">Frister<", ">Administration<"],
    }


def test_a_browser_asking_for_english_gets_the_danish_page_kept_for_everyone(
    reporter, django_assert_num_queries
):
    # Danish only (portal/settings.py): the language is in the key for when English comes.
    client = as_user(reporter)
    assert '<html lang="da">' in client.get("/kontakt/").text
    # The page kept for Danish (one query: the session's, which brings it along).
    with django_assert_num_queries(1):
        english = client.get("/kontakt/", HTTP_ACCEPT_LANGUAGE="en").text
    assert '<html lang="da">' in english


def test_text_an_editor_writes_cannot_open_a_hole(reporter, colleague):
    hole = "<!--0123456789abcdef:user_name-->"
    Rule.objects.filter(section__slug="virus").update(text=f"Se her: {hole}")
    as_user(colleague).get("/afsnit/virus/")
    html = as_user(reporter).get("/afsnit/virus/").text
    assert "Se her: &lt;!--0123456789abcdef:user_name--&gt;" in html
    assert "Carl" not in html


def test_a_page_that_is_not_found_is_not_kept_and_has_no_holes(reporter):
    client = as_user(reporter)
    response = client.get("/afsnit/findes-ikke/")
    assert response.status_code == 404
    assert "Rikke Rasmussen" in response.text
    assert ":user_name-->" not in response.text
    Section.objects.create(slug="findes-ikke", title="Nyt afsnit", order=999)
    assert client.get("/afsnit/findes-ikke/").status_code == 200


def test_a_changed_setting_is_not_served_from_a_page_kept_before(reporter, settings):
    client = as_user(reporter)
    client.get("/kontakt/")
    settings.PORTAL_CONTACTS = {**settings.PORTAL_CONTACTS, "it_phone": "99 88 77 66"}
    assert "99 88 77 66" in client.get("/kontakt/").text


def test_renaming_a_role_group_changes_the_menu_on_the_very_next_request(it_user):
    client = as_user(it_user)
    assert ">Frister<" in client.get("/kontakt/").text
    Group.objects.filter(name=roles.IT).update(name="IT (gammel)")
    assert ">Frister<" not in client.get("/kontakt/").text


def test_only_people_with_a_password_here_see_the_password_link(reporter, colleague):
    colleague.set_unusable_password()  # logs in with the organisation's account
    colleague.save()
    link = 'href="/adgangskode/"'
    assert link in as_user(reporter).get("/kontakt/").text
    assert link not in as_user(colleague).get("/kontakt/").text
    assert link in as_user(reporter).get("/kontakt/").text


def test_each_search_shows_its_own_words_and_results_in_the_kept_frame(reporter):
    client = as_user(reporter)
    first = client.get("/soeg/", {"q": "makulering"}).text  # renders and keeps the frame
    second = client.get("/soeg/", {"q": "virus"}).text
    assert 'value="makulering"' in first
    assert 'value="virus"' in second
    assert "<title>Søg: virus – Sikkerhedsportalen</title>" in second
    assert "resultater for »virus«" in second
    assert "makulering" not in second
    assert 'value=""' in client.get("/kontakt/").text


def test_the_search_words_are_escaped_in_the_frame(reporter):
    client = as_user(reporter)
    client.get("/soeg/", {"q": "virus"})
    html = client.get("/soeg/", {"q": '"><script>alert(1)</script>'}).text
    assert "<script>alert(1)</script>" not in html
    assert 'value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in html


def test_a_search_is_one_query_for_the_session_and_frame_and_one_for_the_search(
    reporter, django_assert_num_queries
):
    client = as_user(reporter)
    client.get("/soeg/", {"q": "virus"})
    with django_assert_num_queries(2):
        assert client.get("/soeg/", {"q": "adgangskode"}).status_code == 200


def test_the_search_frame_follows_a_role_change_on_the_very_next_request(reporter):
    client = as_user(reporter)
    assert ">Frister<" not in client.get("/soeg/", {"q": "virus"}).text
    reporter.groups.add(Group.objects.get_or_create(name=roles.GDPR_UNIT)[0])
    assert ">Frister<" in client.get("/soeg/", {"q": "virus"}).text


@pytest.mark.parametrize("path", ["/kontakt/", "/soeg/?q=virus"])
def test_pages_are_the_same_with_djangos_own_sessions_which_the_cache_does_not_serve(
    path, reporter, settings
):
    cached = [as_user(reporter).get(path) for _ in range(2)][-1]
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    plain = as_user(reporter).get(path)
    assert plain.status_code == 200
    assert "Rikke Rasmussen" in plain.text
    assert without_csrf_token(plain.text) == without_csrf_token(cached.text)
