"""The catalog: reports, paragraphs and chunks in SQLite — the source of truth.

Chroma holds vectors keyed by chunk id; a chunk exists only when the catalog lists it, so a
crashed ingest that left vectors behind is invisible and is cleaned up by the next one.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

from index.identity import Identity
from index.records import Chunk, Paragraph, Report
from index.sqlite import ThreadConnections

TOKEN_SEP = "\x1f"  # the ASCII unit separator: never inside a token
LEGACY_SOURCE = "name:"  # a report ingested before sources were kept is known by its file name only

_SCHEMA = """
CREATE TABLE IF NOT EXISTS reports (
    doc_id TEXT PRIMARY KEY, title TEXT NOT NULL, source TEXT NOT NULL, content_hash TEXT NOT NULL,
    metadata TEXT NOT NULL, years TEXT NOT NULL, ingested_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS paragraphs (
    doc_id TEXT NOT NULL, number INTEGER NOT NULL, section TEXT NOT NULL, text TEXT NOT NULL, kind TEXT NOT NULL,
    PRIMARY KEY (doc_id, number)
);
CREATE TABLE IF NOT EXISTS chunks (
    chunk_id TEXT PRIMARY KEY, doc_id TEXT NOT NULL, paragraph INTEGER NOT NULL, section TEXT NOT NULL,
    text TEXT NOT NULL, search_text TEXT NOT NULL, year INTEGER
);
CREATE INDEX IF NOT EXISTS chunks_doc ON chunks (doc_id);
-- BM25 tokens per chunk, computed at ingest: jieba over every chunk is most of a snapshot's build
-- (about a minute at 1,000 reports). A chunk without a row (an index from before) is tokenized then.
CREATE TABLE IF NOT EXISTS chunk_tokens (chunk_id TEXT PRIMARY KEY, doc_id TEXT NOT NULL, tokens TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS chunk_tokens_doc ON chunk_tokens (doc_id);
CREATE TABLE IF NOT EXISTS lexicon (doc_id TEXT NOT NULL, term TEXT NOT NULL, PRIMARY KEY (doc_id, term));
CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
-- Whose report (index.identity.Identity as JSON); its own table so catalogs from before it open as they are.
CREATE TABLE IF NOT EXISTS identities (doc_id TEXT PRIMARY KEY, record TEXT NOT NULL);
-- Where each report was read from (index.ingest.source_key): only its own source replaces it.
CREATE TABLE IF NOT EXISTS sources (doc_id TEXT PRIMARY KEY, source_key TEXT NOT NULL);
-- Each paragraph's sentence time roles (index.time_role), computed at ingest; a table of its own so catalogs
-- from before it open as they are (their paragraphs have no roles until the report is ingested again).
CREATE TABLE IF NOT EXISTS paragraph_roles (doc_id TEXT NOT NULL, number INTEGER NOT NULL, roles TEXT NOT NULL,
    PRIMARY KEY (doc_id, number));
CREATE INDEX IF NOT EXISTS sources_key ON sources (source_key);
-- The file each report was read from, as read (index.ingest.file_fingerprint): ingesting the same file again
-- skips parsing it. A report from a replica or with staff's corrections has none, and is read again.
CREATE TABLE IF NOT EXISTS files (doc_id TEXT PRIMARY KEY, fingerprint TEXT NOT NULL);
INSERT OR IGNORE INTO state VALUES ('generation', 0);
-- This catalog's own id: a catalog made anew counts generations from 0 again, and files saved for the
-- old one (index.saved_snapshot) must not pass for its.
INSERT OR IGNORE INTO state VALUES ('instance', random() & 9223372036854775807);
-- 1 once any report was stored or deleted: an index its staff emptied is not given the sample again.
INSERT OR IGNORE INTO state VALUES ('used', 0);
"""


class Catalog:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._db = ThreadConnections(path, _SCHEMA)
        self._connect = self._db.connect
        # Every question lists the reports: at 1,000 reports decoding them took 24 ms of a 54 ms answer.
        self._reports: tuple[int, list[Report]] | None = None

    # --- writes -------------------------------------------------------------------------------
    def replace_report(self, report: Report, chunks: Sequence[Chunk], terms: Iterable[str],
                       tokens: Sequence[Sequence[str]], source_key: str | None = None,
                       fingerprint: str | None = None) -> None:
        """Swap a report's rows in one transaction: readers see the old report or the new one.
        `tokens` are the chunks' BM25 tokens, in the order of `chunks`; `source_key` where it was read
        (None for a report taken from another replica: its source stays unknown here); `fingerprint` the
        file it was read from (None: read it again next time)."""
        with self._connect() as db:
            self._delete(db, report.doc_id)
            if source_key is not None:
                db.execute("INSERT INTO sources VALUES (?,?)", (report.doc_id, source_key))
            if fingerprint is not None:
                db.execute("INSERT INTO files VALUES (?,?)", (report.doc_id, fingerprint))
            db.execute(
                "INSERT INTO reports VALUES (?,?,?,?,?,?,?)",
                (report.doc_id, report.title, report.source, report.content_hash,
                 json.dumps(report.metadata, ensure_ascii=False), json.dumps(report.years), time.time()),
            )
            db.execute("INSERT INTO identities VALUES (?,?)", (report.doc_id, report.identity.to_json()))
            db.executemany(
                "INSERT INTO paragraphs VALUES (?,?,?,?,?)",
                [(p.doc_id, p.number, json.dumps(p.section, ensure_ascii=False), p.text, p.kind) for p in report.paragraphs],
            )
            db.executemany("INSERT INTO paragraph_roles VALUES (?,?,?)",
                           [(p.doc_id, p.number, p.roles) for p in report.paragraphs if p.roles])
            db.executemany(
                "INSERT INTO chunks VALUES (?,?,?,?,?,?,?)",
                [(c.chunk_id, c.doc_id, c.paragraph, json.dumps(c.section, ensure_ascii=False), c.text, c.search_text, c.year)
                 for c in chunks],
            )
            db.executemany("INSERT OR IGNORE INTO chunk_tokens VALUES (?,?,?)",
                           [(c.chunk_id, c.doc_id, TOKEN_SEP.join(t)) for c, t in zip(chunks, tokens, strict=True)])
            db.executemany("INSERT OR IGNORE INTO lexicon VALUES (?,?)", [(report.doc_id, t) for t in terms])
            db.execute("UPDATE state SET value = value + 1 WHERE key = 'generation'")
            db.execute("UPDATE state SET value = 1 WHERE key = 'used'")

    def delete_report(self, doc_id: str) -> bool:
        with self._connect() as db:
            existed = self._delete(db, doc_id)
            db.execute("UPDATE state SET value = value + 1 WHERE key = 'generation'")
            db.execute("UPDATE state SET value = 1 WHERE key = 'used'")
        return existed

    @staticmethod
    def _delete(db: sqlite3.Connection, doc_id: str) -> bool:
        existed = db.execute("DELETE FROM reports WHERE doc_id = ?", (doc_id,)).rowcount > 0
        for table in ("paragraphs", "paragraph_roles", "chunks", "chunk_tokens", "lexicon", "identities", "sources",
                      "files"):
            db.execute(f"DELETE FROM {table} WHERE doc_id = ?", (doc_id,))
        return existed

    # --- reads --------------------------------------------------------------------------------
    def ever_used(self) -> bool:
        """Has any report been stored or deleted here (a catalog from before the flag: does it hold any)?"""
        db = self._connect()
        used = db.execute("SELECT value FROM state WHERE key = 'used'").fetchone()[0]
        return bool(used) or db.execute("SELECT 1 FROM reports LIMIT 1").fetchone() is not None

    def doc_id_of_source(self, source_key: str) -> str | None:
        row = self._connect().execute("SELECT doc_id FROM sources WHERE source_key = ? ORDER BY rowid DESC LIMIT 1",
                                      (source_key,)).fetchone()  # after --replace a source may hold two: the newest
        return row[0] if row else None

    def source_of(self, doc_id: str) -> str | None:
        """The source key of the report with this id; LEGACY_SOURCE + its file name when it was never
        recorded; None when there is no such report."""
        row = self._connect().execute(
            "SELECT s.source_key, r.source FROM reports r LEFT JOIN sources s ON s.doc_id = r.doc_id WHERE r.doc_id = ?",
            (doc_id,)).fetchone()
        if row is None:
            return None
        return row[0] if row[0] is not None else LEGACY_SOURCE + row[1]

    def version(self, generation: int) -> str:
        """A name for this catalog at `generation`, unique across catalogs made anew in the same place."""
        instance = self._connect().execute("SELECT value FROM state WHERE key = 'instance'").fetchone()[0]
        return f"{instance:x}-{generation}"

    def generation(self) -> int:
        return self._connect().execute("SELECT value FROM state WHERE key = 'generation'").fetchone()[0]

    def record_fingerprint(self, doc_id: str, fingerprint: str | None) -> None:
        """The file a stored report was read from again (None: none known); not a change of the catalog."""
        with self._connect() as db:
            db.execute("DELETE FROM files WHERE doc_id = ?", (doc_id,))
            if fingerprint is not None and db.execute("SELECT 1 FROM reports WHERE doc_id = ?", (doc_id,)).fetchone():
                db.execute("INSERT INTO files VALUES (?,?)", (doc_id, fingerprint))

    def fingerprint(self, doc_id: str) -> str | None:
        row = self._connect().execute("SELECT fingerprint FROM files WHERE doc_id = ?", (doc_id,)).fetchone()
        return row[0] if row else None

    def stored_size(self, doc_id: str) -> tuple[int, list[str]]:
        """A report's paragraph count and chunk ids, without reading their texts."""
        db = self._connect()
        paragraphs = db.execute("SELECT COUNT(*) FROM paragraphs WHERE doc_id = ?", (doc_id,)).fetchone()[0]
        return paragraphs, [row[0] for row in db.execute("SELECT chunk_id FROM chunks WHERE doc_id = ?", (doc_id,))]

    def content_hash(self, doc_id: str) -> str | None:
        row = self._connect().execute("SELECT content_hash FROM reports WHERE doc_id = ?", (doc_id,)).fetchone()
        return row[0] if row else None

    def reports(self) -> list[Report]:
        """All reports, without paragraphs; re-read only when the catalog has changed (any process)."""
        generation, cached = self.generation(), self._reports
        if cached is None or cached[0] != generation:
            rows = self._connect().execute(
                "SELECT r.doc_id, title, source, content_hash, metadata, years, i.record FROM reports r "
                "LEFT JOIN identities i ON i.doc_id = r.doc_id ORDER BY r.doc_id"
            ).fetchall()
            # Stored under the generation read before them: if an ingest landed in between, the
            # next call sees a newer generation and reads again.
            cached = self._reports = (generation, [_report(row) for row in rows])
        return list(cached[1])

    def consistent_read(self) -> tuple[int, list[Chunk], dict[tuple[str, int], str], dict[tuple[str, int], str],
                                       list[str], dict[str, list[str]]]:
        """Generation, chunks, paragraph texts and roles, terms and chunk tokens from one read transaction:
        with WAL a concurrent ingest is either wholly visible or not at all, never half."""
        db = self._connect()
        db.execute("BEGIN")
        try:
            return (self.generation(), self.chunks(), self.paragraph_texts(), self.paragraph_roles(), self.terms(),
                    self.chunk_tokens())
        finally:
            db.execute("COMMIT")

    def paragraph_texts(self) -> dict[tuple[str, int], str]:
        rows = self._connect().execute("SELECT doc_id, number, text FROM paragraphs")
        return {(doc_id, number): text for doc_id, number, text in rows}

    def paragraph_roles(self) -> dict[tuple[str, int], str]:
        rows = self._connect().execute("SELECT doc_id, number, roles FROM paragraph_roles")
        return {(doc_id, number): roles for doc_id, number, roles in rows}

    def report(self, doc_id: str) -> Report | None:
        row = self._connect().execute(
            "SELECT r.doc_id, title, source, content_hash, metadata, years, i.record FROM reports r "
            "LEFT JOIN identities i ON i.doc_id = r.doc_id WHERE r.doc_id = ?", (doc_id,)
        ).fetchone()
        if row is None:
            return None
        rows = self._connect().execute(_PARAGRAPHS + " WHERE p.doc_id = ? ORDER BY p.number", (doc_id,)).fetchall()
        return _report(row, tuple(map(_paragraph, rows)))

    def paragraph(self, doc_id: str, number: int) -> Paragraph | None:
        row = self._connect().execute(_PARAGRAPHS + " WHERE p.doc_id = ? AND p.number = ?", (doc_id, number)).fetchone()
        return _paragraph(row) if row else None

    def chunks(self, doc_id: str | None = None) -> list[Chunk]:
        query = "SELECT chunk_id, doc_id, paragraph, section, text, search_text, year FROM chunks"
        args: tuple = ()
        if doc_id is not None:
            query, args = query + " WHERE doc_id = ?", (doc_id,)
        rows = self._connect().execute(query + " ORDER BY doc_id, paragraph, chunk_id", args).fetchall()
        return [Chunk(cid, d, p, tuple(json.loads(s)), t, st, y) for cid, d, p, s, t, st, y in rows]

    def chunk_ids(self) -> set[str]:
        return {row[0] for row in self._connect().execute("SELECT chunk_id FROM chunks")}

    def chunk_tokens(self) -> dict[str, list[str]]:
        rows = self._connect().execute("SELECT chunk_id, tokens FROM chunk_tokens")
        return {chunk_id: tokens.split(TOKEN_SEP) if tokens else [] for chunk_id, tokens in rows}

    def terms(self) -> list[str]:
        return [row[0] for row in self._connect().execute("SELECT DISTINCT term FROM lexicon")]


# A paragraph as stored, with its sentences' time roles ("" in catalogs from before they were computed):
# a report read back is the report that was stored, also when it is passed on to Chroma (index.sync).
_PARAGRAPHS = ("SELECT p.doc_id, p.number, p.section, p.text, p.kind, COALESCE(r.roles, '') FROM paragraphs p "
               "LEFT JOIN paragraph_roles r ON r.doc_id = p.doc_id AND r.number = p.number")


def _paragraph(row: tuple) -> Paragraph:
    doc_id, number, section, text, kind, roles = row
    return Paragraph(doc_id, number, tuple(json.loads(section)), text, kind, roles)


def _report(row: tuple, paragraphs: tuple[Paragraph, ...] = ()) -> Report:
    doc_id, title, source, digest, metadata, years, identity = row
    return Report(doc_id, title, source, digest, json.loads(metadata), tuple(json.loads(years)), paragraphs,
                  Identity.from_json(identity))
