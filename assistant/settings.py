"""All configuration in one place. Every field can be set with an environment variable GOVQA_<NAME>."""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from index.embedding import PACKAGED_MODEL

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="GOVQA_", env_file=".env", extra="ignore")

    index_dir: Path = Field(PROJECT_ROOT / "var" / "index", description="Where the catalog, Chroma data and feedback live.")
    sample_report: Path = Field(
        PROJECT_ROOT / "data" / "reports" / "kandun-2022-review-2023-plan.txt",
        description="Report ingested when the index is empty, so a new user gets a working chat.",
    )
    embedding_model: str = Field(
        PACKAGED_MODEL,
        description="'m3e-small' (packaged, offline) or any sentence-transformers name or path, e.g. BAAI/bge-small-zh-v1.5.",
    )
    embedding_backend: str = Field(
        "onnx-int8",
        description="'onnx-int8' (exported locally from the weights, ~5× faster on CPU, dev-set quality unchanged), "
        "'onnx', or 'torch' (sentence-transformers).",
    )
    model_cache_dir: Path = Field(PROJECT_ROOT / "var" / "models", description="Where exported ONNX models are kept.")
    embedding_batch_size: int = Field(8, description="8 is fastest on CPU here: larger batches pay for padding.")
    chroma_host: str | None = Field(None, description="Use a Chroma server (`chroma run`) instead of the embedded store.")
    chroma_port: int = Field(8000, description="Port of the Chroma server, with chroma_host.")
    sync_seconds: float = Field(
        30, description="With chroma_host: how often `serve` takes in reports other replicas ingested or deleted (0 = at start only)."
    )
    collection: str = Field("govqa_chunks", description="Chroma collection name (model and backend are appended).")

    k_dense: int = Field(30, description="Candidates taken from dense search before fusion.")
    k_lexical: int = Field(30, description="Candidates taken from BM25 before fusion.")
    fusion: str = Field("weighted", description="'weighted' (min-max scores, dense_weight) or 'rrf'; weighted measured better.")
    dense_weight: float = Field(0.2, description="Share of the dense score in weighted fusion; BM25 gets the rest.")
    k_hits: int = Field(10, description="Ranked hits returned with every answer.")
    max_question_chars: int = Field(500, description="Longer questions are rejected with a message.")
    max_report_bytes: int = Field(50 * 1024 * 1024, description="Larger report files are refused.")

    ledger_min_cosine: float = Field(
        0.75, description="Ledger linking: minimum cosine for a match; calibrated for m3e-small (same matter ≥0.84, unrelated ≤0.72)."
    )
    chat_concurrency: int = Field(4, description="Questions the chat server answers at once (Gradio queue).")
    queue_size: int = Field(200, description="Waiting requests beyond this are turned away rather than left to time out.")
    rate_limit_per_minute: int = Field(
        30, description="Questions one client address may ask per minute, chat and API together (0 = no limit)."
    )
    ask_burst: int = Field(
        2, description="Questions one client address may ask at once before the per-minute rate applies: each is "
        "~25 ms of CPU ahead of everyone in the queue; a burst of 7 let an abuser's asks double residents' p95."
    )
    feedback_per_minute: int = Field(20, description="Votes and comments one client address may send per minute.")
    max_comment_chars: int = Field(1000, description="Longer feedback comments are refused: a resident's note, not a file.")
    requests_per_minute: int = Field(
        600, description="HTTP requests (page files, questions, votes, uploads) one client address may make per minute, "
        "a quarter of them at once; excess gets 429 before any handler runs. A page load is ~40, a question ~3 (0 = no limit)."
    )
    pages_per_minute: int = Field(
        20, description="Page requests (the page, its config, the API description; a browser's page load is ~3) one "
        "client address may make per minute, `page_burst` of them at once: Gradio builds each anew (~50 ms of CPU). 8 "
        "refused a browser's sixth page load within 100 s; measured load runs in docs/reliability.md (0 = no limit)."
    )
    page_burst: int = Field(4, description="Page requests one client address may make at once: one page load and a reload.")
    events_per_minute: int = Field(
        120, description="Gradio events (questions, votes, page events; each a queue slot and a session state) one "
        "client address may start per minute, a quarter at once; a question in the browser is 2–3 (0 = no limit)."
    )
    max_request_bytes: int = Field(
        1024 * 1024, description="Largest body of any HTTP call but a staff upload (a 500-character question is ~2 KB)."
    )
    max_unread_results: int = Field(
        2, description="`/call` results one client may leave unread; more calls are refused until it reads them. "
        "A browser or an API client reads each answer before the next: a client that queues many at once makes "
        "everyone behind it in Gradio's first-come queue wait (20 unread per abuser tripled residents' p95)."
    )
    unread_result_ttl_s: float = Field(60, description="A `/call` result nobody read within this is dropped.")
    offender_refusals: int = Field(
        100, description="Refusals within a minute after which a client's further refusals are sent late "
        "(`offender_delay_s`): an abuser's loop slows to a crawl; a person is refused a few times (0 = never)."
    )
    offender_delay_s: float = Field(5, description="How late a repeat offender's refusals are sent.")
    header_timeout_s: float = Field(
        10, description="A request's line and headers must arrive within this (slow clients are cut off)."
    )
    min_body_bytes_per_s: int = Field(
        16 * 1024, description="After its headers a body may take 10 s plus its length at this rate; slower is cut off."
    )
    max_connections_per_client: int = Field(
        64, description="Open connections one peer address may hold; a browser uses about 6, a proxy needs more."
    )
    max_connections: int = Field(4096, description="Open connections in all; far below the process's file limit.")
    trusted_proxies: list[str] = Field(
        [], description="Addresses of reverse proxies whose client-address header is believed (JSON list); "
        "empty = the peer address is the client."
    )
    client_ip_header: str = Field("x-forwarded-for", description="The header a trusted proxy puts the client address in.")
    staff_failures_before_lockout: int = Field(5, description="Wrong staff passwords from one client before it is locked out.")
    staff_global_failures_before_lockout: int = Field(
        50, description="Wrong staff passwords from all clients together before every password check is locked."
    )
    staff_lockout_s: float = Field(900, description="How long a lockout lasts; failures older than this are forgotten.")
    staff_session_idle_s: float = Field(1800, description="A staff session unused this long expires.")
    staff_session_max_s: float = Field(8 * 3600, description="A staff session expires this long after login, used or not.")
    uploads_per_hour: int = Field(30, description="Files one client may upload per hour (staff only).")
    upload_bytes_per_hour: int = Field(500 * 1024 * 1024, description="Bytes one client may upload per hour (staff only).")
    upload_ttl_s: float = Field(1800, description="An uploaded file not imported within this is deleted.")
    max_report_paragraphs: int = Field(
        20_000, description="Reports with more paragraphs are refused (the longest real report has ~1,000)."
    )
    max_report_chars: int = Field(
        3_000_000, description="Reports with more characters are refused (~10 minutes of embedding; real ones are ~50,000)."
    )
    max_html_depth: int = Field(
        256, description="HTML nested deeper is refused (real pages nest ~30 deep; parsing cost grows with depth)."
    )
    min_free_disk_bytes: int = Field(
        200 * 1024 * 1024, description="Ingest is refused when the index's disk would have less free space than this."
    )
    staff_password: SecretStr | None = Field(
        None, description="Staff workspace password (upload/delete in the UI); unset = no staff workspace."
    )
    llm_base_url: str | None = Field(None, description="OpenAI-compatible endpoint (Ollama, vLLM, DeepSeek…); unset = offline answerer.")
    llm_model: str | None = Field(None, description="Model name at that endpoint.")
    llm_api_key: str = Field("not-needed", description="API key for the endpoint, if it wants one.")
    llm_timeout_s: float = Field(30.0, description="After this the answer falls back to the offline answerer.")

    @property
    def llm_enabled(self) -> bool:
        return bool(self.llm_base_url and self.llm_model)


def get_settings(**overrides) -> Settings:
    return Settings(**overrides)


def collection_name(settings: Settings) -> str:
    """One collection per embedding model and backend: vectors of different models never mix."""
    model = re.sub(r"[^A-Za-z0-9_-]+", "-", settings.embedding_model).strip("-")
    return f"{settings.collection}-{model}-{settings.embedding_backend}"[:63]
