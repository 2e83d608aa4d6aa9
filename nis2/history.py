"""NIS2's facts on the incident's timeline, as people read them (incidents/history.py hands the
"nis2" key of an entry's facts here). Stored as codes, ISO times and ids; never free text."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext as _

from incidents.formatting import dk_datetime
from incidents.history import CHANGED
from nis2.models import Nis2Case, Phase


def _label(name: str) -> str:
    try:
        label = str(Nis2Case._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name
    return label[:1].upper() + label[1:]


def _value(name: str, value) -> str:
    if value is None or value == "" or value == []:
        return "–"
    try:
        field = Nis2Case._meta.get_field(name)
    except FieldDoesNotExist:
        field = None
    base = getattr(field, "base_field", field)
    choices = dict(getattr(base, "flatchoices", None) or [])
    if isinstance(value, list):
        return ", ".join(str(choices.get(v, v)) for v in value)
    if isinstance(value, bool):
        return _("Ja") if value else _("Nej")
    if isinstance(field, models.DateTimeField):
        return dk_datetime(datetime.fromisoformat(value))
    return str(choices.get(value, value))


def fact_rows(change: dict) -> list[tuple[str, str]]:
    rows = []
    for name, value in change.items():
        if name == "submission":
            rows += _submission_rows(value)
        elif value == CHANGED:
            rows.append((_label(name), _("ændret")))
        elif isinstance(value, list) and len(value) == 2:
            old, new = (_value(name, v) for v in value)
            rows.append((_label(name), f"{old} → {new}"))
    return rows


def _submission_rows(submission: dict) -> list[tuple[str, str]]:
    phases = dict(Phase.choices)
    rows = [
        (_("Rapport"), str(phases.get(submission.get("phase"), submission.get("phase")))),
        (_("Sendt"), dk_datetime(datetime.fromisoformat(submission["submitted_at"]))),
    ]
    if submission.get("reference"):
        rows.append((_("CSIRT'ens reference"), submission["reference"]))
    return rows
