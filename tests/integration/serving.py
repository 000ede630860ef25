"""A real `govqa serve` of this tree on loopback for HTTP tests, and raw clients bound to their own
loopback address (127.0.0.0/8 is all this machine's), so per-address limits see distinct clients."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from assistant.settings import PROJECT_ROOT

STARTUP_TIMEOUT_S = 180
QUESTION = "2022年坎墩街道地区生产总值是多少？"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass(frozen=True)
class Server:
    url: str
    port: int
    process: subprocess.Popen
    log: Path
    uploads: Path  # GRADIO_TEMP_DIR: where Gradio keeps uploaded files

    def rss_mb(self) -> float:
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        raise RuntimeError("no VmRSS")

    def cpu_s(self) -> float:
        """CPU seconds the server process has used (user + system)."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def log_text(self) -> str:
        return self.log.read_text("utf-8", "replace")

    def uploaded(self, pattern: str) -> list[Path]:
        """Files Gradio keeps under this name pattern (its temp dir also holds the ledger's CSVs)."""
        return [p for p in self.uploads.rglob(pattern) if p.is_file()] if self.uploads.exists() else []


@contextmanager
def serving(index_dir: Path, workdir: Path, **settings: str) -> Iterator[Server]:
    """`govqa serve` with GOVQA_<NAME> settings from keyword arguments; stopped on exit."""
    port, log, uploads = free_port(), workdir / "serve.log", workdir / "gradio"
    env = {**os.environ, "GOVQA_INDEX_DIR": str(index_dir), "GRADIO_TEMP_DIR": str(uploads), "HF_HUB_OFFLINE": "1",
           "GRADIO_ANALYTICS_ENABLED": "False", **{f"GOVQA_{k.upper()}": v for k, v in settings.items()}}
    if "staff_password" not in settings:  # one set in the developer's environment would change the app
        env.pop("GOVQA_STAFF_PASSWORD", None)
    with log.open("w") as out:
        process = subprocess.Popen([sys.executable, "-c", "from assistant.cli import app; app()", "serve", "--host",
                                    "127.0.0.1", "--port", str(port)], cwd=PROJECT_ROOT, env=env, stdout=out,
                                   stderr=subprocess.STDOUT)
        server = Server(f"http://127.0.0.1:{port}", port, process, log, uploads)
        try:
            _wait_until_up(server)
            yield server
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def _wait_until_up(server: Server) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"govqa serve exited with {server.process.returncode}:\n{server.log_text()[-3000:]}")
        try:
            if httpx.get(server.url + "/", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise TimeoutError(f"govqa serve did not answer within {STARTUP_TIMEOUT_S} s")


def client(address: str, timeout: float = 30) -> httpx.Client:
    """An HTTP client whose connections come from `address` (e.g. 127.0.3.7)."""
    return httpx.Client(transport=httpx.HTTPTransport(local_address=address), timeout=timeout)


def call(http: httpx.Client, url: str, api: str, *data, read: bool = True,
         session: str | None = None) -> tuple[str, object]:
    """Gradio's two-step API: ("complete", output) / ("error", message) / ("refused", "<HTTP status> <body>").
    `session`: a Gradio session hash to keep across calls (as a browser tab does); None = a new one each call."""
    posted = http.post(f"{url}/gradio_api/call/{api}", json={"data": list(data), "session_hash": session})
    if posted.status_code != 200:
        return "refused", f"{posted.status_code} {posted.text}"
    event_id = posted.json()["event_id"]
    if not read:
        return "posted", event_id
    event, payload = "", None
    with http.stream("GET", f"{url}/gradio_api/call/{api}/{event_id}") as stream:
        for line in stream.iter_lines():
            if line.startswith("event:"):
                event = line.split(":", 1)[1].strip()
            elif line.startswith("data:") and event in ("complete", "error"):
                payload = json.loads(line.split(":", 1)[1])
                break
    return event, payload


def ask(http: httpx.Client, url: str, question: str = QUESTION, read: bool = True,
        session: str | None = None) -> tuple[str, object]:
    return call(http, url, "ask", question, [], None, None, None, read=read, session=session)
