"""Every change to an incident's NIS2 record: one typed, keyword-only function per step, each one
transaction. Each locks the incident (then its NIS2 row), checks the step's rules against what
it locked (the database checks them again: nis2/models.py names the constraint), writes the
incident's timeline of facts and re-arms the reminders."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from incidents.files import check_upload
from incidents.formatting import dk_datetime
from incidents.history import CHANGED, fact
from incidents.models import Incident, TimelineEntry
from incidents.services._base import (
    after_occurrence,
    check_no_cpr,
    check_references,
    check_times,
    log,
    require_open,
)
from nis2 import deadlines, reminders
from nis2.models import PHASE_AFTER, PHASE_FIELD, Nis2Case, Nis2Submission, Phase
from nis2.steps import may, next_phases

Kind = TimelineEntry.Kind


class StaleNis2(Exception):
    """Someone else changed the NIS2 record after the form was shown."""

    def __init__(self, current: Nis2Case | None) -> None:
        super().__init__("stale")
        self.current = current


def _require(actor: User, action: str) -> None:
    if not may(actor, action):
        raise PermissionDenied


def _lock(incident: Incident, expected_version: int | None) -> tuple[Incident, Nis2Case]:
    """The incident and its NIS2 row, locked (a new, unsaved row if there is none yet)."""
    locked = Incident.objects.select_for_update().get(pk=incident.pk)
    case = Nis2Case.objects.select_for_update().filter(incident=locked).first()
    current = case.version if case else 0
    if expected_version is not None and expected_version != current:
        raise StaleNis2(case)
    if case is None:
        case = Nis2Case(incident=locked, version=0)
    case.incident = locked
    return locked, case


def _change(case: Nis2Case, values: dict, *, actor: User, kind: str, at: datetime, extra=None):
    """Set the fields, bump the version, save, and log the facts on the incident's timeline."""
    changes = {}
    for name, new in values.items():
        old = getattr(case, name)
        if old != new and not name.endswith("_by"):
            old_fact, new_fact = fact(Nis2Case, name, old), fact(Nis2Case, name, new)
            changes[name] = new_fact if new_fact == CHANGED else [old_fact, new_fact]
        setattr(case, name, new)
    case.version += 1
    if case._state.adding:
        case.save()
    else:
        case.save(update_fields=[*values, "version", "updated"])
    log(
        case.incident, actor=actor, kind=kind, at=at, changes={"nis2": {**changes, **(extra or {})}}
    )


def _after_awareness(case: Nis2Case) -> tuple:
    return (
        case.aware_at,
        _("Tidspunktet ligger før kommunen blev opmærksom på den væsentlige hændelse (%(at)s)."),
    )


@transaction.atomic
def nis2_assess(
    *,
    incident: Incident,
    actor: User,
    significant: bool,
    criteria: Sequence[str],
    aware_at: datetime | None,
    reason: str,
    expected_version: int | None,
    now: datetime | None = None,
) -> Nis2Case:
    """Is the incident significant (art. 23(3)), on which criteria, why, and since when did the
    municipality know: the awareness time starts the 24- and 72-hour clocks."""
    _require(actor, "assess")
    check_no_cpr(reason=reason)
    incident, case = _lock(incident, expected_version)
    require_open(incident)
    now = now or timezone.now()
    errors = {}
    if not reason.strip():
        errors["reason"] = [_("Skriv hvorfor hændelsen er eller ikke er væsentlig.")]
    if significant and not criteria:
        errors["criteria"] = [_("Vælg mindst ét forhold, der gør hændelsen væsentlig.")]
    if significant and aware_at is None:
        errors["aware_at"] = [
            _("Skriv hvornår kommunen blev opmærksom på den væsentlige hændelse.")
        ]
    if errors:
        raise ValidationError(errors)
    if not significant:
        if case.early_warning_at is not None:
            raise ValidationError(
                _(
                    "Der er allerede sendt en rapport til CSIRT'en om hændelsen, så den kan ikke "
                    "vurderes som ikke væsentlig."
                )
            )
        criteria, aware_at = [], None
    else:
        check_times(now, aware_at=(aware_at, [after_occurrence(incident)]))
        first = case.early_warning_at
        if first is not None and aware_at > first:
            message = _("Tidspunktet ligger efter den tidlige varsling (%(at)s).")
            raise ValidationError({"aware_at": [message % {"at": dk_datetime(first)}]})
    values = {
        "significant": significant,
        "criteria": list(criteria),
        "aware_at": aware_at,
        "early_warning_deadline": deadlines.early_warning_deadline(aware_at) if aware_at else None,
        "notification_deadline": deadlines.notification_deadline(aware_at) if aware_at else None,
        "reason": reason,
        "assessed_at": now,
        "assessed_by": actor,
    }
    _change(case, values, actor=actor, kind=Kind.NIS2_ASSESSED, at=now)
    reminders.rearm(case=case, now=now)
    return case


def _require_significant(case: Nis2Case) -> None:
    if case.significant is not True:
        raise ValidationError(_("Vurder først, om hændelsen er væsentlig efter NIS2."))


@transaction.atomic
def nis2_record_details(
    *,
    incident: Incident,
    actor: User,
    suspected_malicious: bool | None,
    cross_border: bool | None,
    severity_impact: str,
    indicators: str,
    threat: str,
    mitigations: str,
    expected_version: int | None,
    now: datetime | None = None,
) -> Nis2Case:
    """What the CSIRT asks (art. 23(4)): the drafts of the reports are built from these."""
    _require(actor, "details")
    check_no_cpr(
        severity_impact=severity_impact,
        indicators=indicators,
        threat=threat,
        mitigations=mitigations,
    )
    incident, case = _lock(incident, expected_version)
    require_open(incident)
    _require_significant(case)
    now = now or timezone.now()
    values = {
        "suspected_malicious": suspected_malicious,
        "cross_border": cross_border,
        "severity_impact": severity_impact,
        "indicators": indicators,
        "threat": threat,
        "mitigations": mitigations,
    }
    _change(case, values, actor=actor, kind=Kind.NIS2_DETAILS, at=now)
    return case


@transaction.atomic
def nis2_record_submission(
    *,
    incident: Incident,
    actor: User,
    phase: str,
    submitted_at: datetime,
    reference: str,
    content: str,
    receipt: UploadedFile | None = None,
    expected_version: int | None,
    now: datetime | None = None,
) -> Nis2Submission:
    """Record a report sent to the CSIRT, in its order: early warning, incident notification,
    then a progress report (still ongoing) or the final report. It meets its clock."""
    _require(actor, "submit")
    check_no_cpr(content=content)
    check_references(reference=reference)
    incident, case = _lock(incident, expected_version)
    require_open(incident)
    _require_significant(case)
    allowed = next_phases(case)
    if phase not in allowed:
        raise ValidationError({"phase": [_not_now(case, phase)]})
    now = now or timezone.now()
    bounds = [_after_awareness(case)]
    before = PHASE_AFTER[Phase(phase)]
    follows = _("Rapporten kan ikke ligge før den rapport, den følger efter (%(at)s).")
    bounds.append((case.submitted_at(before) if before else None, follows))
    if phase == Phase.FINAL:
        bounds.append((case.progress_at, follows))
        bounds.append(
            (case.ended_at, _("Rapporten kan ikke ligge før hændelsen sluttede (%(at)s)."))
        )
    check_times(now, submitted_at=(submitted_at, bounds))
    submission = Nis2Submission(
        nis2_case=case,
        phase=phase,
        submitted_at=submitted_at,
        reference=reference,
        content=content,
        recorded_by=actor,
        recorded_at=now,
    )
    if receipt is not None:
        check_upload(receipt)
        submission.receipt.save("receipt", receipt, save=False)
    submission.save()  # before the case: its trigger checks the case's copy against this row
    times = {PHASE_FIELD[phase]: submitted_at}
    final_deadline = deadlines.final_report_deadline(
        notification_at=times.get("notification_at", case.notification_at),
        progress_at=times.get("progress_at", case.progress_at),
        ended_at=case.ended_at,
    )
    extra = {"submission": _submission_fact(submission)}
    values = {**times, "final_report_deadline": final_deadline}
    _change(case, values, actor=actor, kind=Kind.NIS2_SUBMITTED, at=now, extra=extra)
    reminders.rearm(case=case, now=now)
    return submission


def _submission_fact(submission: Nis2Submission) -> dict:
    return {
        "id": submission.pk,
        "phase": submission.phase,
        "submitted_at": submission.submitted_at.isoformat(),
        "reference": submission.reference,
    }


def _not_now(case: Nis2Case, phase: str) -> str:
    if case.submitted_at(phase) is not None:
        return _("Den rapport er allerede registreret.")
    if phase == Phase.FINAL and case.still_ongoing:
        return _(
            "Registrer først, hvornår hændelsen var håndteret; så kan den endelige rapport "
            "registreres."
        )
    return _(
        "Rapporterne registreres i rækkefølge: tidlig varsling, hændelsesunderretning, "
        "statusrapport eller endelig rapport."
    )


@transaction.atomic
def nis2_record_end(
    *,
    incident: Incident,
    actor: User,
    ended_at: datetime,
    expected_version: int | None,
    now: datetime | None = None,
) -> Nis2Case:
    """The "still ongoing" branch: when the handling ended, after a progress report. The final
    report is due one month later (art. 23(4)(e))."""
    _require(actor, "end")
    incident, case = _lock(incident, expected_version)
    require_open(incident)
    _require_significant(case)
    if case.progress_at is None or case.final_at is not None:
        raise ValidationError(
            _("Afslutningen registreres kun efter en statusrapport og før den endelige rapport.")
        )
    now = now or timezone.now()
    after_progress = (
        case.progress_at,
        _("Tidspunktet ligger før statusrapporten, der sagde, at hændelsen var i gang (%(at)s)."),
    )
    check_times(now, ended_at=(ended_at, [after_progress]))
    values = {
        "ended_at": ended_at,
        "final_report_deadline": deadlines.month_after(ended_at),
    }
    _change(case, values, actor=actor, kind=Kind.NIS2_ENDED, at=now)
    reminders.rearm(case=case, now=now)
    return case
