"""The portal's database cache reads what Django's writes, and forgets what has expired."""

from __future__ import annotations

import pytest
import time_machine
from django.core.cache import cache, caches
from django.utils import timezone

from portal.caching import DatabaseCache

pytestmark = pytest.mark.django_db


def test_it_is_djangos_database_cache_in_the_portals_table():
    assert isinstance(caches["default"], DatabaseCache)
    assert caches["default"]._table == "portal_cache"


def test_it_reads_back_what_was_stored():
    cache.set("page:x", ("<p>", "user_name", "</p>"))
    assert cache.get("page:x") == ("<p>", "user_name", "</p>")
    assert cache.get_many(["page:x"]) == {"page:x": ("<p>", "user_name", "</p>")}


def test_a_missing_or_expired_entry_is_the_default():
    assert cache.get("page:missing", "nothing") == "nothing"
    cache.set("page:short", "kept", timeout=60)
    with time_machine.travel(timezone.now() + timezone.timedelta(seconds=61)):
        assert cache.get("page:short") is None
