"""SQLite persistence: one row per profile, one transaction per request.

Durability: WAL journal with ``synchronous=FULL``, so a commit is on disk before the
response that acknowledges it is sent, and survives ``kill -9`` of the server.

Concurrency: every statement runs on one dedicated thread (the event loop never
blocks on SQLite), and every read-merge-write runs inside ``BEGIN IMMEDIATE`` so it
is atomic even against another process using the same file. The `lost-update`
fault needs the unsafe alternative, so :meth:`Store.find` and :meth:`Store.overwrite`
exist as separate, transaction-less steps.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

from contract.sandbox.profiles import MAX_ATTRIBUTES, Profile, ProfileUpdate, merge

__all__ = ["Conflict", "Identity", "NotFound", "Store"]

T = TypeVar("T")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS profiles (
    app_id            TEXT NOT NULL,
    profile_id        TEXT NOT NULL,
    customer_user_id  TEXT,
    fields            TEXT NOT NULL DEFAULT '{}',  -- JSON object of the documented scalar fields
    custom_attributes TEXT NOT NULL DEFAULT '[]',  -- JSON list of [key, value], insertion order
    total_revenue_usd REAL NOT NULL DEFAULT 0,
    PRIMARY KEY (app_id, profile_id)
);
CREATE UNIQUE INDEX IF NOT EXISTS profiles_customer_user_id
    ON profiles (app_id, customer_user_id) WHERE customer_user_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS profiles_profile_id ON profiles (profile_id);
"""
_COLUMNS = "app_id, profile_id, customer_user_id, fields, custom_attributes, total_revenue_usd"


class NotFound(Exception):
    """No profile matches the identification headers (in the caller's app)."""


class Conflict(Exception):
    """Linking would give one customer_user_id two profiles, or one profile two ids."""


@dataclass(frozen=True, slots=True)
class Identity:
    """Who a request is about, from the `adapty-profile-id` / `adapty-customer-user-id` headers.

    `profile_id` is None when the header is absent *or* not a UUID: such an id can
    name no stored profile, since the sandbox only ever stores UUIDs.
    """

    profile_id: str | None
    customer_user_id: str | None


class Store:
    """The profiles of every app in one SQLite file.

    `scope` arguments are the caller's app id, or None to search every app (only the
    `tenant-leak` fault passes None).
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sandbox-db")
        self._conn: sqlite3.Connection | None = None
        self._executor.submit(self._open).result()  # surface a bad path to the caller, now

    # ------------------------------------------------------------------ plumbing

    def _open(self) -> None:
        conn = sqlite3.connect(self.path, isolation_level=None, timeout=30)  # we issue BEGIN ourselves
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.executescript(_SCHEMA)
        self._conn = conn

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """Run a blocking store method on the store's own thread."""
        return await asyncio.get_running_loop().run_in_executor(self._executor, fn, *args)

    def close(self) -> None:
        """Close the connection; safe to call more than once."""
        def _close() -> None:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
        try:
            self._executor.submit(_close).result()
        except RuntimeError:  # executor already shut down
            return
        self._executor.shutdown(wait=True)

    @property
    def _db(self) -> sqlite3.Connection:
        if self._conn is None:
            raise RuntimeError("the sandbox store is closed")
        return self._conn

    @contextmanager
    def _transaction(self, *, commit: bool = True) -> Iterator[sqlite3.Connection]:
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT" if commit else "ROLLBACK")

    # ------------------------------------------------------------------ rows

    @staticmethod
    def _row_to_profile(row: tuple[Any, ...]) -> Profile:
        app_id, profile_id, customer_user_id, fields, attributes, revenue = row
        return Profile(app_id=app_id, profile_id=profile_id, customer_user_id=customer_user_id,
                       fields=json.loads(fields), attributes=dict(json.loads(attributes)),
                       total_revenue_usd=revenue)

    def _select(self, db: sqlite3.Connection, scope: str | None, column: str, value: str) -> Profile | None:
        sql = f"SELECT {_COLUMNS} FROM profiles WHERE {column} = ?"
        params: list[str] = [value]
        if scope is not None:
            sql += " AND app_id = ?"
            params.append(scope)
        row = db.execute(sql + " ORDER BY rowid LIMIT 1", params).fetchone()
        return self._row_to_profile(row) if row else None

    def _lookup(self, db: sqlite3.Connection, scope: str | None, who: Identity) -> Profile | None:
        """The profile the headers name; the profile id wins when both headers are sent."""
        if who.profile_id is not None:
            return self._select(db, scope, "profile_id", who.profile_id)
        if who.customer_user_id is not None:
            return self._select(db, scope, "customer_user_id", who.customer_user_id)
        return None

    @staticmethod
    def _write(db: sqlite3.Connection, profile: Profile, *, previous: Profile | None) -> None:
        values = (profile.customer_user_id, json.dumps(profile.fields, ensure_ascii=False),
                  json.dumps(list(profile.attributes.items()), ensure_ascii=False), profile.total_revenue_usd)
        if previous is None:
            db.execute(f"INSERT INTO profiles ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)",
                       (profile.app_id, profile.profile_id, *values))
        else:
            db.execute("UPDATE profiles SET customer_user_id = ?, fields = ?, custom_attributes = ?, "
                       "total_revenue_usd = ? WHERE app_id = ? AND profile_id = ?",
                       (*values, previous.app_id, previous.profile_id))

    # ------------------------------------------------------------------ operations (store thread)

    def create_or_update(self, scope: str | None, app_id: str, who: Identity, update: ProfileUpdate,
                         max_attributes: int | None = MAX_ATTRIBUTES) -> Profile:
        """POST: find the profile the headers name, or create it; then apply the body.

        - both headers, profile id known: link the customer user id to that profile
          (the docs' tip); Conflict if either is already tied to something else;
        - a known customer user id: that profile (never a duplicate);
        - a known profile id: that profile;
        - otherwise a new profile in `app_id`, with the requested profile id when it
          is a UUID, else a fresh one.
        """
        with self._transaction() as db:
            by_id = self._select(db, scope, "profile_id", who.profile_id) if who.profile_id else None
            by_customer = (self._select(db, scope, "customer_user_id", who.customer_user_id)
                           if who.customer_user_id is not None else None)
            current: Profile | None
            if by_id is not None and who.customer_user_id is not None:
                if by_customer is not None and by_customer.profile_id != by_id.profile_id:
                    raise Conflict("This customer_user_id is already linked to another profile.")
                if by_id.customer_user_id not in (None, who.customer_user_id):
                    raise Conflict("This profile is already linked to another customer_user_id.")
                current = by_id
                target = replace(by_id, customer_user_id=who.customer_user_id)
            else:
                current = by_id or by_customer
                target = current or Profile(app_id=app_id, profile_id=who.profile_id or str(uuid.uuid4()),
                                            customer_user_id=who.customer_user_id)
            merged = merge(target, update, max_attributes=max_attributes)
            self._write(db, merged, previous=current)
            return merged

    def update(self, scope: str | None, who: Identity, update: ProfileUpdate,
               max_attributes: int | None = MAX_ATTRIBUTES, persist: bool = True) -> Profile:
        """PATCH: read, merge and write in one transaction (rolled back when not `persist`)."""
        with self._transaction(commit=persist) as db:
            current = self._lookup(db, scope, who)
            if current is None:
                raise NotFound
            merged = merge(current, update, max_attributes=max_attributes)
            self._write(db, merged, previous=current)
            return merged

    def find(self, scope: str | None, who: Identity) -> Profile | None:
        """GET (and the unsafe first half of a lost update): a plain read."""
        return self._lookup(self._db, scope, who)

    def overwrite(self, profile: Profile) -> None:
        """The unsafe second half of a lost update: write a whole profile read earlier."""
        self._write(self._db, profile, previous=profile)

    def delete(self, scope: str | None, who: Identity) -> bool:
        """DELETE: remove the profile; False when there was none."""
        with self._transaction() as db:
            current = self._lookup(db, scope, who)
            if current is None:
                return False
            db.execute("DELETE FROM profiles WHERE app_id = ? AND profile_id = ?",
                       (current.app_id, current.profile_id))
            return True
