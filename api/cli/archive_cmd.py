"""``ogi archive``: the archive package of an archived case (归档包), its check, an agency-year export."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(help="归档包：导出、核验、按机关年度导出", no_args_is_help=True)


@app.command("export")
def export(number: Annotated[str, typer.Argument(help="申请编号")],
           out: Annotated[Path, typer.Option("--out", help="写入的 ZIP 文件")]) -> None:
    """导出已归档申请的归档包（卷内文件目录、全部文件和文书、审计记录及链头、清单），清单摘要登记在案。"""
    from engine.archive.package import export as run
    from engine.db import new_session

    with new_session() as session:
        done = run(session, number, out)
    typer.echo(f"已导出归档包 {done.path}：申请 {done.number}，{done.parts} 个部件，清单 SHA-256 {done.manifest_sha256}"
               + ("" if done.recorded else "（与已登记的归档包相同）"))


@app.command("export-year")
def export_year(agency: Annotated[str, typer.Argument(help="机关代码")],
                year: Annotated[int, typer.Argument(help="归档年度")],
                out: Annotated[Path, typer.Option("--out", help="输出目录")]) -> None:
    """导出机关某年度归档的全部申请的归档包，及目录 index.csv / index.json（供档案部门接收）。"""
    from engine.archive.package import export_year as run
    from engine.db import new_session

    with new_session() as session:
        done = run(session, agency, year, out)
    typer.echo(f"已导出 {len(done)} 个归档包到 {out}（目录见 index.csv、index.json）")


@app.command("verify")
def verify(file: Annotated[Path, typer.Argument(help="归档包 ZIP 文件")]) -> None:
    """核验归档包：每个部件与清单一致、没有多余部件、审计记录哈希链完整；能连接数据库时再核对清单摘要是否已登记。
    完好时退出码为0，否则列出每个改动或缺失的部件并以1退出。"""
    from engine.archive.verify import verify_package

    if not file.is_file():
        from .output import fail

        fail(f"文件 {file} 不存在")
    manifest, digest, problems = verify_package(file)
    if manifest is not None:
        problems.extend(_against_database(manifest, digest))
    if problems:
        for p in problems:
            typer.echo(p)
        typer.echo(f"归档包 {file} 未通过核验：共 {len(problems)} 个问题。", err=True)
        raise typer.Exit(1)
    typer.echo(f"归档包完好：申请 {manifest['application']}，{len(manifest['parts'])} 个部件，清单 SHA-256 {digest}")


def _against_database(manifest: dict, digest: str) -> list[str]:
    """The recorded manifest hash, when the database can be reached; otherwise a note that only the
    package's own consistency was checked (a package may be verified far from its database)."""
    from sqlalchemy.exc import OperationalError, ProgrammingError

    from engine.archive.verify import recorded_problems
    from engine.db import new_session

    try:
        with new_session() as session:
            return recorded_problems(session, manifest, digest)
    except (OperationalError, ProgrammingError):
        typer.echo("提示：无法连接数据库，仅核验了归档包自身的一致性（未核对清单摘要的登记）", err=True)
        return []
