"""Hand-written parsing measured against the libraries for the field (issue 14): Chinese numerals
(index.numbers vs cn2an), time words and money (assistant.answer.question, index.numbers vs jionlp).

    python -m eval.numbers

Each labelled set is a JSONL file in this folder; README.md says where its lines come from.
"""
