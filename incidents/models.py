"""Security breaches: the report, the handling facts, the Datatilsynet notifications and the
append-only timeline. State changes happen only in incidents/services.py; the database keeps
the invariants it can check (constraints and triggers, each with a comment naming its rule).

This module is over 400 lines: it is the schema of one aggregate (the incident, its
notifications, texts, timeline, files and outbox), and its rules are declared with it.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pgtrigger
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Case, Exists, F, OuterRef, Q, Subquery, When
from django.db.models.functions import Coalesce
from django.db.models.lookups import Exact, IsNull
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from incidents import duties, risk
from incidents.choices import (
    DT_TYPE_FOR_CATEGORY,
    BreachType,
    Category,
    Classification,
    DataKind,
    DtIncidentType,
    Identifiability,
    NotifyDecision,
    PersonalData,
    RiskLevel,
    Status,
    Stopped,
    SubjectCategory,
    SubjectsExemption,
)
from portal import roles

__all__ = [  # the choices are part of this module's interface
    "BreachType",
    "Category",
    "Classification",
    "DataKind",
    "DtIncidentType",
    "Identifiability",
    "NotifyDecision",
    "PersonalData",
    "RiskLevel",
    "Status",
    "Stopped",
    "SubjectCategory",
    "SubjectsExemption",
]

NOTIFICATION_WINDOW = timedelta(hours=72)  # GDPR art. 33(1): 72 real hours, weekends included
# True while the 72-hour clock runs (Incident.clock_stopped_at is null).
CLOCK_RUNNING = IsNull(F("clock_stopped_at"), True)
# What a closed incident may still have changed: retention's removal of the reporter's text.
CHANGEABLE_WHEN_CLOSED = ("description", "stop_description", "version", "updated")


def clock_stop(
    *, initial_notified_at: datetime | None, notify_decision: str, decided_at: datetime | None
) -> datetime | None:
    """The clock rule: the initial notification to Datatilsynet stops the 72-hour clock; without
    one, a decision not to notify stops it at the decision. Follow-ups never move it.

    IncidentQuerySet.sync_clock() is the same rule in SQL, and the database checks the stored
    value against the notifications (trigger incident_clock_matches_notification)."""
    if initial_notified_at is not None:
        return initial_notified_at
    return decided_at if notify_decision == NotifyDecision.NOT_NOTIFY else None


class ReferenceCounter(models.Model):
    """The last reference number used per year; locked while a new number is taken."""

    year = models.PositiveIntegerField(unique=True)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("referencetæller")
        verbose_name_plural = _("referencetællere")

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


class IncidentQuerySet(models.QuerySet):
    def open(self) -> IncidentQuerySet:
        return self.exclude(status=Status.CLOSED)

    def closed(self) -> IncidentQuerySet:
        return self.filter(status=Status.CLOSED)

    def clock_running(self) -> IncidentQuerySet:
        """Neither notified to Datatilsynet nor decided not notifiable: the 72 hours still count."""
        return self.filter(clock_stopped_at__isnull=True)

    def clock_stopped(self) -> IncidentQuerySet:
        return self.filter(clock_stopped_at__isnull=False)

    def sync_clock(self) -> int:
        """Recompute the stored `clock_stopped_at` by clock_stop()'s rule, in one UPDATE.

        The services apply the rule to the row they change; seeding, repairs and test fixtures
        that write the facts directly call this.
        """
        initial = DatatilsynetNotification.objects.filter(
            incident=OuterRef("pk"), phase=DatatilsynetNotification.Phase.INITIAL
        ).values("notified_at")[:1]
        return self.update(
            clock_stopped_at=Coalesce(
                Subquery(initial),
                Case(When(notify_decision=NotifyDecision.NOT_NOTIFY, then=F("decided_at"))),
            )
        )

    def awaiting_notification(self) -> IncidentQuerySet:
        """Open incidents whose 72-hour clock is still running."""
        return self.open().clock_running()

    def overdue(self, now: datetime) -> IncidentQuerySet:
        return self.awaiting_notification().filter(notification_deadline__lt=now)

    def personal_data_breaches(self) -> IncidentQuerySet:
        """The register's incidents: breaches, and those not yet classified (they may be)."""
        return self.exclude(classification=Classification.NOT_BREACH)

    def not_breaches(self) -> IncidentQuerySet:
        return self.filter(classification=Classification.NOT_BREACH)

    def visible_to(self, user) -> IncidentQuerySet:
        if not user.is_authenticated:
            return self.none()
        if roles.can_see_all_incidents(user):
            return self.all()
        condition = Q(reporter=user)
        if roles.is_manager(user):
            # The reporter's manager now (profile → manager), not the one copied at report time.
            condition |= Q(reporter__profile__manager=user)
        return self.filter(condition)

    def with_unread(self, user) -> IncidentQuerySet:
        """Annotate `unread`: something was said to `user` on the case (TimelineEntry.TO_REPORTER
        if they reported it, TO_HANDLERS if they handle breaches) that they have not opened the
        case since."""

        def said_since_opened(kinds) -> Exists:
            opened_after = TimelineEntry.objects.filter(
                incident=OuterRef(OuterRef("pk")),
                actor=user,
                kind=TimelineEntry.Kind.VIEWED,
                at__gte=OuterRef("at"),
            )
            return Exists(
                TimelineEntry.objects.filter(incident=OuterRef("pk"), kind__in=kinds)
                .exclude(actor=user)
                .exclude(Exists(opened_after))
            )

        unread = [When(Q(reporter=user) & said_since_opened(TimelineEntry.TO_REPORTER), then=True)]
        if roles.can_see_all_incidents(user):
            unread.append(When(said_since_opened(TimelineEntry.TO_HANDLERS), then=True))
        return self.annotate(
            unread=Case(*unread, default=False, output_field=models.BooleanField())
        )


def _attachment_path(instance: models.Model, filename: str) -> str:
    # Never the uploaded name: it is typed by the user and may contain personal data.
    return f"incidents/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


def _time_order(earlier: str, later: str) -> Q:
    """`earlier` ≤ `later` where both are known."""
    return (
        Q(**{f"{earlier}__isnull": True})
        | Q(**{f"{later}__isnull": True})
        | Q(**{f"{earlier}__lte": F(later)})
    )


def _changed_except(fields: tuple[str, ...]) -> str:
    keep = ", ".join(f"'{name}'" for name in fields)
    return f"(to_jsonb(OLD) - ARRAY[{keep}]) IS DISTINCT FROM (to_jsonb(NEW) - ARRAY[{keep}])"


# The step tables' times that follow awareness: checked by the step table's trigger when the
# row changes and by the incident's when awareness moves.
AFTER_AWARENESS = {
    "incidents_subjectsnotice": ("subjects_informed_at", "public_communication_at"),
    "incidents_otherrecords": ("processor_told_us_at",),
}
_STEPS_FOLLOW_AWARENESS_SQL = (
    "EXECUTE $q$SELECT "  # noqa: S608 - constant names
    + " OR ".join(
        f"EXISTS (SELECT FROM {table} WHERE incident_id = $1 AND ("
        + " OR ".join(f"{name} < $2" for name in names)
        + "))"
        for table, names in AFTER_AWARENESS.items()
    )
    + "$q$ INTO earlier USING NEW.id, NEW.aware_at; "
    "IF earlier THEN RAISE EXCEPTION 'incident %: awareness after what followed it', "
    "NEW.reference USING ERRCODE = 'check_violation'; END IF; RETURN NEW;"
)
_STEP_DUTIES_MET_SQL = (
    "EXECUTE $q$SELECT array_remove(ARRAY["  # noqa: S608 - constant conditions
    + ", ".join(
        f"CASE WHEN {duty.sql} THEN '{duty.code}' END" for duty in duties.DUTIES if duty.sql
    )
    + "], NULL) FROM incidents_incident i WHERE i.id = $1$q$ INTO outstanding USING NEW.id; "
    "IF cardinality(outstanding) > 0 THEN RAISE EXCEPTION 'incident %: not complete (%)', "
    "NEW.reference, outstanding USING ERRCODE = 'check_violation'; END IF; RETURN NULL;"
)


class Incident(models.Model):
    reference = models.CharField(_("reference"), max_length=20, unique=True, editable=False)
    submission_token = models.UUIDField(
        _("indsendelsesnøgle"), null=True, blank=True, unique=True, editable=False
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="reported_incidents",
        verbose_name=_("indberetter"),
    )
    department = models.ForeignKey(
        "portal.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incidents",
        verbose_name=_("afdeling"),
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="managed_incidents",
        verbose_name=_("leder"),
    )

    # What the reporter told us.
    category = models.CharField(_("hvad er der sket"), max_length=32, choices=Category.choices)
    description = models.TextField(_("beskrivelse"))
    discovered_at = models.DateTimeField(_("opdaget"))
    occurred_at = models.DateTimeField(_("sket"), null=True, blank=True)
    reported_at = models.DateTimeField(_("indberettet"))
    personal_data = models.CharField(
        _("personoplysninger involveret"), max_length=8, choices=PersonalData.choices
    )
    data_kinds = ArrayField(
        models.CharField(max_length=16, choices=DataKind.choices),
        default=list,
        blank=True,
        verbose_name=_("typer af oplysninger"),
    )
    affected_estimate = models.PositiveIntegerField(
        _("berørte personer (skøn)"), null=True, blank=True
    )
    stopped = models.CharField(_("bruddet er stoppet"), max_length=8, choices=Stopped.choices)
    stop_description = models.TextField(_("hvad er gjort for at stoppe det"), blank=True)
    manager_informed = models.BooleanField(_("lederen ved det"), default=False)
    it_informed = models.BooleanField(_("IT ved det"), default=False)

    # The 72-hour clock. notification_deadline is stored for the dashboard's index and is always
    # aware_at + 72 hours (services set both together; the database checks it).
    aware_at = models.DateTimeField(_("kommunen blev opmærksom"))
    notification_deadline = models.DateTimeField(_("frist for anmeldelse til Datatilsynet"))
    # When the clock stopped, by clock_stop()'s rule. Null while it runs. Stored (not computed
    # per row) so the dashboard can order and count by it from an index.
    clock_stopped_at = models.DateTimeField(_("fristen stoppet"), null=True, blank=True)

    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.REPORTED
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_incidents",
        verbose_name=_("sagsbehandler"),
    )
    escalated_at = models.DateTimeField(_("eskaleret"), null=True, blank=True)

    # Stop and notify.
    contained_at = models.DateTimeField(_("inddæmmet"), null=True, blank=True)
    contained_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("inddæmmet af"),
    )
    containment_description = models.TextField(_("hvad blev gjort"), blank=True)
    manager_notified_at = models.DateTimeField(_("leder underrettet"), null=True, blank=True)
    it_notified_at = models.DateTimeField(_("IT underrettet"), null=True, blank=True)
    # The manager e-mailed about the report confirms on the case that they have acted.
    manager_acted_at = models.DateTimeField(_("lederen har handlet"), null=True, blank=True)

    # Assessment, art. 33(3) and 33(5).
    classification = models.CharField(
        _("klassifikation"), max_length=16, choices=Classification.choices, blank=True
    )
    account = models.TextField(_("hændelsesforløb (GDPR-enhedens beskrivelse)"), blank=True)
    dt_incident_type = models.CharField(
        _("hændelsestype (Datatilsynet)"),
        max_length=32,
        choices=DtIncidentType.choices,
        blank=True,
    )
    breach_types = ArrayField(
        models.CharField(max_length=16, choices=BreachType.choices),
        default=list,
        blank=True,
        verbose_name=_("type af brud"),
    )
    subject_categories = ArrayField(
        models.CharField(max_length=24, choices=SubjectCategory.choices),
        default=list,
        blank=True,
        verbose_name=_("kategorier af registrerede"),
    )
    subjects_estimate = models.PositiveIntegerField(_("registrerede (ca.)"), null=True, blank=True)
    records_estimate = models.PositiveIntegerField(_("registreringer (ca.)"), null=True, blank=True)
    likely_consequences = models.TextField(_("sandsynlige konsekvenser"), blank=True)
    measures_taken = models.TextField(_("trufne foranstaltninger"), blank=True)
    measures_proposed = models.TextField(_("foreslåede foranstaltninger"), blank=True)
    measures_before = models.TextField(_("foranstaltninger før bruddet"), blank=True)
    identifiability = models.CharField(
        _("identificerbarhed (ENISA)"),
        max_length=16,
        choices=Identifiability.choices,
        blank=True,
    )
    malicious = models.BooleanField(_("ondsindet hensigt"), default=False)
    risk_level = models.CharField(_("risiko"), max_length=8, choices=RiskLevel.choices, blank=True)
    risk_reasoning = models.TextField(_("begrundelse for risikovurderingen"), blank=True)
    risk_override_reason = models.TextField(
        _("begrundelse for lavere risiko end foreslået"), blank=True
    )
    assessed_at = models.DateTimeField(_("vurderet"), null=True, blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("vurderet af"),
    )

    # Decision on notifying Datatilsynet.
    notify_decision = models.CharField(
        _("beslutning"), max_length=16, choices=NotifyDecision.choices, blank=True
    )
    decision_reasoning = models.TextField(_("begrundelse for beslutningen"), blank=True)
    decision_deviation_reason = models.TextField(
        _("begrundelse for at afvige fra risikovurderingen"), blank=True
    )
    decided_at = models.DateTimeField(_("besluttet"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("besluttet af"),
    )
    # Art. 33(1): why the initial notification came after the 72 hours (required when it did).
    delay_reasons = models.TextField(_("begrundelse for forsinkelse"), blank=True)
    # Draft items (breach_record.DRAFT_ITEMS keys) promised "later" in the initial notification
    # and not yet supplied by a follow-up (art. 33(4)). Kept by the notification service.
    dt_items_outstanding = ArrayField(
        models.CharField(max_length=32),
        default=list,
        blank=True,
        verbose_name=_("oplysninger der skal eftersendes"),
    )

    closed_at = models.DateTimeField(_("lukket"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lukket af"),
    )

    # Optimistic concurrency: every service change bumps it; a form carries the version it saw.
    version = models.PositiveIntegerField(_("version"), default=1)
    created = models.DateTimeField(_("oprettet"), auto_now_add=True)
    updated = models.DateTimeField(_("senest ændret"), auto_now=True)

    # The rule of `notified_late` below, for queries (the register, the statistics).
    LATE = Q(notify_decision="notify", clock_stopped_at__gt=F("notification_deadline"))
    NOTIFIED_LATE = models.ExpressionWrapper(LATE, output_field=models.BooleanField())

    objects = IncidentQuerySet.as_manager()

    # The deadline dashboard's order, the key of the index incident_dashboard_order.
    DASHBOARD_ORDER = (CLOCK_RUNNING.desc(), "notification_deadline", "pk")

    class Meta:
        ordering = ["-reported_at"]
        verbose_name = _("sikkerhedsbrud")
        verbose_name_plural = _("sikkerhedsbrud")
        indexes = [
            # The deadline dashboard: open incidents ordered by deadline.
            models.Index(
                fields=["status", "notification_deadline"], name="incident_status_deadline"
            ),
            # The handlers' list and "Mine indberetninger", newest first. (reporter and manager are
            # foreign keys and already indexed for visible_to().)
            models.Index(fields=["-reported_at"], name="incident_reported_at"),
            # Repeated breaches (awareness/repeats.py): department and category counts over the
            # last months' reports, read from the index alone.
            models.Index(
                fields=["reported_at"],
                include=["department", "category", "classification"],
                name="incident_repeats",
            ),
            # The GDPR deadline dashboard: only open incidents, few among many closed ones.
            models.Index(
                fields=["notification_deadline"],
                condition=~Q(status="closed"),
                name="incident_open_deadline",
            ),
            # The deadline dashboard's list query (gdpr/views.py, dashboard): open incidents,
            # running clocks first, then by deadline; the key is Incident.DASHBOARD_ORDER, so a
            # page (LIMIT 50) is read off the index in order, without sorting the open rows.
            models.Index(
                CLOCK_RUNNING.desc(),
                F("notification_deadline"),
                F("id"),
                condition=~Q(status="closed"),
                name="incident_dashboard_order",
            ),
            # Open incidents whose clock runs, by deadline: the dashboard's "anmeldelse" and
            # "overskredet" queues, awaiting_notification()/overdue() for the calendar feed and
            # the worker creating due reminders.
            models.Index(
                fields=["notification_deadline", "id"],
                condition=~Q(status="closed") & Q(clock_stopped_at__isnull=True),
                name="incident_open_running_deadline",
            ),
        ]
        constraints = [
            # GDPR art. 33(1): the deadline is 72 real hours after awareness.
            models.CheckConstraint(
                condition=Exact(
                    models.ExpressionWrapper(
                        models.F("notification_deadline") - models.F("aware_at"),
                        output_field=models.DurationField(),
                    ),
                    NOTIFICATION_WINDOW,
                ),
                name="incident_deadline_is_aware_plus_72h",
            ),
            models.CheckConstraint(
                condition=Q(reference__regex=r"^SB-[0-9]{4}-[0-9]{4,}$"),
                name="incident_reference_format",
            ),
            # The clock rule (clock_stop()), as far as the row can see: without a decision the
            # clock runs; not notifying stopped it at the decision. Notifying: stopped exactly
            # at the initial notification, which the trigger below checks.
            models.CheckConstraint(
                condition=Q(notify_decision="", clock_stopped_at__isnull=True)
                | Q(notify_decision=NotifyDecision.NOTIFY)
                | Q(
                    notify_decision=NotifyDecision.NOT_NOTIFY,
                    clock_stopped_at__isnull=False,  # "= decided_at" alone lets NULL through
                    clock_stopped_at=F("decided_at"),
                ),
                name="incident_clock_follows_the_decision",
            ),
            # A decision is taken on an assessment.
            models.CheckConstraint(
                condition=Q(notify_decision="") | Q(assessed_at__isnull=False),
                name="incident_decision_needs_assessment",
            ),
            # Not notifying although the assessment found a risk needs its own justification.
            models.CheckConstraint(
                condition=~Q(
                    notify_decision=NotifyDecision.NOT_NOTIFY,
                    risk_level__in=[RiskLevel.RISK, RiskLevel.HIGH],
                )
                | ~Q(decision_deviation_reason=""),
                name="incident_contradicting_decision_is_justified",
            ),
            # A risk below what the facts suggest (risk.steer_condition) needs a reason.
            models.CheckConstraint(
                condition=~(Q(risk_level=RiskLevel.NONE) & risk.steer_condition())
                | ~Q(risk_override_reason=""),
                name="incident_risk_below_steer_is_justified",
            ),
            # Not a personal-data breach: then there is no risk to anyone's data.
            models.CheckConstraint(
                condition=~Q(classification=Classification.NOT_BREACH)
                | Q(risk_level__in=["", RiskLevel.NONE]),
                name="incident_not_breach_has_no_risk",
            ),
            # Art. 33(1): an initial notification after the deadline states the reasons.
            models.CheckConstraint(
                condition=~Q(
                    notify_decision=NotifyDecision.NOTIFY,
                    clock_stopped_at__gt=F("notification_deadline"),
                )
                | ~Q(delay_reasons=""),
                name="incident_late_notification_has_reasons",
            ),
            # Times in the order the law's logic needs: nothing is contained, notified or
            # told before it happened or before the municipality knew. (The step tables' times
            # are checked by their triggers and incident_steps_follow_awareness.)
            models.CheckConstraint(
                condition=_time_order("occurred_at", "discovered_at")
                & _time_order("occurred_at", "aware_at")
                & _time_order("occurred_at", "contained_at")
                # With a decision to notify, the clock stopped at the initial notification.
                & _time_order("aware_at", "clock_stopped_at"),
                name="incident_times_in_order",
            ),
            # Closing needs every duty met (incidents/duties.py) and says when. The duties on
            # the step tables are checked by the trigger incident_closed_with_step_duties_met.
            models.CheckConstraint(
                condition=~Q(status=Status.CLOSED) & Q(closed_at__isnull=True)
                | Q(status=Status.CLOSED, closed_at__isnull=False) & duties.none_outstanding(),
                name="incident_closed_only_when_complete",
            ),
        ]
        triggers = [
            # A closed case accepts nothing but reopening (and retention's removal of text).
            # (Its step tables' rows: their trigger step_record_follows_its_incident.)
            pgtrigger.Trigger(
                name="closed_incident_is_final",
                operation=pgtrigger.Update,
                when=pgtrigger.Before,
                condition=pgtrigger.Condition(
                    "OLD.status = 'closed' AND NEW.status = 'closed' AND "
                    + _changed_except(CHANGEABLE_WHEN_CLOSED)
                ),
                func="RAISE EXCEPTION 'incident % is closed: reopen it first', OLD.reference "
                "USING ERRCODE = 'check_violation'; RETURN NULL;",
            ),
            # The stored clock agrees with the initial notification (clock_stop()'s rule),
            # checked when the decision or the clock changes. (Trigger functions look rows up
            # with EXECUTE: a plan cached while a table was small would scan it once it is big.)
            pgtrigger.Trigger(
                name="incident_clock_matches_notification",
                operation=pgtrigger.Update,
                when=pgtrigger.Before,
                condition=pgtrigger.Condition(
                    "OLD.notify_decision IS DISTINCT FROM NEW.notify_decision "
                    "OR OLD.clock_stopped_at IS DISTINCT FROM NEW.clock_stopped_at"
                ),
                declare=[("initial_at", "timestamptz")],
                func="""
                    EXECUTE 'SELECT notified_at FROM incidents_datatilsynetnotification
                        WHERE incident_id = $1 AND phase = ''initial'''
                        INTO initial_at USING NEW.id;
                    IF initial_at IS NOT NULL AND (NEW.notify_decision <> 'notify'
                            OR NEW.clock_stopped_at IS DISTINCT FROM initial_at)
                        OR initial_at IS NULL AND NEW.notify_decision = 'notify'
                            AND NEW.clock_stopped_at IS NOT NULL THEN
                        RAISE EXCEPTION 'incident %: clock not stopped by the initial notification',
                            NEW.reference USING ERRCODE = 'check_violation';
                    END IF;
                    RETURN NEW;
                """,
            ),
            # Moving awareness past what followed it on the step tables is refused (their own
            # trigger checks the other direction).
            pgtrigger.Trigger(
                name="incident_steps_follow_awareness",
                operation=pgtrigger.Update,
                when=pgtrigger.Before,
                condition=pgtrigger.Condition("OLD.aware_at IS DISTINCT FROM NEW.aware_at"),
                declare=[("earlier", "boolean")],
                func=_STEPS_FOLLOW_AWARENESS_SQL,
            ),
            # Closing needs the duties met that live on the step tables (duties.Duty.sql).
            pgtrigger.Trigger(
                name="incident_closed_with_step_duties_met",
                operation=pgtrigger.Update,
                when=pgtrigger.After,
                condition=pgtrigger.Condition(
                    "NEW.status = 'closed' AND OLD.status IS DISTINCT FROM 'closed'"
                ),
                declare=[("outstanding", "text[]")],
                func=_STEP_DUTIES_MET_SQL,
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    def data_kind_labels(self) -> list[str]:
        return [str(DataKind(k).label) for k in self.data_kinds if k in DataKind.values]

    def breach_type_labels(self) -> list[str]:
        return [str(BreachType(k).label) for k in self.breach_types if k in BreachType.values]

    def subject_category_labels(self) -> list[str]:
        return [
            str(SubjectCategory(k).label)
            for k in self.subject_categories
            if k in SubjectCategory.values
        ]

    def suggested_dt_incident_type(self) -> str:
        return self.dt_incident_type or DT_TYPE_FOR_CATEGORY.get(self.category, "")

    # --- The clock ---------------------------------------------------------------------------

    @staticmethod
    def deadline_for(aware_at: datetime) -> datetime:
        # In UTC: Python adds a timedelta to a Europe/Copenhagen time on the wall clock, which
        # would make the window 71 or 73 real hours across a daylight-saving change.
        return aware_at.astimezone(UTC) + NOTIFICATION_WINDOW

    def initial_dt_notification(self) -> DatatilsynetNotification | None:
        """The initial notification (the one that stopped the clock); follow-ups never are."""
        for notification in self.dt_notifications.all():  # prefetched on the pages
            if notification.phase == DatatilsynetNotification.Phase.INITIAL:
                return notification
        return None

    @property
    def is_open(self) -> bool:
        return self.status != Status.CLOSED

    @property
    def notified_late(self) -> bool:
        """The initial notification came after the 72 hours (art. 33(1): reasons required)."""
        return (
            self.notify_decision == NotifyDecision.NOTIFY
            and self.clock_stopped_at is not None
            and self.clock_stopped_at > self.notification_deadline
        )

    def time_left(self, now: datetime) -> timedelta | None:
        """Time until the deadline (negative when passed); None once the clock has stopped."""
        if self.clock_stopped_at is not None:
            return None
        return self.notification_deadline - now

    def is_overdue(self, now: datetime) -> bool:
        left = self.time_left(now)
        return self.is_open and left is not None and left < timedelta(0)

    # --- Flags and duties (incidents/duties.py) ------------------------------------------------

    @property
    def decision_contradicts_risk(self) -> bool:
        """Not notifying although the assessment found a risk: allowed with a justification,
        and always flagged (dashboard, incident page, register)."""
        return self.notify_decision == NotifyDecision.NOT_NOTIFY and self.risk_level in (
            RiskLevel.RISK,
            RiskLevel.HIGH,
        )

    def risk_steer(self) -> list[str]:
        """Why the recorded facts suggest at least "Risiko" (empty when they do not)."""
        return risk.steer_reasons(
            data_kinds=self.data_kinds,
            subject_categories=self.subject_categories,
            subjects_estimate=self.subjects_estimate,
        )

    def outstanding_duties(self) -> list[duties.Duty]:
        return [duty for duty in duties.DUTIES if duty.outstanding(self)]

    def missing_items(self, now: datetime) -> list[str]:
        """Codes of the duties not yet met that are due, as of `now`."""
        return [
            duty.code
            for duty in self.outstanding_duties()
            if duty.listed_after is None or now > self.reported_at + duty.listed_after
        ]

    def close_blockers(self) -> list[str]:
        """What must be done before the incident may be closed, in Danish sentences: the duties,
        and what other apps keep on their own tables (duties.OTHER_CLOSE_BLOCKERS: NIS2)."""
        if not self.is_open:
            return [str(_("Sagen er allerede lukket."))]
        sentences = [str(duty.sentence) for duty in self.outstanding_duties()]
        return sentences + [s for blockers in duties.OTHER_CLOSE_BLOCKERS for s in blockers(self)]

    @property
    def can_close(self) -> bool:
        return not self.close_blockers()

    # --- The step tables ------------------------------------------------------------------------

    def step_record(self, model: type[StepRecord]) -> StepRecord:
        """The step table's row (selected with the incident, or one query), or a blank unsaved
        one when the step has recorded nothing yet (kept, so a service's change saves it)."""
        relation = model._meta.get_field("incident").remote_field
        try:
            return getattr(self, relation.get_accessor_name())
        except model.DoesNotExist:
            blank = model(incident_id=self.pk)
            relation.set_cached_value(self, blank)
            return blank

    @property
    def subjects_notice(self) -> SubjectsNotice:
        return self.step_record(SubjectsNotice)

    @property
    def other_records(self) -> OtherRecords:
        return self.step_record(OtherRecords)

    def record_value(self, name: str):
        """A field's value, on the incident or its step table (record_field)."""
        model, _field = record_field(name)
        return getattr(self if model is Incident else self.step_record(model), name)


# --- The step tables: what one self-contained handling step records ----------------------------


_STEP_RECORD_INCIDENT_SQL = (
    "EXECUTE 'SELECT status, aware_at, reference FROM incidents_incident WHERE id = $1' "
    "INTO incident USING NEW.incident_id; "
    "IF incident.status = 'closed' THEN RAISE EXCEPTION 'incident % is closed: reopen it "
    "first', incident.reference USING ERRCODE = 'check_violation'; END IF; "
)


def _step_record_sql(table: str) -> str:
    after = " OR ".join(f"NEW.{name} < incident.aware_at" for name in AFTER_AWARENESS[table])
    return _STEP_RECORD_INCIDENT_SQL + (
        f"IF {after} THEN RAISE EXCEPTION 'incident %: recorded before awareness', "
        "incident.reference USING ERRCODE = 'check_violation'; END IF; RETURN NEW;"
    )


def _step_record_triggers(table: str) -> list[pgtrigger.Trigger]:
    return [
        # A closed case's step rows are as final as its columns; times follow awareness.
        pgtrigger.Trigger(
            name="step_record_follows_its_incident",
            operation=pgtrigger.Insert | pgtrigger.Update,
            when=pgtrigger.Before,
            declare=[("incident", "RECORD")],
            func=_step_record_sql(table),
        ),
        # Incidents are never deleted, nor what their steps recorded.
        pgtrigger.Protect(name="step_record_never_deleted", operation=pgtrigger.Delete),
    ]


class StepRecord(models.Model):
    """What one handling step records (incidents/steps.py names the step's table), one row per
    incident, created by the step's first save under the incident's lock. No row: nothing
    recorded yet (`Incident.step_record` answers a blank one). Every change goes through the
    step's service, which bumps the incident's version and logs the timeline line with it."""

    incident = models.OneToOneField(
        Incident,
        on_delete=models.PROTECT,
        primary_key=True,
        related_name="%(class)s",
        verbose_name=_("sikkerhedsbrud"),
    )

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.incident_id}"


class SubjectsNotice(StepRecord):
    """Art. 34: when and how the data subjects were told, or the exemption that applies."""

    subjects_informed_at = models.DateTimeField(
        _("registrerede underrettet"), null=True, blank=True
    )
    subjects_informed_how = models.TextField(_("hvordan de blev underrettet"), blank=True)
    subjects_exemption = models.CharField(
        _("undtagelse"), max_length=16, choices=SubjectsExemption.choices, blank=True
    )
    subjects_exemption_reason = models.TextField(_("begrundelse for undtagelsen"), blank=True)
    public_communication_at = models.DateTimeField(_("offentlig meddelelse"), null=True, blank=True)
    public_communication_where = models.TextField(_("hvor blev den offentliggjort"), blank=True)

    class Meta:
        verbose_name = _("underretning af de registrerede")
        verbose_name_plural = _("underretninger af de registrerede")
        constraints = [
            # Art. 34(3)(c): the exemption stands only on a public communication (when, where).
            models.CheckConstraint(
                condition=~Q(subjects_exemption="art34_3c")
                | (Q(public_communication_at__isnull=False) & ~Q(public_communication_where="")),
                name="subjects_notice_public_communication_recorded",
            ),
        ]
        triggers = _step_record_triggers("incidents_subjectsnotice")


class OtherRecords(StepRecord):
    """The "other" step: the processor (art. 33(2)), the police and the SBSYS journal number.
    Null: not yet answered. (Not "follow-up": that is the follow-up notification to
    Datatilsynet, art. 33(4).)"""

    processor_involved = models.BooleanField(
        _("databehandler har anmeldt bruddet"), null=True, blank=True
    )
    processor_discovered_at = models.DateTimeField(
        _("databehandleren opdagede bruddet"), null=True, blank=True
    )
    processor_told_us_at = models.DateTimeField(
        _("databehandleren underrettede os"), null=True, blank=True
    )
    police_reported = models.BooleanField(_("politianmeldt"), null=True, blank=True)
    police_reference = models.CharField(_("politiets journalnummer"), max_length=100, blank=True)
    sbsys_case_number = models.CharField(_("SBSYS-sagsnummer"), max_length=100, blank=True)
    journalised_at = models.DateTimeField(_("journaliseret"), null=True, blank=True)

    class Meta:
        verbose_name = _("databehandler, politi og journalisering")
        verbose_name_plural = _("databehandler, politi og journalisering")
        constraints = [
            # The processor told us no earlier than it discovered the breach.
            models.CheckConstraint(
                condition=_time_order("processor_discovered_at", "processor_told_us_at"),
                name="other_records_processor_times_in_order",
            ),
        ]
        triggers = _step_record_triggers("incidents_otherrecords")


def record_field(name: str) -> tuple[type[models.Model], models.Field]:
    """The model (Incident or a step table) that holds an incident's field `name`, and the
    field. Timeline entries name fields; older ones name columns since moved to a step table."""
    for model in (Incident, *StepRecord.__subclasses__()):
        try:
            return model, model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
    raise FieldDoesNotExist(name)


class DatatilsynetNotification(models.Model):
    """What was sent to Datatilsynet, when. A record of a fact: never changed or deleted."""

    class Phase(models.TextChoices):
        INITIAL = "initial", _("Første anmeldelse")
        FOLLOW_UP = "follow_up", _("Opfølgende anmeldelse")

    incident = models.ForeignKey(
        Incident,
        on_delete=models.PROTECT,
        related_name="dt_notifications",
        verbose_name=_("sikkerhedsbrud"),
    )
    phase = models.CharField(_("fase"), max_length=16, choices=Phase.choices)
    follows = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_ups",
        verbose_name=_("følger op på"),
    )
    notified_at = models.DateTimeField(_("anmeldt til Datatilsynet"))
    dt_reference = models.CharField(_("Datatilsynets journalnummer"), max_length=100, blank=True)
    receipt = models.FileField(_("kvittering"), upload_to=_attachment_path, blank=True)
    content = models.TextField(_("hvad blev anmeldt"), blank=True)
    # Initial: the draft items that were not yet known and were promised later (art. 33(4)).
    # Follow-up: the promised items it supplied.
    items_later = ArrayField(
        models.CharField(max_length=32), default=list, blank=True, verbose_name=_("eftersendes")
    )
    items_supplied = ArrayField(
        models.CharField(max_length=32), default=list, blank=True, verbose_name=_("eftersendt")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("registreret af"),
    )
    recorded_at = models.DateTimeField(_("registreret"))

    class Meta:
        ordering = ["notified_at", "pk"]
        verbose_name = _("anmeldelse til Datatilsynet")
        verbose_name_plural = _("anmeldelser til Datatilsynet")
        constraints = [
            models.UniqueConstraint(
                fields=["incident"],
                condition=Q(phase="initial"),
                name="one_initial_dt_notification_per_incident",
            ),
            # A follow-up follows the initial notification; the initial one follows nothing.
            models.CheckConstraint(
                condition=Q(phase="initial", follows__isnull=True)
                | Q(phase="follow_up", follows__isnull=False),
                name="dt_notification_follows_the_initial",
            ),
        ]
        triggers = [
            # Notifications are facts already sent: append-only.
            pgtrigger.Protect(name="dt_notification_append_only", operation=pgtrigger.Update),
            pgtrigger.Protect(name="dt_notification_never_deleted", operation=pgtrigger.Delete),
            # Phases in order: an open incident; none before the municipality became aware; a
            # follow-up only after the initial notification, and following that one.
            pgtrigger.Trigger(
                name="dt_notification_in_order",
                operation=pgtrigger.Insert,
                when=pgtrigger.Before,
                declare=[("incident", "RECORD"), ("initial", "RECORD")],
                func="""
                    EXECUTE 'SELECT status, aware_at, reference FROM incidents_incident
                        WHERE id = $1' INTO incident USING NEW.incident_id;
                    IF incident.status = 'closed' THEN
                        RAISE EXCEPTION 'incident % is closed', incident.reference
                            USING ERRCODE = 'check_violation';
                    END IF;
                    IF NEW.notified_at < incident.aware_at THEN
                        RAISE EXCEPTION 'incident %: notified before awareness',
                            incident.reference USING ERRCODE = 'check_violation';
                    END IF;
                    IF NEW.phase = 'follow_up' THEN
                        EXECUTE 'SELECT id, notified_at FROM incidents_datatilsynetnotification
                            WHERE incident_id = $1 AND phase = ''initial''' INTO initial
                            USING NEW.incident_id;
                        IF initial.id IS NULL OR NEW.follows_id IS DISTINCT FROM initial.id
                                OR NEW.notified_at < initial.notified_at THEN
                            RAISE EXCEPTION 'incident %: a follow-up must follow the initial one',
                                incident.reference USING ERRCODE = 'check_violation';
                        END IF;
                    END IF;
                    RETURN NEW;
                """,
            ),
            # The initial notification stopped the clock: checked at commit, when the service
            # has recorded both (the incident's own trigger checks every later change).
            pgtrigger.Trigger(
                name="dt_initial_stops_the_clock",
                operation=pgtrigger.Insert,
                when=pgtrigger.After,
                timing=pgtrigger.Deferred,
                condition=pgtrigger.Condition("NEW.phase = 'initial'"),
                declare=[("incident", "RECORD")],
                func="""
                    EXECUTE 'SELECT notify_decision, clock_stopped_at, reference
                        FROM incidents_incident WHERE id = $1' INTO incident USING NEW.incident_id;
                    IF incident.notify_decision <> 'notify'
                            OR incident.clock_stopped_at IS DISTINCT FROM NEW.notified_at THEN
                        RAISE EXCEPTION 'incident %: clock not stopped by the initial notification',
                            incident.reference USING ERRCODE = 'check_violation';
                    END IF;
                    RETURN NULL;
                """,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.incident} – {self.get_phase_display()}"


class IncidentText(models.Model):
    """Words someone wrote in a case: the reporter's added information, messages, internal
    notes, the reasons for moving the awareness time or reopening. The timeline points here
    instead of copying them, so removing personal text after the retention period never edits
    the timeline."""

    class Kind(models.TextChoices):
        INFORMATION = "information", _("Oplysninger fra indberetteren")
        MESSAGE = "message", _("Besked til indberetteren")
        NOTE = "note", _("Intern note")
        MANAGER_ACTION = "manager_action", _("Hvad lederen har gjort")
        AWARENESS_REASON = "awareness_reason", _("Begrundelse for nyt opmærksomhedstidspunkt")
        REOPEN_REASON = "reopen_reason", _("Begrundelse for genåbning")

    # The conversation with the reporter and the notes: removed after the retention period.
    PERSONAL_KINDS = (Kind.INFORMATION, Kind.MESSAGE, Kind.NOTE, Kind.MANAGER_ACTION)

    incident = models.ForeignKey(
        Incident, on_delete=models.PROTECT, related_name="texts", verbose_name=_("sikkerhedsbrud")
    )
    kind = models.CharField(_("type"), max_length=24, choices=Kind.choices)
    text = models.TextField(_("tekst"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("skrevet af"),
    )
    written_at = models.DateTimeField(_("skrevet"))
    removed_at = models.DateTimeField(_("slettet efter opbevaringsperioden"), null=True)

    class Meta:
        ordering = ["written_at", "pk"]
        verbose_name = _("tekst i en sag")
        verbose_name_plural = _("tekster i sager")
        constraints = [
            # Retention empties the text and says when; nothing else removes it.
            models.CheckConstraint(
                condition=Q(removed_at__isnull=True) | Q(text=""),
                name="incident_text_removed_is_empty",
            ),
        ]
        triggers = [
            pgtrigger.Protect(name="incident_text_never_deleted", operation=pgtrigger.Delete),
            # Once written, only retention may empty it.
            pgtrigger.Protect(
                name="incident_text_only_removed",
                operation=pgtrigger.Update,
                condition=pgtrigger.Condition(
                    "NOT (OLD.removed_at IS NULL AND NEW.removed_at IS NOT NULL "
                    "AND NEW.text = '' AND "
                    "(to_jsonb(OLD) - ARRAY['text', 'removed_at']) = "
                    "(to_jsonb(NEW) - ARRAY['text', 'removed_at']))"
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.incident_id} {self.kind} {self.written_at:%Y-%m-%d %H:%M}"


# What may still be written about a closed case: it was closed, read, mailed, or retention ran.
TIMELINE_KINDS_WHEN_CLOSED = ("closed", "viewed", "email_sent", "retention")
_CLOSED_KINDS_SQL = ", ".join(f"'{kind}'" for kind in TIMELINE_KINDS_WHEN_CLOSED)
_TIMELINE_CLOSED_CASE_SQL = (
    f"IF NEW.kind NOT IN ({_CLOSED_KINDS_SQL}) THEN "  # noqa: S608 - constant codes
    "EXECUTE 'SELECT status FROM incidents_incident WHERE id = $1' INTO incident_status "
    "USING NEW.incident_id; "
    "IF incident_status = 'closed' THEN "
    "RAISE EXCEPTION 'incident is closed' USING ERRCODE = 'check_violation'; END IF; END IF; "
    "RETURN NEW;"
)


class TimelineEntry(models.Model):
    """One line of an incident's history: facts only (kind, codes, times, ids), rendered with
    labels in the reader's language by incidents/history.py. Append-only in the database."""

    class Kind(models.TextChoices):
        REPORTED = "reported", _("Indberettet")
        VIEWED = "viewed", _("Set")
        INFORMATION_ADDED = "information_added", _("Oplysninger tilføjet")
        CONTAINMENT = "containment", _("Bruddet stoppet")
        PEOPLE_NOTIFIED = "people_notified", _("Leder/IT underrettet")
        ESCALATED = "escalated", _("Overtaget af GDPR-enheden")
        AWARE_CHANGED = "aware_changed", _("Opmærksomhedstidspunkt ændret")
        ASSESSED = "assessed", _("Vurderet")
        DECIDED = "decided", _("Beslutning")
        DECISION_WITHDRAWN = "decision_withdrawn", _("Beslutning trukket tilbage")
        DT_NOTIFIED = "dt_notified", _("Anmeldt til Datatilsynet")
        SUBJECTS = "subjects", _("Registrerede")
        RECORDS = "records", _("Øvrige oplysninger")
        NOTE = "note", _("Intern note")
        MESSAGE = "message", _("Besked")
        MANAGER_ACTED = "manager_acted", _("Lederen har handlet")
        CLOSED = "closed", _("Lukket")
        REOPENED = "reopened", _("Genåbnet")
        EMAIL_SENT = "email_sent", _("E-mail sendt")
        RETENTION = "retention", _("Opbevaringsperiode udløbet")
        # NIS2 (nis2/): the facts are under the key "nis2" (nis2/history.py renders them).
        NIS2_ASSESSED = "nis2_assessed", _("NIS2: vurderet")
        NIS2_DETAILS = "nis2_details", _("NIS2: oplysninger til CSIRT")
        NIS2_SUBMITTED = "nis2_submitted", _("NIS2: rapport sendt til CSIRT")
        NIS2_ENDED = "nis2_ended", _("NIS2: hændelsen afsluttet")

    KINDS_WHEN_CLOSED = TIMELINE_KINDS_WHEN_CLOSED
    # Lines said to someone: unread by them until they open the case after it (a "viewed"
    # line of theirs; incidents/selectors.py marks them, conversation.py logs the opening).
    TO_REPORTER = (Kind.MESSAGE,)
    TO_HANDLERS = (Kind.INFORMATION_ADDED, Kind.MANAGER_ACTED)

    class Visibility(models.TextChoices):
        INTERNAL = "internal", _("Intern")
        REPORTER = "reporter", _("Synlig for indberetteren")

    incident = models.ForeignKey(
        Incident,
        on_delete=models.PROTECT,
        related_name="timeline",
        verbose_name=_("sikkerhedsbrud"),
    )
    at = models.DateTimeField(_("tidspunkt"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("udført af"),
    )
    kind = models.CharField(_("hændelse"), max_length=32, choices=Kind.choices)
    visibility = models.CharField(
        _("synlighed"), max_length=16, choices=Visibility.choices, default=Visibility.INTERNAL
    )
    # {field: [old, new]} with codes, ISO times, numbers and ids; a free-text field that changed
    # is recorded as {field: "changed"}, never with its words. Other facts under their own keys.
    changes = models.JSONField(_("ændringer"), default=dict, blank=True)
    body = models.ForeignKey(
        IncidentText,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("tekst"),
    )

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("tidslinjepost")
        verbose_name_plural = _("tidslinje")
        triggers = [
            pgtrigger.Protect(name="timeline_append_only", operation=pgtrigger.Update),
            pgtrigger.Protect(name="timeline_never_deleted", operation=pgtrigger.Delete),
            pgtrigger.Trigger(
                name="timeline_closed_case",
                operation=pgtrigger.Insert,
                when=pgtrigger.Before,
                declare=[("incident_status", "varchar")],
                func=_TIMELINE_CLOSED_CASE_SQL,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.incident_id} {self.at:%Y-%m-%d %H:%M} {self.kind}"


class Attachment(models.Model):
    MAX_SIZE = 10 * 1024 * 1024

    incident = models.ForeignKey(
        Incident,
        on_delete=models.PROTECT,
        related_name="attachments",
        verbose_name=_("sikkerhedsbrud"),
    )
    file = models.FileField(_("fil"), upload_to=_attachment_path)
    original_name = models.CharField(_("filnavn"), max_length=255)
    content_type = models.CharField(_("filtype"), max_length=100)
    size = models.PositiveIntegerField(_("størrelse (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("tilføjet af"),
    )
    uploaded_at = models.DateTimeField(_("tilføjet"))

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("bilag")
        verbose_name_plural = _("bilag")

    def __str__(self) -> str:
        return self.original_name


# --- GDPR unit: e-mail outbox and deadline calendars -----------------------------------------


# The reminders, GDPR's and NIS2's (Notification.REMINDER_KINDS, NIS2_REMINDER_KINDS).
KINDS_WITH_DEADLINE = [
    "reminder_24h",
    "reminder_6h",
    "deadline_passed",
    "nis2_early_warning_soon",
    "nis2_notification_soon",
    "nis2_final_report_soon",
    "nis2_deadline_passed",
]


class Notification(models.Model):
    """One e-mail the portal owes someone about an incident: the outbox row the worker sends.

    Created in the same transaction as its cause; the unique constraint makes "once per incident,
    kind, recipient (and, for reminders, deadline)" a database fact. Sending claims the row with a
    conditional UPDATE.
    """

    class Kind(models.TextChoices):
        NEW_REPORT_GDPR = "new_report_gdpr", _("Ny indberetning til GDPR-enheden")
        NEW_REPORT_IT = "new_report_it", _("Ny indberetning til IT")
        NEW_REPORT_MANAGER = "new_report_manager", _("Ny indberetning til lederen")
        RECEIPT_REPORTER = "receipt_reporter", _("Kvittering til indberetteren")
        REMINDER_24H = "reminder_24h", _("Påmindelse: 24 timer til fristen")
        REMINDER_6H = "reminder_6h", _("Påmindelse: 6 timer til fristen")
        DEADLINE_PASSED = "deadline_passed", _("Fristen er overskredet")
        # NIS2's clocks (nis2/reminders.py): each names the deadline it warns of.
        NIS2_EARLY_WARNING_SOON = "nis2_early_warning_soon", _("NIS2: tidlig varsling snart")
        NIS2_NOTIFICATION_SOON = "nis2_notification_soon", _("NIS2: hændelsesunderretning snart")
        NIS2_FINAL_REPORT_SOON = "nis2_final_report_soon", _("NIS2: endelig rapport snart")
        NIS2_DEADLINE_PASSED = "nis2_deadline_passed", _("NIS2: fristen er overskredet")
        MESSAGE_REPORTER = "message_reporter", _("Ny besked til indberetteren")
        INFORMATION_HANDLER = "information_handler", _("Nye oplysninger til sagsbehandleren")

    # E-mails about one line of the conversation: one per line and recipient (`about`).
    CONVERSATION_KINDS = (Kind.MESSAGE_REPORTER, Kind.INFORMATION_HANDLER)
    # The GDPR clock's reminders (incidents.notifications.rearm_reminders keeps them).
    REMINDER_KINDS = (Kind.REMINDER_24H, Kind.REMINDER_6H, Kind.DEADLINE_PASSED)
    NIS2_REMINDER_KINDS = (
        Kind.NIS2_EARLY_WARNING_SOON,
        Kind.NIS2_NOTIFICATION_SOON,
        Kind.NIS2_FINAL_REPORT_SOON,
        Kind.NIS2_DEADLINE_PASSED,
    )

    class Status(models.TextChoices):
        PENDING = "pending", _("Venter")
        SENDING = "sending", _("Sendes")
        SENT = "sent", _("Sendt")
        FAILED = "failed", _("Fejlet, prøves igen")
        CANCELLED = "cancelled", _("Ikke længere aktuel")

    # CASCADE: an outbox row means nothing without its incident (incidents are never deleted by
    # the product; the timeline entries PROTECT them).
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    recipient_email = models.EmailField()
    # A reminder is about one deadline: when the deadline moves, the next reminder is a new row.
    deadline = models.DateTimeField(null=True, blank=True)
    # A message or new information is one e-mail per line of the timeline, never its words.
    about = models.ForeignKey(
        TimelineEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Exception class and SMTP code only: server messages may quote addresses.
    last_error = models.CharField(max_length=200, blank=True)
    message_id = models.CharField(max_length=200, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created", "pk"]
        verbose_name = _("e-mail")
        verbose_name_plural = _("e-mails")
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "kind", "recipient_email", "deadline", "about"],
                nulls_distinct=False,
                name="one_notification_per_incident_kind_recipient_deadline",
            ),
            # An e-mail about the conversation names its line; the others do not have one.
            models.CheckConstraint(
                condition=Q(kind__in=["message_reporter", "information_handler"])
                & Q(about__isnull=False)
                | ~Q(kind__in=["message_reporter", "information_handler"]) & Q(about__isnull=True),
                name="notification_conversation_names_its_line",
            ),
            # Reminders name the deadline they warn of; the other e-mails do not have one.
            models.CheckConstraint(
                condition=Q(kind__in=KINDS_WITH_DEADLINE) & Q(deadline__isnull=False)
                | ~Q(kind__in=KINDS_WITH_DEADLINE) & Q(deadline__isnull=True),
                name="notification_reminders_have_a_deadline",
            ),
        ]
        indexes = [
            # The worker's claim (incidents/outbox.py): unsent rows that are due or whose lease
            # has run out.
            models.Index(
                fields=["status", "next_attempt_at"],
                condition=~Q(status__in=["sent", "cancelled"]),
                name="notification_unsent_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.incident_id} {self.kind} {self.status}"


class CalendarFeed(models.Model):
    """A GDPR-unit member's secret iCalendar URL. Deleting the row revokes it."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("kalender-feed")
        verbose_name_plural = _("kalender-feeds")

    def __str__(self) -> str:
        return f"{self.user_id}"
