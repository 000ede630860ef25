"""`govqa serve`'s start: loading and imports with the cyclic garbage collector paused, serving with it running."""

from __future__ import annotations

import gc

import pytest
from typer.testing import CliRunner

import ui.server
from assistant import cli
from index.errors import GovQAError


class Starting:
    def __init__(self, seen: dict, fails: bool = False) -> None:
        self.seen, self.fails = seen, fails

    def ensure_index(self, background: bool) -> list:
        self.seen["loading"] = gc.isenabled()
        if self.fails:
            raise GovQAError("向量库不可用")
        return []


@pytest.mark.parametrize("fails", [False, True])
def test_the_collector_is_paused_while_starting_and_runs_when_serving(monkeypatch, fails: bool) -> None:
    seen: dict = {}
    monkeypatch.setattr(cli, "_assistant", lambda: Starting(seen, fails))
    monkeypatch.setattr(ui.server, "serve", lambda assistant, host, port: seen.setdefault("serving", gc.isenabled()))
    result = CliRunner().invoke(cli.app, ["serve", "--port", "1"])
    assert gc.isenabled()
    if fails:
        assert result.exit_code == 1 and seen == {"loading": False}
    else:
        assert result.exit_code == 0 and seen == {"loading": False, "serving": True}
