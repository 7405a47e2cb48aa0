"""Section 一's five parts and the section headings after it, in published reports of every kind.

A part's text is often one short sentence (本年度未收到政府信息公开申请。), printed on the part's
heading line; a part's heading is often worded longer than the format's (（二）依申请公开政府信息
办理情况). Such a line is short and shares most characters of section 二's heading
(主动公开政府信息情况): it must stay the part, never end section 一 early (its texts would be lost
and E7 would say four parts are missing). Every variant is a real file (python-docx, web pages,
texts, LibreOffice's PDF) read back whole.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from docgen import Variant, heading_text, html_page, text_report, write_docx

from toolkit import spec
from toolkit.importers import import_file
from toolkit.importers.document import norm
from toolkit.rules import check

# What a 街道 or 乡镇 writes under （二）依申请公开情况 when there was little to say (and under the
# other parts, the same kind of one-liner)
SHORT_ON_REQUEST = (
    "本年度未收到政府信息公开申请。",
    "全年未收到政府信息公开申请。",
    "本年度共收到政府信息公开申请5件。",
    "本年度共受理政府信息公开申请3件，均按期答复。",
    "本机关依法办理政府信息公开申请。",
)
SHORT_OTHERS = {"text.management": "本年度政府信息管理工作运行正常。",
                "text.platform": "无行政复议。",
                "text.oversight": "本年度未发生责任追究情况。"}
# part wordings x section numberings (sections and parts never numbered alike with the same words)
STYLES = [("official", "一、"), ("aspects", "一、"), ("long", "一、"), ("short", "一、"),
          ("official", "1、"), ("aspects", "1、"), ("long", "第一部分 "), ("official", "（一）")]
KINDS = ("docx", "html", "word-html", "txt-tabs", "txt-cells")


def cases(sample: dict) -> list[tuple[str, dict, Variant]]:
    out = []
    for n, ((part_style, heading_style), text) in enumerate(itertools.product(STYLES, SHORT_ON_REQUEST)):
        data = dict(sample, **{"text.on_request": text})
        if n % 2:
            data.update(SHORT_OTHERS)
        out.append((f"{part_style}/{heading_style}/{text}", data,
                    Variant(part_style=part_style, heading_style=heading_style)))
    return out


def write(path: Path, kind: str, data: dict, variant: Variant) -> Path:
    if kind == "docx":
        return write_docx(path.with_suffix(".docx"), data, variant)
    if kind.startswith("txt"):
        path = path.with_suffix(".txt")
        path.write_text(text_report(data, variant, kind.split("-")[1]), encoding="utf-8")
        return path
    path = path.with_suffix(".html")
    path.write_bytes(html_page(data, variant, word=kind == "word-html"))
    return path


def assert_read_whole(src: Path, data: dict, variant: Variant, name: str) -> None:
    imported = import_file(src)
    texts = {p.key: imported.raw.get(p.key) for p in spec.TEXT_PARTS}
    assert texts == {p.key: data[p.key] for p in spec.TEXT_PARTS}, name
    sections = {s.number: norm(heading_text(s, variant.heading_style)) for s in spec.SECTIONS}
    assert {n: norm(h) for n, h in imported.sections.items()} == sections, name  # a PDF drops a space
    assert not [f for f in check(imported.report(src.name)).findings if f.rule == "E7"], name


def each_style(sample: dict) -> list[tuple[str, dict, Variant]]:
    """Every part wording and numbering once, each with another sentence (Word files are slow to make)."""
    return [case for n, case in enumerate(cases(sample)) if n % len(SHORT_ON_REQUEST) == n // len(SHORT_ON_REQUEST)
            % len(SHORT_ON_REQUEST)]


@pytest.mark.parametrize("kind", KINDS)
def test_short_part_texts_and_long_part_headings_stay_in_section_one(tmp_path, sample, kind):
    for i, (name, data, variant) in enumerate(each_style(sample) if kind == "docx" else cases(sample)):
        assert_read_whole(write(tmp_path / f"r{i}", kind, data, variant), data, variant, name)


def test_short_part_texts_in_libreoffice_pdfs(tmp_path, sample):
    from lo import convert_many
    chosen = each_style(sample)
    sources = [write_docx(tmp_path / f"r{i}.docx", data, variant) for i, (_, data, variant) in enumerate(chosen)]
    for pdf, (name, data, variant) in zip(convert_many(sources, "pdf", tmp_path / "out"), chosen, strict=True):
        assert_read_whole(pdf, data, variant, name)
