"""The commitment ledger: what each report promised, what it reported, and how promises turned out.

Rows live in index_dir/ledger.sqlite3, per report, replaced whenever the report is re-ingested and
dropped when it is deleted; every change re-links all commitments to the reviews now indexed.
Extraction: assistant.ledger.extract; linking and statuses: assistant.ledger.link.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from assistant.ledger.extract import (
    Achievement,
    Commitment,
    Extraction,
    Link,
    Note,
    Source,
    extract,
    report_year,
)
from assistant.ledger.link import MIN_COSINE, Evidence, evidence_from, link
from index.records import Report
from index.sqlite import ThreadConnections
from index.textnorm import normalize

if TYPE_CHECKING:  # the protocol only: importing index.embedding pulls in LangChain
    from index.embedding import Embedder

__all__ = ["Achievement", "Commitment", "Ledger", "Link", "Source"]

# Bump when extraction rules change: reports ingested under older rules are re-extracted by sync().
EXTRACTOR_VERSION = 4  # 4: areas from the plan headings, fragments joined or dropped

_SCHEMA = """
CREATE TABLE IF NOT EXISTS reports (
    doc_id TEXT PRIMARY KEY, title TEXT NOT NULL, digest TEXT NOT NULL, year INTEGER NOT NULL,
    issuer TEXT NOT NULL DEFAULT '', government TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS paragraphs (
    doc_id TEXT NOT NULL, number INTEGER NOT NULL, text TEXT NOT NULL, PRIMARY KEY (doc_id, number)
);
CREATE TABLE IF NOT EXISTS commitments (
    doc_id TEXT NOT NULL, paragraph INTEGER NOT NULL, section TEXT NOT NULL, sentence TEXT NOT NULL,
    year INTEGER NOT NULL, action TEXT NOT NULL, item TEXT NOT NULL, place TEXT NOT NULL, target TEXT NOT NULL,
    value REAL, high REAL, at_least INTEGER NOT NULL, unit TEXT NOT NULL, strength TEXT NOT NULL,
    text TEXT NOT NULL, search TEXT NOT NULL,
    status TEXT NOT NULL, reason TEXT NOT NULL, achieved TEXT NOT NULL, scores TEXT NOT NULL,
    evidence_doc_id TEXT, evidence_paragraph INTEGER, evidence_section TEXT, evidence_sentence TEXT,
    lead TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS commitments_doc ON commitments (doc_id);
CREATE TABLE IF NOT EXISTS achievements (
    doc_id TEXT NOT NULL, paragraph INTEGER NOT NULL, section TEXT NOT NULL, sentence TEXT NOT NULL,
    year INTEGER NOT NULL, metric TEXT NOT NULL, value REAL, unit TEXT NOT NULL, figure TEXT NOT NULL,
    change REAL, text TEXT NOT NULL, search TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS achievements_doc ON achievements (doc_id);
CREATE TABLE IF NOT EXISTS notes (
    doc_id TEXT NOT NULL, paragraph INTEGER NOT NULL, section TEXT NOT NULL, sentence TEXT NOT NULL,
    year INTEGER NOT NULL, text TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS notes_doc ON notes (doc_id);
CREATE TABLE IF NOT EXISTS generation (
    id INTEGER PRIMARY KEY CHECK (id = 0), epoch TEXT NOT NULL, writes INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS areas (
    doc_id TEXT NOT NULL, position INTEGER NOT NULL, label TEXT NOT NULL, PRIMARY KEY (doc_id, position)
);
"""
_LINK_COLUMNS = ("status, reason, achieved, scores, evidence_doc_id, evidence_paragraph, evidence_section, "
                 "evidence_sentence")
_COMMITMENT_COLUMNS = ("rowid, doc_id, paragraph, section, sentence, year, action, item, place, target, value, high, "
                       f"at_least, unit, strength, text, {_LINK_COLUMNS}, lead")
_ACHIEVEMENT_COLUMNS = "doc_id, paragraph, section, sentence, year, metric, value, unit, figure, change, text"


class ReportSource(Protocol):
    """What sync() reads: the Catalog."""

    def reports(self) -> list[Report]: ...

    def report(self, doc_id: str) -> Report | None: ...


class Ledger:
    def __init__(self, path: Path, embedder: Embedder | None = None, min_cosine: float = MIN_COSINE) -> None:
        self.path = path
        self.embedder = embedder  # None: link by words alone
        self.min_cosine = min_cosine
        self._connect = ThreadConnections(path, _SCHEMA).connect
        with self._connect() as db:
            if "issuer" not in {row[1] for row in db.execute("PRAGMA table_info(reports)")}:
                db.execute("ALTER TABLE reports ADD COLUMN issuer TEXT NOT NULL DEFAULT ''")  # ledgers before v2
            if "lead" not in {row[1] for row in db.execute("PRAGMA table_info(commitments)")}:
                db.execute("ALTER TABLE commitments ADD COLUMN lead TEXT NOT NULL DEFAULT ''")  # ledgers before v4
            if "government" not in {row[1] for row in db.execute("PRAGMA table_info(reports)")}:
                # Ledgers before the per-government summary: a cleared digest makes the next sync() re-read them.
                db.execute("ALTER TABLE reports ADD COLUMN government TEXT NOT NULL DEFAULT ''")
                db.execute("UPDATE reports SET digest = ''")
            # epoch: a ledger deleted and built again does not repeat an earlier version()
            db.execute("INSERT OR IGNORE INTO generation VALUES (0, ?, 0)", (uuid.uuid4().hex,))

    # --- writes -------------------------------------------------------------------------------
    def update(self, report: Report, relink: bool = True) -> tuple[int, int]:
        """Replace the report's rows and (unless told not to) re-link; returns (commitments, achievements)."""
        found = extract(report)
        with self._connect() as db:
            self._delete(db, report.doc_id)
            db.execute("INSERT INTO reports (doc_id, title, digest, year, issuer, government) VALUES (?,?,?,?,?,?)",
                       (report.doc_id, report.title, _digest(report), report_year(report),
                        normalize(report.metadata.get("发布机构", "")), report.identity.government))
            cited = {c.source.paragraph for c in found.commitments} | {a.source.paragraph for a in found.achievements}
            db.executemany("INSERT INTO paragraphs VALUES (?,?,?)",
                           [(p.doc_id, p.number, p.text) for p in report.paragraphs if p.number in cited])
            _insert(db, found)
            db.executemany("INSERT INTO areas VALUES (?,?,?)",
                           [(report.doc_id, i, label) for i, label in enumerate(found.areas)])
        if relink:
            self.link()
        return len(found.commitments), len(found.achievements)

    def remove(self, doc_id: str) -> bool:
        with self._connect() as db:
            existed = self._delete(db, doc_id)
        if existed:
            self.link()
        return existed

    def sync(self, catalog: ReportSource) -> None:
        """Bring the ledger in line with the catalog (for indexes built before the ledger existed)."""
        indexed = {r.doc_id: r for r in catalog.reports()}
        stored = dict(self._connect().execute("SELECT doc_id, digest FROM reports").fetchall())
        changed = False
        for doc_id in stored.keys() - indexed.keys():
            with self._connect() as db:
                changed |= self._delete(db, doc_id)
        for doc_id, report in indexed.items():
            if stored.get(doc_id) != _digest(report) and (full := catalog.report(doc_id)) is not None:
                self.update(full, relink=False)
                changed = True
        if changed:
            self.link()  # once for the whole batch: linking looks at every report

    def link(self) -> None:
        """Set every commitment's status from the reviews indexed now."""
        db = self._connect()
        rows = db.execute(f"SELECT {_COMMITMENT_COLUMNS} FROM commitments ORDER BY rowid").fetchall()
        commitments = [_commitment(row) for row in rows]
        issuers = dict(db.execute("SELECT doc_id, issuer FROM reports").fetchall())
        linked = link(commitments, self._evidence(), self.embedder, self.min_cosine, issuers)
        with db:
            assignments = ", ".join(f"{column.strip()}=?" for column in _LINK_COLUMNS.split(","))
            db.executemany(
                f"UPDATE commitments SET {assignments} WHERE rowid=?",
                [(*_link_values(c.link), row[0]) for c, row in zip(linked, rows)],
            )
            _written(db)

    @staticmethod
    def _delete(db: sqlite3.Connection, doc_id: str) -> bool:
        """Every write but link() starts here (update() replaces a report's rows), in the same transaction."""
        _written(db)
        existed = db.execute("DELETE FROM reports WHERE doc_id = ?", (doc_id,)).rowcount > 0
        for table in ("paragraphs", "commitments", "achievements", "notes", "areas"):
            db.execute(f"DELETE FROM {table} WHERE doc_id = ?", (doc_id,))
        return existed

    # --- reads --------------------------------------------------------------------------------
    def version(self) -> str:
        """Changes with every write, from this process or another (`govqa ingest`): what readers cache by."""
        return self._connect().execute("SELECT epoch || ':' || writes FROM generation").fetchone()[0]

    def commitments(self, year: int | None = None, doc_id: str | None = None, status: str | None = None,
                    text: str | None = None) -> list[Commitment]:
        """Filtered rows; `text` matches the breadcrumb (area), sentence, action, place and item, in either script."""
        where, args = _filters(year=year, doc_id=doc_id, status=status, text=text)
        rows = self._connect().execute(
            f"SELECT {_COMMITMENT_COLUMNS} FROM commitments {where} ORDER BY year, doc_id, paragraph, rowid", args
        ).fetchall()
        return [_commitment(row) for row in rows]

    def figures(self, metric: str | None = None, year: int | None = None) -> list[Achievement]:
        """Reported achievements, oldest year first: a time series per metric when several years are indexed."""
        where, args = _filters(year=year, text=metric)
        rows = self._connect().execute(
            f"SELECT {_ACHIEVEMENT_COLUMNS} FROM achievements {where} ORDER BY year, doc_id, paragraph, rowid", args
        ).fetchall()
        return [_achievement(row) for row in rows]

    def years(self) -> list[int]:
        """Every year a commitment or a figure is listed for, newest first."""
        return [year for (year,) in self._connect().execute(
            "SELECT year FROM commitments UNION SELECT year FROM achievements ORDER BY year DESC")]

    def areas(self) -> list[str]:
        """Every area of every plan part (its section headings), oldest report first, each report's in order."""
        return [label for (label,) in self._connect().execute(
            "SELECT a.label FROM areas a JOIN reports r USING (doc_id) ORDER BY r.year, a.doc_id, a.position")]

    def titles(self) -> dict[str, str]:
        return dict(self._connect().execute("SELECT doc_id, title FROM reports").fetchall())

    def governments(self) -> dict[str, str]:
        """doc_id → the issuing government (海拉尔区, 慈溪市坎墩街道), else the 发布机构 line, else ""."""
        return dict(self._connect().execute(
            "SELECT doc_id, COALESCE(NULLIF(government, ''), issuer) FROM reports").fetchall())

    def this_year(self) -> int | None:
        """今年 for questions: the year of the newest report."""
        return self._connect().execute("SELECT MAX(year) FROM reports").fetchone()[0]

    def paragraph_text(self, doc_id: str, number: int) -> str:
        row = self._connect().execute(
            "SELECT text FROM paragraphs WHERE doc_id = ? AND number = ?", (doc_id, number)
        ).fetchone()
        return row[0] if row else ""

    def _evidence(self) -> list[Evidence]:
        db = self._connect()
        figures = db.execute(f"SELECT {_ACHIEVEMENT_COLUMNS} FROM achievements ORDER BY rowid").fetchall()
        notes = db.execute(
            "SELECT doc_id, paragraph, section, sentence, year, text FROM notes ORDER BY rowid").fetchall()
        return evidence_from([_achievement(row) for row in figures],
                             [Note(_source(*row[:4]), row[4], row[5]) for row in notes])


def _written(db: sqlite3.Connection) -> None:
    db.execute("UPDATE generation SET writes = writes + 1")


def _digest(report: Report) -> str:
    return f"{report.content_hash}:{EXTRACTOR_VERSION}"


def _filters(**given) -> tuple[str, tuple]:
    clauses, args = [], []
    for column, value in given.items():
        if value is None or value == "":
            continue
        if column == "text":
            clauses.append("search LIKE ?")
            args.append(f"%{normalize(str(value))}%")
        else:
            clauses.append(f"{column} = ?")
            args.append(value)
    return ("WHERE " + " AND ".join(clauses) if clauses else ""), tuple(args)


def _insert(db: sqlite3.Connection, found: Extraction) -> None:
    db.executemany(
        "INSERT INTO commitments VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        [(*_source_values(c.source), c.year, c.action, c.item, c.place, c.target, c.value, c.high, int(c.at_least),
          c.unit, c.strength, c.text, _search_text(c), *_link_values(c.link), c.lead) for c in found.commitments],
    )
    db.executemany(
        "INSERT INTO achievements VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
        [(*_source_values(a.source), a.year, a.metric, a.value, a.unit, a.figure, a.change, a.text,
          normalize(f"{a.metric} {a.text}")) for a in found.achievements],
    )
    db.executemany("INSERT INTO notes VALUES (?,?,?,?,?,?)",
                   [(*_source_values(n.source), n.year, n.text) for n in found.notes])


def _search_text(c: Commitment) -> str:
    """What the text filter searches: area (breadcrumb), sentence and the row's parts, normalised."""
    return normalize(" ".join((c.source.breadcrumb, c.source.sentence, c.action, c.place, c.item)))


def _source_values(source: Source) -> tuple:
    return source.doc_id, source.paragraph, json.dumps(source.section, ensure_ascii=False), source.sentence


def _source(doc_id: str, paragraph: int, section: str, sentence: str) -> Source:
    return Source(doc_id, paragraph, _section(section), sentence)


@lru_cache(maxsize=65536)  # a report's rows share its few headings: most rows parse none
def _section(stored: str) -> tuple[str, ...]:
    return tuple(json.loads(stored))


def _link_values(link: Link) -> tuple:
    e = link.evidence
    evidence = _source_values(e) if e else (None, None, None, None)
    return link.status, link.reason, link.achieved, link.scores, *evidence


def _commitment(row: Sequence) -> Commitment:
    (_, doc_id, paragraph, section, sentence, year, action, item, place, target, value, high, at_least, unit, strength,
     text, status, reason, achieved, scores, e_doc, e_paragraph, e_section, e_sentence, lead) = row
    evidence = _source(e_doc, e_paragraph, e_section, e_sentence) if e_doc else None
    return Commitment(_source(doc_id, paragraph, section, sentence), year, action, item, place, target, value, high,
                      bool(at_least), unit, strength, text, Link(status, reason, evidence, achieved, scores), lead)


def _achievement(row: Sequence) -> Achievement:
    doc_id, paragraph, section, sentence, year, metric, value, unit, figure, change, text = row
    return Achievement(_source(doc_id, paragraph, section, sentence), year, metric, value, unit, figure, change, text)
