"""The emulator's state: one SQLite table of resource instances (WAL, every write committed before it is answered).

An instance is addressed by its resource (the graph's path shape), its parent (the identifier
values of the path above it, in order) and its own identifier, and belongs to one tenant (the
credential that created it). A deleted instance leaves a tombstone, so an instance the emulator
makes up on first read (a resource the spec gives no create) stays deleted.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path
from typing import Any

__all__ = ["Store"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS instances (
    resource TEXT NOT NULL,
    parent TEXT NOT NULL,
    ident TEXT NOT NULL,
    tenant TEXT NOT NULL,
    body TEXT,
    seq INTEGER NOT NULL,
    PRIMARY KEY (resource, parent, ident, tenant)
);
CREATE INDEX IF NOT EXISTS instances_list ON instances (resource, parent, tenant, seq);
"""


class Store:
    """Thread-safe access to the instances table; `tenant=None` in a lookup means any tenant."""

    def __init__(self, path: str | Path) -> None:
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._lock = threading.Lock()
        with self._lock:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: nothing acknowledged is lost on a crash
            self._db.executescript(_SCHEMA)
            row = self._db.execute("SELECT COALESCE(MAX(seq), 0) FROM instances").fetchone()
        self._seq = int(row[0])

    @property
    def seq(self) -> int:
        """The last write's sequence number."""
        return self._seq

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _where(self, tenant: str | None) -> tuple[str, tuple[str, ...]]:
        return ("", ()) if tenant is None else (" AND tenant = ?", (tenant,))

    def get(self, resource: str, parent: str, ident: str, tenant: str | None) -> dict[str, Any] | None:
        """The instance, or None when unknown or deleted."""
        row = self._row(resource, parent, ident, tenant)
        return None if row is None or row[0] is None else dict(json.loads(row[0]))

    def known(self, resource: str, parent: str, ident: str, tenant: str | None) -> bool:
        """Whether the instance exists or existed (a tombstone counts)."""
        return self._row(resource, parent, ident, tenant) is not None

    def _row(self, resource: str, parent: str, ident: str, tenant: str | None) -> tuple[Any, ...] | None:
        clause, args = self._where(tenant)
        with self._lock:
            row = self._db.execute(f"SELECT body FROM instances WHERE resource = ? AND parent = ? AND ident = ?"
                                   f"{clause} ORDER BY body IS NULL LIMIT 1", (resource, parent, ident, *args)
                                   ).fetchone()
        return None if row is None else tuple(row)

    def put(self, resource: str, parent: str, ident: str, tenant: str, body: dict[str, Any] | None) -> None:
        """Store (or, with `body=None`, tombstone) an instance; the order of first creation is kept for lists."""
        text = None if body is None else json.dumps(body, ensure_ascii=False)
        with self._lock:
            self._seq += 1
            self._db.execute(
                "INSERT INTO instances (resource, parent, ident, tenant, body, seq) VALUES (?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (resource, parent, ident, tenant) DO UPDATE SET body = excluded.body",
                (resource, parent, ident, tenant, text, self._seq))

    def owner(self, resource: str, parent: str, ident: str) -> str | None:
        """The tenant of a live instance (whoever it is), for telling 404 from another tenant's instance."""
        with self._lock:
            row = self._db.execute("SELECT tenant FROM instances WHERE resource = ? AND parent = ? AND ident = ? "
                                   "AND body IS NOT NULL LIMIT 1", (resource, parent, ident)).fetchone()
        return None if row is None else str(row[0])

    def list(self, resource: str, parent: str, tenant: str | None) -> list[dict[str, Any]]:
        clause, args = self._where(tenant)
        with self._lock:
            rows = self._db.execute(f"SELECT body FROM instances WHERE resource = ? AND parent = ? AND body IS NOT "
                                    f"NULL{clause} ORDER BY seq", (resource, parent, *args)).fetchall()
        return [dict(json.loads(r[0])) for r in rows]
