import pytest
from django.contrib import auth
from django.core.management import CommandError, call_command
from django.test import RequestFactory

from portal import roles


def authenticate(**credentials):
    # django-axes needs the request a login comes with (it throttles per address).
    return auth.authenticate(RequestFactory().post("/log-ind/"), **credentials)


@pytest.mark.django_db
def test_demo_accounts_are_refused_outside_demo_mode(settings):
    settings.PORTAL_DEMO = False
    with pytest.raises(CommandError, match="PORTAL_DEMO"):
        call_command("create_demo_accounts")


@pytest.mark.django_db
def test_demo_mode_prints_one_working_account_per_role(settings, tmp_path, capsys):
    settings.PORTAL_DEMO = True
    settings.VAR_DIR = tmp_path
    call_command("create_demo_accounts")
    call_command("create_demo_accounts")  # running again keeps the same passwords
    printed = capsys.readouterr().out.split("Demokonti (kun til demo):")[-1]
    accounts = dict(line.split() for line in printed.strip().splitlines())
    assert set(accounts) == {"medarbejder", "kollega", "leder", "it", "gdpr", "admin"}
    for username, password in accounts.items():
        assert authenticate(username=username, password=password), username
    assert roles.is_gdpr_unit(authenticate(username="gdpr", password=accounts["gdpr"]))
    employee = authenticate(username="medarbejder", password=accounts["medarbejder"])
    assert employee.profile.manager.username == "leder"
