"""Chroma, embedded (PersistentClient) by default or a server (`chroma run`) when a host is set.

Vectors are always supplied by us: the collection has no embedding function, so Chroma never
tries to download its default English model. A chunk's text is not stored with its vector: the catalog
holds it and nothing reads it from Chroma, which would index it for full-text search (a fifth of each
write and 40% of the disk, measured on 4,096 chunks).
"""

from __future__ import annotations

import functools
import json
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import ParamSpec, TypeVar

import numpy as np

from index.errors import GovQAError, StoreUnavailable
from index.identity import Identity
from index.records import Chunk, Paragraph, Report

_BATCH = 1000  # Chroma caps the size of one add/delete call
_REPORT_PAGE = 200  # whole reports read from Chroma at once
_REPORT_CALL_BYTES = 8 * 1024 * 1024  # whole reports per call: well under a Chroma server's request limit
_ATTEMPTS = 3
P = ParamSpec("P")
T = TypeVar("T")


def _retrying(method: Callable[P, T]) -> Callable[P, T]:
    """A Chroma server that drops out mid-session is retried with a fresh connection and backoff;
    the embedded store's errors are not transient and pass straight through."""

    @functools.wraps(method)
    def wrapper(self: VectorStore, *args, **kwargs):
        for attempt in range(_ATTEMPTS):
            try:
                return method(self, *args, **kwargs)
            except GovQAError:
                if not self.host or attempt == _ATTEMPTS - 1:
                    raise
            except Exception as exc:  # chromadb and httpx raise many types for a lost server
                if not self.host:
                    raise
                if attempt == _ATTEMPTS - 1:
                    raise StoreUnavailable(f"向量库 Chroma（{self.host}:{self.port}）暂时无法访问，请稍后再试：{exc}") from exc
            self._collection = self._reports = None
            time.sleep(0.3 * 2**attempt)
        raise AssertionError("unreachable")

    return wrapper  # type: ignore[return-value]


def _searching(method: Callable[P, T]) -> Callable[P, T]:
    """A search the embedded store cannot run (its vector index damaged on disk, e.g. by a disk that filled
    while Chroma saved it) is StoreUnavailable, like a lost server: retrieval answers from BM25 alone and
    logs it, instead of every question failing."""

    @functools.wraps(method)
    def wrapper(self: VectorStore, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except GovQAError:
            raise
        except Exception as exc:  # chromadb raises InternalError and others from its Rust core
            raise StoreUnavailable(f"向量库 Chroma 无法检索：{exc}") from exc

    return wrapper  # type: ignore[return-value]


UNKNOWN_HASH = "?"  # a report stored before records carried their content hash


class VectorStore:
    def __init__(self, path: Path | None = None, host: str | None = None, port: int = 8000,
                 collection: str = "govqa_chunks") -> None:
        self.path, self.host, self.port, self.collection_name = path, host, port, collection
        self._collection = None
        self._reports = None
        # The first question and the start-up warming may open the store at once: two embedded clients
        # opening one path together fail ('RustBindingsAPI' object has no attribute 'bindings').
        self._connecting = threading.Lock()

    @property
    def collection(self):
        self._connect()
        return self._collection

    @property
    def report_collection(self):
        """Whole reports as JSON, so a replica with an empty local catalog can rebuild it from the server."""
        self._connect()
        return self._reports

    def _connect(self) -> None:
        with self._connecting:
            self._open()

    def _open(self) -> None:
        if self._collection is None:
            import chromadb
            from chromadb.config import Settings as ChromaSettings

            settings = ChromaSettings(anonymized_telemetry=False)
            try:
                if self.host:
                    client = chromadb.HttpClient(host=self.host, port=self.port, settings=settings)
                else:
                    client = chromadb.PersistentClient(path=str(self.path), settings=settings)
                self._reports = client.get_or_create_collection(f"{self.collection_name}-reports",
                                                                embedding_function=None)
                self._collection = client.get_or_create_collection(
                    self.collection_name, embedding_function=None, configuration={"hnsw": {"space": "cosine"}}
                )
            except Exception as exc:  # chromadb raises many types for an unreachable server
                where = f"{self.host}:{self.port}" if self.host else str(self.path)
                raise StoreUnavailable(f"无法连接向量库 Chroma（{where}）：{exc}") from exc

    @_retrying
    def ids(self, doc_id: str | None = None) -> set[str]:
        where = {"doc_id": doc_id} if doc_id else None
        return set(self.collection.get(where=where, include=[])["ids"])

    @_retrying
    def present(self, ids: Sequence[str]) -> set[str]:
        """Which of these chunk ids have a vector, looked up by id."""
        found: set[str] = set()
        for start in range(0, len(ids), _BATCH):
            found.update(self.collection.get(ids=list(ids[start : start + _BATCH]), include=[])["ids"])
        return found

    @_retrying
    def add(self, chunks: Sequence[Chunk], vectors: Sequence[Sequence[float]]) -> None:
        for start in range(0, len(chunks), _BATCH):
            batch = chunks[start : start + _BATCH]
            self.collection.upsert(
                ids=[c.chunk_id for c in batch],
                embeddings=[list(v) for v in vectors[start : start + _BATCH]],
                metadatas=[{"doc_id": c.doc_id, "paragraph": c.paragraph, "year": c.year or 0} for c in batch],
            )

    @_retrying
    def delete(self, ids: Sequence[str]) -> None:
        ids = list(ids)
        for start in range(0, len(ids), _BATCH):
            self.collection.delete(ids=ids[start : start + _BATCH])

    @_searching
    @_retrying
    def query(self, vector: Sequence[float], k: int, doc_ids: Sequence[str] | None = None) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity) best first."""
        where = None
        if doc_ids:
            where = {"doc_id": {"$in": list(doc_ids)}} if len(doc_ids) > 1 else {"doc_id": doc_ids[0]}
        # No count() first to cap k: Chroma 1.x returns what it has (none from an empty collection), and
        # count() cost 12 ms of each search at 57,000 chunks.
        got = self.collection.query(query_embeddings=[list(vector)], n_results=k, where=where, include=["distances"])
        return [(i, 1.0 - d) for i, d in zip(got["ids"][0], got["distances"][0])]

    @_searching
    @_retrying
    def vectors_of(self, ids: Sequence[str]) -> dict[str, np.ndarray]:
        """The stored vectors of these chunk ids (those it has), for a search snapshot (index.vector_matrix)."""
        found: dict[str, np.ndarray] = {}
        for start in range(0, len(ids), _BATCH):
            got = self.collection.get(ids=list(ids[start : start + _BATCH]), include=["embeddings"])
            if len(got["ids"]):
                found.update(zip(got["ids"], np.asarray(got["embeddings"], dtype=np.float32)))
        return found

    # --- whole reports ------------------------------------------------------------------------
    @_retrying
    def put_reports(self, reports: Sequence[Report]) -> None:
        """Few calls (each costs ~0.1 s whatever its size), none over _REPORT_CALL_BYTES: a Chroma server
        refuses a larger request (3,000 synthetic reports in one call, ~90 MB: "Payload too large")."""
        records = [json.dumps({**asdict(r), "paragraphs": [asdict(p) for p in r.paragraphs]}, ensure_ascii=False)
                   for r in reports]
        start = 0
        while start < len(reports):
            end, size = start + 1, len(records[start].encode())
            while end < len(reports) and size + len(records[end].encode()) <= _REPORT_CALL_BYTES:
                size += len(records[end].encode())
                end += 1
            batch = reports[start:end]
            self.report_collection.upsert(ids=[r.doc_id for r in batch], embeddings=[[0.0]] * len(batch),
                                          documents=records[start:end],
                                          metadatas=[{"content_hash": r.content_hash, "title": r.title,
                                                      "place": r.identity.place, "year": r.identity.year or 0}
                                                     for r in batch])
            start = end

    @_retrying
    def stored_report_hashes(self) -> dict[str, str]:
        """doc id → content hash of every stored report; a deleted report's tombstone has ""."""
        # Chroma reads each record's document (the whole report) with its metadata: read a page at a time,
        # at 1,000 reports this check of every serve start held 83 MB at once, a page 20 MB.
        ids = self.report_collection.get(include=[])["ids"]
        hashes = {}
        for start in range(0, len(ids), _REPORT_PAGE):
            got = self.report_collection.get(ids=ids[start : start + _REPORT_PAGE], include=["metadatas"])
            hashes.update((doc_id, (meta or {}).get("content_hash", UNKNOWN_HASH))
                          for doc_id, meta in zip(got["ids"], got["metadatas"]))
        return hashes

    @_retrying
    def stored_reports(self, doc_ids: Sequence[str] | None = None) -> list[Report]:
        if doc_ids is not None and not doc_ids:
            return []
        documents = self.report_collection.get(ids=doc_ids, include=["documents"])["documents"]
        return [_report_from_json(doc) for doc in documents if doc]

    @_retrying
    def delete_report(self, doc_id: str) -> None:
        # A tombstone, not a delete: other replicas must tell "deleted" from "never stored here"
        # (an index from before reports were stored), which they put back.
        self.report_collection.upsert(ids=[doc_id], embeddings=[[0.0]], documents=[""],
                                      metadatas=[{"content_hash": ""}])


def _report_from_json(document: str) -> Report:
    record = json.loads(document)
    paragraphs = tuple(Paragraph(**{**p, "section": tuple(p["section"])}) for p in record.pop("paragraphs"))
    identity = Identity.from_json(json.dumps(record.pop("identity", {}), ensure_ascii=False))
    return Report(**{**record, "years": tuple(record["years"]), "paragraphs": paragraphs, "identity": identity})
