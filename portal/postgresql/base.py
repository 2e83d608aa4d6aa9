"""Django's PostgreSQL backend, with a connection health check that costs no round trip.

With CONN_HEALTH_CHECKS Django sends `SELECT 1` before the first query of every request, so that
a connection the server has closed (a restart, an idle timeout) is replaced instead of failing the
request. That is a round trip on every page. A server that ends a connection first writes its
goodbye (a FATAL error message) or closes the socket, so an idle connection with anything to read
is one it has ended: looking at the socket without waiting tells the same, in microseconds.
"""

from __future__ import annotations

import select

from django.db.backends.postgresql import base
from psycopg2.extensions import TRANSACTION_STATUS_IDLE


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        connection = self.connection
        if connection is None or connection.closed:
            return False
        if connection.get_transaction_status() != TRANSACTION_STATUS_IDLE:
            return super().is_usable()  # mid-transaction: ask the server, as Django does
        try:
            readable, _, _ = select.select([connection], [], [], 0)
        except (OSError, ValueError):
            return False
        # Nothing is owed to an idle connection: whatever is there (goodbye or end of file) means
        # the server has ended it. Should it be harmless after all, a new connection costs little.
        return not readable
