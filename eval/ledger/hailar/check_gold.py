"""Check the hand-annotated Hailar commitment-ledger gold files.

    python eval/ledger/hailar/check_gold.py [--reports DIR] [FILE.jsonl ...]

Standalone (standard library only). With no FILE, checks every hailar-*.jsonl beside this script.
Reports are read from --reports, else $HAILAR_REPORTS, else <workspace>/shared/reports/real
(the folder shared/ next to the repository), as GBK text, one paragraph per non-empty line
once full-width spaces (U+3000) are removed and the line is stripped.

Checks per line: all keys present; plan_doc/review_doc agree with the file name; status, kind
and hedge among the allowed values; quote 8-60 characters and found in exactly one paragraph of
plan_doc, inside its plan part (from the "…20XX年工作安排/目标任务" heading on); review_quote, when
not null, found in the review part of review_doc (the "…回顾" section); review_quote null exactly
when status is 未提及 or 待回顾; qualitative ⇔ value null, unit null ⇔ value null; value_high
null or above value; review_unit null ⇔ review_value null; a figure's value written in its quote
and a review_value written in its review_quote; no line repeated. Prints per-file counts and
every failure; exits 1 on any failure.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
KEYS = ("plan_doc", "review_doc", "quote", "object", "value", "value_high", "unit", "kind", "hedge",
        "status", "review_quote", "review_value", "review_unit", "reason")
STATUSES = ("达成", "部分达成", "未达成", "未提及", "待回顾")
KINDS = ("growth", "level", "count", "qualitative")
HEDGES = ("左右", "以上", "力争", "确保", "以内", None)
HEADING = re.compile(r"^[一二三四五六七八九十]+、")
CN_DIGITS = {1: "一", 2: "两二", 3: "三", 4: "四", 5: "五", 6: "六", 7: "七", 8: "八", 9: "九", 10: "十"}
FILE_NAME = re.compile(r"^hailar-(\d{4})-(\d{4})\.jsonl$")


def default_reports() -> Path:
    env = os.environ.get("HAILAR_REPORTS")
    if env:
        return Path(env)
    # eval/ledger/hailar/check_gold.py -> repository root is parents[3]; shared/ sits beside it.
    return HERE.parents[3] / "shared" / "reports" / "real"


def paragraphs(path: Path) -> list[str]:
    text = path.read_text(encoding="gb18030")
    lines = (line.replace("\u3000", "").strip() for line in text.splitlines())
    return [line for line in lines if line]


class Doc:
    def __init__(self, doc_id: str, paras: list[str]):
        self.doc_id, self.paras = doc_id, paras
        year = doc_id.rsplit("-", 1)[1]
        heads = [i for i, p in enumerate(paras) if HEADING.match(p)]
        self.review = self.plan = None
        for n, i in enumerate(heads):
            end = heads[n + 1] if n + 1 < len(heads) else len(paras)
            p = paras[i]
            if self.review is None and "回顾" in p:
                self.review = (i, end)
            elif self.plan is None and f"{year}年" in p and ("工作" in p or "目标" in p) and "回顾" not in p:
                self.plan = (i, len(paras))

    def find(self, needle: str, part: tuple[int, int] | None = None) -> list[int]:
        lo, hi = part if part else (0, len(self.paras))
        return [i for i in range(lo, hi) if needle in self.paras[i]]


def number_forms(value: float) -> list[str]:
    forms = [str(int(value)) if float(value).is_integer() else repr(float(value))]
    if float(value).is_integer() and int(value) in CN_DIGITS:
        forms.extend(CN_DIGITS[int(value)])
    return forms


def is_number(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def check_row(row: dict, docs: dict[str, Doc], pair: tuple[str, str]) -> list[str]:
    errs = []
    missing = [k for k in KEYS if k not in row]
    if missing:
        return [f"missing keys {missing}"]
    extra = sorted(set(row) - set(KEYS))
    if extra:
        errs.append(f"unexpected keys {extra}")
    if (row["plan_doc"], row["review_doc"]) != pair:
        errs.append(f"plan_doc/review_doc {row['plan_doc']}/{row['review_doc']} do not match file {pair}")
    if row["status"] not in STATUSES:
        errs.append(f"status {row['status']!r} not in {STATUSES}")
    if row["kind"] not in KINDS:
        errs.append(f"kind {row['kind']!r} not in {KINDS}")
    if row["hedge"] not in HEDGES:
        errs.append(f"hedge {row['hedge']!r} not in {HEDGES}")
    for key in ("quote", "object", "reason"):
        if not isinstance(row[key], str) or not row[key].strip():
            errs.append(f"{key} must be a non-empty string")
    if errs:
        return errs

    plan, review = docs.get(row["plan_doc"]), docs.get(row["review_doc"])
    quote = row["quote"]
    if not 8 <= len(quote) <= 60:
        errs.append(f"quote has {len(quote)} characters (8-60): {quote}")
    if plan is not None:
        hits = plan.find(quote)
        if len(hits) != 1:
            errs.append(f"quote found in {len(hits)} paragraphs of {plan.doc_id}: {quote}")
        elif plan.plan is None or not plan.plan[0] <= hits[0] < plan.plan[1]:
            errs.append(f"quote is in paragraph {hits[0]}, outside the plan part {plan.plan} of {plan.doc_id}: {quote}")

    rq = row["review_quote"]
    if row["status"] in ("未提及", "待回顾"):
        if rq is not None:
            errs.append(f"status {row['status']} but review_quote is not null")
    elif not isinstance(rq, str) or not rq:
        errs.append(f"status {row['status']} needs a review_quote")
    elif review is not None:
        if not review.find(rq):
            errs.append(f"review_quote not found in {review.doc_id}: {rq}")
        elif review.review is None or not review.find(rq, review.review):
            errs.append(f"review_quote not inside the review part {review.review} of {review.doc_id}: {rq}")

    value, high, unit = row["value"], row["value_high"], row["unit"]
    if (row["kind"] == "qualitative") != (value is None):
        errs.append(f"kind {row['kind']} with value {value!r}: qualitative ⇔ value null")
    if value is not None:
        if not is_number(value):
            errs.append(f"value {value!r} is not a number")
        elif not any(f in quote for f in number_forms(value)):
            errs.append(f"value {value} not written in the quote: {quote}")
        if not isinstance(unit, str) or not unit:
            errs.append("a figure needs a unit")
    elif unit is not None or high is not None:
        errs.append("unit/value_high must be null when value is null")
    if high is not None and (not is_number(high) or not is_number(value) or high <= value):
        errs.append(f"value_high {high!r} must be a number above value {value!r}")

    rv, ru = row["review_value"], row["review_unit"]
    if (rv is None) != (ru is None):
        errs.append("review_value and review_unit must both be null or both set")
    if rv is not None:
        if not is_number(rv):
            errs.append(f"review_value {rv!r} is not a number")
        elif isinstance(rq, str) and not any(f in rq for f in number_forms(rv)):
            errs.append(f"review_value {rv} not written in the review_quote: {rq}")
    return errs


def check_file(path: Path, docs: dict[str, Doc]) -> tuple[Counter, list[str]]:
    counts: Counter = Counter()
    failures: list[str] = []
    m = FILE_NAME.match(path.name)
    if not m:
        return counts, [f"{path.name}: file name is not hailar-YYYY-YYYY.jsonl"]
    y1, y2 = m.groups()
    if int(y2) != int(y1) + 1:
        failures.append(f"{path.name}: years are not consecutive")
    pair = (f"hailar-{y1}", f"hailar-{y2}")
    for doc_id in pair:
        if doc_id not in docs:
            failures.append(f"{path.name}: report {doc_id} not found")
    seen: Counter = Counter()
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            failures.append(f"{path.name}:{n}: not JSON ({exc})")
            continue
        if not isinstance(row, dict):
            failures.append(f"{path.name}:{n}: not a JSON object")
            continue
        for err in check_row(row, docs, pair):
            failures.append(f"{path.name}:{n}: {err}")
        key = json.dumps(row, ensure_ascii=False, sort_keys=True)
        seen[key] += 1
        if seen[key] == 2:
            failures.append(f"{path.name}:{n}: line repeated")
        counts["commitments"] += 1
        counts["qualitative" if row.get("value") is None else "with figure"] += 1
        counts[f"status {row.get('status')}"] += 1
    return counts, failures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--reports", type=Path, default=None)
    args = parser.parse_args(argv)
    reports = args.reports or default_reports()
    if not reports.is_dir():
        print(f"reports folder not found: {reports} (use --reports or HAILAR_REPORTS)")
        return 1
    docs = {p.stem: Doc(p.stem, paragraphs(p)) for p in sorted(reports.glob("hailar-*.txt"))}
    files = args.files or sorted(HERE.glob("hailar-*.jsonl"))
    if not files:
        print(f"no hailar-*.jsonl files in {HERE}")
        return 1
    all_failures = []
    for path in files:
        counts, failures = check_file(path, docs)
        statuses = ", ".join(f"{s} {counts[f'status {s}']}" for s in STATUSES)
        print(f"{path.name}: {counts['commitments']} commitments, {counts['with figure']} with figure, "
              f"{counts['qualitative']} qualitative | {statuses} | {len(failures)} failures")
        all_failures.extend(failures)
    for failure in all_failures:
        print("FAIL", failure)
    print("OK" if not all_failures else f"{len(all_failures)} failures")
    return 1 if all_failures else 0


if __name__ == "__main__":
    sys.exit(main())
