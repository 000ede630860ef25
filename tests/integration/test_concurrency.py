"""Staff re-ingest while residents ask: every answer sees the old report or the new one, never a mix."""

import threading

from assistant.service import Assistant
from assistant.settings import Settings
from tests.fakes import FakeEmbedder


def test_queries_during_reingest_see_one_version_or_the_other(tmp_path, sample_report):
    path = tmp_path / sample_report.name
    old = sample_report.read_text("utf-8")
    # Every paragraph naming a year changes; the zero-width mark survives in the paragraph text.
    new = old.replace("年", "年\u200b").replace("58億元", "59億元")
    path.write_text(old, "utf-8")
    settings = Settings(index_dir=tmp_path / "index")
    writer = Assistant(settings, embedder=FakeEmbedder())
    writer.ingest([path])
    reader = Assistant(settings, embedder=FakeEmbedder())  # another process's view of the same index

    stop = threading.Event()
    errors: list[BaseException] = []

    def reingest() -> None:
        try:
            for i in range(8):
                path.write_text(new if i % 2 == 0 else old, "utf-8")
                writer.ingest([path])
        except BaseException as exc:  # surfaced below: the test must fail, not hang
            errors.append(exc)
        finally:
            stop.set()

    thread = threading.Thread(target=reingest)
    thread.start()
    answers = 0
    while not stop.is_set() or answers < 5:
        answer = reader.ask("2022年地区生产总值是多少？")
        versions = {"new" if "\u200b" in h.paragraph_text else "old" for h in answer.hits if "年" in h.paragraph_text}
        assert len(versions) == 1, versions
        assert answer.answered and ("58" in answer.text) == (versions == {"old"})
        answers += 1
    thread.join()
    assert not errors
