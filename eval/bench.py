"""The benchmark: speed, memory and quality as the corpus grows from 1 to 1,000 reports.

For each N, on a synthetic corpus (eval/synthetic.py) in a fresh temporary index: ingest time and
throughput, re-ingest of the unchanged corpus, index size, peak RSS, warm query latencies
(retrieval, BM25 alone, ask end to end), serve cold start to first answer; beside them the floor
(the embedder encoding the same chunk texts, nothing else) and the anchor (the naive LangChain
pipeline of eval/naive.py on the same corpus); quality on the dev questions restricted to the
original report, and without filters on questions that name place and year (eval/routing.py) against
the same questions with each report alone. --reuse-vectors gives each synthetic chunk the vector of
the sample's chunk it was made from (eval/reuse.py). docs/benchmarks.md is rewritten after every N, so a long run leaves the sizes
it finished. Usage: `python -m eval.bench --sizes 1,100,1000 --repeats 3` (or `govqa bench`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import os
import platform
import resource
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional, TypeVar

import typer
from tqdm import tqdm

from assistant.settings import PROJECT_ROOT, Settings
from eval.resident import PER_REPORT
from eval.reuse import ReusedVectors
from eval.routing import QUESTION_REPORTS, ROUTING, alone, government_names, in_corpus, routing_questions, unfiltered
from eval.synthetic import SAMPLE, generate
from eval.gate import metric
from eval.harness import _percentile, load_questions, run_eval
from eval.report import Table, _md_row

# `govqa` imports this module to register `bench`: the index, the model and Chroma load only when it runs.
if TYPE_CHECKING:
    from assistant.records import Answer
    from assistant.service import Assistant
    from index.embedding import Embedder
    from index.ingest import IngestResult

DEV_QUESTIONS = PROJECT_ROOT / "eval" / "questions" / "dev.jsonl"
FLOOR_SAMPLE_CHARS = 100_000  # a rate: a prefix of the chunk texts measures it as well as all 8.6M chars
SERVE_TIMEOUT_S = 900.0
SERVE_STOP_S = 15.0
# Passed to the server explicitly: its .env is read relative to its own working directory.
SERVE_SETTINGS = ("index_dir", "embedding_model", "embedding_backend", "model_cache_dir", "collection")
QUALITY = ("retrieval.hit@5", "retrieval.mrr@10", "answer.fact_accuracy")
MB = 1_000_000
T = TypeVar("T")
Latency = tuple[float, float]  # p50, p95 in ms


@dataclass
class Figures:
    """Everything measured at one N; None where a part was not run."""

    n: int
    paragraphs: int = 0
    chunks: int = 0
    chars: int = 0  # report text (paragraph characters)
    embed_chars: int = 0  # chunk search texts: what the embedder reads
    ingest_s: float = 0.0
    ingest_cpu_s: float = 0.0  # CPU time of all this process's threads: barely moved by other processes
    reingest_s: float = 0.0
    reingest_embedded: int = 0
    floor_chars_s: float = 0.0
    floor_cpu_chars_s: float = 0.0  # per CPU second
    index_mb: float = 0.0
    bench_rss_mb: float = 0.0
    retrieval_ms: Latency = (0.0, 0.0)
    bm25_ms: Latency = (0.0, 0.0)
    ask_ms: Latency = (0.0, 0.0)
    quality: dict | None = None
    serve_s: float | None = None
    serve_rss_mb: float | None = None
    naive_ingest_s: float | None = None
    naive_ask_ms: Latency | None = None
    naive_quality: dict | None = None
    routing: dict | None = None  # without filters; at N=1, each asked report alone
    naive_routing: dict | None = None

    @property
    def floor_s(self) -> float:
        """How long encoding this corpus's chunk texts takes at the floor rate."""
        return self.embed_chars / self.floor_chars_s if self.floor_chars_s else 0.0

    @property
    def floor_cpu_s(self) -> float:
        return self.embed_chars / self.floor_cpu_chars_s if self.floor_cpu_chars_s else 0.0


@dataclass(frozen=True)
class Restricted:
    """An assistant whose questions are about given reports only: eval.harness asks without doc_ids."""

    assistant: Assistant
    doc_ids: tuple[str, ...]

    def ask(self, question: str, history: Sequence[dict] | None = None, *, scope=None) -> Answer:
        return self.assistant.ask(question, history, doc_ids=self.doc_ids, scope=scope)


# ---------------------------------------------------------------- measuring

def _timed(work: Callable[[], T]) -> tuple[float, float, T]:
    """Wall and CPU seconds: on a shared machine the CPU time of ingest and floor still compare."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def _latencies(call: Callable[[dict], object], questions: Sequence[dict], repeats: int, label: str) -> Latency:
    """Median over `repeats` passes of each pass's p50 and p95, in ms."""
    passes: list[Latency] = []
    for r in range(repeats):
        ms = []
        for q in tqdm(questions, desc=f"{label} {r + 1}/{repeats}", unit="q", leave=False):
            seconds, _, _ = _timed(lambda: call(q))
            ms.append(seconds * 1000)
        passes.append((_percentile(ms, 0.50), _percentile(ms, 0.95)))
    return statistics.median(p for p, _ in passes), statistics.median(p for _, p in passes)


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / MB  # Linux reports KiB


def _disk_mb(folder: Path) -> float:
    """Like du: allocated blocks, not apparent sizes."""
    return sum(p.stat().st_blocks * 512 for p in folder.rglob("*") if p.is_file()) / MB


def _original() -> str:
    """The doc id of report 0 of every corpus, the report the dev questions are about."""
    from index.ingest import doc_id_for

    return doc_id_for(SAMPLE)


def _report_chars(path: Path) -> int:
    from index.reading import read_report_lines

    return sum(len(line.strip()) for line in read_report_lines(path))


def _settings(index_dir: Path, backend: str | None) -> Settings:
    return Settings(index_dir=index_dir, **({"embedding_backend": backend} if backend else {}))


def _uncached_model(settings: Settings) -> Embedder:
    """The model the Assistant builds for these settings, without its query cache: every timed
    question pays for its own encoding, as a new question does, however many passes we make."""
    from assistant.service import Assistant

    embedder = Assistant(settings).embedder
    return getattr(embedder, "inner", embedder)


def _warm(assistant: Assistant, model: Embedder) -> None:
    """One-time costs before any clock starts (about 2 s here besides the model, which would swamp
    small N): load (or export) the model, open Chroma, load jieba's dictionary."""
    from index.lexical import extract_terms

    model.embed(["预热"])
    assistant.vectors.ids()
    extract_terms(["坎墩街道"])  # a name: jieba's part-of-speech tagger loads only when one is trimmed


def _ingest(assistant: Assistant, paths: Sequence[Path], label: str) -> list[IngestResult]:
    # One call, as in a bulk ingest: work done once per call (the ledger's linking) is done once.
    # The bar counts chunks embedded, the long part; reading the files takes seconds.
    with tqdm(desc=label, unit="chunk", leave=False) as bar:

        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.update(done - bar.n)

        return assistant.ingest(paths, progress=progress)


def _floor(model: Embedder, texts: Sequence[str], repeats: int) -> tuple[float, float]:
    """Chars per wall and per CPU second of the embedder alone on chunk texts (one call: the model
    batches and sorts them itself)."""
    before = itertools.accumulate(map(len, texts), initial=0)  # characters preceding each text
    sample = [text for text, chars_before in zip(texts, before) if chars_before < FLOOR_SAMPLE_CHARS]
    chars = sum(map(len, sample))
    runs = [_timed(lambda: model.embed(sample)) for _ in range(repeats)]
    return statistics.median(chars / wall for wall, _, _ in runs), statistics.median(chars / cpu for _, cpu, _ in runs)


# ---------------------------------------------------------------- serving, in a subprocess

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _first_answer(url: str, question: str, proc: subprocess.Popen, deadline: float) -> None:
    from gradio_client import Client

    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"govqa serve exited with status {proc.returncode}")
        try:
            Client(url, verbose=False, analytics_enabled=False).predict(question, [], api_name="/ask")
            return
        except Exception:  # not listening yet: connection refused, or the app not mounted
            time.sleep(0.25)
    raise TimeoutError(f"no answer from govqa serve within {SERVE_TIMEOUT_S:.0f} s")


def _peak_rss_of(pid: int) -> float:
    """A running process's own peak RSS in MB (VmHWM). Not the rusage wait4 gives at its exit: Linux
    carries maxrss across exec, so a server spawned from here reported at least this process's RSS at
    the fork (2,861 MB for a 1-report server, after the N=1 reference had built its 20 indexes)."""
    status = Path(f"/proc/{pid}/status").read_text()
    return int(next(line for line in status.splitlines() if line.startswith("VmHWM:")).split()[1]) * 1024 / MB


def _stop(proc: subprocess.Popen) -> float:
    """Stop the server; its peak RSS in MB, read before it exits."""
    peak = _peak_rss_of(proc.pid)
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=SERVE_STOP_S)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    return peak


def serve_cold_start(settings: Settings, question: str, log: Path) -> tuple[float, float]:
    """Seconds from spawning `govqa serve` on the built index to the first answer of its /ask
    endpoint, and the server's peak RSS in MB."""
    import gradio_client  # noqa: F401  imported before the clock starts

    port = _free_port()
    env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_OFFLINE": "1",
           **{f"GOVQA_{name.upper()}": str(getattr(settings, name)) for name in SERVE_SETTINGS}}
    command = [sys.executable, "-c", "from assistant.cli import app; app()", "serve", "--port", str(port)]
    started = time.perf_counter()
    with log.open("ab") as out:
        proc = subprocess.Popen(command, env=env, cwd=PROJECT_ROOT, stdout=out, stderr=subprocess.STDOUT)
    try:
        _first_answer(f"http://127.0.0.1:{port}/", question, proc, time.monotonic() + SERVE_TIMEOUT_S)
        elapsed = time.perf_counter() - started
    finally:
        rss = _stop(proc) if proc.returncode is None else 0.0
    return elapsed, rss


# ---------------------------------------------------------------- one N

def _queries(assistant: Assistant, questions: Sequence[dict], repeats: int, n: int, figures: Figures) -> None:
    k = assistant.settings.k_hits
    assistant.ask(questions[0]["question"])  # warm: model, snapshot (BM25 index), jieba dictionary
    figures.retrieval_ms = _latencies(lambda q: assistant.index.search(q["question"], k=k), questions, repeats,
                                      f"retrieval N={n}")
    figures.bm25_ms = _latencies(lambda q: assistant.index.search(q["question"], k=k, mode="lexical"), questions,
                                 repeats, f"BM25 N={n}")
    figures.ask_ms = _latencies(lambda q: assistant.ask(q["question"], q.get("history")), questions, repeats,
                                f"ask N={n}")
    figures.quality = run_eval(Restricted(assistant, (_original(),)), questions, None, label=f"quality N={n}")


def _anchor(settings: Settings, model: Embedder, paths: Sequence[Path], work: Path, questions: Sequence[dict],
            repeats: int, figures: Figures, routing: Sequence[dict]) -> None:
    from eval.naive import naive_assistant
    from index.ingest import read_report

    n = figures.n
    tqdm.write(f"naive ingest N={n} (one LangChain add_texts call, no progress to show)…")
    reports = [read_report(Path(p), settings.max_report_bytes) for p in paths]  # parsing is not what is timed
    figures.naive_ingest_s, _, naive = _timed(lambda: naive_assistant(settings, model, reports, work / "naive"))
    naive.ask(questions[0]["question"])
    figures.naive_ask_ms = _latencies(lambda q: naive.ask(q["question"], q.get("history")), questions, repeats,
                                      f"naive ask N={n}")
    figures.naive_quality = run_eval(Restricted(naive, (_original(),)), questions, None, label=f"naive quality N={n}")
    if routing and n > 1:
        figures.naive_routing = unfiltered(naive, in_corpus(routing, paths), f"naive without filters N={n}")


def _alone(backend: str | None, embedder: Embedder, anchor: bool) -> Callable[[Path, Path], tuple]:
    """Builds each asked report's own index (and the naive pipeline on it) for the N=1 reference."""
    from assistant.service import Assistant
    from eval.naive import indexed_reports, naive_assistant

    def build(path: Path, folder: Path) -> tuple:
        settings = _settings(folder / "index", backend)
        ours = Assistant(settings, embedder=embedder)
        ours.ingest([path])
        naive = naive_assistant(settings, embedder, indexed_reports(ours), folder / "naive") if anchor else None
        return ours, naive

    return build


def _serving(settings: Settings, question: str, log: Path, repeats: int, figures: Figures) -> None:
    """Cold starts; a failing server costs its own figures only, not a long run's others."""
    try:
        runs = [serve_cold_start(settings, question, log)
                for _ in tqdm(range(repeats), desc=f"serve cold start N={figures.n}", unit="start")]
    except (RuntimeError, TimeoutError) as exc:
        tail = "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-20:])
        tqdm.write(f"serve cold start failed at N={figures.n}: {exc}; the end of its log (a temporary file):\n{tail}")
        return
    figures.serve_s = statistics.median(seconds for seconds, _ in runs)
    figures.serve_rss_mb = max(rss for _, rss in runs)


def bench_size(paths: Sequence[Path], work: Path, questions: Sequence[dict], repeats: int, backend: str | None,
               embedder: Embedder | None, serve: bool, anchor: bool, *, documents: Embedder | None = None,
               routing: Sequence[dict] = (), asked: Sequence[Path] = ()) -> Figures:
    """documents: the embedder ingest uses (ReusedVectors), else the model; routing: the questions
    without filters about the reports `asked`."""
    from assistant.service import Assistant

    settings = _settings(work / "index", backend)
    model = embedder or _uncached_model(settings)
    documents = documents or model
    assistant = Assistant(settings, embedder=documents)
    _warm(assistant, model)
    n = len(paths)
    figures = Figures(n=n, chars=sum(map(_report_chars, paths)))
    figures.ingest_s, figures.ingest_cpu_s, results = _timed(lambda: _ingest(assistant, paths, f"ingest N={n}"))
    figures.paragraphs = sum(r.paragraphs for r in results)
    figures.chunks = sum(r.chunks for r in results)
    reingests = [_timed(lambda: _ingest(assistant, paths, f"re-ingest N={n}")) for _ in range(repeats)]
    figures.reingest_s = statistics.median(seconds for seconds, _, _ in reingests)
    figures.reingest_embedded = sum(r.embedded for r in reingests[-1][2])
    texts = [c.search_text for c in assistant.catalog.chunks()]
    figures.embed_chars = sum(map(len, texts))
    figures.floor_chars_s, figures.floor_cpu_chars_s = _floor(model, texts, repeats)
    figures.index_mb = _disk_mb(Path(settings.index_dir))
    _queries(assistant, questions, repeats, n, figures)
    if routing and n == 1:
        figures.routing, figures.naive_routing = alone(_alone(backend, documents, anchor), asked, routing, work)
    elif routing:
        figures.routing = unfiltered(assistant, in_corpus(routing, paths), f"without filters N={n}")
    figures.bench_rss_mb = _peak_rss_mb()
    if serve:
        _serving(settings, questions[0]["question"], work / "serve.log", repeats, figures)
    if anchor:
        _anchor(settings, documents, paths, work, questions, repeats, figures, routing)
    return figures


# ---------------------------------------------------------------- the report

def _num(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:,.{digits}f}"


def _ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.2f}×" if a is not None and b else "–"


def _rate(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def _delta(value: float | None, base: float | None) -> str:
    return "–" if value is None or base is None else f"{value - base:+.3f}"


def _routing_row(f: Figures, base: dict | None) -> tuple[str, ...]:
    ours, naive = f.routing or {}, f.naive_routing or {}
    fact = ROUTING[2]
    return ("1 (each report alone)" if f.n == 1 else str(f.n), str(ours.get("questions", "–")),
            *(_rate(metric(ours, m)) for m in ROUTING), _delta(metric(ours, fact), metric(base or {}, fact)),
            *(_rate(metric(naive, m)) for m in ROUTING))


def _tables(results: Sequence[Figures]) -> list[Table]:
    base = next((f.quality for f in results if f.n == 1), None)
    alone_base = next((f.routing for f in results if f.n == 1), None)
    return [
        Table("Corpus", ("N", "paragraphs", "chunks", "characters", "chunk characters (embedded)"),
              tuple((str(f.n), f"{f.paragraphs:,}", f"{f.chunks:,}", f"{f.chars:,}", f"{f.embed_chars:,}")
                    for f in results)),
        Table("Ingest", ("N", "ingest s", "paragraphs/s", "characters/s", "floor chars/s", "ingest ÷ floor",
                         "ingest ÷ floor, CPU time", "re-ingest s", "first ÷ re-ingest", "floor ÷ re-ingest", "re-embedded", "index MB",
                         "bench peak RSS MB"),
              tuple((str(f.n), _num(f.ingest_s), _num(f.paragraphs / f.ingest_s), _num(f.chars / f.ingest_s, 0),
                     _num(f.floor_chars_s, 0), _ratio(f.ingest_s, f.floor_s), _ratio(f.ingest_cpu_s, f.floor_cpu_s),
                     _num(f.reingest_s, 2), _ratio(f.ingest_s, f.reingest_s), _ratio(f.floor_s, f.reingest_s),
                     str(f.reingest_embedded),
                     _num(f.index_mb), _num(f.bench_rss_mb, 0)) for f in results)),
        Table("Queries, warm (ms)", ("N", "retrieval p50", "retrieval p95", "BM25 alone p50", "BM25 alone p95",
                                     "ask p50", "ask p95"),
              tuple((str(f.n), *map(_num, (*f.retrieval_ms, *f.bm25_ms, *f.ask_ms))) for f in results)),
        Table("Serving", ("N", "cold start to first answer s", "server peak RSS MB"),
              tuple((str(f.n), _num(f.serve_s), _num(f.serve_rss_mb, 0)) for f in results)),
        Table("Anchor: the naive LangChain pipeline on the same corpus",
              ("N", "naive ingest s", "naive ÷ ours (ingest)", "naive ask p50 ms", "naive ask p95 ms",
               "naive ÷ ours (ask p50)", *(f"naive {m.split('.')[1]}" for m in QUALITY)),
              tuple((str(f.n), _num(f.naive_ingest_s), _ratio(f.naive_ingest_s, f.ingest_s),
                     *map(_num, f.naive_ask_ms or (None, None)),
                     _ratio(f.naive_ask_ms[0] if f.naive_ask_ms else None, f.ask_ms[0]),
                     *(_rate(metric(f.naive_quality or {}, m)) for m in QUALITY)) for f in results)),
        Table("Quality: dev questions restricted to the original report",
              ("N", *(m.split(".")[1] for m in QUALITY), *(f"Δ {m.split('.')[1]} vs N=1" for m in QUALITY)),
              tuple((str(f.n), *(_rate(metric(f.quality or {}, m)) for m in QUALITY),
                     *(_delta(metric(f.quality or {}, m), metric(base or {}, m)) for m in QUALITY))
                    for f in results)),
        Table("Quality without filters: questions that name place and year",
              ("N", "questions", "hit@1", "hit@5", "fact accuracy", "Δ fact vs N=1", "naive hit@1", "naive hit@5",
               "naive fact accuracy"),
              tuple(_routing_row(f, alone_base) for f in results if f.routing is not None)),
    ]


def _met(ok: bool | None) -> str:
    return "–" if ok is None else ("yes" if ok else "no")


@dataclass(frozen=True)
class Targets:
    """Issue 18's targets on this machine (2 cores): one set for N=1000, one for N=10,000."""

    n: int
    ask_p50_ms: float | None
    ask_p95_ms: float
    serve_s: float
    serve_rss_mb: float
    fact_within: float | None  # fact accuracy without filters at most this far below N=1


TARGETS = (Targets(1000, 30, 60, 5, 1000, 0.02), Targets(10_000, None, 150, 15, 3000, None))
INGEST_OVER_FLOOR = 1.2  # ingest at most this many times the embedding floor
REINGEST_SPEEDUP = 100  # re-ingest of an unchanged corpus at least this much faster than embedding it


def _targets(results: Sequence[Figures]) -> Table:
    """The issue's targets, checked at the largest N measured against those stated for the nearest
    N at or below it (N=1000's for smaller runs)."""
    f = results[-1]
    t = max((t for t in TARGETS if t.n <= f.n), key=lambda t: t.n, default=TARGETS[0])
    base = next((r.quality for r in results if r.n == 1), None)
    q = f.quality or {}
    routed = f.routing or {}
    alone_base = next((r.routing for r in results if r.n == 1), None)
    rows = [
        *([(f"ask p50 ≤ {t.ask_p50_ms:g} ms", _num(f.ask_ms[0]), _met(f.ask_ms[0] <= t.ask_p50_ms))]
          if t.ask_p50_ms is not None else []),
        (f"ask p95 ≤ {t.ask_p95_ms:g} ms", _num(f.ask_ms[1]), _met(f.ask_ms[1] <= t.ask_p95_ms)),
        *((f"{m} at N ≥ at N=1", f"{_rate(metric(q, m))} vs {_rate(metric(base or {}, m))}",
           _met(None if base is None else metric(q, m) >= metric(base, m))) for m in QUALITY[:2]),
        *([(f"fact accuracy without filters within {t.fact_within} of N=1",
            f"{_rate(metric(routed, ROUTING[2]))} vs {_rate(metric(alone_base or {}, ROUTING[2]))}",
            _met(None if not (f.routing and alone_base) or f.n == 1
                 else metric(routed, ROUTING[2]) >= metric(alone_base, ROUTING[2]) - t.fact_within))]
          if t.fact_within is not None else []),
        (f"cold start to first answer ≤ {t.serve_s:g} s", _num(f.serve_s),
         _met(None if f.serve_s is None else f.serve_s <= t.serve_s)),
        (f"server peak RSS ≤ {t.serve_rss_mb / 1000:g} GB", f"{_num(f.serve_rss_mb, 0)} MB",
         _met(None if f.serve_rss_mb is None else f.serve_rss_mb <= t.serve_rss_mb)),
        (f"ingest ≤ {INGEST_OVER_FLOOR}× the floor",
         f"{_ratio(f.ingest_s, f.floor_s)} (CPU time: {_ratio(f.ingest_cpu_s, f.floor_cpu_s)})",
         _met(f.ingest_s <= INGEST_OVER_FLOOR * f.floor_s)),
        # Against the floor, not the first ingest: with --reuse-vectors the first ingest embeds nothing.
        (f"re-ingest ≥ {REINGEST_SPEEDUP}× faster than embedding the corpus (the floor)",
         _ratio(f.floor_s, f.reingest_s), _met(f.floor_s >= REINGEST_SPEEDUP * f.reingest_s)),
    ]
    return Table(f"Targets, at N = {f.n} (issue 18's for N = {t.n:,})", ("target", "measured", "met"), tuple(rows))


def _machine() -> str:
    meminfo = dict(line.split(":", 1) for line in Path("/proc/meminfo").read_text().splitlines())
    ram_gib = int(meminfo["MemTotal"].split()[0]) / 2**20
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "unknown CPU")
    # The load average tells a reader whether other work shared the cores during the run.
    return (f"{os.cpu_count()} cores ({cpu}), {ram_gib:.1f} GiB RAM, Python {platform.python_version()}; "
            f"1-minute load average when written: {os.getloadavg()[0]:.2f}")


def _revision() -> str:
    """The code measured: the tree changes between runs, so a figure needs its commit."""
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=PROJECT_ROOT, capture_output=True, text=True).stdout.strip()

    dirty = " with uncommitted changes" if git("status", "--porcelain", "--untracked-files=no") else ""
    return f"`{git('rev-parse', '--short', 'HEAD') or 'unknown'}`{dirty}"


METHOD = """\
## Method

- **Corpus**: `eval/synthetic.py` writes N reports to a temporary folder: report 0 is the bundled sample,
  each other one is given by a government of its own — a real 街道/镇, 区县 or 市 from jionlp's list of
  divisions (three, two and one in every six), named in its header, so `index/identity.py` reads its place
  and year — with its years shifted and every figure scaled (same structure, distinct content).
  Every N starts from an empty index.
- **Vectors**: {vectors}
- **Ingest**: one `Assistant.ingest` call over all N files (a progress bar over the chunks it embeds), timed once per N —
  not a median: at N=1000 one ingest is the longest part of the run. Throughput counts the reports'
  paragraph characters. Model, Chroma and jieba's dictionary are loaded before the clock starts.
- **Floor**: the same embedder encoding chunk texts and nothing else, in one call, on the first
  {floor:,} characters of the index's chunk texts (a rate; median of the repeats). *ingest ÷ floor* is
  ingest time over the time the floor rate needs for all chunk texts of that N; the same in CPU time
  (all threads of the bench process), which other work on the machine barely moves.
- **Re-ingest**: the same files again into the same index (median of the repeats); *re-embedded* must be 0.
- **Queries**: warm (model, BM25 snapshot and dictionary loaded by one untimed question), no query cache,
  over the {questions} dev questions; each figure is the median over the repeats of that pass's p50/p95.
  *retrieval* is `index.search` (dense + BM25, fused), *BM25 alone* is `index.search(mode="lexical")`,
  *ask* is `Assistant.ask` end to end with the offline answerer, over all N reports.
- **Peak RSS**: *bench peak* is this process's maximum so far (sizes run smallest first); *server peak*
  is the `govqa serve` subprocess's own maximum (its VmHWM) after its first answer.
- **Serving**: wall time from spawning `govqa serve` on the built index to the first answer from its
  `/ask` endpoint through `gradio_client` (median of the repeats).
- **Anchor**: `eval/naive.py` — RecursiveCharacterTextSplitter 500/50, the same model, Chroma, our
  answerer — ingesting the same files (once) and answering the same questions.
- **Quality**: the dev questions with `doc_ids=["{original}"]`, scored by `eval/harness.py`.
- **Quality without filters**: `eval/resident.py` turns each answerable dev question that names a year
  into a question about one of the first {asked} governments, place and year first as residents ask
  (长安镇2026年…, 平顺去年…, one in three with 去年/今年), {per} per government, its gold quotes and facts
  varied like that report; asked with no doc_ids and no scope over all N reports. The N=1 row asks the same
  questions with each report alone in an index of its own (ours and naive), the reference for Δ.
"""
REUSED = """`--reuse-vectors`: each synthetic chunk gets the vector of the sample's chunk it was made from
  (`eval/reuse.py`: texts keyed by their skeleton, digits, government names and the places built on them (坎塘 → 民塘) masked; names and figures
  vary, meaning does not); questions are always encoded. Ingest figures are then not embedding
  throughput, and ingest ÷ floor means nothing. This run: {encoded:,} texts encoded, {reused:,} reused."""
ENCODED = "every chunk encoded by the model."


def render(results: Sequence[Figures], *, sizes: Sequence[int], repeats: int, backend: str, questions: int,
           command: str, reuse: ReusedVectors | None = None) -> str:
    done = ", ".join(str(f.n) for f in results)
    lines = [
        "# Benchmarks", "",
        f"Generated by `{command}` on {dt.date.today().isoformat()}.", "",
        f"- **Machine**: {_machine()}",
        f"- **Code**: {_revision()}",
        f"- **Embedding backend**: {backend}",
        f"- **Sizes finished**: {done} (of {', '.join(map(str, sizes))}); repeats: {repeats}", "",
    ]
    for table in [_targets(results), *_tables(results)]:
        lines += [f"## {table.title}", "", _md_row(table.header), _md_row(["---"] * len(table.header)),
                  *map(_md_row, table.rows), ""]
    vectors = REUSED.format(encoded=reuse.encoded, reused=reuse.reused) if reuse else ENCODED
    lines.append(METHOD.format(floor=FLOOR_SAMPLE_CHARS, questions=questions, original=_original(), vectors=vectors,
                               asked=QUESTION_REPORTS, per=PER_REPORT))
    return "\n".join(lines)


# ---------------------------------------------------------------- entry points

def run_bench(sizes: Sequence[int] = (1, 100, 1000), repeats: int = 3, out: Path = Path("docs/benchmarks.md"),
              backend: str | None = None, *, embedder: Embedder | None = None, serve: bool = True,
              anchor: bool = True, questions_path: Path = DEV_QUESTIONS, seed: int = 0, reuse_vectors: bool = False,
              asked: int = QUESTION_REPORTS, work: Path | None = None) -> list[Figures]:
    """Measure every N (smallest first), rewriting `out` after each. `embedder` replaces the model
    (tests); `serve` needs the real one, since the server builds its own. asked: how many governments
    the questions without filters are about; work: a folder to build in and keep (the indexes, to
    measure again), else a temporary one."""
    sizes = sorted(set(sizes))
    questions = load_questions(questions_path)
    backend_name = _settings(Path(), backend).embedding_backend
    flags = [f"--backend {backend}" if backend else "", "" if serve else "--no-serve", "" if anchor else "--no-anchor",
             "--reuse-vectors" if reuse_vectors else ""]
    command = " ".join([f"python -m eval.bench --sizes {','.join(map(str, sizes))} --repeats {repeats}",
                        *filter(None, flags)])
    if work is not None:
        if work.exists() and any(work.iterdir()):  # every N must start from an empty index
            raise ValueError(f"{work} is not empty")
        work.mkdir(parents=True, exist_ok=True)
    results: list[Figures] = []
    with contextlib.nullcontext(work) if work else tempfile.TemporaryDirectory(prefix="govqa-bench-") as tmp:
        corpus = generate(max(sizes[-1], asked), Path(tmp) / "corpus", seed)
        routing = routing_questions(corpus[:asked], questions_path, seed)
        reuse = None
        if reuse_vectors:  # one model and one store of vectors for every N
            embedder = embedder or _uncached_model(_settings(Path(tmp) / "model", backend))
            reuse = ReusedVectors(embedder, government_names(len(corpus), seed))
        for n in sizes:
            results.append(bench_size(corpus[:n], Path(tmp) / f"n{n}", questions, repeats, backend, embedder,
                                      serve, anchor, documents=reuse, routing=routing, asked=corpus[:asked]))
            text = render(results, sizes=sizes, repeats=repeats, backend=backend_name, questions=len(questions),
                          command=command, reuse=reuse)
            Path(out).parent.mkdir(parents=True, exist_ok=True)
            Path(out).write_text(text, encoding="utf-8")
            tqdm.write(text.split("## Method")[0])
    return results


def bench(
    sizes: Annotated[str, typer.Option(help="报告数量，逗号分隔")] = "1,100,1000",
    repeats: Annotated[int, typer.Option(help="重复次数（取中位数）")] = 3,
    out: Annotated[Path, typer.Option(help="结果 Markdown 文件")] = Path("docs/benchmarks.md"),
    backend: Annotated[Optional[str], typer.Option(help="向量化后端（torch、onnx、onnx-int8）；默认取设置")] = None,
    serve: Annotated[bool, typer.Option(help="测量 govqa serve 冷启动")] = True,
    anchor: Annotated[bool, typer.Option(help="同时测量朴素 LangChain 流程")] = True,
    reuse_vectors: Annotated[bool, typer.Option(help="合成报告的段落沿用样本对应段落的向量（名称、数字不同，含义相同）")] = False,
    work: Annotated[Optional[Path], typer.Option(help="在此目录建库并保留（默认临时目录，结束即删）")] = None,
) -> None:
    """性能基准：N 份合成报告上的导入、检索、问答耗时、内存与质量，写入 docs/benchmarks.md。"""
    run_bench([int(s) for s in sizes.split(",") if s.strip()], repeats, out, backend, serve=serve, anchor=anchor,
              reuse_vectors=reuse_vectors, work=work)


def register(app: typer.Typer) -> None:
    app.command("bench")(bench)


if __name__ == "__main__":
    cli = typer.Typer(add_completion=False)
    register(cli)
    cli()
