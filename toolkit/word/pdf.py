"""Word → PDF through LibreOffice (headless), when it is installed."""

from __future__ import annotations

import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .. import office
from ..errors import ConversionFailed, MissingProgram, UnusableFile
from ..fileio import atomic_write, os_reason
from ..office import find_soffice, profile_dir, profile_lock

FONT_CONF = Path(__file__).parent / "fonts" / "64-nianbao-gov-fonts.conf"
NO_LIBREOFFICE = ("未找到 LibreOffice，无法生成 PDF：Word 报告已生成，可在 Word/WPS 中“另存为 PDF”；"
                  "或安装 LibreOffice（https://zh-cn.libreoffice.org/）后重试")

BUSY = "另一个 PDF 转换正在进行，等待超时：Word 报告已生成，请稍后再转换"
NOT_CONVERTED = "LibreOffice 未能把这份 Word 报告转换为 PDF：Word 报告已生成，可在 Word/WPS 中“另存为 PDF”"

def _environment(profile: Path) -> dict[str, str]:
    """On Linux, give LibreOffice's fontconfig our aliases for the government fonts (Noto CJK in
    their place), on top of the system configuration, so the PDF has CJK serif/sans faces even
    where toolkit/word/fonts was not installed system-wide by scripts/test.sh."""
    env = dict(os.environ)
    system = Path("/etc/fonts/fonts.conf")
    if sys.platform.startswith("linux") and "FONTCONFIG_FILE" not in env and system.exists():
        conf = profile / "fonts.conf"
        text = ('<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
                f'  <include ignore_missing="yes">{system}</include>\n'
                f'  <include ignore_missing="yes">{FONT_CONF}</include>\n</fontconfig>\n')
        if not conf.exists() or conf.read_text(encoding="utf-8") != text:
            conf.write_text(text, encoding="utf-8")
        env["FONTCONFIG_FILE"] = str(conf)
    return env


def to_pdf(docx: Path, pdf: Path | None = None, timeout: int = 180) -> Path:
    """Convert ``docx`` to ``pdf`` (default: beside it); raises MissingProgram (no LibreOffice) or
    ConversionFailed with the reason."""
    docx = Path(docx)
    target = Path(pdf) if pdf else docx.with_suffix(".pdf")
    outcome = to_pdfs([(docx, target)], timeout=timeout)[0]
    if outcome.problem:
        raise (MissingProgram if outcome.problem == NO_LIBREOFFICE else ConversionFailed)(outcome.problem)
    return target


@dataclass
class PdfOutcome:
    """One report's PDF, or why it was not made."""

    docx: Path
    pdf: Path
    problem: str = ""  # why this one was not made ("" when it was)


def _conversion_timeout(count: int, timeout: int) -> int:
    """One start of LibreOffice plus a little for each report."""
    return timeout + 20 * max(count - 1, 0)


def to_pdfs(jobs: list[tuple[Path, Path]], timeout: int = 180) -> list[PdfOutcome]:
    """Convert many .docx files to PDF with one LibreOffice process (each start costs 1-2 s; a
    district builds dozens of reports): ``jobs`` are (docx, pdf) pairs. Returns one outcome per
    job, in order; a file LibreOffice could not convert has its reason, the others are written."""
    outcomes = [PdfOutcome(Path(d), Path(p)) for d, p in jobs]
    if not outcomes:
        return outcomes
    soffice = find_soffice()
    if not soffice:
        for o in outcomes:
            o.problem = NO_LIBREOFFICE
        return outcomes
    total = _conversion_timeout(len(outcomes), timeout)
    profile = profile_dir()
    try:
        with profile_lock(profile, total, BUSY), tempfile.TemporaryDirectory(prefix="nianbao-pdf-") as tmp:
            _convert_all(soffice, profile, Path(tmp), outcomes, total)
    except UnusableFile as exc:  # waiting for another conversion timed out
        for o in outcomes:
            o.problem = o.problem or str(exc)
    return outcomes


def _convert_all(soffice: str, profile: Path, tmp: Path, outcomes: list[PdfOutcome], timeout: int) -> None:
    results = office.convert_all(soffice, profile, [o.docx for o in outcomes], tmp, "pdf", timeout, timeout // 2,
                                 made=_complete, env=_environment(profile))
    for o, made in zip(outcomes, results, strict=True):
        if isinstance(made, OSError):
            o.problem = f"无法读取 Word 报告（{os_reason(made)}），未生成 PDF：{o.docx}"
        elif isinstance(made, office.Run):
            o.problem = _failure(made) or NOT_CONVERTED
        else:
            try:
                atomic_write(o.pdf, made.read_bytes())  # the temporary folder may be another file system
            except UnusableFile as exc:
                o.problem = f"PDF 未能写入：{exc}"


def _complete(pdf: Path) -> bool:
    """A whole PDF (one cut short by a crash has no end-of-file mark)."""
    try:
        with open(pdf, "rb") as fh:
            fh.seek(0, os.SEEK_END)
            fh.seek(max(fh.tell() - 1024, 0))
            return b"%%EOF" in fh.read()
    except OSError:
        return False


def _failure(run: office.Run) -> str:
    """Why a LibreOffice run made no PDF, or "" when it ended well."""
    if run.how == "timeout":
        return f"LibreOffice 转换 PDF 超时（{run.seconds}秒）：Word 报告已生成"
    if run.how == "oserror":
        return f"无法运行 LibreOffice（{run.detail}）：Word 报告已生成"
    if run.how == "exit":
        return f"LibreOffice 未能生成 PDF（退出码{run.code}）：Word 报告已生成。{run.detail}"
    return ""
