"""Test doubles and shared test data: a deterministic embedder and the bundled sample's paths."""

import hashlib
from pathlib import Path

import jieba
import numpy as np
import pytest

from assistant.settings import PROJECT_ROOT
from index.lexical import Tokenizer

SAMPLE = PROJECT_ROOT / "data" / "reports" / "kandun-2022-review-2023-plan.txt"
FIXTURES = Path(__file__).parent / "fixtures"
FICTIONAL_2024 = FIXTURES / "kandun-2024-fictional.txt"


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


def shared_jieba_tokenizer() -> Tokenizer:
    """index.lexical.Tokenizer over jieba's process-wide default dictionary: the same words as a fresh one
    (no terms are added), without loading the dictionary once more (~1 s each)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(jieba, "Tokenizer", lambda *args, **kwargs: jieba.dt)
        tokenizer = Tokenizer()
        tokenizer.warm()  # the dictionary is taken on first use: within the patch
        return tokenizer
