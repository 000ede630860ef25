"""50 residents with and without 8 abusive clients at once (tests/integration/hostile_load.py): no
resident sees an error, and their p95 stays within twice the p95 without the abusers, or 200 ms above
it where that is more (an idle machine's p95 is ~60 ms: there the abusers add ~100 ms, 2.6×). `make test` runs
each condition for GOVQA_HOSTILE_SECONDS (30 s, three windows of 10 s); the 60 s figures are in
docs/reliability.md."""

import os

from tests.integration.hostile_load import run

SECONDS = float(os.environ.get("GOVQA_HOSTILE_SECONDS", "30"))
# With a p95 of ~150 ms on two cores shared with the load generator, one scheduling hiccup is 100 ms or
# more: the ratio gets this much room in absolute terms. Before the fix the run measured 191 → 649 ms.
JITTER_MS = 200


def test_residents_keep_their_latency_while_abusers_attack(tmp_path, capsys):
    result = run(users=50, seconds=SECONDS, abusers=8, rounds=3, workdir=tmp_path)
    with capsys.disabled():
        print(f"\nhostile load: {result}")
    quiet, attacked = result["without_abusers"], result["with_abusers"]
    assert quiet["errors"] == 0 and attacked["errors"] == 0, (quiet["first_errors"], attacked["first_errors"])
    assert quiet["requests"] >= 50 and attacked["requests"] >= 50
    assert attacked["p95_ms"] <= max(2 * quiet["p95_ms"], quiet["p95_ms"] + JITTER_MS), result
    assert result["tracebacks_in_log"] == 0
