"""NIS2 on an incident (art. 23): the significant-incident assessment, its own awareness time and
clocks, the facts the CSIRT asks for, and the reports submitted. State changes happen only in
nis2/services.py; the database keeps what it can check (constraints and triggers, each with a
comment naming its rule), as incidents/models.py does for the GDPR clock.
"""

from __future__ import annotations

import uuid

import pgtrigger
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q
from django.db.models.lookups import Exact
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from incidents.models import Incident
from nis2.deadlines import EARLY_WARNING_WINDOW, NOTIFICATION_WINDOW, MonthAfter


class Criterion(models.TextChoices):
    """Art. 23(3): what makes an incident significant."""

    OPERATIONAL = "operational", _("Alvorlig driftsforstyrrelse af kommunens tjenester")
    FINANCIAL = "financial", _("Økonomisk tab for kommunen")
    DAMAGE = (
        "damage",
        _("Betydelig materiel eller immateriel skade på andre (borgere, virksomheder)"),
    )


class Phase(models.TextChoices):
    """The reports to the CSIRT, in the order they are made."""

    EARLY_WARNING = "early_warning", _("Tidlig varsling")
    NOTIFICATION = "notification", _("Hændelsesunderretning")
    PROGRESS = "progress", _("Statusrapport")
    FINAL = "final", _("Endelig rapport")


# Each phase's time, stored on the case (Nis2Case.<phase>_at) for the constraints, the clocks and
# the dashboard; the triggers check it against the submission itself.
PHASE_FIELD = {phase: f"{phase}_at" for phase in Phase.values}
# What must be submitted before each phase may be.
PHASE_AFTER = {
    Phase.EARLY_WARNING: None,
    Phase.NOTIFICATION: Phase.EARLY_WARNING,
    Phase.PROGRESS: Phase.NOTIFICATION,
    Phase.FINAL: Phase.NOTIFICATION,
}


def _duration_is(later: str, earlier: str, window) -> Exact:
    return Exact(
        models.ExpressionWrapper(F(later) - F(earlier), output_field=models.DurationField()),
        window,
    )


def _time_order(earlier: str, later: str) -> Q:
    """`earlier` ≤ `later` where both are known."""
    return (
        Q(**{f"{earlier}__isnull": True})
        | Q(**{f"{later}__isnull": True})
        | Q(**{f"{later}__gte": F(earlier)})
    )


def _requires(later: str, earlier: str) -> Q:
    """`later` is set only once `earlier` is."""
    return Q(**{f"{later}__isnull": True}) | Q(**{f"{earlier}__isnull": False})


def _receipt_path(instance: models.Model, filename: str) -> str:
    # Never the uploaded name: it is typed by the user and may contain personal data.
    return f"nis2/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


def _matches_submission(phase: str, column: str) -> str:
    """SQL: the case's copy of a report's time is the submission's own (constant names)."""
    select = f"SELECT submitted_at FROM nis2_nis2submission WHERE nis2_case_id = $1 AND phase = ''{phase}''"  # noqa: S608, E501
    return f"""
        EXECUTE '{select}' INTO submitted USING NEW.incident_id;
        IF submitted IS DISTINCT FROM NEW.{column} THEN
            RAISE EXCEPTION 'NIS2 case %: {phase} does not match its submission',
                NEW.incident_id USING ERRCODE = 'check_violation';
        END IF;
    """


# SQL that refuses a change to a closed incident's NIS2 record.
_INCIDENT_OPEN_SQL = """
    EXECUTE 'SELECT status, reference FROM incidents_incident WHERE id = $1'
        INTO incident USING NEW.{column};
    IF incident.status = 'closed' THEN
        RAISE EXCEPTION 'incident % is closed: reopen it first', incident.reference
            USING ERRCODE = 'check_violation';
    END IF;
"""


class Nis2Case(models.Model):
    incident = models.OneToOneField(
        Incident, on_delete=models.PROTECT, primary_key=True, related_name="nis2"
    )

    # The assessment (art. 23(3)). Null: not assessed yet.
    significant = models.BooleanField(_("væsentlig hændelse (NIS2)"), null=True, blank=True)
    criteria = ArrayField(
        models.CharField(max_length=16, choices=Criterion.choices),
        default=list,
        blank=True,
        verbose_name=_("kriterier"),
    )
    reason = models.TextField(_("begrundelse for vurderingen"), blank=True)
    assessed_at = models.DateTimeField(_("vurderet (NIS2)"), null=True, blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("vurderet af"),
    )

    # The clocks. Stored for the dashboard and the reminders; always what nis2/deadlines.py says
    # (the services set them together, the constraints below check them).
    aware_at = models.DateTimeField(
        _("opmærksom på den væsentlige hændelse"), null=True, blank=True
    )
    early_warning_deadline = models.DateTimeField(_("frist for tidlig varsling"), null=True)
    notification_deadline = models.DateTimeField(_("frist for hændelsesunderretning"), null=True)
    final_report_deadline = models.DateTimeField(_("frist for endelig rapport"), null=True)

    # When each report was submitted (a copy of the submission's time, see PHASE_FIELD).
    early_warning_at = models.DateTimeField(_("tidlig varsling sendt"), null=True, blank=True)
    notification_at = models.DateTimeField(_("hændelsesunderretning sendt"), null=True, blank=True)
    progress_at = models.DateTimeField(_("statusrapport sendt"), null=True, blank=True)
    final_at = models.DateTimeField(_("endelig rapport sendt"), null=True, blank=True)
    # The "still ongoing" branch: when the handling ended, after a progress report.
    ended_at = models.DateTimeField(_("hændelsen afsluttet"), null=True, blank=True)

    # What the CSIRT asks (art. 23(4)): the draft of each report is built from these.
    suspected_malicious = models.BooleanField(
        _("mistanke om ulovlig eller ondsindet handling"), null=True, blank=True
    )
    cross_border = models.BooleanField(
        _("kan påvirke andre lande (grænseoverskridende)"), null=True, blank=True
    )
    severity_impact = models.TextField(_("alvor og virkning"), blank=True)
    indicators = models.TextField(_("kompromitteringsindikatorer (IoC)"), blank=True)
    threat = models.TextField(_("trusselstype eller grundlæggende årsag"), blank=True)
    mitigations = models.TextField(_("afhjælpende foranstaltninger"), blank=True)

    # Optimistic concurrency, as on Incident.
    version = models.PositiveIntegerField(default=1)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("NIS2-vurdering")
        verbose_name_plural = _("NIS2-vurderinger")
        constraints = [
            # Art. 23(4)(a) and (b): 24 and 72 real hours after awareness; no awareness, no clock.
            models.CheckConstraint(
                condition=Q(
                    aware_at__isnull=True,
                    early_warning_deadline__isnull=True,
                    notification_deadline__isnull=True,
                )
                | Q(aware_at__isnull=False)
                & _duration_is("early_warning_deadline", "aware_at", EARLY_WARNING_WINDOW)
                & _duration_is("notification_deadline", "aware_at", NOTIFICATION_WINDOW),
                name="nis2_deadlines_are_aware_plus_24h_and_72h",
            ),
            # Art. 23(4)(d): a month after the notification; after a progress report, a month
            # after the handling ended (none until then). nis2.deadlines.final_report_deadline.
            models.CheckConstraint(
                condition=Q(notification_at__isnull=True, final_report_deadline__isnull=True)
                | Q(
                    notification_at__isnull=False,
                    progress_at__isnull=True,
                    final_report_deadline__isnull=False,
                    final_report_deadline=MonthAfter("notification_at"),
                )
                | Q(progress_at__isnull=False, ended_at__isnull=True, final_report_deadline=None)
                | Q(
                    progress_at__isnull=False,
                    ended_at__isnull=False,
                    final_report_deadline__isnull=False,
                    final_report_deadline=MonthAfter("ended_at"),
                ),
                name="nis2_final_report_a_month_later",
            ),
            # Only a significant incident has a clock, and it has one: the awareness time.
            models.CheckConstraint(
                condition=Q(significant=True, aware_at__isnull=False)
                | ~Q(significant=True) & Q(aware_at__isnull=True, early_warning_at__isnull=True),
                name="nis2_significant_has_awareness",
            ),
            # An assessment says why, on which criteria, and when it was made.
            models.CheckConstraint(
                condition=Q(significant__isnull=True)
                | Q(assessed_at__isnull=False)
                & ~Q(reason="")
                & (~Q(significant=True) | Q(criteria__len__gt=0)),
                name="nis2_assessment_is_reasoned",
            ),
            # Phases in order: early warning, notification, then a progress report and/or the
            # final report; none before awareness. After a progress report (still ongoing), the
            # final report comes after the handling ended.
            models.CheckConstraint(
                condition=_requires("early_warning_at", "aware_at")
                & _requires("notification_at", "early_warning_at")
                & _requires("progress_at", "notification_at")
                & _requires("final_at", "notification_at")
                & _requires("ended_at", "progress_at")
                & (Q(progress_at__isnull=True) | _requires("final_at", "ended_at"))
                & _time_order("aware_at", "early_warning_at")
                & _time_order("early_warning_at", "notification_at")
                & _time_order("notification_at", "progress_at")
                & _time_order("progress_at", "ended_at")
                & _time_order("notification_at", "final_at")
                & _time_order("progress_at", "final_at")
                & _time_order("ended_at", "final_at"),
                name="nis2_reports_in_order",
            ),
        ]
        triggers = [
            # A closed incident takes no NIS2 change: reopen it first.
            pgtrigger.Trigger(
                name="nis2_case_incident_open",
                operation=pgtrigger.Insert | pgtrigger.Update,
                when=pgtrigger.Before,
                declare=[("incident", "RECORD")],
                func=_INCIDENT_OPEN_SQL.format(column="incident_id") + "RETURN NEW;",
            ),
            # The stored report times are the submissions' own (checked when they change).
            pgtrigger.Trigger(
                name="nis2_case_times_match_submissions",
                operation=pgtrigger.Update,
                when=pgtrigger.Before,
                condition=pgtrigger.Condition(
                    " OR ".join(
                        f"OLD.{column} IS DISTINCT FROM NEW.{column}"
                        for column in PHASE_FIELD.values()
                    )
                ),
                declare=[("submitted", "timestamptz")],
                func="".join(_matches_submission(p, c) for p, c in PHASE_FIELD.items())
                + "RETURN NEW;",
            ),
        ]

    def __str__(self) -> str:
        return f"NIS2 {self.incident_id}"

    def criteria_labels(self) -> list[str]:
        return [str(Criterion(c).label) for c in self.criteria if c in Criterion.values]

    @property
    def still_ongoing(self) -> bool:
        """A progress report said the incident was still being handled, and it has not ended."""
        return self.progress_at is not None and self.ended_at is None

    def submitted_at(self, phase: str):
        return getattr(self, PHASE_FIELD[phase])


class Nis2Submission(models.Model):
    """A report submitted to the CSIRT, when, with its reference and receipt. A record of a
    fact: never changed or deleted."""

    nis2_case = models.ForeignKey(Nis2Case, on_delete=models.PROTECT, related_name="submissions")
    phase = models.CharField(_("rapport"), max_length=16, choices=Phase.choices)
    submitted_at = models.DateTimeField(_("sendt"))
    reference = models.CharField(_("CSIRT'ens reference"), max_length=100, blank=True)
    receipt = models.FileField(_("kvittering"), upload_to=_receipt_path, blank=True)
    content = models.TextField(_("hvad blev sendt"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("registreret"))

    class Meta:
        ordering = ["submitted_at", "pk"]
        verbose_name = _("NIS2-rapport")
        verbose_name_plural = _("NIS2-rapporter")
        constraints = [
            # One report of each kind per incident.
            models.UniqueConstraint(
                fields=["nis2_case", "phase"], name="one_nis2_submission_per_phase"
            ),
        ]
        triggers = [
            # Reports are facts already sent: append-only.
            pgtrigger.Protect(name="nis2_submission_append_only", operation=pgtrigger.Update),
            pgtrigger.Protect(name="nis2_submission_never_deleted", operation=pgtrigger.Delete),
            # An open incident, assessed significant; not before awareness; after the report
            # it follows (PHASE_AFTER).
            pgtrigger.Trigger(
                name="nis2_submission_in_order",
                operation=pgtrigger.Insert,
                when=pgtrigger.Before,
                declare=[("incident", "RECORD"), ("nis2", "RECORD"), ("before_at", "timestamptz")],
                func=_INCIDENT_OPEN_SQL.format(column="nis2_case_id")  # noqa: S608 - constant
                + """
                    EXECUTE 'SELECT significant, aware_at FROM nis2_nis2case
                        WHERE incident_id = $1' INTO nis2 USING NEW.nis2_case_id;
                    IF nis2.significant IS NOT TRUE OR NEW.submitted_at < nis2.aware_at THEN
                        RAISE EXCEPTION 'incident %: not significant, or before awareness',
                            incident.reference USING ERRCODE = 'check_violation';
                    END IF;
                    IF NEW.phase <> 'early_warning' THEN
                        EXECUTE 'SELECT submitted_at FROM nis2_nis2submission
                            WHERE nis2_case_id = $1 AND phase = $2' INTO before_at
                            USING NEW.nis2_case_id, CASE NEW.phase
                                WHEN 'notification' THEN 'early_warning' ELSE 'notification' END;
                        IF before_at IS NULL OR NEW.submitted_at < before_at THEN
                            RAISE EXCEPTION 'incident %: % before the report it follows',
                                incident.reference, NEW.phase USING ERRCODE = 'check_violation';
                        END IF;
                    END IF;
                    RETURN NEW;
                """,
            ),
            # The case records the submission's time: checked at commit, when the service has
            # written both (the case's own trigger checks every later change).
            pgtrigger.Trigger(
                name="nis2_submission_recorded_on_case",
                operation=pgtrigger.Insert,
                when=pgtrigger.After,
                timing=pgtrigger.Deferred,
                declare=[("recorded", "timestamptz")],
                func="""
                    EXECUTE format('SELECT %I FROM nis2_nis2case WHERE incident_id = $1',
                        NEW.phase || '_at') INTO recorded USING NEW.nis2_case_id;
                    IF recorded IS DISTINCT FROM NEW.submitted_at THEN
                        RAISE EXCEPTION 'NIS2 case %: % not recorded on the case',
                            NEW.nis2_case_id, NEW.phase USING ERRCODE = 'check_violation';
                    END IF;
                    RETURN NULL;
                """,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.nis2_case_id} {self.phase} {self.submitted_at:%Y-%m-%d %H:%M}"
