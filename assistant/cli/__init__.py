"""`govqa`: ingest reports, ask questions, list reports, serve the chat, run the evaluation."""

from __future__ import annotations

import gc
import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from index.errors import GovQAError
from assistant.settings import Settings

app = typer.Typer(add_completion=False, no_args_is_help=True, help="政务报告问答")


def _assistant():
    from assistant.service import Assistant

    return Assistant(Settings())


def _fail(exc: Exception) -> None:
    typer.echo(f"错误：{exc}", err=True)
    raise typer.Exit(1)


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="报告文件（TXT、DOCX、PDF、HTML）")],
    title: Annotated[Optional[str], typer.Option("--title", help="更正报告标题（用于单个文件）")] = None,
    place: Annotated[Optional[str], typer.Option("--place", help="更正发布报告的政府（地名，如 海拉尔区）")] = None,
    year: Annotated[Optional[int], typer.Option("--year", help="更正报告年份（报告所规划的年份）")] = None,
    replace: Annotated[bool, typer.Option("--replace", help="替换与文件名同编号的报告，即使它来自另一个文件")] = False,
) -> None:
    """导入报告：解析、分段、向量化并写入索引。同一文件再次导入只更新变化的部分；
    名称相近的不同文件（如 "Town Report.txt" 与 "town-report.txt"）各成一份报告。"""
    from tqdm import tqdm

    from index.identity import Correction

    correction = Correction(title, place, year)
    if correction and len(paths) > 1:
        _fail(GovQAError("--title/--place/--year 只能用于单个文件"))
    assistant = _assistant()
    errors: list[tuple[Path, Exception]] = []
    with tqdm(desc="向量化", unit="块", leave=False) as bar:

        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.n = done
            bar.refresh()

        try:
            results = assistant.ingest(paths, progress=progress, errors=errors, correction=correction, replace=replace)
        except GovQAError as exc:
            _fail(exc)
    for path, exc in errors:
        typer.echo(f"错误：{exc}" if path.name in str(exc) else f"错误：{path.name}：{exc}", err=True)
    for result in results:
        typer.echo(f"{result.status}\t{result.doc_id}\t{result.title}\t{result.paragraphs} 段\t"
                   f"{result.chunks} 块（新计算向量 {result.embedded}）")
    if errors:
        raise typer.Exit(1)


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="问题")],
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
    history: Annotated[Optional[Path], typer.Option(help="JSON 文件：此前的对话 [{role, content}]")] = None,
    report: Annotated[Optional[str], typer.Option("--report", help="只在这份报告中查找（报告编号，见 govqa reports）")] = None,
    place: Annotated[Optional[str], typer.Option("--place", help="只在这个政府的报告中查找（如 安徽、海拉尔区）")] = None,
    year: Annotated[Optional[int], typer.Option("--year", help="只在这一年的报告中查找")] = None,
) -> None:
    """提问：给出答案和引用的原文段落。"""
    from assistant.answer.scope import Scope

    try:
        assistant = _assistant()
        assistant.ensure_index()
        turns = json.loads(history.read_text("utf-8")) if history else None
        answer = assistant.ask(question, turns, scope=Scope(report, place, year))
    except GovQAError as exc:
        _fail(exc)
    if as_json:
        typer.echo(json.dumps(answer.to_json(), ensure_ascii=False, indent=2))
        return
    typer.echo(answer.text)
    if answer.notice:
        typer.echo(f"（{answer.notice}）")
    for c in answer.citations or answer.related:
        typer.echo(f"\n[{c.n}] {c.doc_title} › {c.section} › 第{c.paragraph}段\n    {c.quote or c.text[:120]}")
    if answer.also_in:
        typer.echo(f"\n其他也谈到这个问题的报告：{'、'.join(f'《{t}》' for t in answer.also_in)}")


@app.command()
def reports() -> None:
    """列出已导入的报告。"""
    for report in _assistant().reports():
        i = report.identity
        years = "、".join(map(str, report.years))
        who = "\t".join(part for part in (
            f"政府：{i.government}（{i.level}）" if i.place else "政府：未识别",
            f"类别：{i.kind}" if i.kind else "", f"日期：{i.date}" if i.date else "",
            f"报告人：{i.speaker}" if i.speaker else "", f"会议：{i.meeting}" if i.meeting else "",
            f"文号：{i.doc_number}" if i.doc_number else "") if part)
        typer.echo(f"{report.doc_id}\t{report.title}\t{who}\t年份：{years}\t来源：{report.source}")


@app.command()
def delete(doc_id: str) -> None:
    """从索引中删除一份报告。"""
    if not _assistant().delete(doc_id):
        _fail(GovQAError(f"没有这份报告：{doc_id}"))
    typer.echo(f"已删除 {doc_id}")


@app.command()
def serve(host: str = "127.0.0.1", port: int = 7860) -> None:
    """启动聊天界面（首次运行时自动导入自带的示例报告）。"""
    # Start-up creates objects that live as long as the server (modules, the index): the collections
    # their number sets off took ~15% of the imports' CPU (4.4–5.0 → 3.6–4.1 s).
    gc.disable()
    try:
        assistant = _assistant()
        try:
            for result in assistant.ensure_index(background=True):
                typer.echo(f"已导入示例报告：{result.title}")
        except GovQAError as exc:
            _fail(exc)
        # Imported after the index has started loading in the background: Gradio's import (~4 s) and the
        # loading overlap where either waits on the disk or runs outside the GIL.
        from ui.server import serve as serve_app
    finally:
        gc.enable()
    serve_app(assistant, host=host, port=port)


@app.command("eval")
def evaluate(
    questions: Annotated[Path, typer.Option(help="问题集 JSONL")] = Path("eval/questions/dev.jsonl"),
    out: Annotated[Path, typer.Option(help="输出目录")] = Path("eval/out"),
    retriever: Annotated[str, typer.Option(help="ours 或 naive")] = "ours",
    compare: Annotated[bool, typer.Option("--compare", help="ours 与 naive 并排对比")] = False,
    gate: Annotated[bool, typer.Option("--gate", help="低于质量门槛时以非零状态退出")] = False,
    reports: Annotated[Optional[list[Path]], typer.Option("--reports", help="与示例报告一起导入临时索引的报告文件或文件夹（可多次给出）")] = None,
    one_report: Annotated[bool, typer.Option("--one-report-at-a-time", help="每个问题只在其标准答案所在的报告中回答")] = False,
) -> None:
    """评测：在问题集上计算检索、答案、拒答指标，写出 metrics.json 和报告。"""
    from eval.gate import GATE, REAL_GATE, check_gate
    from eval.harness import evaluate as run, format_table

    try:
        results = run(questions, out, retriever="compare" if compare else retriever, reports=reports or (),
                      one_report=one_report)
    except GovQAError as exc:
        _fail(exc)
    typer.echo(format_table(results))
    # The sample's gate, or the real multi-report gate when real reports are indexed beside it.
    failures = check_gate(results.get("ours", next(iter(results.values()))), REAL_GATE if reports else GATE)
    for line in failures:
        typer.echo(f"未达门槛：{line}", err=True)
    if gate and failures:
        raise typer.Exit(1)


def _register_subcommands() -> None:
    """Sub-commands that live in their own modules register on the app above. The benchmark is eval's:
    imported here, inside a function, so assistant/ never imports eval at module level (the model loads
    only when bench runs)."""
    from assistant.cli.feedback import feedback_app
    from assistant.cli.ledger import register as register_ledger
    from eval.bench import register as register_bench

    app.add_typer(feedback_app, name="feedback")
    register_ledger(app)
    register_bench(app)


_register_subcommands()


def main() -> None:  # pragma: no cover - console entry
    sys.exit(app())
