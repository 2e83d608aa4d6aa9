"""The personal deadline calendar: one iCalendar event per open Datatilsynet deadline.

Events carry only the reference and category — no personal data — and link to the incident.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from incidents.models import CalendarFeed, Incident


def feed_create(*, user: User) -> CalendarFeed:
    """A new secret URL for `user`, replacing (and so revoking) any earlier one."""
    with transaction.atomic():
        CalendarFeed.objects.filter(user=user).delete()
        return CalendarFeed.objects.create(user=user, token=secrets.token_urlsafe(32))


def feed_revoke(*, user: User) -> None:
    CalendarFeed.objects.filter(user=user).delete()


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """RFC 5545: lines of at most 75 octets, continued with CRLF and a space."""
    out, current = [], b""
    for char in line:
        encoded = char.encode()
        if len(current) + len(encoded) > 75:
            out.append(current.decode())
            current = b" "
        current += encoded
    out.append(current.decode())
    return "\r\n".join(out)


def _stamp(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def render_feed(*, now: datetime) -> str:
    domain = urlsplit(settings.SITE_URL).hostname or "sikkerhedsportalen.invalid"
    incidents = Incident.objects.awaiting_notification().order_by("notification_deadline")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Sikkerhedsportalen//Frister//DA",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "X-WR-CALNAME:" + _escape(_("Frister for anmeldelse til Datatilsynet")),
    ]
    with translation.override("da"):
        for incident in incidents.only("reference", "category", "notification_deadline"):
            url = settings.SITE_URL + reverse("incidents:detail", args=[incident.reference])
            summary = _("Frist: %(ref)s – %(category)s") % {
                "ref": incident.reference,
                "category": incident.get_category_display(),
            }
            lines += [
                "BEGIN:VEVENT",
                f"UID:deadline-{incident.reference}@{domain}",
                f"DTSTAMP:{_stamp(now)}",
                f"DTSTART:{_stamp(incident.notification_deadline - timedelta(minutes=30))}",
                f"DTEND:{_stamp(incident.notification_deadline)}",
                "SUMMARY:" + _escape(summary),
                "DESCRIPTION:"
                + _escape(_("72-timersfristen for anmeldelse til Datatilsynet udløber. %(url)s"))
                % {"url": url},
                f"URL:{url}",
                "BEGIN:VALARM",
                "ACTION:DISPLAY",
                "DESCRIPTION:" + _escape(summary),
                "TRIGGER:-PT6H",
                "END:VALARM",
                "END:VEVENT",
            ]
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)
