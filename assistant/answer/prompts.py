"""Prompt templates live as files in prompts/*.md, with named `{slot}`s (str.format; literal braces doubled).

A template may be split into chat messages by role lines `<!-- system -->` and `<!-- user -->`;
HTML comments keep the .md files readable as documents.
"""

from __future__ import annotations

import re
from string import Formatter

from assistant.settings import PROJECT_ROOT

PROMPTS_DIR = PROJECT_ROOT / "prompts"
_ROLE = re.compile(r"^<!--\s*(system|user)\s*-->[ \t]*$", re.MULTILINE)


def template(name: str) -> str:
    path = PROMPTS_DIR / f"{name}.md"
    if not path.is_file():
        raise FileNotFoundError(f"no prompt template {name!r} at {path}")
    return path.read_text(encoding="utf-8")


def slots(name: str) -> set[str]:
    return {field for _, field, _, _ in Formatter().parse(template(name)) if field is not None}


def render(name: str, **values: str) -> str:
    _check_slots(name, values)
    return template(name).format(**values)


def messages(name: str, **values: str) -> list[tuple[str, str]]:
    """(role, text) pairs, ready for a LangChain chat model. A template without role lines is one user message."""
    _check_slots(name, values)
    # Split before filling the slots, so a role line inside a value (a source paragraph) cannot open a new message.
    parts = _ROLE.split(template(name))
    if len(parts) == 1:
        return [("user", parts[0].format(**values).strip())]
    return [(role, body.format(**values).strip()) for role, body in zip(parts[1::2], parts[2::2])]


def _check_slots(name: str, values: dict[str, str]) -> None:
    expected = slots(name)
    missing = sorted(expected - values.keys())
    if missing:
        raise KeyError(f"prompt {name!r} needs slot(s) {', '.join(missing)}")
    unknown = sorted(values.keys() - expected)
    if unknown:
        raise ValueError(f"prompt {name!r} has no slot(s) {', '.join(unknown)}; its slots are {sorted(expected)}")
