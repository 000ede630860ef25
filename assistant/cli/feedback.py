"""`govqa feedback`: turn residents' 👎 and refused questions into eval question files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from assistant.feedback import FeedbackStore
from assistant.settings import Settings

feedback_app = typer.Typer(help="用户反馈", no_args_is_help=True)


@feedback_app.command()
def export(out: Annotated[Path, typer.Option("--out", help="输出的问题集 JSONL 文件")]) -> None:
    """导出差评（👎）和未能回答的问题，格式同评测问题集；gold_paragraphs 留给工作人员填写。"""
    count = FeedbackStore.for_index(Settings().index_dir).export(out)
    typer.echo(f"已导出 {count} 个问题到 {out}")
