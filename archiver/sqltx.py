"""One IMMEDIATE transaction on an SQLite connection; nested uses join the outer one.

Shared by the store and the learned-boilerplate counts (`learned.py`), which the store's schema
list imports, so it lives apart from both.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from types import TracebackType


class Transaction:
    """`with Transaction(conn):` runs its body in one transaction, whatever the connection's
    isolation mode: BEGIN IMMEDIATE/COMMIT (ROLLBACK on an exception) when no transaction is
    open; inside a caller's open transaction nothing is begun or committed here.

    `on_commit` / `on_rollback` run after the outermost transaction ends that way (work that
    must follow the commit, such as rewriting files derived from the committed rows)."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        *,
        on_commit: Callable[[], None] | None = None,
        on_rollback: Callable[[], None] | None = None,
    ) -> None:
        self.conn = conn
        self.outer = False
        self.on_commit = on_commit
        self.on_rollback = on_rollback

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
            try:
                self.conn.execute("COMMIT")
            except BaseException:
                self._rollback()
                raise
            if self.on_commit is not None:
                self.on_commit()
        else:
            self._rollback()

    def _rollback(self) -> None:
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")
        if self.on_rollback is not None:
            self.on_rollback()
