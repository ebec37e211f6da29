"""Imported datasets (and saved stories) in one SQLite file on local disk, or in a PostgreSQL database shared by
several app replicas (`COOP_DATA_STORE=postgresql://…`), with the same guarantees:

- Each dataset has an unguessable id (128 random bits); there is deliberately
  no function that lists datasets, so no page can show other people's data.
- Deleting needs the dataset's delete key, given once to whoever imported it;
  a shared view link lets people read, not delete.
- A dataset is written in one transaction: an import interrupted half-way
  leaves the whole dataset or nothing.
- Location: `COOP_DATA_STORE` (a file path or a postgresql:// URL) or `var/coop_store.sqlite` under the app folder.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import secrets
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

APP_DIR = Path(__file__).resolve().parents[1]
ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{22}$")
# Written once for both databases; BLOB becomes BYTEA for PostgreSQL, and `?` placeholders become `%s`.
SCHEMA = """
CREATE TABLE IF NOT EXISTS datasets (
  id TEXT PRIMARY KEY, kind TEXT NOT NULL, name TEXT NOT NULL, created TEXT NOT NULL,
  filename TEXT, meta TEXT NOT NULL, delete_key_hash TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS dataset_parts (
  dataset_id TEXT NOT NULL REFERENCES datasets(id) ON DELETE CASCADE, part TEXT NOT NULL, data BLOB NOT NULL,
  PRIMARY KEY (dataset_id, part)
);
DROP TABLE IF EXISTS mappings;
CREATE TABLE IF NOT EXISTS owner_mappings (owner_hash TEXT NOT NULL, header_key TEXT NOT NULL, kind TEXT NOT NULL,
  mapping TEXT NOT NULL, updated TEXT NOT NULL, PRIMARY KEY (owner_hash, header_key, kind));
CREATE TABLE IF NOT EXISTS stories (id TEXT PRIMARY KEY, title TEXT NOT NULL, created TEXT NOT NULL, updated TEXT NOT NULL,
  body TEXT NOT NULL, edit_key_hash TEXT NOT NULL);
"""


BASE_PARTS = ("rows", "set_aside", "problems", "original")


def default_path() -> Path | str:
    env = os.environ.get("COOP_DATA_STORE")
    if env and is_postgres(env):
        return env
    return Path(env) if env else APP_DIR / "var" / "coop_store.sqlite"


def is_postgres(location) -> bool:
    return str(location).startswith(("postgresql://", "postgres://"))


class _Postgres:
    """A psycopg connection that takes the SQLite dialect this module writes (`?` placeholders)."""

    def __init__(self, url: str):
        import psycopg  # deferred: only a PostgreSQL store needs the driver

        self.conn = psycopg.connect(url, connect_timeout=10)

    def execute(self, sql: str, params=()):
        return self.conn.execute(sql.replace("?", "%s"), params)

    def executescript(self, script: str) -> None:
        script = script.replace(" BLOB ", " BYTEA ")
        for stmt in filter(str.strip, script.split(";")):
            self.conn.execute(stmt)

    def __enter__(self):
        return self

    def __exit__(self, exc_type, *_):
        (self.conn.rollback if exc_type else self.conn.commit)()

    def close(self) -> None:
        self.conn.close()


def new_id() -> str:
    """An unguessable token (128 bits, URL-safe) that never starts with '-', which a command line would read as an option."""
    while (token := secrets.token_urlsafe(16)).startswith("-"):
        pass
    return token


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def frame_bytes(df: pd.DataFrame) -> bytes:
    buf = io.BytesIO()
    df.reset_index(drop=True).astype(str).to_parquet(buf, index=False)
    return buf.getvalue()


def frame_from(data: bytes) -> pd.DataFrame:
    return pd.read_parquet(io.BytesIO(data))


BLOB_PIECE = 4 * 2**20


def _parts(ds: Dataset):
    """A dataset's parts, each made when it is written; a base part already made (in `ds.parts`) is taken as is."""
    made = ds.parts if isinstance(ds.parts, dict) else {}
    for name, make in (
        ("rows", lambda: frame_bytes(ds.rows)),
        ("set_aside", lambda: frame_bytes(ds.set_aside)),
        ("problems", lambda: frame_bytes(ds.problems)),
        ("original", lambda: ds.original),
    ):
        yield name, made[name] if name in made else make()
    rest = made.items() if isinstance(ds.parts, dict) else ds.parts
    yield from ((name, data) for name, data in rest if name not in BASE_PARTS)


@dataclass
class Dataset:
    """What is kept of one import: accepted rows, rows set aside with their problems, and how they were read."""

    kind: str
    name: str
    rows: pd.DataFrame
    set_aside: pd.DataFrame
    original: bytes
    filename: str = ""
    mapping: dict = field(default_factory=dict)
    options: dict = field(default_factory=dict)
    choices: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)
    problems: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["row", "column", "message"]))
    counts: dict = field(default_factory=dict)
    id: str = ""
    created: str = ""
    # Further named parts stored with the dataset in the same transaction (the built tables `datasets` opens
    # without re-running placement); `skipped` names the parts a light load left out (their fields stay empty).
    parts: dict = field(default_factory=dict)
    skipped: tuple = ()

    def meta(self) -> dict:
        return {
            "mapping": self.mapping,
            "options": self.options,
            "choices": {k: int(v) for k, v in self.choices.items()},
            "notes": self.notes,
            "counts": self.counts,
        }


class Store:
    def __init__(self, path: str | Path | None = None):
        loc = path or default_path()
        self.postgres = is_postgres(loc)
        self.path = str(loc) if self.postgres else Path(loc)
        if not self.postgres:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._tx() as c:
            if self.postgres:  # replicas starting together must not create the tables twice
                c.execute("SELECT pg_advisory_xact_lock(4242)")
            c.executescript(SCHEMA)

    def __str__(self) -> str:
        """Where the store is, without a password that a PostgreSQL URL may carry."""
        return re.sub(r"//([^:/@]+):[^@]*@", r"//\1:***@", str(self.path))

    @contextmanager
    def _tx(self):
        """One connection, one transaction (committed on success, rolled back on any error), always closed."""
        if self.postgres:
            c = _Postgres(self.path)
        else:
            c = sqlite3.connect(self.path, timeout=30)
            c.execute("PRAGMA journal_mode=WAL")
            c.execute("PRAGMA foreign_keys=ON")
        try:
            with c:
                yield c
        finally:
            c.close()

    # datasets -------------------------------------------------------------
    def save(self, ds: Dataset, _fail_after_parts: int | None = None) -> tuple[str, str]:
        """Store a dataset atomically. Returns (id, delete key); the key is not kept, only its hash.

        `ds.parts` may be a dict or an iterator of (name, bytes), consumed here: each part is made and written in
        turn, so a million rows never hold every part's bytes at once."""
        ds.id, ds.created = new_id(), _now()
        key = new_id()
        with self._tx() as c:
            c.execute(
                "INSERT INTO datasets VALUES (?,?,?,?,?,?,?)",
                (
                    ds.id,
                    ds.kind,
                    ds.name,
                    ds.created,
                    ds.filename,
                    json.dumps(ds.meta(), ensure_ascii=False),
                    _hash(key),
                ),
            )
            for n, (part, data) in enumerate(_parts(ds)):
                if _fail_after_parts is not None and n == _fail_after_parts:
                    raise RuntimeError("simulated interruption")
                self._insert_part(c, ds.id, part, data)
                del data  # before the next part is made
        return ds.id, key

    def _insert_part(self, c, dataset_id: str, part: str, data) -> None:
        """One part in the open transaction. SQLite takes a large one in pieces through an incremental blob: bound
        whole, it would be copied twice over (200 MB of a million rows' file: 400 MB more at peak)."""
        if self.postgres or len(data) <= BLOB_PIECE:
            c.execute("INSERT INTO dataset_parts VALUES (?,?,?)", (dataset_id, part, data))
            return
        cur = c.execute("INSERT INTO dataset_parts VALUES (?,?,zeroblob(?))", (dataset_id, part, len(data)))
        view = memoryview(data)
        with c.blobopen("dataset_parts", "data", cur.lastrowid) as blob:
            for i in range(0, len(view), BLOB_PIECE):
                blob.write(view[i : i + BLOB_PIECE])

    def load(self, dataset_id: str, skip: tuple[str, ...] = ()) -> Dataset | None:
        """The dataset; parts named in `skip` (e.g. "original", "rows") are not read and stay empty."""
        if not isinstance(dataset_id, str) or not ID_PATTERN.match(dataset_id):
            return None
        with self._tx() as c:
            row = c.execute(
                "SELECT id, kind, name, created, filename, meta FROM datasets WHERE id=?", (dataset_id,)
            ).fetchone()
            if not row:
                return None
            names = [
                n for (n,) in c.execute("SELECT part FROM dataset_parts WHERE dataset_id=?", (dataset_id,))
            ]
            parts = {n: bytes(self._part(c, dataset_id, n)) for n in names if n not in skip}
        meta = json.loads(row[5])
        empty = frame_bytes(pd.DataFrame())

        def frame(name):
            return frame_from(parts.get(name, empty))

        return Dataset(
            kind=row[1],
            name=row[2],
            rows=frame("rows"),
            set_aside=frame("set_aside"),
            original=parts.get("original", b""),
            filename=row[4] or "",
            mapping=meta.get("mapping", {}),
            options=meta.get("options", {}),
            choices=meta.get("choices", {}),
            notes=meta.get("notes", []),
            problems=frame("problems"),
            counts=meta.get("counts", {}),
            id=row[0],
            created=row[3],
            parts={n: d for n, d in parts.items() if n not in BASE_PARTS},
            skipped=tuple(n for n in names if n in skip),
        )

    @staticmethod
    def _part(c, dataset_id: str, name: str) -> bytes:
        return c.execute(
            "SELECT data FROM dataset_parts WHERE dataset_id=? AND part=?", (dataset_id, name)
        ).fetchone()[0]

    def load_part(self, dataset_id: str, name: str) -> bytes | None:
        """One stored part (e.g. the accepted rows a light load skipped), or None."""
        with self._tx() as c:
            row = c.execute(
                "SELECT data FROM dataset_parts WHERE dataset_id=? AND part=?", (dataset_id, name)
            ).fetchone()
        return bytes(row[0]) if row else None

    def put_parts(self, dataset_id: str, parts: dict[str, bytes]) -> bool:
        """Add or replace derived parts of an existing dataset, all in one transaction; False if it is gone.

        Only for parts computed from what is stored (the built tables), never for the user's rows."""
        if any(n in BASE_PARTS for n in parts) or not self.exists(dataset_id):
            return False
        try:
            with self._tx() as c:
                for n, d in parts.items():
                    c.execute(
                        "INSERT INTO dataset_parts VALUES (?,?,?) ON CONFLICT (dataset_id, part) "
                        "DO UPDATE SET data = excluded.data",
                        (dataset_id, n, d),
                    )
        except Exception:  # deleted in between (foreign key): nothing to cache
            return False
        return True

    def exists(self, dataset_id: str) -> bool:
        if not isinstance(dataset_id, str) or not ID_PATTERN.match(dataset_id):
            return False
        with self._tx() as c:
            return c.execute("SELECT 1 FROM datasets WHERE id=?", (dataset_id,)).fetchone() is not None

    def delete(self, dataset_id: str, key: str) -> bool:
        """Delete with the dataset's delete key; False when the id or the key is wrong."""
        if not self.exists(dataset_id) or not key:
            return False
        with self._tx() as c:
            cur = c.execute(
                "DELETE FROM datasets WHERE id=? AND delete_key_hash=?", (dataset_id, _hash(key.strip()))
            )
            return cur.rowcount == 1

    def update_choices(self, dataset_id: str, key: str, choices: dict[str, int]) -> bool:
        """Change the place choices of a dataset (owner only: needs the delete key)."""
        if not self.exists(dataset_id) or not key:
            return False
        with self._tx() as c:
            row = c.execute(
                "SELECT meta FROM datasets WHERE id=? AND delete_key_hash=?", (dataset_id, _hash(key.strip()))
            ).fetchone()
            if not row:
                return False
            meta = json.loads(row[0])
            meta["choices"] = {k: int(v) for k, v in choices.items()}
            c.execute(
                "UPDATE datasets SET meta=? WHERE id=?", (json.dumps(meta, ensure_ascii=False), dataset_id)
            )
            # The built tables were placed with the old choices: drop them (the next open rebuilds them).
            c.execute(
                "DELETE FROM dataset_parts WHERE dataset_id=? AND part NOT IN (?,?,?,?)",
                (dataset_id, *BASE_PARTS),
            )
            return True

    # column mappings remembered per owner and header layout (the table before owners was dropped: its
    # mappings crossed from one person to another) ---------------------------------------------------------
    def remember_mapping(self, owner: str, header_key: str, kind: str, mapping: dict) -> None:
        with self._tx() as c:
            c.execute(
                "INSERT INTO owner_mappings VALUES (?,?,?,?,?) ON CONFLICT (owner_hash, header_key, kind) "
                "DO UPDATE SET mapping = excluded.mapping, updated = excluded.updated",
                (_hash(owner), header_key, kind, json.dumps(mapping, ensure_ascii=False), _now()),
            )

    def recall_mapping(self, owner: str, header_key: str, kind: str) -> dict | None:
        with self._tx() as c:
            row = c.execute(
                "SELECT mapping FROM owner_mappings WHERE owner_hash=? AND header_key=? AND kind=?",
                (_hash(owner), header_key, kind),
            ).fetchone()
        return json.loads(row[0]) if row else None

    # stories ------------------------------------------------------------------
    def save_story(
        self, title: str, body: dict, story_id: str | None = None, key: str | None = None
    ) -> tuple[str, str] | None:
        """Create (no id) or update (id + edit key) a story; returns (id, key) or None if the key is wrong."""
        with self._tx() as c:
            if story_id:
                cur = c.execute(
                    "UPDATE stories SET title=?, body=?, updated=? WHERE id=? AND edit_key_hash=?",
                    (
                        title,
                        json.dumps(body, ensure_ascii=False),
                        _now(),
                        story_id,
                        _hash((key or "").strip()),
                    ),
                )
                return (story_id, key) if cur.rowcount == 1 else None
            sid, key = new_id(), new_id()
            c.execute(
                "INSERT INTO stories VALUES (?,?,?,?,?,?)",
                (sid, title, _now(), _now(), json.dumps(body, ensure_ascii=False), _hash(key)),
            )
            return sid, key

    def story_key_ok(self, story_id: str, key: str) -> bool:
        """Whether `key` is this story's edit key (what opens its editor; the key itself is not kept)."""
        return bool(self._with_edit_key("SELECT 1 FROM stories", story_id, key))

    def delete_story(self, story_id: str, key: str) -> bool:
        """Delete a story with its edit key; False when the id or the key is wrong."""
        return self._with_edit_key("DELETE FROM stories", story_id, key) == 1

    def _with_edit_key(self, sql: str, story_id: str, key: str) -> int:
        """Run `sql` on the story with this id and edit key: rows found (SELECT) or changed; 0 for a malformed id."""
        if not isinstance(story_id, str) or not ID_PATTERN.match(story_id) or not key:
            return 0
        with self._tx() as c:
            cur = c.execute(sql + " WHERE id=? AND edit_key_hash=?", (story_id, _hash(key.strip())))
            return len(cur.fetchall()) if sql.startswith("SELECT") else cur.rowcount

    def load_story(self, story_id: str) -> dict | None:
        if not isinstance(story_id, str) or not ID_PATTERN.match(story_id):
            return None
        with self._tx() as c:
            row = c.execute(
                "SELECT title, body, created, updated FROM stories WHERE id=?", (story_id,)
            ).fetchone()
        return (
            {"id": story_id, "title": row[0], **json.loads(row[1]), "created": row[2], "updated": row[3]}
            if row
            else None
        )
