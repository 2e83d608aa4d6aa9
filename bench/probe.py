"""The Django-aware half of the benchmark, run by bench/run.py as a subprocess.

It seeds, resolves the endpoints by URL name (an endpoint whose name does not exist yet is skipped
with a reason) and counts each endpoint's database queries with the test client. Every command
prints one JSON document on stdout.

Usage: python -m bench.probe people|seed|endpoints|queries|stock-session|cleanup [options]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from urllib.parse import urlencode

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
django.setup()

from django.apps import apps  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.contrib.staticfiles.storage import staticfiles_storage  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench import seed  # noqa: E402
from bench.floor import stock_session_cookie  # noqa: E402
from incidents.models import DatatilsynetNotification, Incident, Status  # noqa: E402

STATIC_FILE = "css/portal.css"
# The search endpoint's mixed workload: what employees type, in turn (wrk cycles through them).
# Single words and phrases, inflections, compounds, synonyms, typos, questions, and a few that
# find nothing (they also count the miss and look for a suggestion: the slowest path).
SEARCH_QUERIES = (
    "adgangskode", "mistet telefon", "phishing", "glemt kode", "sikker mail", "virus",
    "facebook", "usb-nøgle", "hjemmearbejde", "makulering", "låse skærmen", "kodeord",
    "mobiltelefon", "klikket på et link", "hvad gør jeg hvis min pc har virus",
    "sendt mail til forkert modtager", "privat mail", "persondata", "cpr-nummer", "72 timer",
    "datatilsynet", "teams", "gæster", "vpn", "printer", "streame musik",
    "installere programmer", "skærmlås", "sociale medier", "slette mails",
    "arbejdsmobil i udlandet", "netværkskabel", "antivirus", "outlook kalender", "virsu",
    "adgangskde", "phising", "hjemmefra", "kontakt it", "sikkerhedsbrud", "stjålet computer",
    "fodbold", "kantinens menu", "lønseddel",
)  # fmt: skip
SEARCH_REPEATS = 5  # in-process timing: the fastest of this many runs of each query
CPU_REPEATS, CPU_BUDGET = 200, 3.0  # in-process CPU per endpoint: the fastest of up to 200 runs
REGISTER_CSV_NAMES = ("incidents:register_csv",)


@dataclass
class Endpoint:
    name: str
    persona: str | None  # key of seed.PERSONAS; None: anonymous
    method: str = "GET"
    path: str = ""
    skip: str = ""
    form: dict[str, str] = field(default_factory=dict)
    paths: list[str] = field(default_factory=list)  # a mixed workload: wrk takes them in turn
    # Logged in through a stock Django session (the floor), not through the portal's login.
    stock_session: bool = False


def _reverse(name: str, *args: str) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _section_slug() -> str | None:
    """The slug of the first guidance object that has one (the folder's sections)."""
    for model in apps.get_app_config("guidance").get_models():
        if any(f.name == "slug" for f in model._meta.get_fields()):
            slug = model.objects.order_by("pk").values_list("slug", flat=True).first()
            if slug:
                return slug
    return None


def _detail_reference() -> str | None:
    """A realistic incident for the detail page: closed, notified, with a full timeline."""
    notified = DatatilsynetNotification.objects.values("incident_id")
    incident = (
        Incident.objects.filter(status=Status.CLOSED, pk__in=notified, submission_token=None)
        .order_by("-reported_at")
        .values_list("reference", flat=True)
        .first()
    )
    return incident or Incident.objects.values_list("reference", flat=True).first()


def report_form() -> dict[str, str]:
    """Valid report form fields (without CSRF and submission tokens, which change per request)."""
    discovered = timezone.localtime(timezone.now() - timedelta(hours=1))
    return {
        "category": "misdirected_mail",
        "discovered_at": discovered.strftime("%Y-%m-%dT%H:%M"),
        "occurred_at": "",
        "description": "Brev med oplysninger om 3 borgere sendt til forkert adresse.",
        "personal_data": "yes",
        "data_kinds": "ordinary",
        "affected_estimate": "3",
        "stopped": "yes",
        "stop_description": "Modtageren har slettet brevet.",
        "manager_informed": "on",
    }


def endpoints() -> list[Endpoint]:
    result = [
        Endpoint("bare", None, path=reverse("bench_bare")),
        Endpoint("static", None, path=staticfiles_storage.url(STATIC_FILE)),
        Endpoint("floor", "reporter", path=reverse("bench_floor"), stock_session=True),
    ]

    def page(name: str, persona: str, url_name: str, *args: str, query: str = "") -> None:
        path = _reverse(url_name, *args)
        if path is None:
            result.append(Endpoint(name, persona, skip=f"URL name {url_name!r} does not exist"))
        else:
            result.append(Endpoint(name, persona, path=path + query))

    page("home", "reporter", "guidance:home")
    slug = _section_slug()
    if slug is None:
        result.append(Endpoint("section", "reporter", skip="no guidance section with a slug"))
    else:
        page("section", "reporter", "guidance:section", slug)
    page("contacts", "reporter", "guidance:contacts")
    search = _reverse("guidance:search")
    if search is None:
        result.append(Endpoint("search", "reporter", skip="URL name 'guidance:search' is missing"))
    else:
        paths = [f"{search}?{urlencode({'q': query})}" for query in SEARCH_QUERIES]
        result.append(Endpoint("search", "reporter", path=paths[0], paths=paths))
    page("dashboard", "gdpr", "incidents:dashboard")
    reference = _detail_reference()
    if reference is None:
        result.append(Endpoint("detail", "gdpr", skip="no incident to show"))
    else:
        page("detail", "gdpr", "incidents:detail", reference)
    for name in REGISTER_CSV_NAMES:
        if _reverse(name) is not None:
            page("register_csv", "gdpr", name)
            break
    else:
        result.append(
            Endpoint(
                "register_csv",
                "gdpr",
                skip="no register CSV URL (tried " + ", ".join(REGISTER_CSV_NAMES) + ")",
            )
        )
    report = _reverse("incidents:report")
    if report is None:
        result.append(Endpoint("report", "reporter", "POST", skip="no incidents:report URL"))
    else:
        result.append(Endpoint("report", "reporter", "POST", path=report, form=report_form()))
    return result


def count_queries() -> dict[str, dict]:
    """Queries per request for every endpoint, measured on the second request (warm caches)."""
    counts = {}
    for endpoint in endpoints():
        if endpoint.skip:
            continue
        client = Client()
        if endpoint.stock_session:
            client.cookies.load(stock_session_cookie(seed.PERSONAS[endpoint.persona]))
        elif endpoint.persona:
            client.force_login(User.objects.get(username=seed.PERSONAS[endpoint.persona]))

        def once(endpoint: Endpoint = endpoint, client: Client = client):
            if endpoint.method == "POST":
                data = {**endpoint.form, "submission_token": seed.new_submission_token()}
                return client.post(endpoint.path, data)
            return client.get(endpoint.path)

        if endpoint.paths:
            counts[endpoint.name] = _workload_figures(client, endpoint.paths)
            continue
        once()
        with CaptureQueriesContext(connection) as captured:
            response = once()
        counts[endpoint.name] = {"queries": len(captured), "status": response.status_code}
        if endpoint.method == "GET":
            counts[endpoint.name]["inprocess_cpu_ms"] = _fastest_cpu_ms(once)
    return counts


def _fastest_cpu_ms(once) -> float:
    """The least CPU time one request took in this process (Django's whole handling, the test
    client's small share included; the database's work not), over up to CPU_REPEATS requests or
    CPU_BUDGET seconds: on a shared machine the fastest run is the one least disturbed."""
    fastest = float("inf")
    deadline = time.monotonic() + CPU_BUDGET
    for _ in range(CPU_REPEATS):
        started = time.process_time()
        once()
        fastest = min(fastest, time.process_time() - started)
        if time.monotonic() > deadline:
            break
    return round(fastest * 1000, 3)


def _workload_figures(client: Client, paths: list[str]) -> dict:
    """Queries and in-process time per request over a mixed workload (after one warm pass).

    `queries` is the most any request of the workload needs; the time is wall-clock in this
    process (PostgreSQL's work included), the fastest of SEARCH_REPEATS runs of each path.
    """
    for path in paths:
        client.get(path)
    queries, times, statuses = [], [], set()
    for path in paths:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        queries.append(len(captured))
        statuses.add(response.status_code)
        fastest = float("inf")
        for _ in range(SEARCH_REPEATS):
            started = time.perf_counter()
            client.get(path)
            fastest = min(fastest, time.perf_counter() - started)
        times.append(fastest * 1000)
    times.sort()
    return {
        "queries": max(queries),
        "queries_min": min(queries),
        "queries_mean": round(sum(queries) / len(queries), 2),
        "status": max(statuses) if len(statuses) > 1 else statuses.pop(),
        "workload_size": len(paths),
        "inprocess_ms_p50": round(times[len(times) // 2], 2),
        "inprocess_ms_p95": round(times[min(len(times) - 1, int(len(times) * 0.95))], 2),
        "inprocess_ms_max": round(times[-1], 2),
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="bench.probe")
    sub = parser.add_subparsers(dest="command", required=True)
    people = sub.add_parser("people")
    people.add_argument("--users", type=int, default=2000)
    people.add_argument("--departments", type=int, default=40)
    people.add_argument("--password", required=True)
    grow = sub.add_parser("seed")
    grow.add_argument("--total", type=int, required=True)
    sub.add_parser("endpoints")
    sub.add_parser("queries")
    sub.add_parser("cleanup")
    stock = sub.add_parser("stock-session")
    stock.add_argument("--username", required=True)
    args = parser.parse_args(argv)

    started = time.monotonic()
    if args.command == "people":
        seed.seed_people(users=args.users, departments=args.departments, password=args.password)
        out: object = {"users": User.objects.count(), "personas": seed.PERSONAS}
    elif args.command == "seed":
        added = seed.seed_incidents(total=args.total)
        total = Incident.objects.count()
        open_count = Incident.objects.open().count()
        out = {
            "added": added,
            "incidents": total,
            "open_share": round(open_count / total, 4) if total else 0,
            "seconds": round(time.monotonic() - started, 1),
        }
    elif args.command == "endpoints":
        out = [asdict(e) for e in endpoints()]
    elif args.command == "queries":
        out = count_queries()
    elif args.command == "stock-session":
        out = {"cookie": stock_session_cookie(args.username)}
    else:
        out = {"removed_submissions": seed.remove_submissions()}
    json.dump(out, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
