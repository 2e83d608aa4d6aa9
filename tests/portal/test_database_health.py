"""The connection health check reads the socket instead of sending `SELECT 1`, and still replaces
a connection the server has ended (portal/postgresql/base.py)."""

from __future__ import annotations

import select
from collections.abc import Iterator

import pytest
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper

pytestmark = pytest.mark.django_db


@pytest.fixture
def own_connection() -> Iterator[BaseDatabaseWrapper]:
    """A connection of its own, outside the test's transaction, as a worker holds one."""
    wrapper = connections.create_connection("default")
    wrapper.ensure_connection()
    yield wrapper
    wrapper.close()


def _end_from_the_server(wrapper: BaseDatabaseWrapper) -> None:
    with wrapper.connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    wrapper.connection.commit()
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    # The server's goodbye arrives asynchronously; wait for it as a worker between requests would.
    select.select([wrapper.connection], [], [], 10)


def test_an_idle_connection_is_usable(own_connection):
    assert own_connection.vendor == "postgresql"
    assert own_connection.is_usable()


def test_a_connection_the_server_ended_is_replaced_before_the_next_query(own_connection):
    _end_from_the_server(own_connection)
    assert not own_connection.is_usable()
    own_connection.health_check_done = False
    own_connection.close_if_health_check_failed()
    with own_connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)
