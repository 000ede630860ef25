#!/usr/bin/env python3
"""Check a real-report question file against the reports in eval/corpus/real/.

Usage: python eval/questions/check_real.py eval/questions/real-dev.jsonl [more.jsonl ...]

Standalone (needs python-docx and opencc). For every question it checks the required keys, that
each gold paragraph occurs in exactly one paragraph of its gold report(s), that every answer fact
occurs in one of the gold paragraphs, and that ids are unique. Text is compared after OpenCC t2s,
NFKC and removal of all whitespace. Prints per-kind counts and every failure; exit 1 on any failure.
"""

from __future__ import annotations

import collections
import json
import re
import sys
import unicodedata
from pathlib import Path

import docx
import opencc

CORPUS = Path(__file__).resolve().parent.parent / "corpus" / "real"
SAMPLE = Path(__file__).resolve().parents[2] / "data" / "reports" / "kandun-2022-review-2023-plan.txt"  # UTF-8
KINDS = {
    "figure_achieved", "figure_target", "commitment", "list", "colloquial", "traditional",
    "disambiguation", "metadata", "unanswerable", "lookalike",
}
# kinds no report answers: the reply is a refusal, a courtesy reply or a pointer to a service desk
NOT_ANSWERABLE = {"unanswerable", "greeting", "thanks", "service"}
KINDS |= NOT_ANSWERABLE
REQUIRED = ("id", "question", "answerable", "gold_paragraphs", "answer_facts", "kind")
ALLOWED = set(REQUIRED) | {"gold_report", "gold_reports", "scope", "history"}

_t2s = opencc.OpenCC("t2s")
_space = re.compile(r"\s+")


def norm(text: str) -> str:
    return _space.sub("", unicodedata.normalize("NFKC", _t2s.convert(text)))


def paragraphs(path: Path) -> list[str]:
    if path.suffix == ".docx":
        return [p.text for p in docx.Document(str(path)).paragraphs if p.text.strip()]
    text = path.read_bytes().decode("utf-8" if path == SAMPLE else "gbk")
    lines = (line.strip().strip("\u3000").strip() for line in text.splitlines())
    return [line for line in lines if line]


def load_reports() -> dict[str, list[str]]:
    reports = {}
    for path in [*sorted(CORPUS.iterdir()), SAMPLE]:
        if path.suffix in (".docx", ".txt"):
            reports[path.stem] = [norm(p) for p in paragraphs(path)]
    return reports


def check(path: Path, reports: dict[str, list[str]], seen: set[str]) -> tuple[list[str], collections.Counter]:
    failures: list[str] = []
    kinds: collections.Counter = collections.Counter()
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        where = f"{path.name}:{n}"
        try:
            q = json.loads(line)
        except json.JSONDecodeError as e:
            failures.append(f"{where}: not JSON ({e})")
            continue
        if not isinstance(q, dict):
            failures.append(f"{where}: not a JSON object")
            continue
        qid = q.get("id", "?")
        where = f"{where} [{qid}]"
        bad = False
        for key in REQUIRED:
            if key not in q:
                failures.append(f"{where}: missing key {key!r}")
                bad = True
        for key in q:
            if key not in ALLOWED:
                failures.append(f"{where}: unknown key {key!r}")
        if bad:
            continue
        kinds[q["kind"]] += 1
        if q["kind"] not in KINDS:
            failures.append(f"{where}: unknown kind {q['kind']!r}")
        if qid in seen:
            failures.append(f"{where}: duplicate id")
        seen.add(qid)
        if not isinstance(q["question"], str) or not q["question"].strip():
            failures.append(f"{where}: empty question")
        if "gold_report" in q and "gold_reports" in q:
            failures.append(f"{where}: both gold_report and gold_reports")
        golds = q.get("gold_reports") or ([q["gold_report"]] if q.get("gold_report") else [])
        for g in golds:
            if g not in reports:
                failures.append(f"{where}: unknown report {g!r}")
        golds = [g for g in golds if g in reports]
        if "history" in q:
            h = q["history"]
            if not (isinstance(h, list) and all(isinstance(t, dict) and t.get("role") in ("user", "assistant")
                                                  and isinstance(t.get("content"), str) for t in h)):
                failures.append(f"{where}: malformed history")
        if "scope" in q:
            s = q["scope"]
            if not isinstance(s, dict) or not s or not set(s) <= {"place", "year", "report"}:
                failures.append(f"{where}: malformed scope {s!r}")
            elif "report" in s and s["report"] not in reports:
                failures.append(f"{where}: scope names unknown report {s['report']!r}")
        if q["answerable"] is False:
            if q["gold_paragraphs"] or q["answer_facts"]:
                failures.append(f"{where}: unanswerable question with gold paragraphs or facts")
            if q["kind"] not in NOT_ANSWERABLE:
                failures.append(f"{where}: answerable=false but kind {q['kind']!r}")
            continue
        if q["answerable"] is not True:
            failures.append(f"{where}: answerable must be true or false")
            continue
        if q["kind"] in NOT_ANSWERABLE:
            failures.append(f"{where}: kind unanswerable but answerable=true")
        if not golds:
            failures.append(f"{where}: answerable question without gold report")
            continue
        if not q["gold_paragraphs"]:
            failures.append(f"{where}: no gold paragraphs")
        if not q["answer_facts"]:
            failures.append(f"{where}: no answer facts")
        if not all(isinstance(f, str) and f.strip() for f in q["answer_facts"]):
            failures.append(f"{where}: empty answer fact")
        found: list[str] = []  # the normalised paragraphs the gold substrings point at
        for gp in q["gold_paragraphs"]:
            g = norm(gp)
            if len(g) < 10:
                failures.append(f"{where}: gold paragraph shorter than 10 characters: {gp!r}")
            elif len(g) > 40:
                failures.append(f"{where}: gold paragraph longer than 40 characters: {gp!r}")
            hits = [(r, i) for r in golds for i, p in enumerate(reports[r]) if g in p]
            if not hits:
                failures.append(f"{where}: gold paragraph not found in {golds}: {gp!r}")
            for r in golds:
                count = sum(1 for p in reports[r] if g in p)
                if count > 1:
                    failures.append(f"{where}: gold paragraph in {count} paragraphs of {r}: {gp!r}")
            found.extend(reports[r][i] for r, i in hits)
        for fact in q["answer_facts"]:
            if not any(norm(fact) in p for p in found):
                failures.append(f"{where}: answer fact not in gold paragraphs: {fact!r}")
    scoped = sum(1 for q in _loaded(path) if "scope" in q)
    total = sum(kinds.values())
    if total and scoped > 0.15 * total:
        failures.append(f"{path.name}: {scoped} of {total} questions carry a scope (more than 15%)")
    return failures, kinds


def _loaded(path: Path) -> list[dict]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            q = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(q, dict):
            out.append(q)
    return out


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__.strip())
        return 2
    reports = load_reports()
    seen: set[str] = set()
    failed = False
    for arg in argv:
        path = Path(arg)
        failures, kinds = check(path, reports, seen)
        total = sum(kinds.values())
        print(f"{path}: {total} questions")
        for kind, count in sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0])):
            print(f"  {kind:16} {count}")
        for f in failures:
            print(f"FAIL {f}")
        print(f"  {len(failures)} failures")
        failed = failed or bool(failures)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
