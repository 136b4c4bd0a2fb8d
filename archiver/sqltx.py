"""One IMMEDIATE transaction on an SQLite connection; nested uses join the outer one.

Shared by the store and the learned-boilerplate counts (`learned.py`), which the store's schema
list imports, so it lives apart from both.
"""

from __future__ import annotations

import sqlite3
from types import TracebackType


class Transaction:
    """`with Transaction(conn):` runs its body in one transaction, whatever the connection's
    isolation mode: BEGIN IMMEDIATE/COMMIT (ROLLBACK on an exception) when no transaction is
    open; inside a caller's open transaction nothing is begun or committed here."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.outer = False

    def __enter__(self) -> sqlite3.Connection:
        self.outer = not self.conn.in_transaction
        if self.outer:
            self.conn.execute("BEGIN IMMEDIATE")
        return self.conn

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if not self.outer:
            return
        if kind is None:
            self.conn.execute("COMMIT")
        else:
            self.conn.execute("ROLLBACK")
