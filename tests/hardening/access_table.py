"""The access matrix, written down once: what each persona gets from every URL pattern.

Read by tests/hardening/test_access_matrix.py. A URL pattern without a row fails that test, so a
new view cannot ship without someone deciding here who may use it.

Each row is `key: (GET, POST)`; each is eight outcomes, one per persona in PERSONAS order:
  L    302 to the login page, the portal's or the admin's (anonymous visitors)
  A    302 to the admin's login, which answers 403 to employees without staff rights
  R    302 somewhere else (the view did its job and redirected)
  *    anything but a server error (the superuser inside Django's own admin)
  200, 400, 403, 404, 405, 429 … that status code.
POSTs carry no data: 400 from a panel (its form complains) proves the person got past the access
check; 403/404 prove they did not.
"""

from __future__ import annotations

PERSONAS = (
    "anonymous",
    "reporter",
    "colleague",
    "manager",
    "other_manager",
    "it_user",
    "gdpr_user",
    "superuser",
)

# Outcome rows used by several views. Rikke (reporter) reported the incident; Mona (manager) is
# her manager; Carl (colleague) and Ole (other_manager) are in another department.
#            anon rep  col  man  oman it   gdpr su
EVERYONE = " L   200  200  200  200  200  200  200"
SEES_IT = "  L   200  404  200  404  200  200  200"
STAFF = "    L   403  404  403  404  200  200  200"  # IT and the GDPR unit see internals
REPORTER = " L   400  404  403  404  403  403  403"  # only the reporter adds information
HANDS_ON = " L   403  404  403  404  400  400  400"  # IT and the GDPR unit
HANDLER = "  L   403  404  403  404  403  400  400"  # the GDPR unit (and superusers)
DASHBOARD = "L   403  403  403  403  200  200  200"
GDPR_UNIT = "L   403  403  403  403  403  200  200"  # the GDPR unit's legal records
CAMPAIGN_READER = "L   200  404  200  404  404  404  404"
CAMPAIGN_READER_POST = "L 400  404  400  404  404  404  404"
MANAGERS = "     L   403  403  200  200  403  403  403"
CAMPAIGN_RUNNER_POST = "L 403 403  403  403  400  400  400"
CAMPAIGN_RUNNER_REDIRECT = "L 403 403 403 403  R    R    R"
NOT_POST = " L   405  405  405  405  405  405  405"
NOT_GET = "  L   405  405  405  405  405  405  405"

TABLE: dict[str, tuple[str, str]] = {
    # --- Log in and out ----------------------------------------------------------------------
    "login": ("200 R R R R R R R", "200 R R R R R R R"),
    # Logging out sends everyone to the login page.
    "logout": (" L   405  405  405  405  405  405  405", "L L L L L L L L"),
    # Logging in with the organisation's account: without a provider configured (as here) both
    # addresses answer 404; tests/oidc covers them with a real provider.
    "oidc_start": ("404 404 404 404 404 404 404 404", "405 405 405 405 405 405 405 405"),
    "oidc_callback": ("404 404 404 404 404 404 404 404", "405 405 405 405 405 405 405 405"),
    # Everyone with a local password changes it here; an empty POST re-renders with errors.
    "password_change": (EVERYONE, EVERYONE),
    # Our replacement for the admin's login page (see portal.views.admin_login).
    "admin/login/": ("L 403 403 403 403 403 403 R", "L 403 403 403 403 403 403 R"),
    # Every pattern of Django's admin (`admin:*`): one gate (AdminSite.admin_view) guards them all,
    # so one row covers every model registered now or later.
    "admin:*": ("L A A A A A A *", "L A A A A A A *"),
    # The admin's own login is shadowed by ours (same path); its logout sends non-staff home.
    "admin:login": ("L 403 403 403 403 403 403 R", "L 403 403 403 403 403 403 R"),
    "admin:logout": ("L R R R R R R *", "L R R R R R R *"),
    # For the proxy and monitoring: no login, the same numbers for everyone; GET and HEAD only.
    "healthz": ("200 200 200 200 200 200 200 200", "405 405 405 405 405 405 405 405"),
    # --- Guidance ----------------------------------------------------------------------------
    "guidance:home": (EVERYONE, NOT_POST),
    "guidance:section": (EVERYONE, NOT_POST),
    "guidance:contacts": (EVERYONE, NOT_POST),
    "guidance:print": (EVERYONE, NOT_POST),
    "guidance:search": (EVERYONE, NOT_POST),
    "guidance:first_aid": (EVERYONE, NOT_POST),
    "guidance:first_aid_guide": (EVERYONE, NOT_POST),
    # --- Reporting ---------------------------------------------------------------------------
    "incidents:report": (EVERYONE, EVERYONE),  # an empty POST re-renders the form with errors
    "incidents:mine": (EVERYONE, NOT_POST),
    "incidents:list": (EVERYONE, NOT_POST),  # everyone gets a list of what they may see
    "incidents:dashboard": (DASHBOARD, NOT_POST),
    "incidents:detail": (SEES_IT, NOT_POST),
    "incidents:receipt": (SEES_IT, NOT_POST),
    "incidents:attachment": (SEES_IT, NOT_POST),
    "incidents:dt_receipt": (STAFF, NOT_POST),
    # --- Handling panels (POST only) -----------------------------------------------------------
    "incidents:add_information": (NOT_GET, REPORTER),
    "incidents:containment": (NOT_GET, HANDS_ON),
    "incidents:people_notified": (NOT_GET, HANDS_ON),
    "incidents:note": (NOT_GET, HANDS_ON),
    "incidents:message": (NOT_GET, HANDS_ON),
    # Only the manager the report was e-mailed to confirms having acted (an empty POST does it).
    "incidents:manager_acted": (NOT_GET, " L   403  404  R    404  403  403  403"),
    "incidents:escalate": (NOT_GET, HANDLER),
    "incidents:awareness": (NOT_GET, HANDLER),
    "incidents:assess": (NOT_GET, HANDLER),
    "incidents:decide": (NOT_GET, HANDLER),
    "incidents:datatilsynet": (NOT_GET, HANDLER),
    "incidents:subjects": (NOT_GET, HANDLER),
    "incidents:other": (NOT_GET, HANDLER),
    "incidents:close": (NOT_GET, HANDLER),
    "incidents:reopen": (NOT_GET, HANDLER),
    # --- The GDPR unit's pages ---------------------------------------------------------------
    "incidents:register": (GDPR_UNIT, NOT_POST),
    "incidents:register_csv": (GDPR_UNIT, NOT_POST),
    "incidents:statistics": (DASHBOARD, NOT_POST),  # counts without case facts: IT too
    # Those who may see the case but not the draft get 403; outsiders 404 as everywhere.
    "incidents:draft": (" L   403  404  403  404  403  200  200", NOT_POST),
    # The art. 34 letter is the GDPR unit's, like the draft.
    "incidents:subjects_letter": (" L   403  404  403  404  403  200  200", NOT_POST),
    # Creating or revoking one's feed address redirects back to the page.
    "incidents:calendar": (GDPR_UNIT, "L   403  403  403  403  403  R    R"),
    # The feed needs no login (calendar programs cannot log in): the token is the credential, and
    # the sample token is nobody's, so everyone, anonymous included, gets 404.
    "incidents:calendar_feed": (
        "404  404  404  404  404  404  404  404",
        "405  405  405  405  405  405  405  405",
    ),
    # --- NIS2 on an incident (IT and the GDPR unit; the reporter and manager see the case) -------
    "nis2:case": (STAFF, NOT_POST),
    "nis2:assess": (NOT_GET, HANDS_ON),
    "nis2:details": (NOT_GET, HANDS_ON),
    "nis2:submit": (NOT_GET, HANDS_ON),
    "nis2:end": (NOT_GET, HANDS_ON),
    "nis2:draft": (STAFF, NOT_POST),
    "nis2:receipt": (STAFF, NOT_POST),
    # --- Read-and-acknowledge campaigns (awareness/) ---------------------------------------------
    # Everyone sees their own reading list.
    "awareness:mine": (EVERYONE, NOT_POST),
    # The campaign is for Rikke's department (Rikke and Mona): only they may read and confirm;
    # the others get 404 (the campaign is not theirs; staff follow it on its own page).
    "awareness:read": (CAMPAIGN_READER, CAMPAIGN_READER_POST),
    # A manager's view of the people they manage.
    "awareness:team": (MANAGERS, NOT_POST),
    # IT and the GDPR unit run campaigns.
    "awareness:campaigns": (DASHBOARD, NOT_POST),
    "awareness:campaign_new": (DASHBOARD, CAMPAIGN_RUNNER_POST),
    "awareness:campaign": (DASHBOARD, NOT_POST),
    "awareness:remind": (NOT_GET, CAMPAIGN_RUNNER_REDIRECT),
    "awareness:evidence": (DASHBOARD, NOT_POST),
    "awareness:evidence_csv": (DASHBOARD, NOT_POST),
    "awareness:repeat_start": (NOT_GET, CAMPAIGN_RUNNER_REDIRECT),
}


def outcomes(row: str) -> dict[str, str]:
    codes = row.split()
    if len(codes) != len(PERSONAS):
        raise ValueError(f"{row!r} has {len(codes)} outcomes, not {len(PERSONAS)}")
    return dict(zip(PERSONAS, codes, strict=True))
