"""Precision and recall of quantitative commitment extraction against a hand annotation.

    python -m eval.ledger.score [--report data/reports/….txt] [--gold eval/ledger/commitments_gold.jsonl]

The gold list (commitments_gold.jsonl) holds every commitment with a quantitative target in the
sample's 2023 plan part (二、2023年目標任務), found by reading it: one line per counted thing
(甲项目和乙项目各1个 is two). Left out on purpose: 三類水 (a water-quality class, not a count),
一期/二期 and 4#、7#地塊 (names), 一批/一支 (articles), 兩個重要支點 (rhetoric), and the review
part's forward-looking "2023年將完成該項目的建設" (no figure of its own).
A row matches a gold line with the same paragraph, normalised value (and range end) and unit.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from assistant.ledger.extract import extract
from assistant.settings import PROJECT_ROOT
from index.ingest import doc_id_for
from index.reading import read_report_lines
from index.structure import parse_report
from index.textnorm import normalize

GOLD = Path(__file__).with_name("commitments_gold.jsonl")
SAMPLE = PROJECT_ROOT / "data" / "reports" / "kandun-2022-review-2023-plan.txt"

Key = tuple[int, float, float | None, str]


def gold_keys(path: Path = GOLD) -> Counter[Key]:
    rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    return Counter((r["paragraph"], float(r["value"]), _high(r.get("value_high")), normalize(r["unit"])) for r in rows)


def extracted_keys(report_path: Path = SAMPLE) -> Counter[Key]:
    report = parse_report(read_report_lines(report_path), doc_id=doc_id_for(report_path), source=report_path.name)
    return Counter((c.source.paragraph, c.value, _high(c.high), c.unit)
                   for c in extract(report).commitments if c.value is not None)


def _high(value: float | None) -> float | None:
    return None if value is None else float(value)


def score(report_path: Path = SAMPLE, gold_path: Path = GOLD) -> dict:
    gold, found = gold_keys(gold_path), extracted_keys(report_path)
    hits = sum((gold & found).values())
    return {
        "gold": sum(gold.values()), "extracted": sum(found.values()), "matched": hits,
        "precision": hits / sum(found.values()) if found else 0.0,
        "recall": hits / sum(gold.values()) if gold else 0.0,
        "missed": sorted((gold - found).elements()), "spurious": sorted((found - gold).elements()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--report", type=Path, default=SAMPLE)
    parser.add_argument("--gold", type=Path, default=GOLD)
    args = parser.parse_args()
    result = score(args.report, args.gold)
    print(f"gold {result['gold']}  extracted {result['extracted']}  matched {result['matched']}")
    print(f"precision {result['precision']:.3f}  recall {result['recall']:.3f}")
    for label in ("missed", "spurious"):
        for paragraph, value, high, unit in result[label]:
            print(f"{label}: 第{paragraph}段 {value:g}{'-' + format(high, 'g') if high else ''}{unit}")


if __name__ == "__main__":
    main()
