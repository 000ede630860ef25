"""What `govqa serve` loads before its first answer: libraries only other commands need stay unloaded."""

from __future__ import annotations

import subprocess
import sys

# langchain_core (0.35 s: only the naive baseline and an LLM endpoint use it), jionlp (2 s and 120 MB: the
# gazetteer is index/lexicon/places.tsv), the readers of PDF, HTML and DOCX files (0.2 s: read at ingest only).
NOT_FOR_SERVING = ("langchain_core", "jionlp", "pypdf", "bs4", "docx")


def test_serving_imports_no_library_only_other_commands_need() -> None:
    code = ("import sys; import assistant.cli, ui.server, assistant.service; from index.places import gazetteer; "
            "gazetteer(); print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert "gradio" in loaded and not set(NOT_FOR_SERVING) & set(loaded)
