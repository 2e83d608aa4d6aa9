"""Security breaches: the report, the handling facts, the Datatilsynet notifications and the
immutable timeline. State changes happen only in incidents/services.py."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Case, F, Min, OuterRef, Q, Subquery, When
from django.db.models.functions import Coalesce
from django.db.models.lookups import Exact, IsNull
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal import roles

NOTIFICATION_WINDOW = timedelta(hours=72)  # GDPR art. 33(1): 72 real hours, weekends included
JOURNALISING_WINDOW = timedelta(days=7)  # The folder: journalised within 7 days
# True while the 72-hour clock runs (Incident.clock_stopped_at is null).
CLOCK_RUNNING = IsNull(F("clock_stopped_at"), True)


class Category(models.TextChoices):
    LOST_DEVICE = "lost_device", _("Mistet eller stjålet udstyr (pc, mobil, tablet, USB-nøgle)")
    MISDIRECTED_MAIL = (
        "misdirected_mail",
        _("Følsom e-mail sendt usikkert eller til forkert modtager"),
    )
    PHISHING = "phishing", _("Klikket på et link eller åbnet en vedhæftet fil (phishing)")
    MALWARE = "malware", _("Virus eller anden skadelig software")
    UNAUTHORISED_ACCESS = "unauthorised_access", _("Uautoriseret adgang eller brug")
    LOST_PAPERS = "lost_papers", _("Mistede eller forlagte papirer")
    PASSWORD_DISCLOSED = "password_disclosed", _("Adgangskode røbet eller kendt af andre")
    OTHER = "other", _("Andet")


class PersonalData(models.TextChoices):
    YES = "yes", _("Ja")
    NO = "no", _("Nej")
    UNKNOWN = "unknown", _("Ved ikke")


class Stopped(models.TextChoices):
    YES = "yes", _("Ja")
    NO = "no", _("Nej")
    UNKNOWN = "unknown", _("Ved ikke")


class DataKind(models.TextChoices):
    ORDINARY = "ordinary", _("Almindelige personoplysninger (fx navn, adresse, telefon)")
    CPR = "cpr", _("CPR-numre")
    SENSITIVE = "sensitive", _("Følsomme oplysninger (art. 9), fx helbred")
    CRIMINAL = "criminal", _("Oplysninger om strafbare forhold")
    FINANCIAL = "financial", _("Økonomiske oplysninger")
    CREDENTIALS = "credentials", _("Brugernavne og adgangskoder")


class BreachType(models.TextChoices):
    CONFIDENTIALITY = "confidentiality", _("Fortrolighed (uvedkommende har fået adgang)")
    INTEGRITY = "integrity", _("Integritet (oplysninger er ændret uden lov)")
    AVAILABILITY = "availability", _("Tilgængelighed (oplysninger er mistet eller utilgængelige)")


class RiskLevel(models.TextChoices):
    NONE = "none", _("Ingen risiko")
    RISK = "risk", _("Risiko")
    HIGH = "high", _("Høj risiko")


class Status(models.TextChoices):
    REPORTED = "reported", _("Anmeldt")
    ESCALATED = "escalated", _("Hos GDPR-enheden")
    CLOSED = "closed", _("Lukket")


class NotifyDecision(models.TextChoices):
    NOTIFY = "notify", _("Anmeldes til Datatilsynet")
    NOT_NOTIFY = "not_notify", _("Anmeldes ikke til Datatilsynet")


class SubjectsExemption(models.TextChoices):
    ART34_3A = "art34_3a", _("Art. 34, stk. 3, litra a: oplysningerne var beskyttet (fx krypteret)")
    ART34_3B = (
        "art34_3b",
        _("Art. 34, stk. 3, litra b: efterfølgende foranstaltninger fjerner risikoen"),
    )
    ART34_3C = (
        "art34_3c",
        _("Art. 34, stk. 3, litra c: uforholdsmæssig indsats (offentlig meddelelse i stedet)"),
    )
    DBL_22 = "dbl_22", _("Databeskyttelseslovens § 22")


class ReferenceCounter(models.Model):
    """The last reference number used per year; locked while a new number is taken."""

    year = models.PositiveIntegerField(unique=True)
    last_number = models.PositiveIntegerField(default=0)

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
        """Recompute the stored `clock_stopped_at` from the facts, in one UPDATE.

        The rule: the first notification to Datatilsynet stops the clock; without one, a
        decision not to notify stops it at the decision. The services apply it to the row they
        change (services._clock_stopped_at); seeding, repairs and test fixtures that write the
        facts directly call this. Migration 0004 filled existing rows by the same rule.
        """
        first = (
            DatatilsynetNotification.objects.filter(incident=OuterRef("pk"))
            .values("incident")
            .annotate(first=Min("notified_at"))
            .values("first")
        )
        return self.update(
            clock_stopped_at=Coalesce(
                Subquery(first),
                Case(When(notify_decision=NotifyDecision.NOT_NOTIFY, then=F("decided_at"))),
            )
        )

    def awaiting_notification(self) -> IncidentQuerySet:
        """Open incidents whose 72-hour clock is still running."""
        return self.open().clock_running()

    def overdue(self, now: datetime) -> IncidentQuerySet:
        return self.awaiting_notification().filter(notification_deadline__lt=now)

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


def _attachment_path(instance: models.Model, filename: str) -> str:
    # Never the uploaded name: it is typed by the user and may contain personal data.
    return f"incidents/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class Incident(models.Model):
    reference = models.CharField(_("reference"), max_length=20, unique=True, editable=False)
    submission_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="reported_incidents",
        verbose_name=_("anmelder"),
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
    reported_at = models.DateTimeField(_("anmeldt"))
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
    # When the clock stopped: the first notification to Datatilsynet or, without one, the
    # decision not to notify. Null while it runs. Stored (not computed per row) so the dashboard
    # can order and count by it from an index; only the services that stop or restart the
    # clock write it (incident_decide, incident_record_dt_notification).
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

    # Assessment, art. 33(5).
    breach_types = ArrayField(
        models.CharField(max_length=16, choices=BreachType.choices),
        default=list,
        blank=True,
        verbose_name=_("type af brud"),
    )
    subjects_estimate = models.PositiveIntegerField(_("registrerede (ca.)"), null=True, blank=True)
    records_estimate = models.PositiveIntegerField(_("registreringer (ca.)"), null=True, blank=True)
    likely_consequences = models.TextField(_("sandsynlige konsekvenser"), blank=True)
    measures_taken = models.TextField(_("trufne foranstaltninger"), blank=True)
    measures_proposed = models.TextField(_("foreslåede foranstaltninger"), blank=True)
    measures_before = models.TextField(_("foranstaltninger før bruddet"), blank=True)
    risk_level = models.CharField(_("risiko"), max_length=8, choices=RiskLevel.choices, blank=True)
    risk_reasoning = models.TextField(_("begrundelse for risikovurdering"), blank=True)
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
    decided_at = models.DateTimeField(_("besluttet"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("besluttet af"),
    )

    # Data subjects, art. 34.
    subjects_informed_at = models.DateTimeField(
        _("registrerede underrettet"), null=True, blank=True
    )
    subjects_informed_how = models.TextField(_("hvordan de blev underrettet"), blank=True)
    subjects_exemption = models.CharField(
        _("undtagelse"), max_length=16, choices=SubjectsExemption.choices, blank=True
    )
    subjects_exemption_reason = models.TextField(_("begrundelse for undtagelsen"), blank=True)

    # Other records.
    processor_involved = models.BooleanField(_("databehandler har anmeldt bruddet"), default=False)
    processor_discovered_at = models.DateTimeField(
        _("databehandleren opdagede bruddet"), null=True, blank=True
    )
    processor_told_us_at = models.DateTimeField(
        _("databehandleren underrettede os"), null=True, blank=True
    )
    police_reported = models.BooleanField(_("politianmeldt"), default=False)
    police_reference = models.CharField(_("politiets journalnummer"), max_length=100, blank=True)
    sbsys_case_number = models.CharField(_("SBSYS-sagsnummer"), max_length=100, blank=True)
    journalised_at = models.DateTimeField(_("journaliseret"), null=True, blank=True)

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
    version = models.PositiveIntegerField(default=1)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

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
            # The handlers' list and "Mine anmeldelser", newest first. (reporter and manager are
            # foreign keys and already indexed for visible_to().)
            models.Index(fields=["-reported_at"], name="incident_reported_at"),
            # The GDPR deadline dashboard: only open incidents, few among many closed ones.
            models.Index(
                fields=["notification_deadline"],
                condition=~Q(status="closed"),
                name="incident_open_deadline",
            ),
            # The deadline dashboard's list query (gdpr_views.dashboard): open incidents,
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
            # the reminder sweep.
            models.Index(
                fields=["notification_deadline", "id"],
                condition=~Q(status="closed") & Q(clock_stopped_at__isnull=True),
                name="incident_open_running_deadline",
            ),
        ]
        constraints = [
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
            # Without a decision the clock runs; a decision not to notify has stopped it (no
            # notification can precede it, so at the decision). Notifying: either, per the
            # notifications, which the row cannot see.
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
        ]

    def __str__(self) -> str:
        return self.reference

    def data_kind_labels(self) -> list[str]:
        return [str(DataKind(k).label) for k in self.data_kinds if k in DataKind.values]

    def breach_type_labels(self) -> list[str]:
        return [str(BreachType(k).label) for k in self.breach_types if k in BreachType.values]

    # --- The clock ---------------------------------------------------------------------------

    @staticmethod
    def deadline_for(aware_at: datetime) -> datetime:
        # In UTC: Python adds a timedelta to a Europe/Copenhagen time on the wall clock, which
        # would make the window 71 or 73 real hours across a daylight-saving change.
        return aware_at.astimezone(UTC) + NOTIFICATION_WINDOW

    def first_dt_notification(self) -> DatatilsynetNotification | None:
        notifications = list(self.dt_notifications.all())
        return min(notifications, key=lambda n: n.notified_at) if notifications else None

    @property
    def is_open(self) -> bool:
        return self.status != Status.CLOSED

    def time_left(self, now: datetime) -> timedelta | None:
        """Time until the deadline (negative when passed); None once the clock has stopped."""
        if self.clock_stopped_at is not None:
            return None
        return self.notification_deadline - now

    def is_overdue(self, now: datetime) -> bool:
        left = self.time_left(now)
        return self.is_open and left is not None and left < timedelta(0)

    # --- Duties ------------------------------------------------------------------------------

    def _outstanding(self) -> list[str]:
        items = []
        if self.contained_at is None:
            items.append("containment")
        if self.assessed_at is None:
            items.append("assessment")
        if not self.notify_decision:
            items.append("notify_decision")
        # Decided to notify, the clock stops only at the first notification: still running means
        # none is recorded (no query, so the dashboard needs no per-row notifications).
        if self.notify_decision == NotifyDecision.NOTIFY and self.clock_stopped_at is None:
            items.append("datatilsynet")
        if (
            self.risk_level == RiskLevel.HIGH
            and self.subjects_informed_at is None
            and not self.subjects_exemption
        ):
            items.append("subjects")
        return items

    def missing_items(self, now: datetime) -> list[str]:
        """Codes of the duties not yet met that the recorded facts require, as of `now`."""
        items = self._outstanding()
        if not self.sbsys_case_number and now > self.reported_at + JOURNALISING_WINDOW:
            items.append("journalising")
        return items

    def close_blockers(self) -> list[str]:
        """What must be done before the incident may be closed, in Danish sentences."""
        if not self.is_open:
            return [str(_("Sagen er allerede lukket."))]
        sentences = {
            "containment": _(
                "Inddæmningen er ikke registreret (hvad blev gjort, af hvem, hvornår)."
            ),
            "assessment": _("Vurderingen af bruddet og risikoen er ikke registreret."),
            "notify_decision": _("Beslutningen om anmeldelse til Datatilsynet er ikke truffet."),
            "datatilsynet": _(
                "Det er besluttet at anmelde til Datatilsynet, men anmeldelsen er ikke registreret."
            ),
            "subjects": _(
                "Risikoen er høj: registrer hvornår og hvordan de registrerede er underrettet, "
                "eller hvilken undtagelse der gælder."
            ),
        }
        blockers = [str(sentences[code]) for code in self._outstanding()]
        if not self.sbsys_case_number:
            blockers.append(str(_("Sagen er ikke journaliseret: SBSYS-sagsnummeret mangler.")))
        return blockers

    @property
    def can_close(self) -> bool:
        return not self.close_blockers()


class DatatilsynetNotification(models.Model):
    class Phase(models.TextChoices):
        INITIAL = "initial", _("Første anmeldelse")
        FOLLOW_UP = "follow_up", _("Opfølgende anmeldelse")

    incident = models.ForeignKey(
        Incident, on_delete=models.PROTECT, related_name="dt_notifications"
    )
    phase = models.CharField(_("fase"), max_length=16, choices=Phase.choices)
    follows = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="follow_ups"
    )
    notified_at = models.DateTimeField(_("anmeldt til Datatilsynet"))
    dt_reference = models.CharField(_("Datatilsynets journalnummer"), max_length=100, blank=True)
    receipt = models.FileField(_("kvittering"), upload_to=_attachment_path, blank=True)
    delay_reasons = models.TextField(_("begrundelse for forsinkelse"), blank=True)
    content = models.TextField(_("hvad blev anmeldt"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
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
        ]

    def __str__(self) -> str:
        return f"{self.incident} – {self.get_phase_display()}"


class TimelineEntry(models.Model):
    """One immutable line of an incident's history. Created only by services."""

    class Kind(models.TextChoices):
        REPORTED = "reported", _("Anmeldt")
        VIEWED = "viewed", _("Set")
        INFORMATION_ADDED = "information_added", _("Oplysninger tilføjet")
        CONTAINMENT = "containment", _("Inddæmning")
        PEOPLE_NOTIFIED = "people_notified", _("Leder/IT underrettet")
        ESCALATED = "escalated", _("Eskaleret")
        AWARE_CHANGED = "aware_changed", _("Opmærksomhedstidspunkt ændret")
        ASSESSED = "assessed", _("Vurderet")
        DECIDED = "decided", _("Beslutning")
        DT_NOTIFIED = "dt_notified", _("Anmeldt til Datatilsynet")
        SUBJECTS = "subjects", _("Registrerede")
        RECORDS = "records", _("Øvrige oplysninger")
        NOTE = "note", _("Intern note")
        MESSAGE = "message", _("Besked")
        CLOSED = "closed", _("Lukket")
        REOPENED = "reopened", _("Genåbnet")
        EMAIL_SENT = "email_sent", _("E-mail sendt")

    class Visibility(models.TextChoices):
        INTERNAL = "internal", _("Intern")
        REPORTER = "reporter", _("Synlig for anmelderen")

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="timeline")
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=32, choices=Kind.choices)
    visibility = models.CharField(
        max_length=16, choices=Visibility.choices, default=Visibility.INTERNAL
    )
    text = models.TextField(blank=True)
    changes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("tidslinjepost")
        verbose_name_plural = _("tidslinje")

    def __str__(self) -> str:
        return f"{self.incident_id} {self.at:%Y-%m-%d %H:%M} {self.kind}"


class Attachment(models.Model):
    MAX_SIZE = 10 * 1024 * 1024

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(upload_to=_attachment_path)
    original_name = models.CharField(_("filnavn"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField()

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("bilag")
        verbose_name_plural = _("bilag")

    def __str__(self) -> str:
        return self.original_name


# --- GDPR unit: e-mail outbox and deadline calendars -----------------------------------------


class Notification(models.Model):
    """One e-mail the portal owes someone about an incident: the outbox row the worker sends.

    Created in the same transaction as its cause; the unique constraint makes "once per incident,
    kind and recipient" a database fact. Sending claims the row with a conditional UPDATE.
    """

    class Kind(models.TextChoices):
        NEW_REPORT_GDPR = "new_report_gdpr", _("Ny anmeldelse til GDPR-enheden")
        NEW_REPORT_IT = "new_report_it", _("Ny anmeldelse til IT")
        NEW_REPORT_MANAGER = "new_report_manager", _("Ny anmeldelse til lederen")
        RECEIPT_REPORTER = "receipt_reporter", _("Kvittering til anmelderen")
        REMINDER_24H = "reminder_24h", _("Påmindelse: 24 timer til fristen")
        REMINDER_6H = "reminder_6h", _("Påmindelse: 6 timer til fristen")
        DEADLINE_PASSED = "deadline_passed", _("Fristen er overskredet")

    class Status(models.TextChoices):
        PENDING = "pending", _("Venter")
        SENDING = "sending", _("Sendes")
        SENT = "sent", _("Sendt")
        FAILED = "failed", _("Fejlet, prøves igen")

    # CASCADE: an outbox row means nothing without its incident (incidents are never deleted by
    # the product; the timeline entries PROTECT them).
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    recipient_email = models.EmailField()
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
                fields=["incident", "kind", "recipient_email"],
                name="one_notification_per_incident_kind_recipient",
            ),
        ]
        indexes = [
            # The sweep: unsent rows that are due or whose claim has gone stale.
            models.Index(
                fields=["status", "next_attempt_at"],
                condition=~Q(status="sent"),
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
