"""The page walk: every page type of the portal as each role sees it, in a browser.

One list for the layout test (tests/browser/test_layout.py), axe (test_a11y_pages.py) and the
screenshot tour (`make screenshots`, tests/browser/tour.py). Which roles open a page is not
written here: it is what the access matrix (tests/hardening/access_table.py) says each persona's
GET gets. test_every_page_is_walked fails for a URL that answers a page to someone and is neither
walked nor listed in NOT_PAGES with a reason.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.auth.models import User
from django.test import Client, RequestFactory
from django.utils import timezone
from playwright.sync_api import Page, expect

from incidents.models import Category, Incident
from tests.hardening.access_table import PERSONAS, TABLE, outcomes
from tests.hardening.world import World, build_world
from tests.incidents.conftest import make_incident

# Folder name of each role → the persona fixture that plays it (None: not logged in).
ROLES: dict[str, str | None] = {
    "anonymous": None,
    "employee": "reporter",
    "manager": "manager",
    "it": "it_user",
    "gdpr": "gdpr_user",
    "admin": "superuser",
}
WIDTHS = {"laptop": (1366, 768), "phone": (390, 844)}
# Bootstrap's xl breakpoint: below it the main menu is behind the navbar toggler.
XL = 1200

# Sixty characters each: a long Danish name must not push "Log ud" off the screen.
SURNAME = "Christiansen-Østergaard Vestergaard-Bjerregård"
LONG_FIRST_NAMES = {
    "reporter": "Anne-Mette Ea",
    "colleague": "Carl Frederik",
    "manager": "Mona Kathrine",
    "other_manager": "Ole Sebastian",
    "it_user": "Ib Kristoffer",
    "gdpr_user": "Gry Elisabeth",
    "superuser": "Sune Valdemar",
}


@dataclass
class Walk:
    """The world every URL can point at, plus open cases for the lists and the dashboard."""

    world: World
    open_incident: Incident
    overdue_incident: Incident

    @property
    def personas(self) -> dict[str, User]:
        return self.world.personas


def build_walk(personas: dict[str, User]) -> Walk:
    for name, user in personas.items():
        user.first_name = LONG_FIRST_NAMES[name]
        user.last_name = SURNAME
        user.save(update_fields=["first_name", "last_name"])
        assert len(user.get_full_name()) == 60, user.get_full_name()
    world = build_world(personas)
    reporter = personas["reporter"]
    overdue = make_incident(
        reporter,
        now=timezone.now() - timedelta(hours=80),
        category=Category.MISDIRECTED_MAIL,
        description="En e-mail med en liste over borgere i et ressourceforløb blev sendt til en "
        "forkert modtager hos en ekstern samarbejdspartner; modtageren har bekræftet sletning.",
    )
    fresh = make_incident(
        reporter,
        description="Jeg har mistet min arbejdsmobil i bussen på vej hjem fra Herlev Hospital. "
        "Den har skærmlås, men e-mail og kalender ligger på den.",
    )
    return Walk(world=world, open_incident=fresh, overdue_incident=overdue)


# --- Page types ------------------------------------------------------------------------------


def submit_the_form(page: Page) -> None:
    """Send the page's form empty: it comes back with its errors (a summary, or per field)."""
    page.locator("main form[method=post] button[type=submit]").last.click()
    expect(page.locator("#form-errors, .invalid-feedback").first).to_be_visible()


def _error_page(name: str) -> Callable[[], str]:
    """The HTML portal.views' handlers answer for a 400, a 500 and a database that is away."""

    def render() -> str:
        from django.db import OperationalError

        from portal import views

        request = RequestFactory().get("/")
        if name == "400":
            return views.bad_request(request, ValueError("walk")).content.decode()
        if name == "503":
            try:
                raise OperationalError("connection refused")
            except OperationalError:
                return views.server_error(request).content.decode()
        return views.server_error(request).content.decode()

    return render


@dataclass(frozen=True)
class PageType:
    name: str  # file name of its screenshot
    url_name: str | None  # its row in the access table; who gets `status` there walks it
    path: Callable[[Walk], str]
    status: int = 200
    then: Callable[[Page], None] | None = None  # done on the page before it is checked
    roles: tuple[str, ...] = ()  # for pages without a row (errors): who walks them
    # Pages with the portal's own header (and its "Log ud"); the admin has Django's.
    header: bool = True
    html: Callable[[], str] | None = None  # served as is instead of asking the server

    def walked_by(self, role: str) -> bool:
        if self.url_name is None:
            return role in self.roles
        persona = ROLES[role] or "anonymous"
        got = outcomes(TABLE[self.url_name][0])[persona]
        # "*": the superuser in Django's own admin, where the table only rules out errors.
        return got == str(self.status) or (got == "*" and self.status == 200)


LOGGED_IN = tuple(role for role, persona in ROLES.items() if persona)
W = Walk  # short for the lambdas below

PAGE_TYPES: list[PageType] = [
    PageType("login", "login", lambda w: "/log-ind/"),
    PageType("login-with-errors", "login", lambda w: "/log-ind/", then=submit_the_form),
    PageType("error-400", None, lambda w: "/fejlside/400/", 400, roles=("anonymous",),
             header=False, html=_error_page("400")),
    PageType("error-500", None, lambda w: "/fejlside/500/", 500, roles=("anonymous",),
             header=False, html=_error_page("500")),
    PageType("error-503", None, lambda w: "/fejlside/503/", 503, roles=("anonymous",),
             header=False, html=_error_page("503")),
    PageType("guidance-index", "guidance:home", lambda w: "/"),
    PageType("guidance-section", "guidance:section",
             lambda w: f"/afsnit/{w.world.section_slug}/"),
    PageType("guidance-section-missing", None, lambda w: "/afsnit/findes-ikke/", 404,
             roles=LOGGED_IN),
    PageType("guidance-search", "guidance:search", lambda w: "/soeg/?q=adgangskode"),
    PageType("guidance-search-every-kind", "guidance:search", lambda w: "/soeg/?q=virus+kontakt"),
    PageType("guidance-search-nothing", "guidance:search", lambda w: "/soeg/?q=vira"),
    PageType("guidance-print", "guidance:print", lambda w: "/udskriv/"),
    PageType("contacts", "guidance:contacts", lambda w: "/kontakt/"),
    PageType("first-aid", "guidance:first_aid", lambda w: "/hvad-goer-jeg-nu/"),
    PageType("first-aid-guide", "guidance:first_aid_guide",
             lambda w: f"/hvad-goer-jeg-nu/{w.world.guide_slug}/"),
    PageType("report-form", "incidents:report", lambda w: "/sikkerhedsbrud/anmeld/"),
    PageType("report-form-with-errors", "incidents:report", lambda w: "/sikkerhedsbrud/anmeld/",
             then=submit_the_form),
    PageType("receipt", "incidents:receipt",
             lambda w: f"/sikkerhedsbrud/{w.open_incident.reference}/kvittering/"),
    PageType("my-reports", "incidents:mine", lambda w: "/sikkerhedsbrud/mine/"),
    PageType("case-list", "incidents:list", lambda w: "/sikkerhedsbrud/?status=all"),
    PageType("case-page-new", "incidents:detail",
             lambda w: f"/sikkerhedsbrud/{w.open_incident.reference}/"),
    PageType("case-page-notified", "incidents:detail",
             lambda w: f"/sikkerhedsbrud/{w.world.incident.reference}/"),
    PageType("dashboard", "incidents:dashboard", lambda w: "/sikkerhedsbrud/frister/"),
    PageType("forbidden", "incidents:dashboard", lambda w: "/sikkerhedsbrud/frister/", 403),
    PageType("register", "incidents:register", lambda w: "/sikkerhedsbrud/fortegnelse/"),
    PageType("register-non-breaches", "incidents:register",
             lambda w: "/sikkerhedsbrud/fortegnelse/?klassifikation=ikke-brud"),
    PageType("statistics", "incidents:statistics", lambda w: "/sikkerhedsbrud/statistik/"),
    PageType("draft", "incidents:draft",
             lambda w: f"/sikkerhedsbrud/{w.world.incident.reference}/udkast-datatilsynet/"),
    PageType("letter", "incidents:subjects_letter",
             lambda w: f"/sikkerhedsbrud/{w.world.incident.reference}/brev-til-registrerede/"),
    PageType("calendar", "incidents:calendar", lambda w: "/sikkerhedsbrud/frister/kalender/"),
    PageType("nis2-case", "nis2:case",
             lambda w: f"/sikkerhedsbrud/{w.world.incident.reference}/nis2/"),
    PageType("nis2-draft", "nis2:draft",
             lambda w: f"/sikkerhedsbrud/{w.world.incident.reference}/nis2/udkast/notification/"),
    PageType("reading", "awareness:mine", lambda w: "/laesning/"),
    PageType("reading-section", "awareness:read",
             lambda w: f"/laesning/{w.world.campaign.pk}/{w.world.section_slug}/"),
    PageType("reading-team", "awareness:team", lambda w: "/laesning/leder/"),
    PageType("campaigns", "awareness:campaigns", lambda w: "/laesning/kampagner/"),
    PageType("campaign-new", "awareness:campaign_new", lambda w: "/laesning/kampagner/ny/"),
    PageType("campaign-new-with-errors", "awareness:campaign_new",
             lambda w: "/laesning/kampagner/ny/", then=submit_the_form),
    PageType("campaign", "awareness:campaign",
             lambda w: f"/laesning/kampagner/{w.world.campaign.pk}/"),
    PageType("campaign-evidence", "awareness:evidence",
             lambda w: f"/laesning/kampagner/{w.world.campaign.pk}/dokumentation/"),
    PageType("password-change", "password_change", lambda w: "/adgangskode/"),
    PageType("password-change-with-errors", "password_change", lambda w: "/adgangskode/",
             then=submit_the_form),
    PageType("not-found", None, lambda w: "/findes-ikke/", 404, roles=LOGGED_IN),
    PageType("admin-index", "admin:*", lambda w: "/admin/", header=False),
]  # fmt: skip

# URL names that answer someone with something other than a page of their own, and why.
NOT_PAGES = {
    "logout": "POST only; its button is checked on every page",
    "oidc_start": "needs a provider: test_a11y_pages' login-with-the-organisation tests",
    "oidc_callback": "needs a provider: test_a11y_pages' login-with-the-organisation tests",
    "healthz": "JSON for the proxy",
    "incidents:register_csv": "a CSV file",
    "incidents:attachment": "a file",
    "incidents:dt_receipt": "a file",
    "incidents:calendar_feed": "an iCalendar feed",
    "nis2:receipt": "a file",
    "awareness:evidence_csv": "a CSV file",
}


def pages_for(role: str) -> list[PageType]:
    return [spec for spec in PAGE_TYPES if spec.walked_by(role)]


def walk_keys() -> set[str]:
    """The access table's keys of the URLs that answer some role a page: every one is walked."""
    keys = set()
    for key, (get, _post) in TABLE.items():
        got = outcomes(get)
        if any(got[p] in ("200", "*") for p in PERSONAS) and key not in NOT_PAGES:
            keys.add(key)
    return keys - {"admin:login", "admin:logout", "admin/login/"}


# --- In the browser --------------------------------------------------------------------------


def log_in(page: Page, base_url: str, user: User | None) -> None:
    """Log in by session cookie (the login form has its own journey test)."""
    page.context.clear_cookies()
    if user is None:
        return
    client = Client()
    client.force_login(user)
    cookie = {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base_url}
    page.context.add_cookies([cookie])


def open_page(page: Page, base_url: str, spec: PageType, walk: Walk) -> None:
    """Open the page as the logged-in role sees it, and do what its type says to do there."""
    url = base_url + spec.path(walk)
    if spec.html is not None:
        html = spec.html()
        page.route(
            url,
            lambda route: route.fulfill(
                status=spec.status, body=html, content_type="text/html; charset=utf-8"
            ),
        )
    response = page.goto(url)
    assert response is not None and response.status == spec.status, (
        f"{spec.name}: {spec.path(walk)} answered {response and response.status}"
    )
    if spec.then:
        spec.then(page)


@dataclass
class Problems:
    """What went wrong on the walk, per page: one test shows them all at once."""

    found: list[str] = field(default_factory=list)

    def add(self, where: str, what: str) -> None:
        self.found.append(f"{where}: {what}")

    def __bool__(self) -> bool:
        return bool(self.found)

    def __str__(self) -> str:
        return "\n".join(self.found)


def viewport(page: Page, width_name: str) -> int:
    width, height = WIDTHS[width_name]
    page.set_viewport_size({"width": width, "height": height})
    return width
