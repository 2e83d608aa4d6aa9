"""Test settings: the real settings, over plain HTTP, with a fast password hasher."""

import os

# Tests talk plain HTTP to the test client and to the live server on loopback.
os.environ["HTTPS"] = "0"
# Playwright's sync API runs an event loop in the test thread; the ORM calls around it are
# ordinary synchronous test code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from portal.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = BASE_DIR / "var" / "test-media"  # noqa: F405
# No collectstatic before tests: serve straight from the apps' static folders.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Two test runs on one cluster (say, a focused run beside the whole suite) need two databases.
if os.environ.get("PORTAL_TEST_DB"):
    DATABASES["default"]["TEST"] = {"NAME": os.environ["PORTAL_TEST_DB"]}  # noqa: F405
