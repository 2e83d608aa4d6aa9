"""Fast, realistic seed data for the benchmark: people, departments and years of incidents.

Rows go in with PostgreSQL's COPY (no services, no per-object saves), but every invariant the
models and services keep holds: references SB-YYYY-NNNN agree with ReferenceCounter, the deadline
is aware_at + 72 hours, notified incidents have their DatatilsynetNotification, each incident has
its timeline. Growing is incremental: seed_incidents(total=…) adds only what is missing.
"""

from __future__ import annotations

import io
import json
import random
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pgtrigger
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, User
from django.db import connection, models, transaction

from incidents import risk as risk_steer
from incidents.choices import DT_TYPE_FOR_CATEGORY
from incidents.models import (
    NOTIFICATION_WINDOW,
    BreachType,
    Category,
    Classification,
    DataKind,
    DatatilsynetNotification,
    Identifiability,
    Incident,
    IncidentText,
    NotifyDecision,
    PersonalData,
    ReferenceCounter,
    RiskLevel,
    Status,
    StepRecord,
    Stopped,
    SubjectCategory,
    TimelineEntry,
    record_field,
)
from portal import roles
from portal.models import Department, Profile

COPENHAGEN = ZoneInfo("Europe/Copenhagen")
BENCH_CLEANUP = (
    "incidents.TimelineEntry:timeline_never_deleted",
    "incidents.DatatilsynetNotification:dt_notification_never_deleted",
    "incidents.IncidentText:incident_text_never_deleted",
    "incidents.SubjectsNotice:step_record_never_deleted",
    "incidents.OtherRecords:step_record_never_deleted",
)
USERNAME_PREFIX = "bench-"
YEARS_OF_HISTORY = 5
RECENT = timedelta(days=60)
# Most recent reports are still being handled; a few old ones linger.
OPEN_SHARE_RECENT = 0.75
OPEN_SHARE_OLDER = 0.01

# IT and the GDPR unit come early so that even a tiny seed has them.
DEPARTMENT_STEMS = [
    "Borgerservice",
    "Teknik og Miljø",
    "IT",
    "GDPR-enheden",
    "Jobcenter",
    "Ældre og Sundhed",
    "Børn og Familie",
    "Skole",
    "Dagtilbud",
    "Kultur og Fritid",
    "Økonomi",
    "HR",
    "Byggesag",
    "Ydelsescenter",
    "Handicap og Psykiatri",
    "Hjemmeplejen",
    "Sundhedsplejen",
    "Tandplejen",
    "Park og Vej",
    "Rådhusservice",
]
FIRST_NAMES = [
    "Anne", "Mette", "Lars", "Jens", "Peter", "Hanne", "Søren", "Karen", "Henrik", "Lone",
    "Niels", "Susanne", "Morten", "Camilla", "Thomas", "Louise", "Rasmus", "Pia", "Mads", "Ida",
]  # fmt: skip
LAST_NAMES = [
    "Jensen", "Nielsen", "Hansen", "Pedersen", "Andersen", "Christensen", "Larsen", "Sørensen",
    "Rasmussen", "Jørgensen", "Petersen", "Madsen", "Kristensen", "Olsen", "Thomsen", "Poulsen",
]  # fmt: skip
DESCRIPTIONS = [
    "Brev med helbredsoplysninger om {n} borgere sendt til forkert adresse.",
    "Bærbar pc glemt i toget; disken er krypteret.",
    "Klikkede på et link i en e-mail, der lignede en besked fra banken.",
    "E-mail med CPR-numre sendt ukrypteret til ekstern modtager.",
    "Mappe med sagsakter om {n} borgere forsvundet fra mødelokale.",
    "Kollega kendte min adgangskode; den er skiftet.",
    "USB-nøgle med elevlister mistet på skolen.",
    "Uautoriseret opslag i sagssystemet opdaget ved logkontrol.",
]

# The personas the load test logs in as, one per role.
PERSONAS = {
    "reporter": "bench-medarbejder",
    "manager": "bench-leder",
    "it": "bench-it",
    "gdpr": "bench-gdpr",
}


@dataclass(frozen=True)
class People:
    reporters: list[tuple[int, int, int | None]]  # (user id, department id, manager id)
    it_ids: list[int]
    gdpr_ids: list[int]


# --- COPY ------------------------------------------------------------------------------------


def _copy_value(value: object) -> str:
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        inner = ",".join(
            '"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"' for v in value
        )
        return _escape("{" + inner + "}")
    if isinstance(value, dict):
        return _escape(json.dumps(value))
    return _escape(str(value))


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def copy_rows(model: type[models.Model], rows: Sequence[dict]) -> None:
    """COPY dicts keyed by field attname into the model's table; missing fields get defaults."""
    if not rows:
        return
    fields = [
        f for f in model._meta.concrete_fields if not (f.primary_key and f.attname not in rows[0])
    ]
    defaults = {}
    for field in fields:
        if field.has_default():
            defaults[field.attname] = field.get_default()
        elif field.null:
            defaults[field.attname] = None
        else:
            defaults[field.attname] = ""
    buffer = io.StringIO()
    for row in rows:
        buffer.write(
            "\t".join(_copy_value(row.get(f.attname, defaults[f.attname])) for f in fields)
        )
        buffer.write("\n")
    buffer.seek(0)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN", buffer)


def _next_ids(model: type[models.Model], count: int) -> list[int]:
    """Reserve `count` primary keys from the table's sequence, so children can point at them."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [table, count],
        )
        return [row[0] for row in cursor.fetchall()]


# --- People ----------------------------------------------------------------------------------


def seed_people(*, users: int, departments: int, password: str) -> None:
    """`users` people in `departments` departments, each with a manager; personas for every role.

    Idempotent: does nothing if the bench people exist already.
    """
    if User.objects.filter(username__startswith=USERNAME_PREFIX).exists():
        return
    rng = random.Random(7)  # noqa: S311 - seed data, not security
    password_hash = make_password(password)
    groups = {name: Group.objects.get_or_create(name=name)[0] for name in roles.ALL_GROUPS}
    with transaction.atomic():
        depts = Department.objects.bulk_create(
            Department(name=_department_name(i)) for i in range(departments)
        )
        people = []
        for i in range(users):
            username = f"{USERNAME_PREFIX}{i:05d}"
            people.append(
                User(
                    username=username,
                    password=password_hash,
                    first_name=rng.choice(FIRST_NAMES),
                    last_name=rng.choice(LAST_NAMES),
                    email=f"{username}@herlev.test",
                )
            )
        # The personas, with names the runner knows.
        for username in PERSONAS.values():
            people.append(
                User(
                    username=username,
                    password=password_hash,
                    first_name=username.removeprefix(USERNAME_PREFIX).capitalize(),
                    last_name="Bench",
                    email=f"{username}@herlev.test",
                )
            )
        people = User.objects.bulk_create(people)
        staff, personas = people[:users], {u.username: u for u in people[users:]}

        # The first person of each department is its manager; IT and GDPR staff are their own
        # departments' people.
        managers = {d.pk: staff[i] for i, d in enumerate(depts) if i < len(staff)}
        membership = []
        profiles = []
        for i, user in enumerate(staff):
            dept = depts[i % len(depts)]
            manager = managers.get(dept.pk)
            is_manager = manager is not None and manager.pk == user.pk
            profiles.append(
                Profile(user=user, department=dept, manager=None if is_manager else manager)
            )
            if is_manager:
                membership.append((user, groups[roles.MANAGERS]))
            elif dept.name.startswith("IT"):
                membership.append((user, groups[roles.IT]))
            elif dept.name.startswith("GDPR"):
                membership.append((user, groups[roles.GDPR_UNIT]))
        first_dept = depts[0]
        persona_roles = {
            # The manager persona manages the reporter persona.
            PERSONAS["reporter"]: (first_dept, personas[PERSONAS["manager"]], None),
            PERSONAS["manager"]: (first_dept, None, roles.MANAGERS),
            PERSONAS["it"]: (_dept_named(depts, "IT"), None, roles.IT),
            PERSONAS["gdpr"]: (_dept_named(depts, "GDPR"), None, roles.GDPR_UNIT),
        }
        for username, (dept, manager, group) in persona_roles.items():
            user = personas[username]
            profiles.append(Profile(user=user, department=dept, manager=manager))
            if group:
                membership.append((user, groups[group]))
        Profile.objects.bulk_create(profiles)
        through = User.groups.through
        through.objects.bulk_create(through(user_id=u.pk, group_id=g.pk) for u, g in membership)


def _department_name(i: int) -> str:
    stem = DEPARTMENT_STEMS[i % len(DEPARTMENT_STEMS)]
    return stem if i < len(DEPARTMENT_STEMS) else f"{stem} {i // len(DEPARTMENT_STEMS) + 1}"


def _dept_named(depts: Iterable[Department], prefix: str) -> Department:
    return next(d for d in depts if d.name.startswith(prefix))


def load_people() -> People:
    profiles = Profile.objects.filter(user__username__startswith=USERNAME_PREFIX).values_list(
        "user_id", "department_id", "manager_id"
    )
    it_ids = list(
        User.objects.filter(
            groups__name=roles.IT, username__startswith=USERNAME_PREFIX
        ).values_list("pk", flat=True)
    )
    gdpr_ids = list(
        User.objects.filter(
            groups__name=roles.GDPR_UNIT, username__startswith=USERNAME_PREFIX
        ).values_list("pk", flat=True)
    )
    return People(reporters=list(profiles), it_ids=it_ids, gdpr_ids=gdpr_ids)


# --- Incidents -------------------------------------------------------------------------------


def seed_incidents(*, total: int, now: datetime | None = None, seed: int = 1) -> int:
    """Grow the seeded incidents to `total`; returns how many were added."""
    existing = Incident.objects.filter(submission_token__isnull=True).count()
    missing = total - existing
    if missing <= 0:
        return 0
    now = now or datetime.now(UTC)
    rng = random.Random(seed * 1_000_003 + existing)  # noqa: S311 - seed data, not security
    people = load_people()
    start = now - timedelta(days=365 * YEARS_OF_HISTORY)
    span = (now - start).total_seconds()
    reported = sorted(start + timedelta(seconds=rng.random() * span) for _ in range(missing))

    # History is imported as it stands, as a restore would: entries and notifications of cases
    # that are already closed (the triggers refuse those for live cases). The rows are built
    # consistent (tests/bench/test_bench_smoke.py checks them against the models' rules); the
    # check constraints still apply, the triggers (foreign-key checks included) are off for the
    # import's transaction, which makes 100,000 incidents a matter of seconds.
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
        counters = {c.year: c for c in ReferenceCounter.objects.select_for_update()}
        ids = _next_ids(Incident, missing)
        incidents, notifications, timeline = [], [], []
        records: dict[type[StepRecord], list[dict]] = defaultdict(list)
        for pk, reported_at in zip(ids, reported, strict=True):
            year = reported_at.astimezone(COPENHAGEN).year
            counter = counters.get(year)
            if counter is None:
                counter = counters[year] = ReferenceCounter(year=year, last_number=0)
            counter.last_number += 1
            reference = f"SB-{year}-{counter.last_number:04d}"
            row, dt_rows, entries = _incident(rng, pk, reference, reported_at, now, people)
            for model, record in _split_step_records(row).items():
                records[model].append(record)
            incidents.append(row)
            notifications.extend(dt_rows)
            timeline.extend(entries)
        copy_rows(Incident, incidents)
        copy_rows(DatatilsynetNotification, notifications)
        for model, rows in records.items():
            copy_rows(model, rows)
        copy_rows(TimelineEntry, timeline)
        for counter in counters.values():
            counter.save()
        with connection.cursor() as cursor:
            # Inside a test's transaction SET LOCAL would outlive this block: end it here.
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")
    with connection.cursor() as cursor:
        for model in (Incident, DatatilsynetNotification, TimelineEntry):
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    return missing


def _incident(
    rng: random.Random,
    pk: int,
    reference: str,
    reported_at: datetime,
    now: datetime,
    people: People,
) -> tuple[dict, list[dict], list[dict]]:
    reporter_id, department_id, manager_id = rng.choice(people.reporters)
    handler = rng.choice(people.gdpr_ids)
    it_user = rng.choice(people.it_ids) if people.it_ids else handler
    category = rng.choice(Category.values)
    personal = rng.choices(PersonalData.values, weights=(70, 20, 10))[0]
    discovered_at = reported_at - timedelta(minutes=rng.randint(5, 60 * 24))
    age = now - reported_at
    is_open = rng.random() < (OPEN_SHARE_RECENT if age < RECENT else OPEN_SHARE_OLDER)
    # How far handling got: closed ones went all the way; open ones stopped somewhere.
    stage = 5 if not is_open else rng.choice((0, 0, 1, 2, 3, 4))
    hours = lambda h: reported_at + timedelta(hours=h)  # noqa: E731

    row: dict = {
        "id": pk,
        "reference": reference,
        "reporter_id": reporter_id,
        "department_id": department_id,
        "manager_id": manager_id,
        "category": category,
        "description": rng.choice(DESCRIPTIONS).format(n=rng.randint(2, 40)),
        "discovered_at": discovered_at,
        "occurred_at": discovered_at - timedelta(hours=rng.randint(0, 72)),
        "reported_at": reported_at,
        "personal_data": personal,
        "data_kinds": rng.sample(DataKind.values, rng.randint(1, 2)) if personal == "yes" else [],
        "affected_estimate": rng.randint(1, 200) if personal == "yes" else None,
        "stopped": rng.choice(Stopped.values),
        "manager_informed": rng.random() < 0.6,
        "it_informed": rng.random() < 0.5,
        "aware_at": discovered_at,
        "notification_deadline": discovered_at + NOTIFICATION_WINDOW,
        "status": Status.REPORTED,
        "created": reported_at,
        "updated": reported_at,
        "version": 1,
    }
    entries = [_entry(pk, reported_at, reporter_id, TimelineEntry.Kind.REPORTED, "reporter")]
    dt_rows: list[dict] = []
    if stage >= 1:  # contained and escalated
        row.update(
            contained_at=hours(2),
            contained_by_id=it_user,
            containment_description="Spærret og slettet hos modtageren.",
            status=Status.ESCALATED,
            owner_id=handler,
            escalated_at=hours(3),
        )
        entries.append(_entry(pk, hours(2), it_user, TimelineEntry.Kind.CONTAINMENT))
        entries.append(_entry(pk, hours(3), handler, TimelineEntry.Kind.ESCALATED, "reporter"))
    if stage >= 2:  # assessed
        risk = rng.choices(RiskLevel.values, weights=(50, 40, 10))[0]
        # The assessment's details come from their own stream, so that the main sequence (and
        # with it which incidents are open) stays what it was before they existed.
        detail = random.Random(pk)  # noqa: S311 - seed data, not security
        categories = detail.sample(SubjectCategory.values, detail.randint(1, 2))
        steer = risk_steer.steer_reasons(
            data_kinds=row["data_kinds"],
            subject_categories=categories,
            subjects_estimate=row["affected_estimate"],
        )
        row.update(
            classification=Classification.BREACH,
            account="Oplysninger blev sendt til eller set af en uvedkommende.",
            dt_incident_type=DT_TYPE_FOR_CATEGORY[category],
            breach_types=[rng.choice(BreachType.values)],
            subject_categories=categories,
            subjects_estimate=row["affected_estimate"],
            records_estimate=row["affected_estimate"],
            likely_consequences="Begrænsede.",
            measures_taken="Modtageren har bekræftet sletning.",
            measures_proposed="Undervisning i afdelingen.",
            measures_before="Adgangsstyring og kryptering.",
            identifiability=detail.choice(Identifiability.values),
            risk_level=risk,
            risk_reasoning="Vurderet ud fra oplysningernes art og antal.",
            risk_override_reason=(
                "Oplysningerne var krypteret." if steer and risk == RiskLevel.NONE else ""
            ),
            assessed_at=hours(24),
            assessed_by_id=handler,
        )
        entries.append(_entry(pk, hours(24), handler, TimelineEntry.Kind.ASSESSED))
    if stage >= 3:  # decided
        notify = row.get("risk_level") in (RiskLevel.RISK, RiskLevel.HIGH)
        row.update(
            notify_decision=NotifyDecision.NOTIFY if notify else NotifyDecision.NOT_NOTIFY,
            decision_reasoning="Se risikovurderingen.",
            decided_at=hours(30),
            decided_by_id=handler,
            # Not notifying stops the clock at the decision (Incident.clock_stopped_at).
            clock_stopped_at=None if notify else hours(30),
        )
        entries.append(_entry(pk, hours(30), handler, TimelineEntry.Kind.DECIDED))
        if notify and stage >= 4:  # notified
            notified_at = hours(rng.randint(30, 90))
            dt_rows.append(
                {
                    "incident_id": pk,
                    "phase": DatatilsynetNotification.Phase.INITIAL,
                    "notified_at": notified_at,
                    "dt_reference": f"2{rng.randint(1000000, 9999999)}",
                    "content": "Anmeldt via virk.dk.",
                    "recorded_by_id": handler,
                    "recorded_at": notified_at,
                }
            )
            if notified_at > row["notification_deadline"]:  # art. 33(1): reasons required
                row["delay_reasons"] = "Oplysningerne var først klar efter fristen."
            row["clock_stopped_at"] = notified_at  # the first (only) notification stops it
            entries.append(_entry(pk, notified_at, handler, TimelineEntry.Kind.DT_NOTIFIED))
            if row["risk_level"] == RiskLevel.HIGH:
                row.update(subjects_informed_at=notified_at, subjects_informed_how="Brev i e-Boks.")
    if stage >= 5:  # journalised and closed
        closed_at = hours(rng.randint(96, 24 * 30))
        row.update(
            processor_involved=False,
            police_reported=False,
            sbsys_case_number=f"{reported_at:%y}.01.00-A00-{pk}-{reported_at:%y}",
            journalised_at=hours(48),
            status=Status.CLOSED,
            closed_at=closed_at,
            closed_by_id=handler,
            updated=closed_at,
        )
        entries.append(_entry(pk, closed_at, handler, TimelineEntry.Kind.CLOSED, "reporter"))
    row["version"] = len(entries)
    return row, dt_rows, entries


def _split_step_records(row: dict) -> dict[type[StepRecord], dict]:
    """Take the step tables' facts out of an incident row: a row per step that recorded
    something, as the step's first save makes it."""
    split: dict[type[StepRecord], dict] = {}
    for name in list(row):
        model, _field = record_field(name.removesuffix("_id"))
        if model is not Incident:
            split.setdefault(model, {"incident_id": row["id"]})[name] = row.pop(name)
    return split


def _entry(
    incident_id: int, at: datetime, actor_id: int, kind: str, visibility: str = "internal"
) -> dict:
    return {
        "incident_id": incident_id,
        "at": at,
        "actor_id": actor_id,
        "kind": kind,
        "visibility": visibility,
        "changes": {},
    }


# --- After a load test -----------------------------------------------------------------------


def remove_submissions() -> int:
    """Delete the incidents the report load test created, so the next size starts clean.

    They are the only ones with a submission token; the year's counter goes back to the highest
    reference that remains.
    """
    submitted = Incident.objects.filter(submission_token__isnull=False)
    with transaction.atomic():
        ids = list(submitted.values_list("pk", flat=True))
        # The load test's own reports: the only deletion the product's data ever sees.
        with pgtrigger.ignore(*BENCH_CLEANUP):
            TimelineEntry.objects.filter(incident_id__in=ids).delete()
            DatatilsynetNotification.objects.filter(incident_id__in=ids).delete()
            IncidentText.objects.filter(incident_id__in=ids).delete()
            for model in StepRecord.__subclasses__():
                model.objects.filter(incident_id__in=ids).delete()
            # Cascades to their outbox e-mails and attachments.
            Incident.objects.filter(pk__in=ids).delete()
        highest: dict[int, int] = defaultdict(int)
        for reference in Incident.objects.values_list("reference", flat=True).iterator():
            _, year, number = reference.split("-")
            highest[int(year)] = max(highest[int(year)], int(number))
        for counter in ReferenceCounter.objects.select_for_update():
            counter.last_number = highest.get(counter.year, 0)
            counter.save(update_fields=["last_number"])
    return len(ids)


def new_submission_token() -> str:
    return str(uuid.uuid4())
