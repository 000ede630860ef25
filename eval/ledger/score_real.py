"""Extraction and status accuracy of the commitment ledger on hand-annotated consecutive real reports.

    python -m eval.ledger.score_real [--model] [--show] [--dev | --pair hailar-2012-2013]

For each annotated pair (eval/ledger/hailar/hailar-Y-Y+1.jsonl, rules in its README) the plan report
is extracted, and its commitments are linked to the review report's achievements and notes exactly as
Ledger.link() would (same publisher, the year reviewed). Linking is by words alone unless --model
is given (m3e-small, onnx-int8, from var/models, offline).

Matching, one to one, in file order:
- a figure line matches an extracted figure row of the paragraph that contains the gold quote with
  the same value (units normalised: 240亿元 = 2.4e10元, 5万亩 = 50000亩, 万人 = 10000人) and unit;
  the row whose text overlaps the quote most (bigram coverage, both ways) is taken.
- a qualitative line matches a qualitative row (no figure) of that paragraph whose text shares most
  of the gold object's (or quote's) words, the row whose object (item) is the gold object's first. Qualitative gold is partial by design (only lines the
  review speaks of), so no precision is given for qualitative rows.

Printed per pair: gold, extracted, matched, precision, recall (figures; qualitative recall), status
accuracy over matched figure lines and over matched qualitative lines, both together (all.R: recall over
every gold line; acc(all): status accuracy over every matched line), and the status confusion
(gold × predicted) summed over all pairs.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from assistant.ledger.extract import Commitment, extract, report_year
from assistant.ledger.link import STATUSES, Evidence, evidence_from, link
from assistant.settings import PROJECT_ROOT
from index.ingest import read_report
from index.records import Report
from index.textnorm import coverage, normalize

GOLD_DIR = Path(__file__).with_name("hailar")
REPORTS = PROJECT_ROOT / "eval" / "corpus" / "real"
MODELS = PROJECT_ROOT / "var" / "models"
MIN_QUALITATIVE_COVERAGE = 0.5
HELD_OUT = "hailar-2016-2017"  # annotated blind (see hailar/README.md); never tune on it

_SCALE = {"亿": 1e8, "万": 1e4, "千": 1e3, "百": 1e2}
_UNIT_ALIASES = {"千米": "公里"}


def base_unit(value: float, unit: str) -> tuple[float, str]:
    """240, 亿元 → 2.4e10, 元;  5, 万亩 → 5e4, 亩;  21, % → 21, %."""
    unit = normalize(unit or "")
    factor = 1.0
    while len(unit) > 1 and unit[0] in _SCALE:
        factor *= _SCALE[unit[0]]
        unit = unit[1:]
    return round(value * factor, 6), _UNIT_ALIASES.get(unit, unit)


@dataclass
class PairScore:
    name: str
    gold_figures: int = 0
    gold_qualitative: int = 0
    extracted_figures: int = 0
    extracted_qualitative: int = 0
    matched_figures: int = 0
    matched_qualitative: int = 0
    figure_status_ok: int = 0
    qualitative_status_ok: int = 0

    @property
    def precision(self) -> float:
        return _share(self.matched_figures, self.extracted_figures)

    @property
    def recall(self) -> float:
        return _share(self.matched_figures, self.gold_figures)

    @property
    def qualitative_recall(self) -> float:
        return _share(self.matched_qualitative, self.gold_qualitative)

    @property
    def combined_recall(self) -> float:
        return _share(self.matched_figures + self.matched_qualitative, self.gold_figures + self.gold_qualitative)

    @property
    def combined_accuracy(self) -> float:
        return _share(self.figure_status_ok + self.qualitative_status_ok,
                      self.matched_figures + self.matched_qualitative)

    @property
    def figure_accuracy(self) -> float:
        return _share(self.figure_status_ok, self.matched_figures)

    @property
    def qualitative_accuracy(self) -> float:
        return _share(self.qualitative_status_ok, self.matched_qualitative)


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def load_gold(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def evidence_of(report: Report) -> list[Evidence]:
    """The review rows Ledger._evidence() would read for this report."""
    found = extract(report)
    return evidence_from(found.achievements, found.notes)


def _paragraph_of(report: Report, quote: str) -> int | None:
    key = normalize(quote)
    for p in report.paragraphs:
        if quote in p.text or key in normalize(p.text):
            return p.number
    return None


def _overlap(c: Commitment, quote: str) -> float:
    """Both ways: one way alone favours a short row whose few bigrams are mostly the figure's digits (5000亩三山绿化
    for the quote 5000亩沙区治理) over the long row that contains the quote."""
    row, gold = normalize(c.text), normalize(quote)
    return coverage(row, gold) + coverage(gold, row)


def match(gold: list[dict], plan: Report, rows: list[Commitment]) -> list[tuple[dict, Commitment | None]]:
    """Each gold line with the row it matches (or None); every row is used at most once."""
    used: set[int] = set()
    out = []
    for g in gold:
        paragraph = _paragraph_of(plan, g["quote"])
        if g["value"] is not None:
            want = base_unit(float(g["value"]), g["unit"])
            pool = [(i, c) for i, c in enumerate(rows) if i not in used and c.source.paragraph == paragraph
                    and c.value is not None and base_unit(c.value, c.unit) == want]
            best = max(pool, key=lambda ic: (_overlap(ic[1], g["quote"]), -ic[0]), default=None)
        else:
            key = normalize(g["object"] or g["quote"])
            # One row per object of a list shares the clause's text: the row naming the gold object wins the tie.
            scored = [(max(coverage(key, normalize(c.text)), coverage(normalize(c.text), normalize(g["quote"]))),
                       coverage(normalize(c.item), key) if c.item else 0.0, i, c)
                      for i, c in enumerate(rows) if i not in used and c.source.paragraph == paragraph
                      and c.value is None]
            scored = [s for s in scored if s[0] >= MIN_QUALITATIVE_COVERAGE]
            top = max(scored, key=lambda s: (s[0], s[1], -s[2]), default=None)
            best = (top[2], top[3]) if top else None
        if best is not None:
            used.add(best[0])
        out.append((g, best[1] if best else None))
    return out


def score_pair(gold_path: Path, embedder=None, show: bool = False,
               confusion: Counter | None = None) -> PairScore:
    gold = load_gold(gold_path)
    plan = read_report(REPORTS / f"{gold[0]['plan_doc']}.txt", 10**8)
    review = read_report(REPORTS / f"{gold[0]['review_doc']}.txt", 10**8)
    issuers = {r.doc_id: r.identity.place for r in (plan, review)}
    rows = link(extract(plan).commitments, evidence_of(review), embedder, issuers=issuers)
    rows = [c for c in rows if c.year == report_year(plan)]  # the year the review covers
    result = PairScore(gold_path.stem)
    result.extracted_figures = sum(c.value is not None for c in rows)
    result.extracted_qualitative = sum(c.value is None for c in rows)
    matched_rows: set[int] = set()
    for g, c in match(gold, plan, rows):
        figure = g["value"] is not None
        if figure:
            result.gold_figures += 1
        else:
            result.gold_qualitative += 1
        if c is None:
            if show:
                print(f"  missed  {g['quote']}  [{g['value']}{g['unit'] or ''}]")
            continue
        matched_rows.add(id(c))
        ok = c.link.status == g["status"]
        if figure:
            result.matched_figures += 1
            result.figure_status_ok += ok
        else:
            result.matched_qualitative += 1
            result.qualitative_status_ok += ok
        if confusion is not None:
            confusion[(g["status"], c.link.status)] += 1
        if show and not ok:
            print(f"  status  {g['status']}→{c.link.status}  {c.text}  ⇐ {c.link.reason}"
                  f"  | gold: {g['review_quote']}")
    if show:
        for c in rows:
            if c.value is not None and id(c) not in matched_rows:
                print(f"  spurious 第{c.source.paragraph}段 {c.text}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", action="store_true", help="link with m3e-small (onnx-int8) as the service does")
    parser.add_argument("--show", action="store_true", help="print misses, spurious rows and wrong statuses")
    parser.add_argument("--pair", action="append", help="only this pair (e.g. hailar-2012-2013)")
    parser.add_argument("--dev", action="store_true", help=f"every pair but the held-out {HELD_OUT}")
    args = parser.parse_args()
    embedder = None
    if args.model:
        from index.embedding import make_embedder
        embedder = make_embedder("m3e-small", "onnx-int8", 8, MODELS)
    confusion: Counter = Counter()
    print(f"{'pair':<18}{'gold':>5}{'ext':>5}{'hit':>5}{'P':>7}{'R':>7}{'acc(fig)':>10}"
          f"{'q.gold':>8}{'q.hit':>7}{'q.R':>6}{'acc(q)':>8}{'all.R':>7}{'acc(all)':>9}")
    total = PairScore("total")
    for path in sorted(GOLD_DIR.glob("hailar-*.jsonl")):
        if (args.pair and path.stem not in args.pair) or (args.dev and path.stem == HELD_OUT):
            continue
        if args.show:
            print(f"--- {path.stem}")
        r = score_pair(path, embedder, args.show, confusion)
        for name in ("gold_figures", "gold_qualitative", "extracted_figures", "extracted_qualitative",
                     "matched_figures", "matched_qualitative", "figure_status_ok", "qualitative_status_ok"):
            setattr(total, name, getattr(total, name) + getattr(r, name))
        _print_row(r)
    _print_row(total)
    print("\nstatus confusion (rows: gold, columns: predicted), matched lines:")
    print(" " * 8 + "".join(f"{s:>6}" for s in STATUSES))
    for g in STATUSES[:-1]:
        print(f"{g:<6}" + "".join(f"{confusion[(g, p)]:>7}" for p in STATUSES))


def _print_row(r: PairScore) -> None:
    print(f"{r.name:<18}{r.gold_figures:>5}{r.extracted_figures:>5}{r.matched_figures:>5}{r.precision:>7.2f}"
          f"{r.recall:>7.2f}{r.figure_accuracy:>10.2f}{r.gold_qualitative:>8}{r.matched_qualitative:>7}"
          f"{r.qualitative_recall:>6.2f}{r.qualitative_accuracy:>8.2f}{r.combined_recall:>7.2f}{r.combined_accuracy:>9.2f}")


if __name__ == "__main__":
    main()
