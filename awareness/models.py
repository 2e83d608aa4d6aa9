"""Read-and-acknowledge campaigns over the security folder (NIS2 art. 21(2)(g)): which sections,
for whom, by when; the questions staff write per section; every answer and every confirmation
(the evidence, append-only); the category -> sections map that aims a campaign at repeated
breaches; and the reminders' outbox. Changes happen in awareness/services.py and outbox.py."""

from __future__ import annotations

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from incidents.models import Category


class Question(models.Model):
    """A short question about a section, written by staff; a wrong answer shows `rule`."""

    section = models.OneToOneField(
        "guidance.Section",
        on_delete=models.CASCADE,
        related_name="question",
        verbose_name=_("afsnit"),
    )
    text = models.CharField(_("spørgsmål"), max_length=300)
    rule = models.ForeignKey(
        "guidance.Rule",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reglen, der vises ved forkert svar"),
    )
    updated_at = models.DateTimeField(_("senest opdateret"), auto_now=True)

    class Meta:
        verbose_name = _("spørgsmål")
        verbose_name_plural = _("spørgsmål")

    def __str__(self) -> str:
        return self.text


class Choice(models.Model):
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="choices", verbose_name=_("spørgsmål")
    )
    text = models.CharField(_("svarmulighed"), max_length=200)
    correct = models.BooleanField(_("rigtigt svar"), default=False)
    order = models.PositiveIntegerField(_("rækkefølge"), default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("svarmulighed")
        verbose_name_plural = _("svarmuligheder")

    def __str__(self) -> str:
        return self.text


class Campaign(models.Model):
    title = models.CharField(_("titel"), max_length=200)
    all_staff = models.BooleanField(_("alle medarbejdere"), default=False)
    departments = models.ManyToManyField(
        "portal.Department", blank=True, related_name="+", verbose_name=_("afdelinger")
    )
    sections = models.ManyToManyField(
        "guidance.Section",
        through="CampaignSection",
        related_name="+",
        verbose_name=_("afsnit"),
    )
    # The last day to confirm: through the end of that day in Copenhagen.
    deadline = models.DateField(_("frist"))
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("startet af"),
    )
    started_at = models.DateTimeField(_("startet"))
    # A campaign aimed at repeated breaches of one category (awareness/repeats.py).
    repeat_category = models.CharField(
        _("gentagne brud af kategorien"), max_length=32, choices=Category.choices, blank=True
    )

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("kampagne")
        verbose_name_plural = _("kampagner")

    def __str__(self) -> str:
        return self.title


class CampaignSection(models.Model):
    """A section of a campaign and the content version it asks for: a confirmation of that
    version or a later one counts; one of an earlier version (edited since) does not."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    section = models.ForeignKey("guidance.Section", on_delete=models.PROTECT, related_name="+")
    content_version = models.PositiveIntegerField(_("version"))

    class Meta:
        ordering = ["section__order", "section__pk"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "section"], name="campaign_section_once")
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.section_id} v{self.content_version}"


class Confirmation(models.Model):
    """The evidence: this person read and understood this version of this section, then. Never
    changed or deleted; one per person, section and version (a later campaign asking for the
    same version counts it)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="confirmations",
        verbose_name=_("medarbejder"),
    )
    section = models.ForeignKey(
        "guidance.Section", on_delete=models.PROTECT, related_name="+", verbose_name=_("afsnit")
    )
    content_version = models.PositiveIntegerField(_("version"))
    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, related_name="confirmations", verbose_name=_("kampagne")
    )
    confirmed_at = models.DateTimeField(_("bekræftet"))
    # The question and the answer given, as they read then (staff may edit the question later).
    question = models.CharField(_("spørgsmål"), max_length=300, blank=True)
    answer = models.CharField(_("svar"), max_length=200, blank=True)

    class Meta:
        ordering = ["confirmed_at", "pk"]
        verbose_name = _("bekræftelse")
        verbose_name_plural = _("bekræftelser")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "section", "content_version"], name="confirmation_once_per_version"
            ),
        ]
        triggers = [
            pgtrigger.Protect(name="confirmation_append_only", operation=pgtrigger.Update),
            pgtrigger.Protect(name="confirmation_never_deleted", operation=pgtrigger.Delete),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.section_id} v{self.content_version}"


class Answer(models.Model):
    """Every answer given to a section's question, right or wrong (append-only)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("medarbejder"),
    )
    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, related_name="+", verbose_name=_("kampagne")
    )
    section = models.ForeignKey(
        "guidance.Section", on_delete=models.PROTECT, related_name="+", verbose_name=_("afsnit")
    )
    content_version = models.PositiveIntegerField(_("version"))
    question = models.CharField(_("spørgsmål"), max_length=300)
    answer = models.CharField(_("svar"), max_length=200)
    correct = models.BooleanField(_("rigtigt"))
    answered_at = models.DateTimeField(_("svaret"))

    class Meta:
        ordering = ["answered_at", "pk"]
        verbose_name = _("svar")
        verbose_name_plural = _("svar")
        triggers = [
            pgtrigger.Protect(name="answer_append_only", operation=pgtrigger.Update),
            pgtrigger.Protect(name="answer_never_deleted", operation=pgtrigger.Delete),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.section_id} {'✓' if self.correct else '✗'}"


class CategorySections(models.Model):
    """The folder sections that teach how to avoid a kind of breach: what a campaign aimed at
    repeated breaches of that category asks people to read. Kept by staff in the admin."""

    category = models.CharField(_("kategori"), max_length=32, choices=Category.choices, unique=True)
    sections = models.ManyToManyField(
        "guidance.Section", related_name="+", verbose_name=_("afsnit")
    )

    class Meta:
        verbose_name = _("afsnit til en kategori af brud")
        verbose_name_plural = _("afsnit til kategorier af brud")

    def __str__(self) -> str:
        return self.get_category_display()


# --- Reminders: an outbox like incidents.Notification -------------------------------------------


class Reminder(models.Model):
    """One reminder someone sent for a campaign: an e-mail to each person not done then. The
    form's token makes a double click one reminder."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="reminders")
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("sendt"))
    token = models.UUIDField(unique=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("påmindelse")
        verbose_name_plural = _("påmindelser")

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.created_at:%Y-%m-%d %H:%M}"


class ReminderEmail(models.Model):
    """One person's e-mail of a reminder: once per (reminder, person), a database fact; sent by
    whoever wins the conditional UPDATE that claims it (awareness/outbox.py)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Venter")
        SENDING = "sending", _("Sendes")
        SENT = "sent", _("Sendt")
        FAILED = "failed", _("Fejlet, prøves igen")

    reminder = models.ForeignKey(Reminder, on_delete=models.PROTECT, related_name="emails")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recipient_email = models.EmailField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True)  # class and SMTP code only

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["reminder", "user"], name="one_reminder_email_per_person"
            )
        ]
        indexes = [
            # The worker's claim: unsent rows that are due or whose claim has gone stale.
            models.Index(
                fields=["status", "next_attempt_at"],
                condition=~Q(status="sent"),
                name="reminder_email_unsent_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reminder_id} {self.user_id} {self.status}"
