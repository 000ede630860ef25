"""50 residents with and without 8 abusive clients at once (tests/integration/hostile_load.py): no
resident sees an error or an outage, and every abuser gets no more than its per-address limits allow.
`make test` runs each condition for GOVQA_HOSTILE_SECONDS (20 s, two windows of 10 s).

The latency target (residents' p95 within 2× of the p95 without the abusers) is a figure of the
benchmark, `python -m tests.integration.hostile_load --users 50 --seconds 60 --abusers 8`, quoted in
docs/reliability.md: on two cores shared with the load generator one scheduling hiccup moves a 60 ms
p95 by 100 ms, so a timed assertion here would fail on the machine, not on the code."""

import os
import re

from assistant.settings import Settings
from tests.integration.hostile_load import PASSWORD, run

SECONDS = float(os.environ.get("GOVQA_HOSTILE_SECONDS", "20"))
OUTAGE_MS = 1_000  # an answer slower than this at the p95 is an outage, whatever the machine (was 25 s)


def _held(outcomes: dict[str, int]) -> int:
    return max(int(re.sub(r"\D", "", label) or 0) for label in outcomes)


def test_residents_are_served_while_abusers_get_only_their_limits(tmp_path, capsys):
    result = run(users=50, seconds=SECONDS, abusers=8, rounds=2, workdir=tmp_path)
    with capsys.disabled():
        print(f"\nhostile load: {result}")
    quiet, attacked = result["without_abusers"], result["with_abusers"]
    assert quiet["errors"] == 0 and attacked["errors"] == 0, (quiet["first_errors"], attacked["first_errors"])
    assert attacked["requests"] >= 0.9 * quiet["requests"] and quiet["requests"] >= 50
    assert attacked["p95_ms"] < OUTAGE_MS, result
    assert result["tracebacks_in_log"] == 0

    limits, got = Settings(staff_password=PASSWORD), attacked["abusers"]["outcomes"]
    assert got["password-guesses"].get("error", 0) <= limits.staff_failures_before_lockout  # the rest refused unchecked
    assert set(got["anonymous-uploads"]) <= {"403", "429"}
    assert "200" not in got["huge-bodies"]
    # Unread calls: two per client until read or dropped after the TTL (longer than the whole run).
    assert got["unread-calls"].get("posted", 0) <= limits.max_unread_results
    assert "200" in got["config-flood"] and got["config-flood"]["429"] > 5 * got["config-flood"]["200"]
    for sockets in ("slowloris", "idle-connections"):
        assert _held(got[sockets]) <= limits.max_connections_per_client
