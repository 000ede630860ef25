"""The baseline a LangChain tutorial builds: fixed-size character splits of the raw text, one dense search.

It shares our embedding model and our answerer, so the comparison isolates what our indexing and
retrieval (paragraph structure, normalisation, BM25 fusion) add over the textbook pipeline.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

from chromadb.config import Settings as ChromaSettings
from langchain_chroma import Chroma
from langchain_core.embeddings import Embeddings
from langchain_text_splitters import RecursiveCharacterTextSplitter

from index.records import Chunk, Hit, Report
from assistant.service import Assistant
from assistant.settings import Settings
from index.embedding import Embedder
from index.textnorm import normalize

COLLECTION = "naive_baseline"
CHUNK_SIZE = 500
CHUNK_OVERLAP = 50
ADD_BATCH = 5000  # Chroma refuses larger writes (max 5,461): 1,000 reports are 24,000 splits


class LangChainEmbeddings(Embeddings):
    """The same embedder as a LangChain `Embeddings`, for LangChain components (vector stores, the baseline)."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embedder.embed(texts)

    def embed_query(self, text: str) -> list[float]:
        return self.embedder.embed([text])[0]


class NaiveRetriever:
    """Dense top-k over RecursiveCharacterTextSplitter splits; each split stands in for a paragraph."""

    def __init__(self, reports: Sequence[Report], embeddings: Embeddings, persist_dir: Path) -> None:
        # Our embeddings are passed in, so Chroma never falls back to its default (downloaded) model.
        self.store = Chroma(
            collection_name=COLLECTION,
            embedding_function=embeddings,
            persist_directory=str(persist_dir),
            client_settings=ChromaSettings(anonymized_telemetry=False),
        )
        splitter = RecursiveCharacterTextSplitter(chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP)
        self.chunks = {c.chunk_id: c for report in reports for c in _split(report, splitter)}
        chunks = list(self.chunks.values())
        for start in range(0, len(chunks), ADD_BATCH):
            batch = chunks[start : start + ADD_BATCH]
            self.store.add_texts(texts=[c.text for c in batch],
                                 metadatas=[{"doc_id": c.doc_id, "paragraph": c.paragraph} for c in batch],
                                 ids=[c.chunk_id for c in batch])

    def search(self, query: str, k: int = 10, doc_ids: Sequence[str] | None = None,
               snapshot: object = None) -> list[Hit]:
        """The pipeline's Retriever protocol; snapshot (our index's state) means nothing to this store."""
        where = {"doc_id": {"$in": list(doc_ids)}} if doc_ids else None
        found = self.store.similarity_search_with_relevance_scores(query, k=k, filter=where)
        return [Hit(self.chunks[doc.id], score, self.chunks[doc.id].text) for doc, score in found]


def _split(report: Report, splitter: RecursiveCharacterTextSplitter) -> list[Chunk]:
    """The report's text as the tutorial reads a file: its lines joined, split by size. The same doc id as
    ours, so doc_ids filters and gold reports mean the same."""
    doc_id = report.doc_id
    splits = splitter.split_text("\n".join(p.text for p in report.paragraphs))
    return [
        Chunk(chunk_id=_chunk_id(doc_id, n, text), doc_id=doc_id, paragraph=n, section=(), text=text,
              search_text=normalize(text), year=None)
        for n, text in enumerate(splits, 1)
    ]


def _chunk_id(doc_id: str, n: int, text: str) -> str:
    return hashlib.sha1(f"{doc_id}\n{n}\n{text}".encode()).hexdigest()


def indexed_reports(assistant: Assistant) -> list[Report]:
    """Every indexed report with its paragraphs, from the catalog: whatever was ingested, from wherever."""
    return [report for r in assistant.reports() if (report := assistant.report(r.doc_id)) is not None]


def naive_assistant(settings: Settings, embedder: Embedder, reports: Sequence[Report],
                    persist_dir: Path) -> Assistant:
    """Our answerer on the baseline's hits. The retriever gets the query exactly as ask() passes it:
    no normalisation, no query expansion of its own."""
    retriever = NaiveRetriever(reports, LangChainEmbeddings(embedder), persist_dir)
    return Assistant(settings, embedder=embedder, retriever=retriever)
