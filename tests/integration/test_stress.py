"""A short load run (5 residents × 10 s) against a real `govqa serve`; the full 20 × 60 s figures are
in docs/reliability.md (`python -m eval.stress --users 20 --seconds 60`)."""


from eval.stress import run



def test_five_concurrent_residents_for_ten_seconds_get_answers_without_errors(real_assistant, capsys, monkeypatch):
    # All five residents share 127.0.0.1 and ask without pause: the per-address limits would count them as
    # one client (tests/integration/test_abuse_load.py runs residents from their own addresses, limits on).
    for limit in ("REQUESTS", "PAGES", "EVENTS"):
        monkeypatch.setenv(f"GOVQA_{limit}_PER_MINUTE", "0")
    result = run(users=5, seconds=10, index_dir=real_assistant.settings.index_dir)
    with capsys.disabled():
        print(f"\nstress 5×10s: {result}")
    assert result["errors"] == 0, result["first_errors"]
    assert result["requests"] >= 5
