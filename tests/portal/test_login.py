import pytest
from django.urls import reverse

from tests.personas import PASSWORD


def test_an_employee_logs_in_and_lands_on_the_front_page(client, reporter):
    response = client.post(reverse("login"), {"username": "rikke", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert "Indberet et sikkerhedsbrud" in client.get("/").text


def test_a_wrong_password_gets_a_danish_error_and_keeps_the_username(client, reporter):
    response = client.post(reverse("login"), {"username": "rikke", "password": "forkert"})
    assert response.status_code == 200
    assert "Indtast venligst korrekt brugernavn og adgangskode" in response.text
    assert 'value="rikke"' in response.text


def test_logging_out_needs_a_post_and_ends_the_session(client, reporter):
    client.force_login(reporter)
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_the_gdpr_unit_sees_the_deadline_link_and_an_employee_does_not(client, reporter, gdpr_user):
    client.force_login(reporter)
    assert "Frister" not in client.get("/").text
    client.force_login(gdpr_user)
    assert "Frister" in client.get("/").text


@pytest.mark.django_db
def test_the_footer_shows_the_folders_contacts_from_settings(client, reporter, settings):
    settings.PORTAL_CONTACTS = {**settings.PORTAL_CONTACTS, "it_phone": "12 34 56 78"}
    client.force_login(reporter)
    html = client.get("/").text
    assert 'href="tel:+4512345678"' in html
    assert "sikkerhedsbrud@herlev.dk" in html
    assert "it@herlev.dk" in html


def test_managers_it_and_the_gdpr_unit_see_the_case_list_link(client, reporter, manager, it_user):
    client.force_login(reporter)
    assert ">Sager<" not in client.get("/").text
    for user in (manager, it_user):
        client.force_login(user)
        assert ">Sager<" in client.get("/").text


def test_the_gdpr_unit_lands_on_the_deadline_dashboard(client, gdpr_user):
    response = client.post(reverse("login"), {"username": "gry", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/sikkerhedsbrud/frister/"
    assert client.get(response["Location"]).status_code == 200


def test_opening_the_portals_address_leads_the_gdpr_unit_to_the_dashboard(client, gdpr_user):
    # The front page sends visitors to the login page with itself as `next`.
    login_url = client.get("/")["Location"]
    response = client.post(login_url, {"username": "gry", "password": PASSWORD})
    assert response["Location"] == "/sikkerhedsbrud/frister/"


def test_a_next_page_wins_over_the_gdpr_units_dashboard(client, gdpr_user):
    response = client.post(
        reverse("login") + "?next=/sikkerhedsbrud/fortegnelse/",
        {"username": "gry", "password": PASSWORD},
    )
    assert response["Location"] == "/sikkerhedsbrud/fortegnelse/"


def test_another_site_as_next_is_ignored_and_the_gdpr_unit_lands_on_the_dashboard(
    client, gdpr_user
):
    response = client.post(
        reverse("login") + "?next=https://example.com/",
        {"username": "gry", "password": PASSWORD},
    )
    assert response["Location"] == "/sikkerhedsbrud/frister/"


def test_managers_and_it_still_land_on_the_front_page(client, manager, it_user):
    for username in ("mona", "ib"):
        client.logout()
        response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
        assert response["Location"] == "/", username
