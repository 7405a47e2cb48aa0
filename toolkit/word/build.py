"""A checked report as a Word document: its file name, the guard against overwriting, the draft.

The workflows (read, check, refuse or build, web page, PDF) are in ``toolkit.app``. A report with
errors is not built unless forced, and then it is visibly a draft (a red line above the title,
草稿 in every page header, （草稿） in the file name). An existing report is never overwritten
while it is open in Word/WPS/LibreOffice, nor when
someone edited it after nianbao wrote it: every report carries a fingerprint of its own text
(docProps ``identifier``), so an untouched report can be rebuilt freely and an edited one is kept
unless ``--force`` says otherwise; then the edited version is first copied to ``nianbao备份``
beside it (as ``check`` keeps a workbook's), and the command says so.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import RGBColor

from .. import spec
from ..errors import BadArgument, OutputBlocked, OutputExists
from ..fileio import BACKUP_DIR, atomic_write, back_up_file, lock_files, os_reason
from ..report import Report
from ..rules import CheckResult
from ..safetext import clip_bytes, shown_path, xml_text
from .context import clean
from .layout import lay_out
from .render import render

FINGERPRINT_PREFIX = "nianbao-report:"
DRAFT_SUFFIX = "（草稿）"
DRAFT_COLOR = RGBColor(0xC0, 0x00, 0x00)
_UNSAFE_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f\ud800-\udfff]')
MAX_OUTPUT_NAME_BYTES = 200  # Linux allows 255 bytes a name: room for "~$", "(2)" and more


# --- file names and overwriting ---------------------------------------------------------------

def default_output(source: Path, values: dict[str, object], draft: bool) -> Path:
    """``{unit}{year}年政府信息公开工作年度报告.docx`` beside the data file. A unit's name too
    long for a file name (255 bytes on Linux, including Word's ``~$`` lock-file prefix) is
    shortened by bytes, keeping the year and the title."""
    suffix = (DRAFT_SUFFIX if draft else "") + ".docx"
    if values.get("meta.unit") and values.get("meta.year"):
        tail = spec.title({**values, "meta.unit": ""})
        head = str(values["meta.unit"])
    else:
        tail = f"-{spec.REPORT_NAME}"
        head = shown_path(source.stem)
    room = MAX_OUTPUT_NAME_BYTES - len((tail + suffix).encode("utf-8"))
    name = _UNSAFE_NAME.sub("_", xml_text(clip_bytes(head, room) + tail)).strip(" .") or "年度报告"
    return source.parent / (name + suffix)


def _main_part(z: zipfile.ZipFile) -> str:
    rels = z.read("_rels/.rels").decode("utf-8", "replace")
    m = re.search(r'<Relationship[^>]*Type="[^"]*/officeDocument"[^>]*>', rels)
    found = re.search(r'Target="([^"]+)"', m.group(0)) if m else None
    if m and not found:  # as before: a relationship without a target is not a report of ours
        raise AttributeError("officeDocument relationship without Target")
    target = found.group(1) if found else "word/document.xml"
    return target.lstrip("/")


def fingerprint(document_xml: bytes) -> str:
    return FINGERPRINT_PREFIX + hashlib.sha256(document_xml).hexdigest()[:32]


def is_untouched_report(path: Path) -> bool:
    """True when ``path`` is a report nianbao wrote and nobody has changed since."""
    try:
        with zipfile.ZipFile(path) as z:
            core = z.read("docProps/core.xml").decode("utf-8", "replace")
            body = z.read(_main_part(z))
    except (OSError, KeyError, zipfile.BadZipFile, AttributeError):
        return False
    m = re.search(r"<dc:identifier>([^<]*)</dc:identifier>", core)
    return m is not None and m.group(1) == fingerprint(body)


def guard_output(out: Path, force: bool) -> bool:
    """Refuse to write over a report that is open, or that was edited, unless forced. True when
    ``out`` is an edited report (or a file nianbao did not write) that ``force`` lets us replace:
    the caller keeps a copy first (``back_up``)."""
    if out.suffix.lower() != ".docx":
        raise BadArgument(f"输出文件应以 .docx 结尾：{out.name}")
    if lock_files(out):
        raise OutputBlocked(f"{out.name} 正在 Word/WPS 中打开：请先关闭它再生成（或用 -o 另存为其他文件）")
    edited = out.exists() and not is_untouched_report(out)
    if edited and not force:
        raise OutputExists(f"{out} 已存在，且在生成后被修改过（或不是 nianbao 生成的）：为免覆盖其中的修改，"
                           "没有写入。请用 -o 指定其他文件名，或加 --force 覆盖它"
                           f"（覆盖前原文件备份到 {BACKUP_DIR} 中）")
    return edited


def back_up(out: Path) -> Path:
    """Copy ``out`` to ``nianbao备份/`` beside it (same name; the latest edited version is kept
    there) before it is replaced, as ``check`` does for a workbook."""
    try:
        return back_up_file(out)
    except (OSError, OutputBlocked) as exc:
        why = os_reason(exc) if isinstance(exc, OSError) else str(exc)
        raise OutputBlocked(f"无法把被修改过的 {out.name} 备份到 {BACKUP_DIR}（{why}），"
                            "因此没有覆盖它：请用 -o 指定其他文件名") from None


@dataclass(frozen=True)
class Written:
    """A report written to disk, and where the one it replaced was kept."""

    docx: Path
    backup: Path | None = None  # where the edited report it replaced was kept (--force)


# --- the document -------------------------------------------------------------------------------

def mark_draft(document, result: CheckResult) -> None:
    """Make a draft unmistakable: a red line above the title and 草稿 in every page header."""
    note = (f"草稿：数据未通过校验（{result.not_final}），不得作为正式报告公开。"
            "请改正后重新生成（nianbao check 列出问题）")
    first = document.paragraphs[0]
    p = first.insert_paragraph_before()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    ind = p._p.get_or_add_pPr().get_or_add_ind()
    ind.set(qn("w:firstLineChars"), "0")
    ind.set(qn("w:firstLine"), "0")
    run = p.add_run(note)
    run.bold = True
    run.font.color.rgb = DRAFT_COLOR
    for section in document.sections:
        headers = [section.header]
        if document.settings.odd_and_even_pages_header_footer:
            headers.append(section.even_page_header)
        if section.different_first_page_header_footer:
            headers.append(section.first_page_header)
        for header in headers:
            header.is_linked_to_previous = False
            hp = header.add_paragraph() if header.paragraphs[0].text else header.paragraphs[0]
            hp.alignment = WD_ALIGN_PARAGRAPH.CENTER
            hr = hp.add_run("草稿 · 未通过校验 · 不得公开")
            hr.bold = True
            hr.font.color.rgb = DRAFT_COLOR


def render_report(report: Report, template: Path | str | None = None,
                  result: CheckResult | None = None) -> bytes:
    """A report as .docx bytes; a draft when ``result`` has errors. For batches: the template
    is prepared once per process."""
    rendered = render(report, template)
    doc = rendered.document
    lay_out(doc, report.values)  # the title's line break, the 落款 kept with the text
    draft = result is not None and bool(result.not_final)
    if result is not None and draft:
        mark_draft(doc, result)
    cp = doc.core_properties
    title = clean(spec.title(report.values))  # the unit's name as typed: a control character too
    cp.title = title + (DRAFT_SUFFIX if draft else "")
    cp.subject = spec.FORMAT_NAME
    cp.comments = clean(f"由 nianbao 根据 {shown_path(Path(report.source).name)} 生成")
    now = _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0, tzinfo=None)
    cp.created = cp.modified = now
    cp.revision = 1
    cp.identifier = fingerprint(doc.part.blob)  # the body exactly as it will be saved
    return rendered.to_bytes()


def write_report(report: Report, result: CheckResult, target: Path, *,
                 template: Path | str | None = None, force: bool = False) -> Written:
    """Write the Word report of checked data to ``target`` (a draft when ``result`` has errors),
    unless ``target`` is open or was edited since nianbao wrote it (an UnusableFile). With
    ``force`` an edited report is replaced, its copy kept in ``nianbao备份`` (never lost)."""
    edited = guard_output(target, force)
    content = render_report(report, template, result)  # a template problem: nothing touched
    backup = back_up(target) if edited else None
    atomic_write(target, content)
    return Written(target, backup)
