import os
from pathlib import Path

import pytest

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from assistant.service import Assistant  # noqa: E402
from assistant.settings import Settings  # noqa: E402
from tests.fakes import SAMPLE, FakeEmbedder  # noqa: E402


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


def pytest_collection_modifyitems(items):
    """Everything under tests/integration/ uses the real model, Chroma server, browser or load: marked so
    `make test-fast` can leave it out. Under `pytest -n` (`--dist loadgroup`) each file runs on one worker,
    so its module fixtures (a served app, an index) are built once; the browser tests share one app, so
    they stay together."""
    for item in items:
        parts = Path(str(item.fspath)).parts
        if "integration" in parts:
            item.add_marker(pytest.mark.integration)
        item.add_marker(pytest.mark.xdist_group("browser" if "browser" in parts else str(item.fspath)))
