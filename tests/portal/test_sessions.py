"""Sessions that know their user: the session, the user and their roles come from one query, and
logging out, a deactivated account, a changed password or a changed role shows on the very next
request (portal.sessions)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal import roles, sessions
from portal.models import Session
from portal.sessions import SessionStore
from tests.personas import PASSWORD


def logged_in(user: User) -> Client:
    """A browser logged in through the real login form."""
    client = Client()
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def same_session(client: Client) -> Client:
    """A second browser tab: another client holding the same session cookie."""
    other = Client()
    other.cookies = client.cookies
    return other


def test_a_page_reads_the_session_the_user_and_their_roles_in_one_query(manager):
    client = logged_in(manager)
    client.get(reverse("guidance:contacts"))
    with CaptureQueriesContext(connection) as queries:
        html = client.get(reverse("guidance:contacts")).text
    assert ">Sager<" in html  # the manager's role, asked by the layout
    statements = [q["sql"] for q in queries]
    assert statements[0].startswith(f"EXECUTE {sessions.LOAD_STATEMENT} (")
    assert not [s for s in statements[1:] if "session" in s or "auth_" in s]
    assert "auth_group" in sessions._load_sql()


def test_the_session_row_names_its_user_and_an_anonymous_one_none(reporter):
    anonymous = SessionStore()
    anonymous["oidc_states"] = {"state": {}}  # what an unfinished login with the provider keeps
    anonymous.save()
    assert Session.objects.get(session_key=anonymous.session_key).user_id is None
    browser = logged_in(reporter)
    key = browser.cookies["sessionid"].value
    assert Session.objects.get(session_key=key).user_id == reporter.pk


def test_logging_out_ends_the_session_in_every_tab_on_the_very_next_request(reporter):
    tab = logged_in(reporter)
    other_tab = same_session(tab)
    assert other_tab.get("/").status_code == 200
    tab.post(reverse("logout"))
    response = other_tab.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("how", ["password", "provider"])
def test_a_deactivated_account_is_logged_out_on_the_very_next_request(reporter, how):
    if how == "password":
        client = logged_in(reporter)
    else:  # force_login stores the first backend: the OpenID Connect one
        client = Client()
        client.force_login(reporter)
    assert client.get("/").status_code == 200
    User.objects.filter(pk=reporter.pk).update(is_active=False)
    assert client.get("/").status_code == 302


def test_a_changed_password_ends_the_other_sessions_at_once_and_keeps_this_one(reporter):
    laptop = logged_in(reporter)
    phone = logged_in(reporter)
    response = laptop.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Nyere2027Kode",
            "new_password2": "Nyere2027Kode",
        },
    )
    assert response.status_code == 302
    assert laptop.get("/").status_code == 200
    assert phone.get("/").status_code == 302


def test_a_password_set_in_the_admin_ends_the_session_on_the_very_next_request(reporter):
    client = logged_in(reporter)
    reporter.set_password("Andet2027Kodeord")
    reporter.save()
    assert client.get("/").status_code == 302


def test_a_role_given_or_taken_shows_on_the_very_next_request(reporter):
    client = logged_in(reporter)
    assert ">Frister<" not in client.get("/").text
    assert client.get(reverse("incidents:dashboard")).status_code == 403
    reporter.groups.add(Group.objects.get_or_create(name=roles.IT)[0])
    assert ">Frister<" in client.get("/").text
    assert client.get(reverse("incidents:dashboard")).status_code == 200
    reporter.groups.clear()
    assert ">Frister<" not in client.get("/").text
    assert client.get(reverse("incidents:dashboard")).status_code == 403


def test_deleting_a_user_deletes_their_sessions(reporter):
    logged_in(reporter)
    reporter.delete()
    assert not Session.objects.exists()


def test_the_signed_session_data_decides_who_is_logged_in_not_the_user_column(reporter, colleague):
    client = logged_in(reporter)
    Session.objects.update(user=colleague)
    html = client.get("/").text
    assert "Rikke Rasmussen" in html
    assert "Carl Christensen" not in html


def test_a_session_from_before_a_secret_key_rotation_lasts_and_moves_to_a_new_key(
    reporter, settings
):
    client = logged_in(reporter)
    old_key = client.cookies["sessionid"].value
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-key-" + "x" * 40
    assert client.get("/").status_code == 200
    new_key = client.cookies["sessionid"].value
    assert new_key != old_key
    assert not Session.objects.filter(session_key=old_key).exists()
    assert client.get("/").status_code == 200


def test_a_tampered_session_hash_ends_the_session(reporter):
    client = logged_in(reporter)
    session = client.session
    session["_auth_user_hash"] = "0" * 64
    session.save()
    assert client.get("/").status_code == 302
    assert not Session.objects.exists()


def test_the_role_key_tells_every_set_of_groups_apart(reporter, colleague, manager):
    def role_key(user: User) -> str:
        session = SessionStore(logged_in(user).cookies["sessionid"].value)
        session.load()
        return session.loaded.role_key

    reporter.groups.add(Group.objects.create(name="a,b"))
    colleague.groups.add(Group.objects.create(name="a"), Group.objects.create(name="b"))
    manager.groups.set(Group.objects.filter(name__in=["a", "b"]))
    assert role_key(reporter) != role_key(colleague) == role_key(manager)
