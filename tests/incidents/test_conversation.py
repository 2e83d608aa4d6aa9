"""A conversation that reaches people: a message to the reporter and the reporter's new
information each send an e-mail (the reference, never the words) and stay marked as new in
the lists until the person they were said to opens the case; the manager e-mailed about a
report confirms on the case that they have acted; the e-mails the portal sent to the manager
and IT are what "notified" records."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from incidents import services
from incidents.models import Incident, Notification, TimelineEntry
from tests.gdpr.conftest import run_worker_in_process
from tests.incidents import steps
from tests.incidents.conftest import make_incident

Kind = Notification.Kind
SECRET = "Bodil Borgersens sag skal slettes"  # words that must stay in the portal


def unread(user, incident) -> bool:
    return Incident.objects.filter(pk=incident.pk).with_unread(user).get().unread


@pytest.fixture
def incident(reporter, gdpr_user):
    incident = make_incident(reporter)
    run_worker_in_process()  # the report's own four e-mails
    mail.outbox.clear()
    return incident


@pytest.mark.django_db
def test_a_message_to_the_reporter_is_emailed_without_its_words(incident, reporter, gdpr_user):
    line = services.incident_send_message(incident=incident, actor=gdpr_user, text=SECRET)

    row = Notification.objects.get(about=line)
    assert (row.kind, row.recipient_email) == (Kind.MESSAGE_REPORTER, reporter.email)
    run_worker_in_process()
    [email] = mail.outbox
    assert email.to == [reporter.email]
    assert email.subject == (
        f"[{incident.reference}] {incident.get_category_display()} – ny besked om din indberetning"
    )
    assert "Borgersen" not in email.subject + email.body
    assert reverse("incidents:detail", args=[incident.reference]) in email.body


@pytest.mark.django_db
def test_each_message_is_its_own_email(incident, gdpr_user):
    for text in ("Hvornår så du mobilen sidst?", "Var den låst?"):
        services.incident_send_message(incident=incident, actor=gdpr_user, text=text)
    run_worker_in_process()
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_a_message_is_new_to_the_reporter_until_they_open_the_case(incident, reporter, gdpr_user):
    assert not unread(reporter, incident)
    services.incident_send_message(incident=incident, actor=gdpr_user, text="Var den låst?")
    assert unread(reporter, incident)
    assert not unread(gdpr_user, incident)  # their own words are not news to them

    services.incident_log_view(incident=incident, viewer=reporter)
    assert not unread(reporter, incident)


@pytest.mark.django_db
def test_opening_the_case_again_soon_after_a_new_message_marks_it_read(
    incident, reporter, gdpr_user
):
    """Openings within ten minutes are logged once, unless something was said in between:
    the opening is what marks the message read."""
    now = timezone.now()
    services.incident_log_view(incident=incident, viewer=reporter, now=now)
    services.incident_send_message(
        incident=incident, actor=gdpr_user, text="Var den låst?", now=now + timedelta(minutes=1)
    )
    assert unread(reporter, incident)
    assert services.incident_log_view(
        incident=incident, viewer=reporter, now=now + timedelta(minutes=2)
    )
    assert not unread(reporter, incident)
    assert not services.incident_log_view(
        incident=incident, viewer=reporter, now=now + timedelta(minutes=3)
    )


@pytest.mark.django_db
def test_new_information_goes_to_the_gdpr_unit_until_someone_owns_the_case(
    incident, reporter, gdpr_user
):
    line = services.incident_add_information(incident=incident, actor=reporter, text=SECRET)
    row = Notification.objects.get(about=line)
    assert (row.kind, row.recipient_email) == (
        Kind.INFORMATION_HANDLER,
        settings.PORTAL_CONTACTS["gdpr_email"],
    )
    run_worker_in_process()
    [email] = mail.outbox
    assert (
        email.subject == f"[{incident.reference}] {incident.get_category_display()} – nyt på sagen"
    )
    assert "Borgersen" not in email.body


@pytest.mark.django_db
def test_new_information_goes_to_the_owner(incident, reporter, gdpr_user):
    steps.escalate(incident, gdpr_user)
    line = services.incident_add_information(incident=incident, actor=reporter, text="Låst.")
    assert Notification.objects.get(about=line).recipient_email == gdpr_user.email


@pytest.mark.django_db
def test_new_information_is_new_to_each_handler_until_they_open_the_case(
    incident, reporter, gdpr_user, it_user
):
    services.incident_add_information(incident=incident, actor=reporter, text="Den var låst.")
    assert unread(gdpr_user, incident)
    assert unread(it_user, incident)
    assert not unread(reporter, incident)

    services.incident_log_view(incident=incident, viewer=gdpr_user)
    assert not unread(gdpr_user, incident)
    assert unread(it_user, incident)


@pytest.mark.django_db
def test_the_manager_confirms_having_acted_and_the_gdpr_unit_is_told(incident, manager, gdpr_user):
    line = services.incident_confirm_manager_acted(
        incident=incident, actor=manager, text="Talt med Rikke; kontoen er spærret."
    )
    incident.refresh_from_db()
    assert incident.manager_acted_at == line.at
    assert line.kind == TimelineEntry.Kind.MANAGER_ACTED
    assert line.body.text == "Talt med Rikke; kontoen er spærret."
    assert Notification.objects.get(about=line).kind == Kind.INFORMATION_HANDLER
    assert unread(gdpr_user, incident)

    with pytest.raises(ValidationError):
        services.incident_confirm_manager_acted(incident=incident, actor=manager)


@pytest.mark.django_db
def test_only_the_manager_emailed_about_the_report_confirms(
    incident, other_manager, gdpr_user, reporter
):
    for person in (other_manager, gdpr_user, reporter):
        with pytest.raises(PermissionDenied):
            services.incident_confirm_manager_acted(incident=incident, actor=person)


@pytest.mark.django_db
def test_the_manager_confirms_on_the_case_page(client, incident, manager):
    client.force_login(manager)
    page = client.get(reverse("incidents:detail", args=[incident.reference]))
    assert "Bekræft, at jeg har handlet" in page.content.decode()
    # What happens next is told to the manager, not as if they were the reporter.
    assert "En medarbejder i din afdeling har indberettet" in page.content.decode()
    assert "Din indberetning er modtaget" not in page.content.decode()

    answer = client.post(
        reverse("incidents:manager_acted", args=[incident.reference]), {"text": ""}
    )
    assert answer.status_code == 302
    incident.refresh_from_db()
    assert incident.manager_acted_at is not None
    page = client.get(reverse("incidents:detail", args=[incident.reference]))
    assert "Bekræft, at jeg har handlet" not in page.content.decode()
    assert "Du har bekræftet, at du har handlet." in page.content.decode()


@pytest.mark.django_db
def test_the_emails_to_the_manager_and_it_record_them_as_notified(reporter, manager):
    reported = timezone.now()
    incident = make_incident(reporter, now=reported)
    with time_machine.travel(reported + timedelta(seconds=30), tick=False):
        run_worker_in_process()
    incident.refresh_from_db()
    sent = reported + timedelta(seconds=30)
    assert (incident.manager_notified_at, incident.it_notified_at) == (sent, sent)
    line = incident.timeline.get(kind=TimelineEntry.Kind.EMAIL_SENT, changes__email="new_report_it")
    assert line.changes["it_notified_at"] == [None, sent.isoformat()]


@pytest.mark.django_db
def test_a_notified_time_already_recorded_is_kept(reporter, it_user):
    reported = timezone.now()
    incident = make_incident(reporter, now=reported)
    services.incident_record_people_notified(
        incident=incident,
        actor=it_user,
        manager_notified_at=reported,
        it_notified_at=None,
        expected_version=steps.v(incident),
    )
    run_worker_in_process()
    incident.refresh_from_db()
    assert incident.manager_notified_at == reported
    assert incident.it_notified_at is not None
