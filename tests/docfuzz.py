"""The published-report part of the mutation fuzz (tests/fuzzing.py): Word files, web pages and
texts as agencies publish them (made by tests/docgen.py), changed the way real documents go wrong
and the way hostile ones are made: cells, spans and merges, labels and numbers, encodings, markup
cut short or nested deep, the .docx package itself. Each case goes through what a reviewer runs:
``nianbao import`` (to JSON, then ``check`` of that JSON) and ``nianbao audit``, in process, as the
command line runs them: the exit code must be 0, 1 or 2, with no traceback and no reason that only
says something unexpected happened.
"""

from __future__ import annotations

import contextlib
import io
import quopri
import random
import re
import shutil
import tempfile
import traceback
import zipfile
from collections.abc import Callable
from pathlib import Path

# payloads a document's cell or line may hold
CELL_TEXTS = ["", " ", "0", "-", "/", "—", "无", "5件", "１２", "1,000", "9" * 400, "9" * 5000, "1e308", "-3",
              "3.5", "\u3000", "\u00a0", "\u200b", "\ufeff", "（一）予以公开", "三、本年度办理结果", "结果维持",
              "自然人", "总计", "一、总体情况", "六、其他需要报告的事项", "本年新制作数量", "|", "||||", "\t",
              "<td>", "&nbsp;", "]]>", "𠀀", "长" * 3000, "2023年1月20日", "二〇二三年十三月四十日",
              "9999年99月99日", "\r", "\x0b", "\x00", "\\", "%s", "{{ x }}"]


def make_bases() -> dict[str, bytes]:
    """Documents every case starts from, named ``doc.<kind>.<variant>``."""
    from docgen import Variant, html_page, text_report, write_docx

    from toolkit.sample import sample_data
    data = sample_data()
    loose = Variant(heading_style="1、", title_style="year-first", loose_labels=True, captions=True,
                    total_row=True, date="2023年1月20日", part_style="aspects")
    odd = Variant(extra_column="备注", split_t3_at=4, cells={"t3.new.natural": "5件", "t2.rules.issued": "/"})
    tmp = Path(tempfile.mkdtemp(prefix="nianbao-docfuzz-"))
    try:
        bases = {
            "doc.docx.plain": write_docx(tmp / "a.docx", data).read_bytes(),
            "doc.docx.odd": write_docx(tmp / "b.docx", data, odd).read_bytes(),
            "doc.docx.collapsed": write_docx(tmp / "c.docx", data, Variant(collapse_other=True)).read_bytes(),
            "doc.html.word-gbk": html_page(data, loose, word=True, encoding="gbk"),
            "doc.html.plain": html_page(data, odd),
            "doc.mhtml.gb18030": mhtml(html_page(data, encoding="gb18030")),
        }
        for style in ("tabs", "pipe-rows", "pipe-cells", "cells", "spaces"):
            base = f"doc.txt.{style}"
            text = text_report(data, loose if style == "pipe-rows" else None, style)
            bases[base] = text.encode(ENCODINGS.get(base, "utf-8"))
        return bases
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


# the bases not in UTF-8 (a mutation decodes a base, changes its text and encodes it again)
ENCODINGS = {"doc.txt.cells": "gb18030", "doc.html.word-gbk": "gb18030"}


def mhtml(page: bytes, charset: str = "gb18030") -> bytes:
    body = quopri.encodestring(page).decode("ascii")
    return ("MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=\"B\"\r\n\r\n--B\r\n"
            f"Content-Type: text/html; charset=\"{charset}\"\r\nContent-Transfer-Encoding: quoted-printable\r\n"
            f"Content-Location: http://example/\r\n\r\n{body}\r\n--B--\r\n").encode("ascii")


def suffix_of(base: str) -> str:
    return "." + base.split(".")[1]


# --- mutations of a text (a page's markup, a .txt, a Word document's XML) --------------------------

def _lines(rng: random.Random, text: str) -> str:
    lines = text.split("\n")
    i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
    what = rng.randrange(5)
    if what == 0:
        del lines[i]
    elif what == 1:
        lines.insert(i, lines[j])
    elif what == 2:
        lines[i], lines[j] = lines[j], lines[i]
    elif what == 3:
        lines[i:i] = [rng.choice(CELL_TEXTS)] * rng.choice([1, 7, 15, 300])
    else:
        del lines[min(i, j):max(i, j)]
    return "\n".join(lines)


def _payload(rng: random.Random, text: str) -> str:
    i = rng.randrange(len(text) + 1)
    return text[:i] + rng.choice(CELL_TEXTS) + text[i + rng.choice([0, 0, 1, 5, 40]):]


def _number(rng: random.Random, text: str) -> str:
    matches = list(re.finditer(r"(?<=[>\t|\n ])\d+(?=[<\t|\n ])", text))
    if not matches:
        return text
    m = rng.choice(matches)
    return text[:m.start()] + rng.choice(CELL_TEXTS) + text[m.end():]


def _cut(rng: random.Random, text: str) -> str:
    return text[:rng.randrange(len(text) + 1)]


def _label(rng: random.Random, text: str) -> str:
    """A label typed otherwise: brackets, 、 and spaces changed, a word dropped, a digit full-width."""
    from toolkit import spec
    labels = [label for _, label in spec.T3_ROWS] + [s.heading for s in spec.SECTIONS] + ["申请人情况", "信息内容"]
    label = rng.choice(labels)
    if label not in text:
        return text
    changed = rng.choice([label.replace("（", "(").replace("）", ")"), label.replace("、", "．"), " ".join(label),
                          label[1:], label[:-1], label.translate(str.maketrans("123", "１２３")), label * 2, ""])
    return text.replace(label, changed, rng.choice([1, -1]))


TEXT_MUTATIONS: dict[str, Callable[[random.Random, str], str]] = {
    "lines": _lines, "payload": _payload, "number": _number, "cut": _cut, "label": _label}


# --- mutations of markup (web pages and Word XML) ------------------------------------------------

def _spans(rng: random.Random, text: str) -> str:
    values = ["0", "-1", "1", "2", "7", "99999", "x", "", "1.5", "２", "4294967296"]
    attr = rng.choice(["rowspan", "colspan"])
    matches = list(re.finditer(r"<t[dh]\b", text))
    if not matches:
        return text
    m = rng.choice(matches)
    return text[:m.end()] + f' {attr}="{rng.choice(values)}"' + text[m.end():]


def _nest(rng: random.Random, text: str) -> str:
    depth = rng.choice([50, 500, 5000])
    tag = rng.choice(["div", "table", "td", "span", "p", "tr"])
    i = rng.randrange(len(text) + 1)
    return text[:i] + f"<{tag}>" * depth + "x" + text[i:]


def _tags(rng: random.Random, text: str) -> str:
    """A tag dropped, doubled or left open, as pasted markup often is."""
    matches = list(re.finditer(r"</?(?:table|tr|td|th|tbody|p|span|br|o:p)\b[^>]*>", text))
    if not matches:
        return text
    m = rng.choice(matches)
    return text[:m.start()] + rng.choice(["", m.group(0) * 2, m.group(0).replace("/", ""), "<table>"]) + text[m.end():]


def _charset(rng: random.Random, text: str) -> str:
    return re.sub(r"charset=[\w-]+", "charset=" + rng.choice(["utf-8", "gbk", "x-unknown", "utf-16", "big5", ""]),
                  text, count=1)


MARKUP_MUTATIONS = {"spans": _spans, "nest": _nest, "tags": _tags, "charset": _charset}


def _word_merge(rng: random.Random, text: str) -> str:
    """Word's merged cells made odd: gridSpan and vMerge with values Word never writes."""
    matches = list(re.finditer(r"<w:tcPr>|<w:tc>", text))
    if not matches:
        return text
    m = rng.choice(matches)
    span, merge = rng.choice(["0", "-1", "99999", "x", "3"]), rng.choice(["restart", "continue", "x"])
    prop = rng.choice([f'<w:gridSpan w:val="{span}"/>', f'<w:vMerge w:val="{merge}"/>', "<w:vMerge/>"])
    inner = prop if m.group(0) == "<w:tcPr>" else f"<w:tcPr>{prop}</w:tcPr>"
    return text[:m.end()] + inner + text[m.end():]


def _word_cells(rng: random.Random, text: str) -> str:
    """A cell, a row or a table deleted or doubled."""
    tag = rng.choice(["w:tc", "w:tr", "w:tbl", "w:p"])
    matches = list(re.finditer(rf"<{tag}\b.*?</{tag}>", text, re.S))
    if not matches:
        return text
    m = rng.choice(matches)
    return text[:m.start()] + rng.choice(["", m.group(0) * 2]) + text[m.end():]


WORD_MUTATIONS = {"merge": _word_merge, "cells": _word_cells}


# --- a case --------------------------------------------------------------------------------------

def mutation_names(base: str) -> list[str]:
    kind = suffix_of(base)
    names = list(TEXT_MUTATIONS) + ["bytes"]
    if kind in (".html", ".mhtml"):
        names += list(MARKUP_MUTATIONS)
    if kind == ".docx":
        names += list(WORD_MUTATIONS) + ["zip"]
    if kind == ".txt":
        names += ["encoding"]
    return names


def build(base: str, data: bytes, mutations: list[tuple[str, int]]) -> bytes:
    """The bytes of a document case: ``data`` (a base) with each mutation applied."""
    kind = suffix_of(base)
    if kind == ".docx":
        return _build_docx(data, mutations)
    encoding = ENCODINGS.get(base, "utf-8")
    text = data.decode(encoding, errors="replace")
    raw: list[Callable[[bytes], bytes]] = []
    for name, seed in mutations:
        rng = random.Random(seed)
        if name in TEXT_MUTATIONS:
            text = TEXT_MUTATIONS[name](rng, text)
        elif name in MARKUP_MUTATIONS:
            text = MARKUP_MUTATIONS[name](rng, text)
        elif name == "encoding":
            encoding = rng.choice(["utf-16", "gbk", "big5", "latin-1", "utf-8-sig"])
        else:
            raw.append(lambda b, rng=rng: _bytes(rng, b))
    out = text.encode(encoding, errors="replace") if encoding != "latin-1" else text.encode("utf-8")
    for change in raw:
        out = change(out)
    return out


def _bytes(rng: random.Random, data: bytes) -> bytes:
    i = rng.randrange(len(data) + 1)
    noise = bytes(rng.randrange(256) for _ in range(rng.choice([1, 3, 64])))
    return data[:i] + noise + data[i + rng.choice([0, 1, 8]):]


def _build_docx(data: bytes, mutations: list[tuple[str, int]]) -> bytes:
    from fuzzing import Pkg, m_zip  # the workbook fuzz's zip-level changes fit any OOXML package
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        pkg = Pkg({i.filename: zf.read(i) for i in zf.infolist()})
    xml = pkg.parts["word/document.xml"].decode("utf-8")
    for name, seed in mutations:
        rng = random.Random(seed)
        if name in WORD_MUTATIONS:
            xml = WORD_MUTATIONS[name](rng, xml)
        elif name in ("payload", "number"):
            xml = _word_text(rng, xml)
        elif name in TEXT_MUTATIONS:
            xml = TEXT_MUTATIONS[name](rng, xml)
        elif name == "zip":
            m_zip(rng, pkg, {})
        else:
            pkg.parts["word/document.xml"] = _bytes(rng, xml.encode("utf-8"))
            xml = pkg.parts["word/document.xml"].decode("utf-8", errors="replace")
    pkg.parts["word/document.xml"] = xml.encode("utf-8", errors="surrogatepass")
    return pkg.to_bytes()


def _word_text(rng: random.Random, xml: str) -> str:
    from xml.sax.saxutils import escape
    matches = list(re.finditer(r"(<w:t(?: [^>]*)?>)([^<]*)(</w:t>)", xml))
    if not matches:
        return xml
    m = rng.choice(matches)
    text = escape(rng.choice(CELL_TEXTS)).replace("\x00", "").replace("\x0b", "")
    return xml[:m.start()] + m.group(1) + text + m.group(3) + xml[m.end():]


# --- running a case: import, check of its JSON, audit ------------------------------------------

VAGUE = ("意外错误", "Traceback")


def run_document(path: Path, workdir: Path) -> tuple[str, str, str, str]:
    """(result, step, signature, detail) of one document: ``ok``, ``reason`` (exit 2 with a clear
    reason), or ``fail``. ``signature`` is where a traceback came from (see fuzzing._signature)."""
    from fuzzing import _signature

    from toolkit.errors import UnusableFile
    from toolkit.importers import import_file
    step = "import-read"
    result = "ok"
    try:
        try:
            import_file(path)
        except UnusableFile as exc:
            cause = exc.__cause__
            if cause is not None and not isinstance(cause, (OSError, UnusableFile)):
                return "fail", step, _signature(cause), "".join(traceback.format_exception(cause))[-3000:]
            result = "reason"
        out = workdir / "case.json"
        for step, argv in (("import", ["import", str(path), "-o", str(out), "--force"]),
                           ("check-json", ["check", str(out)]),
                           ("audit", ["audit", str(path), "-o", str(workdir / "audit"), "--workers", "1"])):
            if step == "check-json" and not out.exists():
                continue
            code, said = _cli(argv)
            if code not in (0, 1, 2) or any(v in said for v in VAGUE):
                return "fail", step, f"exit {code}", said[-3000:]
            if step == "audit" and not (workdir / "audit" / "审核结果.xlsx").exists():
                return "fail", step, "no 审核结果.xlsx", said[-3000:]
    except Exception as exc:  # noqa: BLE001 - this is what the fuzz looks for
        return "fail", step, _signature(exc), "".join(traceback.format_exception(exc))[-3000:]
    finally:
        shutil.rmtree(workdir / "audit", ignore_errors=True)
        (workdir / "case.json").unlink(missing_ok=True)
    return result, "", "", ""


def _cli(argv: list[str]) -> tuple[int, str]:
    """``nianbao ARGV`` in this process: its exit code and everything it printed."""
    from toolkit.cli import main
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 2
    return code, out.getvalue() + err.getvalue()
