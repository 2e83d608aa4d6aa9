"""Django's PostgreSQL backend, with a health check that costs no round trip and statements
prepared once per connection.

With CONN_HEALTH_CHECKS Django sends `SELECT 1` before the first query of every request, so that
a connection the server has closed (a restart, an idle timeout) is replaced instead of failing the
request. That is a round trip on every page. A server that ends a connection first writes its
goodbye (a FATAL error message) or closes the socket, so an idle connection with anything to read
is one it has ended: looking at the socket without waiting tells the same, in microseconds.

`execute_prepared` runs the statements every logged-in page sends (the session's, the cached
page's) as prepared statements: PostgreSQL plans them once per connection instead of per request.
"""

from __future__ import annotations

import select
from collections.abc import Sequence

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

    def execute_prepared(
        self, cursor, name: str, types: Sequence[str], sql: str, params: Sequence
    ) -> None:
        """Run `sql` (parameters $1, $2, … of `types`) as the prepared statement `name`.

        Prepared at its first use on each connection (a PREPARE outlives a rolled-back
        transaction); a connection that already has it (a pooler's) is asked once.
        """
        prepared = self.__dict__.setdefault("_prepared", {})
        if prepared.get(name) is not self.connection:
            cursor.execute("SELECT 1 FROM pg_prepared_statements WHERE name = %s", [name])
            if cursor.fetchone() is None:
                cursor.execute(f"PREPARE {name} ({', '.join(types)}) AS {sql}")
            prepared[name] = self.connection
        placeholders = ", ".join(["%s"] * len(params))
        cursor.execute(f"EXECUTE {name} ({placeholders})", params)
