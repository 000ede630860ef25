"""`govqa serve`: the Gradio app behind the HTTP guard, on uvicorn with connection deadlines and caps.

Gradio's own `launch()` cannot take a uvicorn protocol or an ASGI middleware, so the app is mounted
on a FastAPI app of ours (ui/http_guard.py in front) and run by uvicorn with ui/connections.py.
"""

from __future__ import annotations

import functools
import logging
from pathlib import Path
from typing import TYPE_CHECKING

import gradio as gr
import uvicorn
from fastapi import FastAPI, Request, Response

from assistant.feedback import FeedbackStore
from assistant.ratelimit import Lockout, RateLimiter
from ui.app import Limits, build_app
from ui.assets import CSS, HEAD, I18N, THEME
from ui.page_scripts import CHAT_CSS, PAGE_HEAD
from ui.call_results import UnreadResults, gradio_dropper
from ui.clients import ClientAddresses
from ui.connections import ConnectionLimits, GuardedHttpProtocol, OpenConnections
from ui.http_guard import HttpGuard, RequestLimits, UploadPolicy
from ui.offenders import RepeatOffenders
from ui.staff import COOKIE, SESSION_PATH, StaffGate
from ui.uploads import keep_swept

if TYPE_CHECKING:
    from assistant.service import Assistant
    from assistant.settings import Settings

log = logging.getLogger(__name__)

KEEP_ALIVE_S = 5  # an idle kept-alive connection is closed after this (uvicorn's default, stated)
SHUTDOWN_GRACE_S = 5  # on stop, open result streams (every browser tab holds one) get this long, then are closed
MAX_TICKET_BYTES = 256


def staff_gate(settings: Settings, clients: ClientAddresses) -> StaffGate:
    secret = settings.staff_password  # GOVQA_STAFF_PASSWORD, from the environment or .env
    password = secret.get_secret_value() if secret is not None and secret.get_secret_value() else None
    if password is None:
        log.warning("GOVQA_STAFF_PASSWORD 未设置：工作人员页面（上传、删除报告）已关闭。")
    lockout = Lockout(per_key=settings.staff_failures_before_lockout,
                      overall=settings.staff_global_failures_before_lockout, window_s=settings.staff_lockout_s)
    return StaffGate(password, lockout=lockout, idle_s=settings.staff_session_idle_s,
                     max_s=settings.staff_session_max_s, clients=clients)


def handler_limits(settings: Settings, clients: ClientAddresses) -> Limits:
    return Limits(asks=RateLimiter(settings.rate_limit_per_minute, burst=settings.ask_burst),
                  feedback=RateLimiter(settings.feedback_per_minute, message="操作太频繁，请 {wait} 秒后再试。"),
                  clients=clients)


def http_app(blocks: gr.Blocks, settings: Settings, gate: StaffGate, clients: ClientAddresses,
             asks: RateLimiter | None) -> FastAPI:
    """FastAPI with the staff cookie route, the Gradio app mounted at /, and the guard around both."""
    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)

    @app.post(SESSION_PATH)
    async def staff_session(request: Request) -> Response:
        """Trades the one-time ticket the login handler gave the page for the session's HttpOnly cookie."""
        ticket = (await request.body())[:MAX_TICKET_BYTES].decode("ascii", "replace").strip()
        cookie = gate.redeem(ticket, clients.of_scope(request.scope))
        if cookie is None:
            return Response(status_code=403)
        response = Response(status_code=204)
        response.set_cookie(COOKIE, cookie, max_age=int(settings.staff_session_max_s), path="/", httponly=True,
                            samesite="strict", secure=request.url.scheme == "https")
        return response

    # No footer: its links (English API docs advertising the staff endpoint, "Built with Gradio", settings)
    # are not for residents; the API is documented in README.md.
    gr.mount_gradio_app(app, blocks, path="/", show_error=False, enable_monitoring=False, css=CSS + CHAT_CSS,
                        head=HEAD + PAGE_HEAD, theme=THEME, i18n=I18N, footer_links=[],
                        max_file_size=settings.max_report_bytes)
    results = UnreadResults(settings.max_unread_results, settings.unread_result_ttl_s, gradio_dropper(blocks))
    results.keep_expiring()
    keep_swept(blocks.upload_file_set, settings.upload_ttl_s)
    uploads = UploadPolicy(gate.may_upload if gate.enabled else None, settings.max_report_bytes,
                           files=RateLimiter(settings.uploads_per_hour / 60, burst=max(settings.uploads_per_hour // 3, 1)),
                           bytes=RateLimiter(settings.upload_bytes_per_hour / 60, burst=settings.upload_bytes_per_hour),
                           cookie=COOKIE)
    limits = RequestLimits(
        requests=RateLimiter(settings.requests_per_minute, burst=max(settings.requests_per_minute // 4, 1)),
        pages=RateLimiter(settings.pages_per_minute, burst=settings.page_burst),
        events=RateLimiter(settings.events_per_minute, burst=max(settings.events_per_minute // 4, 1)),
        asks=asks, lockout=gate.lockout if gate.enabled else None)
    return HttpGuard(app, clients=clients, limits=limits, max_body_bytes=settings.max_request_bytes,
                     uploads=uploads, results=results,
                     offenders=RepeatOffenders(settings.offender_refusals, 60, settings.offender_delay_s))


def serve(assistant: Assistant, host: str = "127.0.0.1", port: int = 7860) -> None:
    # One line per event; the project's own at INFO (staff actions, lockouts, sweeps), libraries' warnings only.
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for ours in ("ui", "assistant", "index"):
        logging.getLogger(ours).setLevel(logging.INFO)
    settings = assistant.settings
    if settings.chroma_host and settings.sync_seconds > 0:  # replicas share Chroma, not their catalogs
        assistant.keep_in_sync(settings.sync_seconds)
    clients = ClientAddresses.of(settings.trusted_proxies, settings.client_ip_header)
    gate = staff_gate(settings, clients)
    limits = handler_limits(settings, clients)
    blocks = build_app(assistant, gate=gate, feedback=FeedbackStore.for_index(
        Path(settings.index_dir), max_comment_chars=settings.max_comment_chars), limits=limits)
    # Answers take ~20 ms of CPU: several at once keep the queue short; a bounded queue sheds overload.
    blocks.queue(default_concurrency_limit=settings.chat_concurrency, max_size=settings.queue_size)
    connections = OpenConnections(ConnectionLimits(settings.header_timeout_s, settings.min_body_bytes_per_s,
                                                   settings.max_connections_per_client, settings.max_connections))
    config = uvicorn.Config(http_app(blocks, settings, gate, clients, limits.asks), host=host, port=port,
                            log_level="warning",
                            http=functools.partial(GuardedHttpProtocol, connections=connections),
                            timeout_keep_alive=KEEP_ALIVE_S, timeout_graceful_shutdown=SHUTDOWN_GRACE_S, ws="none",
                            lifespan="on", proxy_headers=False)
    print(f"* Running on http://{host}:{port}", flush=True)
    uvicorn.Server(config).run()
