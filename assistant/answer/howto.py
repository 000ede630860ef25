"""Is a question how to get a personal service done (怎么办理居住证？ 社保卡丢了怎么补办？)?

Government work reports review and plan the government's work; they hold no procedures, phone numbers or
weather. Asked how to get a service done, the best sentence is a near miss about the policy ("推进居住证持有人
…享受基本公共服务"), quoted with confidence; such questions are sent to the service hotline instead.

A service how-to is a question form (怎么, 如何, 去哪) followed in the same clause by a service action (办理,
申请, 补办, 提取, 报名; 办/领/考 said alone), or an action with the nouns of a 办事指南 (要办什么手续), or
怎么办 about a personal document or benefit (居住证怎么办, 社保卡丢了怎么办) — unless it asks a figure, a plan or
an achievement, or names the government's work (如何推进医保异地报销 asks what the report says).
Word lists: index/lexicon/service_howto.tsv.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from index.lexicon import table
from index.textnorm import normalize

_WORDS = table("service_howto.tsv")
_CLAUSE_END = re.compile(r"[，,。.？?！!；;：:、\s]")
_WHAT_TO_DO = ("怎么办", "咋办")  # 怎么 + 办: "what to do", a service only about a document or a mishap
_WITHIN = 6  # characters between the question form and the action (怎么在网上预约办理护照)


def _alternation(words: Iterable[str]) -> str:
    return "|".join(map(re.escape, sorted(words, key=len, reverse=True)))


_ASK = re.compile(_alternation(_WORDS["ask"]))
_ACT = re.compile(_alternation(_WORDS["act"]))
_ACT_CHAR = re.compile(f"[{''.join(_WORDS['act_char'])}]")
_LOOKALIKE = tuple(_WORDS["lookalike"])
_PROCEDURE = re.compile(_alternation(_WORDS["procedure"]))
_PERSONAL = re.compile(_alternation((*_WORDS["matter"], *_WORDS["trouble"])))
_WORK = re.compile(_alternation(_WORDS["work"]))
_CONTACT = re.compile(f"(?:{_alternation(_WORDS['contact'])})(?:号码)?(?:是|为)?(?:多少|什么|哪)")
_EVERYDAY = re.compile(_alternation(_WORDS["everyday"]))


def asks_service(question: str, figure_asked: bool = False) -> bool:
    """question: as typed; figure_asked: the question wants a number (intent.Intent.wants_number)."""
    text = normalize(question)
    if _CONTACT.search(text):
        return True
    if _WORK.search(text):
        return False
    if _EVERYDAY.search(text):
        return True
    if figure_asked:
        return False
    return any(_asks_action(clause) for clause in _CLAUSE_END.split(text)) or (
        any(w in text for w in _WHAT_TO_DO) and bool(_PERSONAL.search(text)))


def _asks_action(clause: str) -> bool:
    """One clause: a question form then an action, or an action with what a procedure needs."""
    if _PROCEDURE.search(clause) and _actions(clause):
        return True
    for ask in _ASK.finditer(clause):
        if any(ask.end() <= at <= ask.end() + _WITHIN for at in _actions(clause)):
            return True
    return False


def _actions(clause: str) -> list[int]:
    """Where the clause names a service action: a word of the list, or an action character that does not
    begin a word of government work (办好, 领域) and is not the 办 of 怎么办 (what to do)."""
    found = [m.start() for m in _ACT.finditer(clause)]
    for m in _ACT_CHAR.finditer(clause):
        at = m.start()
        if clause.startswith(_LOOKALIKE, at) or any(clause.startswith(w, at - len(w) + 1) for w in _WHAT_TO_DO):
            continue
        found.append(at)
    return found
