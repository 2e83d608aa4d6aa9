"""The evidence an auditor asks for, as a CSV file for Excel: who confirmed which version of which
section when. The same safety as the breach register's CSV (incidents/register.py): ISO dates
Excel sorts, ';' and a byte-order mark for Danish Excel, and a leading apostrophe on any cell
that begins with = + - @ tab or CR (OWASP's CSV-injection rule)."""

from __future__ import annotations

import csv
from collections.abc import Iterator

from django.http import StreamingHttpResponse
from django.utils.translation import gettext as _

from awareness.models import Campaign
from awareness.progress import EvidenceRow, evidence
from incidents.formatting import iso_local
from incidents.register import spreadsheet_safe


class _Echo:
    def write(self, value: str) -> str:
        return value


def columns() -> list[str]:
    return [
        _("Afdeling"),
        _("Navn"),
        _("Brugernavn"),
        _("Afsnit"),
        _("Version, kampagnen beder om"),
        _("Bekræftet version"),
        _("Bekræftet"),
        _("Bekræftet i kampagnen"),
        _("Spørgsmål"),
        _("Svar"),
    ]


def cells(row: EvidenceRow) -> list[str]:
    confirmation = row.confirmation
    return [
        row.department,
        row.name,
        row.username,
        row.section,
        str(row.asked_version),
        str(confirmation.content_version) if confirmation else "",
        iso_local(confirmation.confirmed_at) if confirmation else _("Ikke bekræftet"),
        confirmation.campaign.title if confirmation else "",
        confirmation.question if confirmation else "",
        confirmation.answer if confirmation else "",
    ]


def _lines(campaign: Campaign) -> Iterator[str]:
    writer = csv.writer(_Echo(), delimiter=";", lineterminator="\r\n")
    yield "\ufeff" + writer.writerow(columns())
    for row in evidence(campaign):
        yield writer.writerow([spreadsheet_safe(cell) for cell in cells(row)])


def csv_response(campaign: Campaign) -> StreamingHttpResponse:
    # Labels are taken now, while the request's language is active.
    lines = list(_lines(campaign))
    response = StreamingHttpResponse(iter(lines), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="dokumentation-kampagne-{campaign.pk}.csv"'
    )
    return response
