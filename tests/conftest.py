import hashlib
import os
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from assistant.service import Assistant  # noqa: E402
from assistant.settings import PROJECT_ROOT, Settings  # noqa: E402

SAMPLE = PROJECT_ROOT / "data" / "reports" / "kandun-2022-review-2023-plan.txt"


class FakeEmbedder:
    """Deterministic bag-of-character-bigrams vectors: fast unit tests without the model."""

    dim = 64

    def __init__(self) -> None:
        self.calls = 0

    def embed(self, texts):
        self.calls += 1
        out = []
        for text in texts:
            v = np.zeros(self.dim)
            for i in range(len(text) - 1):
                v[int(hashlib.md5(text[i : i + 2].encode()).hexdigest(), 16) % self.dim] += 1
            out.append((v / (np.linalg.norm(v) or 1)).tolist())
        return out


@pytest.fixture
def sample_report() -> Path:
    return SAMPLE


@pytest.fixture
def fake_assistant(tmp_path) -> Assistant:
    return Assistant(Settings(index_dir=tmp_path / "index"), embedder=FakeEmbedder())


@pytest.fixture(scope="session")
def real_assistant(tmp_path_factory) -> Assistant:
    """The real m3e-small model and a real Chroma, on the bundled sample report."""
    assistant = Assistant(Settings(index_dir=tmp_path_factory.mktemp("real") / "index"))
    assistant.ensure_index()
    return assistant
