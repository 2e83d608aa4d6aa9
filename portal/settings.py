"""Settings for Sikkerhedsportalen, driven by environment variables (see README's table).

Without DATABASE_URL the portal uses its private PostgreSQL cluster under var/postgres, which
`scripts/devdb.py` creates and starts; that is the development and demo set-up.

Over 400 lines on purpose: one flat list of settings, in the README table's order, so that each
environment variable is found next to what it sets; split files would hide that.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from portal.env import env_bool, env_int, env_list, env_str

# The installed package: templates, static files and the folder's content travel inside it.
PACKAGE_DIR = Path(__file__).resolve().parent
# The checkout around it, in development, `make run` and the tests: var/ holds the private
# PostgreSQL cluster, the development key, uploads and e-mails. An installed wheel has none, so
# there the environment must say where those go (checkout_path below).
BASE_DIR = PACKAGE_DIR.parent
FROM_CHECKOUT = (BASE_DIR / "manage.py").is_file()
VAR_DIR = BASE_DIR / "var"


def checkout_path(name: str, default: Path) -> Path:
    """A folder from the environment, else the checkout's default; an installed package has no
    checkout to keep files in, so there the variable must be set."""
    value = env_str(name)
    if value:
        return Path(value)
    if not FROM_CHECKOUT:
        raise ImproperlyConfigured(f"{name} must be set (an installed portal has no var/ folder)")
    return default


DEBUG = env_bool("DEBUG", default=False)

# --- Database ------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL")
USING_PRIVATE_CLUSTER = not DATABASE_URL
if USING_PRIVATE_CLUSTER and not FROM_CHECKOUT:
    raise ImproperlyConfigured("DATABASE_URL must be set (the private cluster lives in a checkout)")
if USING_PRIVATE_CLUSTER:
    # realpath: the cluster may live outside the checkout (see scripts/devdb.py), and a Unix
    # socket path must stay short.
    PRIVATE_SOCKET_DIR = os.path.realpath(VAR_DIR / "postgres" / "run")
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": "sikkerhedsportalen",
            "USER": "postgres",
            "HOST": PRIVATE_SOCKET_DIR,
        }
    }
else:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL)}
    if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL (postgres://…)")
# Django's PostgreSQL backend with a health check that reads the socket instead of sending
# `SELECT 1` before every request's first query (portal/postgresql/base.py).
DATABASES["default"]["ENGINE"] = "portal.postgresql"
DATABASES["default"]["CONN_MAX_AGE"] = env_int("DB_CONN_MAX_AGE", 60, minimum=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["ATOMIC_REQUESTS"] = False

# --- Secrets ---------------------------------------------------------------------------------
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not USING_PRIVATE_CLUSTER:
        raise ImproperlyConfigured("SECRET_KEY must be set when DATABASE_URL is set (production)")
    # Development: one random key per checkout, kept so sessions survive restarts.
    key_file = VAR_DIR / "secret-key"
    if not key_file.exists():
        VAR_DIR.mkdir(exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    SECRET_KEY = key_file.read_text().strip()

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# --- Applications ----------------------------------------------------------------------------
INSTALLED_APPS = [
    "portal",
    "guidance",
    "incidents",
    "gdpr",
    "nis2",
    "awareness",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "bootstrap",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    # Database triggers declared on the models (append-only timeline, closed cases, the clock).
    "pgtrigger",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "portal.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Django's, with the user, their roles and the session from one query (portal.sessions).
    "portal.middleware.AuthenticationMiddleware",
    "portal.middleware.SessionActivityMiddleware",
    # Everything needs login; views opt out with @login_not_required (only the login page does).
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Every page shows who is logged in, most show personal data: no cache may keep them.
    "portal.middleware.NoStoreMiddleware",
    # Last, as django-axes asks: turns a locked-out login into its lockout page.
    "axes.middleware.AxesMiddleware",
]

# A form sent without a valid token (too old, or the session ended): a Danish page, not Django's.
CSRF_FAILURE_VIEW = "portal.views.csrf_failure"

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # portal/templates (every app's pages, under templates/<app>/) comes first, because the
        # portal app is first in INSTALLED_APPS.
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.portal",
            ],
        },
    }
]

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Authentication --------------------------------------------------------------------------
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "guidance:home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [{"NAME": "portal.validators.FolderPasswordValidator"}]
# Inactivity timeout: activity pushes the expiry forward (portal.middleware's
# SessionActivityMiddleware, at most every SESSION_REFRESH_SECONDS), so a session ends between
# SESSION_COOKIE_AGE minus that margin and SESSION_COOKIE_AGE after the last page was used.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60, minimum=60)
SESSION_REFRESH_SECONDS = min(300, SESSION_COOKIE_AGE // 10)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Database sessions whose row names the user: session, user and roles in one query.
SESSION_ENGINE = "portal.sessions"
# Changing a password ends every other session of that user: each request checks the session's
# password hash, as django.contrib.auth does (portal.sessions.get_user).

# Login throttling (django-axes): after LOGIN_FAILURE_LIMIT wrong passwords for one username from
# one address, further attempts are refused for LOGIN_COOLOFF_MINUTES, correct password or not.
# The OpenID Connect backend comes first: a login with the organisation's account involves no
# password, so axes' lockouts (which are about passwords) do not stand in its way.
AUTHENTICATION_BACKENDS = [
    "portal.oidc.ProviderBackend",
    "axes.backends.AxesStandaloneBackend",
    "portal.oidc.LocalPasswordBackend",
]
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
# axes locks on the attempt that reaches its limit: the next attempt after the allowed ones.
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT + 1
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15, minimum=1))
# Only this username from this address: a stranger cannot lock a colleague out from elsewhere.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The message promises a time; a retry while locked out must not move it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# axes' own admin is English and lists every login; portal.admin shows the failed ones in Danish,
# where an administrator lifts a lockout.
AXES_ENABLE_ADMIN = False
# Logs say who was locked out, never what they typed (no passwords, see "no personal data").
AXES_VERBOSE = True
# Whose address a failure counts against, and the per-address limit: portal/throttling.py.
AXES_CLIENT_IP_CALLABLE = "portal.throttling.client_ip"
AXES_HANDLER = "portal.throttling.PortalAxesHandler"
# Behind a proxy that appends the client's address to X-Forwarded-For, lockouts use that address,
# but only for requests that come from one of TRUSTED_PROXIES; anyone else's header is ignored.
TRUST_X_FORWARDED_FOR = env_bool("TRUST_X_FORWARDED_FOR", default=False)
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", ["127.0.0.1", "::1"])
# Password spraying: this many failures from one address, over any usernames, within the cool-off
# period hold back every further password attempt from that address until it has passed.
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("LOGIN_ADDRESS_FAILURE_LIMIT", 30, minimum=1)

# --- Logging in with the organisation's account (OpenID Connect, portal/oidc.py) ------------
# Entra ID or AD FS. Set OIDC_ISSUER to switch it on; the endpoints and keys come from the
# provider's discovery document. README "Logging in with Entra ID or AD FS" has the settings.
OIDC_ISSUER = env_str("OIDC_ISSUER").rstrip("/") if env_str("OIDC_ISSUER") else ""
OIDC_ENABLED = bool(OIDC_ISSUER)
OIDC_DISCOVERY_URL = env_str(
    "OIDC_DISCOVERY_URL",
    f"{OIDC_ISSUER}/.well-known/openid-configuration" if OIDC_ENABLED else "",
)
OIDC_RP_CLIENT_ID = env_str("OIDC_CLIENT_ID")
OIDC_RP_CLIENT_SECRET = env_str("OIDC_CLIENT_SECRET")
if OIDC_ENABLED and not (OIDC_RP_CLIENT_ID and OIDC_RP_CLIENT_SECRET):
    raise ImproperlyConfigured("OIDC_ISSUER needs OIDC_CLIENT_ID and OIDC_CLIENT_SECRET")
OIDC_RP_SCOPES = env_str("OIDC_SCOPES", "openid profile email")
OIDC_RP_SIGN_ALGO = env_str("OIDC_SIGN_ALGORITHM", "RS256")
# Which claim of the ID token holds what.
OIDC_CLAIMS = {
    "username": env_str("OIDC_USERNAME_CLAIM", "preferred_username"),
    "email": env_str("OIDC_EMAIL_CLAIM", "email"),
    "first_name": env_str("OIDC_FIRST_NAME_CLAIM", "given_name"),
    "last_name": env_str("OIDC_LAST_NAME_CLAIM", "family_name"),
    "name": env_str("OIDC_NAME_CLAIM", "name"),
    "department": env_str("OIDC_DEPARTMENT_CLAIM", "department"),
    "groups": env_str("OIDC_GROUPS_CLAIM", "groups"),
}
# RP-initiated logout: logging out here ends the session at the provider too, where it says
# (end_session_endpoint) that it can.
OIDC_PROVIDER_LOGOUT = env_bool("OIDC_PROVIDER_LOGOUT", default=True)
OIDC_TIMEOUT = env_int("OIDC_TIMEOUT", 10, minimum=1)
# The code flow with PKCE (S256), state and nonce; the ID token is kept in the session only as the
# logout hint the provider asks for.
OIDC_USE_PKCE = True
OIDC_PKCE_CODE_CHALLENGE_METHOD = "S256"
OIDC_USE_NONCE = True
OIDC_STORE_ID_TOKEN = True
OIDC_AUTHENTICATION_CALLBACK_URL = "oidc_callback"
# Username and password on the portal's own login page: on without a provider (development,
# demo), off by default with one; turn it on for break-glass administrators.
LOCAL_LOGIN = env_bool("LOCAL_LOGIN", default=not OIDC_ENABLED)

# --- Cache ----------------------------------------------------------------------------------
# Rendered folder pages (portal.caching), shared by every worker on every machine: Django's
# database cache in the portal's own database (table portal_cache, made by a migration). Keys
# carry the content's version, so nothing ever needs deleting; old pages expire or are culled.
CACHES = {
    "default": {
        # Django's DatabaseCache with a prepared look-up (portal.caching.DatabaseCache).
        "BACKEND": "portal.caching.DatabaseCache",
        "LOCATION": "portal_cache",
        "TIMEOUT": 24 * 60 * 60,
        "OPTIONS": {"MAX_ENTRIES": 5000},
    }
}

# --- Language and time -----------------------------------------------------------------------
# Danish only: every text is written in Danish (the Danish text is the message id), and there is
# no English catalogue yet. Offering English would give English dates and <html lang="en"> around
# Danish text. With a complete catalogue: add ("en", "English"), LocaleMiddleware and a switcher.
LANGUAGE_CODE = "da"
LANGUAGES = [("da", "Dansk")]
TIME_ZONE = "Europe/Copenhagen"
USE_I18N = True
USE_TZ = True

# --- Static files ----------------------------------------------------------------------------
STATIC_URL = "/static/"
# collectstatic's target, served by whitenoise. The sources are the apps' static/ folders
# (portal/static holds the portal's own CSS and JavaScript).
STATIC_ROOT = checkout_path("STATIC_ROOT", BASE_DIR / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- Uploaded files (attachments, Datatilsynet's receipts) --------------------------------------
# Personal data: never under static files, never at a public URL; every download streams through
# a view that checks who asks. On local disk by default; in an S3-compatible bucket (MinIO, Ceph,
# AWS) when S3_BUCKET is set, so that several web servers share them.
S3_BUCKET = env_str("S3_BUCKET")
if S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env_str("S3_ENDPOINT_URL") or None,
            # Unset: boto3's own chain (instance role, ~/.aws).
            "access_key": env_str("S3_ACCESS_KEY_ID") or None,
            "secret_key": env_str("S3_SECRET_ACCESS_KEY") or None,
            "region_name": env_str("S3_REGION", "us-east-1"),
            # Path style (endpoint/bucket/key) is what on-premises servers understand.
            "addressing_style": env_str("S3_ADDRESSING_STYLE", "path"),
            # No ACL header: the bucket's own policy (private) applies.
            "default_acl": None,
            # Names are random (incidents/models.py); never replace an object.
            "file_overwrite": False,
            # A download larger than this is buffered on disk, not in memory.
            "max_memory_size": 2 * 1024 * 1024,
        },
    }
    MEDIA_ROOT = env_str("MEDIA_ROOT")  # not used for uploads
else:
    MEDIA_ROOT = checkout_path("MEDIA_ROOT", VAR_DIR / "media")
# Local disk: readable by the portal's own user only.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
# Per report, all uploads together (incidents/files.py check_quota); one file is at most 10 MB.
ATTACHMENTS_PER_REPORT = env_int("ATTACHMENTS_PER_REPORT", 20, minimum=1)
ATTACHMENTS_PER_REPORT_MB = env_int("ATTACHMENTS_PER_REPORT_MB", 50, minimum=1)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Security headers ------------------------------------------------------------------------
# HTTPS is the default; `make run` (loopback demo) and the tests switch it off explicitly.
HTTPS = env_bool("HTTPS", default=True)
SECURE_SSL_REDIRECT = HTTPS and env_bool("SECURE_SSL_REDIRECT", default=True)
# The proxy and monitoring ask gunicorn directly, over plain HTTP on the internal network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if env_bool("TRUST_X_FORWARDED_PROTO", default=False):
    # Only behind a TLS-terminating proxy that sets this header itself.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if HTTPS else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)

# --- E-mail ----------------------------------------------------------------------------------
EMAIL_HOST = env_str("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)
    EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10, minimum=1)
else:
    # Development: every message lands as a file under var/mail, readable by its owner only.
    EMAIL_BACKEND = env_str("EMAIL_BACKEND", "portal.mail.PrivateFileEmailBackend")
    EMAIL_FILE_PATH = checkout_path("EMAIL_FILE_PATH", VAR_DIR / "mail")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Sikkerhedsportalen <noreply@herlev.dk>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Retention (manage.py apply_retention, daily) ----------------------------------------------
# Evidence files (photos, screenshots, letters) are needed while the case is worked on and for a
# short while after in case it is reopened: deleted this many days after the incident is closed.
RETENTION_ATTACHMENTS_DAYS = env_int("RETENTION_ATTACHMENTS_DAYS", 90, minimum=1)
# The reporter's own words may name citizens. The register (art. 33(5)) keeps the facts, the
# assessment and the decision; the free text goes after 5 years, so it is still there for
# Datatilsynet's follow-up questions and for the limitation period of a fine case (5 years).
RETENTION_PERSONAL_TEXT_DAYS = env_int("RETENTION_PERSONAL_TEXT_DAYS", 5 * 365 + 1, minimum=1)

# --- /healthz (portal/health.py) ------------------------------------------------------------
# Unhealthy when no worker has beaten for this long (a worker beats at least every 10 s) ...
HEALTH_WORKER_SECONDS = env_int("HEALTH_WORKER_SECONDS", 120, minimum=20)
# ... or when an e-mail has waited this long (the mail server down, or no worker).
HEALTH_EMAIL_MINUTES = env_int("HEALTH_EMAIL_MINUTES", 15, minimum=1)

# --- The organisation ------------------------------------------------------------------------
PORTAL_ORGANISATION = env_str("PORTAL_ORGANISATION", "Herlev Kommune")
# "Log ind med din Herlev-konto": the organisation's name as people call their account.
PORTAL_ACCOUNT_NAME = env_str(
    "PORTAL_ACCOUNT_NAME", PORTAL_ORGANISATION.removesuffix(" Kommune").strip()
)
PORTAL_CONTACTS = {
    "it_phone": env_str("PORTAL_IT_PHONE", "44 52 70 30"),
    "it_email": env_str("PORTAL_IT_EMAIL", "2.level@herlev.dk"),
    "questions_email": env_str("PORTAL_QUESTIONS_EMAIL", "it@herlev.dk"),
    "gdpr_email": env_str("PORTAL_GDPR_EMAIL", "sikkerhedsbrud@herlev.dk"),
    # Who is reminded of the NIS2 reporting deadlines (the GDPR unit's mailbox unless set).
    "nis2_email": env_str(
        "PORTAL_NIS2_EMAIL", env_str("PORTAL_GDPR_EMAIL", "sikkerhedsbrud@herlev.dk")
    ),
    # The data protection officer (art. 37), named in notifications to Datatilsynet and in
    # letters to data subjects (art. 33(3)(b), 34(2)).
    "dpo_name": env_str("PORTAL_DPO_NAME", "Databeskyttelsesrådgiveren"),
    "dpo_email": env_str("PORTAL_DPO_EMAIL", "dpo@herlev.dk"),
    "dpo_phone": env_str("PORTAL_DPO_PHONE", "44 52 70 00"),
}
# --- NIS2 and awareness training -----------------------------------------------------------
# The municipality is an NIS2 entity (lov nr. 434 af 6. maj 2025): the significant-incident
# assessment, the 24-hour/72-hour/one-month clocks, their reminders and dashboard rows. Off: none
# of it is shown, queued or answered (nis2/).
NIS2_ENABLED = env_bool("NIS2_ENABLED", default=True)
# Breaches of one category in one department within this many months, at least this many of
# them, are flagged as a repeat that calls for targeted awareness training (awareness/).
AWARENESS_REPEAT_THRESHOLD = env_int("AWARENESS_REPEAT_THRESHOLD", 3, minimum=2)
AWARENESS_REPEAT_MONTHS = env_int("AWARENESS_REPEAT_MONTHS", 12, minimum=1)

# Demo accounts are created only when this is on (`make run` turns it on).
PORTAL_DEMO = env_bool("PORTAL_DEMO", default=False)

# --- Logging ---------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"one_line_forbidden": {"()": "portal.logs.OneLineForbidden"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # A 403 is an answer, not a fault: one line, no traceback.
        "django.request": {"filters": ["one_line_forbidden"]},
    },
}
