"""What was sent to Datatilsynet (art. 33), what the data subjects were told (art. 34), and the
other records: the processor, the police and the journal number."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from incidents import breach_record, notifications
from incidents.files import check_upload
from incidents.formatting import dk_datetime
from incidents.models import (
    DatatilsynetNotification,
    Incident,
    NotifyDecision,
    SubjectsExemption,
)
from incidents.services._base import (
    Kind,
    Phase,
    after_awareness,
    change,
    check_no_cpr,
    check_references,
    check_times,
    initial_notification,
    lock,
    require,
    require_open,
)
from incidents.steps import STEPS_BY_ACTION


@transaction.atomic
def incident_record_dt_notification(
    *,
    incident: Incident,
    actor: User,
    notified_at: datetime,
    dt_reference: str,
    content: str,
    delay_reasons: str = "",
    items_supplied: Sequence[str] = (),
    receipt: UploadedFile | None = None,
    expected_version: int | None,
    now: datetime | None = None,
) -> DatatilsynetNotification:
    """Record what was sent to Datatilsynet (art. 33(1), 33(4)).

    The first one is the initial notification: it stops the clock and promises "later" what the
    draft does not yet have. Later ones are follow-ups, dated no earlier, supplying promised
    items. A late initial notification needs the reasons for the delay.
    """
    require(actor, incident, "datatilsynet")
    check_no_cpr(content=content, delay_reasons=delay_reasons)
    check_references(dt_reference=dt_reference)
    incident = lock(incident, expected_version)
    require_open(incident)
    if incident.notify_decision != NotifyDecision.NOTIFY:
        raise ValidationError(
            _("Registrer først beslutningen om at anmelde bruddet til Datatilsynet.")
        )
    now = now or timezone.now()
    initial = initial_notification(incident)
    follows_initial = _("En opfølgning kan ikke ligge før den første anmeldelse (%(at)s).")
    bounds = [after_awareness(incident)]
    bounds += [(initial.notified_at, follows_initial)] if initial else []
    check_times(now, notified_at=(notified_at, bounds))
    if initial is None:
        values, promised, supplied = _initial(incident, notified_at, delay_reasons, now=now)
    else:
        values, promised, supplied = _follow_up(incident, items_supplied, now=now)
    notification = _save(
        incident,
        follows=initial,
        notified_at=notified_at,
        dt_reference=dt_reference,
        content=content,
        items_later=promised,
        items_supplied=supplied,
        receipt=receipt,
        actor=actor,
        now=now,
    )
    fact = {"id": notification.pk, "phase": notification.phase, "dt_reference": dt_reference}
    fact |= {"notified_at": notified_at.isoformat(), "items_later": promised}
    fact |= {"items_supplied": supplied}
    extra = {"dt_notification": fact}
    change(incident, values, actor=actor, kind=Kind.DT_NOTIFIED, at=now, extra=extra)
    notifications.rearm_reminders(incident=incident, now=now)
    return notification


def _save(
    incident: Incident,
    *,
    follows: DatatilsynetNotification | None,
    receipt: UploadedFile | None,
    actor: User,
    now: datetime,
    **facts,
) -> DatatilsynetNotification:
    notification = DatatilsynetNotification(
        incident=incident,
        phase=Phase.INITIAL if follows is None else Phase.FOLLOW_UP,
        follows=follows,
        recorded_by=actor,
        recorded_at=now,
        **facts,
    )
    if receipt is not None:
        check_upload(receipt)
        notification.receipt.save("receipt", receipt, save=False)
    notification.save()
    return notification


def _initial(
    incident: Incident, notified_at: datetime, delay_reasons: str, *, now: datetime
) -> tuple[dict, list[str], list[str]]:
    """The initial notification stops the clock, states why it is late (if it is) and
    promises what the draft does not have yet."""
    late = notified_at > incident.notification_deadline
    if late and not (delay_reasons.strip() or incident.delay_reasons):
        raise ValidationError(
            {
                "delay_reasons": _(
                    "Anmeldelsen er sket efter fristen på 72 timer. Skriv begrundelsen for "
                    "forsinkelsen (art. 33, stk. 1)."
                )
            }
        )
    promised = breach_record.missing_item_keys(incident, now=now, notified_at=notified_at)
    values = {"clock_stopped_at": notified_at, "dt_items_outstanding": promised}
    if delay_reasons.strip():
        values["delay_reasons"] = delay_reasons
    return values, promised, []


def _follow_up(
    incident: Incident, items_supplied: Sequence[str], *, now: datetime
) -> tuple[dict, list[str], list[str]]:
    """A follow-up supplies promised items that are now known; it never moves the clock."""
    supplied = list(dict.fromkeys(items_supplied))
    outstanding = incident.dt_items_outstanding
    unknown = breach_record.missing_item_keys(incident, now=now, notified_at=None)
    if any(key not in outstanding or key in unknown for key in supplied):
        raise ValidationError(
            {
                "items_supplied": _(
                    "Vælg kun oplysninger, der blev lovet eftersendt og nu er registreret."
                )
            }
        )
    remaining = [key for key in outstanding if key not in supplied]
    return {"dt_items_outstanding": remaining}, [], supplied


@transaction.atomic
def incident_record_subjects(
    *,
    incident: Incident,
    actor: User,
    informed_at: datetime | None,
    informed_how: str,
    exemption: str,
    exemption_reason: str,
    public_communication_at: datetime | None = None,
    public_communication_where: str = "",
    expected_version: int | None,
    now: datetime | None = None,
) -> Incident:
    """Art. 34: when and how the data subjects were told, or the exemption that applies; the
    exemption of 34(3)(c) stands on a public communication (when and where)."""
    require(actor, incident, "subjects")
    public = exemption == SubjectsExemption.ART34_3C
    _check_subjects(
        informed_at, informed_how, exemption, exemption_reason, public_communication_at,
        public_communication_where,
    )  # fmt: skip
    incident = lock(incident, expected_version)
    require_open(incident)
    now = now or timezone.now()
    after = [after_awareness(incident)]
    check_times(
        now,
        informed_at=(informed_at, after),
        public_communication_at=(public_communication_at, after),
    )
    values = STEPS_BY_ACTION["subjects"].values(
        informed_at=informed_at,
        informed_how=informed_how if informed_at else "",
        exemption=exemption,
        exemption_reason=exemption_reason if exemption else "",
        public_communication_at=public_communication_at if public else None,
        public_communication_where=public_communication_where if public else "",
    )
    change(incident, values, actor=actor, kind=Kind.SUBJECTS, at=now)
    return incident


def _check_subjects(
    informed_at, informed_how, exemption, exemption_reason, public_at, public_where
) -> None:
    errors = {}
    if informed_at is None and not exemption:
        errors["__all__"] = _(
            "Angiv hvornår og hvordan de registrerede er underrettet, eller vælg en undtagelse."
        )
    if informed_at is not None and not informed_how.strip():
        errors["informed_how"] = _("Skriv hvordan de registrerede er underrettet.")
    if exemption and not exemption_reason.strip():
        errors["exemption_reason"] = _("Begrund hvorfor undtagelsen gælder.")
    if exemption == SubjectsExemption.ART34_3C:
        if public_at is None:
            errors["public_communication_at"] = _("Angiv hvornår den offentlige meddelelse kom.")
        if not public_where.strip():
            errors["public_communication_where"] = _(
                "Angiv hvor den offentlige meddelelse blev bragt."
            )
    if errors:
        raise ValidationError(errors)
    check_no_cpr(
        informed_how=informed_how,
        exemption_reason=exemption_reason,
        public_communication_where=public_where,
    )


@transaction.atomic
def incident_record_other(
    *,
    incident: Incident,
    actor: User,
    processor_involved: bool | None,
    processor_discovered_at: datetime | None,
    processor_told_us_at: datetime | None,
    police_reported: bool | None,
    police_reference: str,
    sbsys_case_number: str,
    expected_version: int | None,
    now: datetime | None = None,
) -> Incident:
    """The processor (art. 33(2)), the police and the SBSYS journal number."""
    require(actor, incident, "other")
    check_references(police_reference=police_reference, sbsys_case_number=sbsys_case_number)
    incident = lock(incident, expected_version)
    require_open(incident)
    now = now or timezone.now()
    if not processor_involved:
        processor_discovered_at = processor_told_us_at = None
    _check_processor_times(incident, processor_discovered_at, processor_told_us_at, now=now)
    values = STEPS_BY_ACTION["other"].values(
        processor_involved=processor_involved,
        processor_discovered_at=processor_discovered_at,
        processor_told_us_at=processor_told_us_at,
        police_reported=police_reported,
        police_reference=police_reference if police_reported else "",
        sbsys_case_number=sbsys_case_number,
    )
    if sbsys_case_number != incident.other_records.sbsys_case_number:
        values["journalised_at"] = now if sbsys_case_number else None
    change(incident, values, actor=actor, kind=Kind.RECORDS, at=now)
    return incident


def _check_processor_times(incident: Incident, discovered, told, *, now: datetime) -> None:
    before_discovery = _(
        "Databehandleren kan ikke have underrettet jer, før den opdagede bruddet (%(at)s)."
    )
    check_times(
        now,
        processor_discovered_at=(discovered, []),
        processor_told_us_at=(told, [(discovered, before_discovery)]),
    )
    if told is not None and told < incident.aware_at:
        raise ValidationError(
            {
                "processor_told_us_at": _(
                    "Databehandleren underrettede jer før det registrerede opmærksomhedstidspunkt "
                    "(%(at)s). Kommunen var opmærksom fra underretningen: ret først "
                    "opmærksomhedstidspunktet."
                )
                % {"at": dk_datetime(incident.aware_at)}
            }
        )
