"""Reports published in traditional characters (報告, 資訊, 處理), as a site's 繁體 version or a
page converted for readers in Hong Kong, Macao or Taiwan gives them: read in simplified ones.

The official labels, headings and titles are simplified; a report in traditional characters
matches none of them. Its document is converted with OpenCC's dictionaries (opencc-purepy, pure
Python), character by character (t2s: exactly the reverse of a site's 繁體 conversion). A page
converted with Taiwan phrases also has 資訊 for 信息, 檔案 for 文件, 資料 for 数据: the official
labels as such a conversion prints them are put back (derived from toolkit/spec.py, never the
words of the text around them, which a phrase conversion back would change: 建立 -> 创建). Only a
document written in traditional characters is converted; the import says so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import cache

from .. import spec
from ..errors import OldFormat, UnusableFile
from .document import Document, Grid, Paragraph
from .tables import Imported, read_document, strip_numbering

SAMPLE_CHARS = 4_000  # enough of a document to tell its script
MIN_CHANGED = 10  # characters a conversion changes in a document written in traditional ones
MIN_SHARE = 0.02  # … and their share of its Chinese characters (a simplified text: near 0)
NOTE = "文档使用繁体字，已转为简体字后读取（正文也按简体字保存）"


@cache
def _converter():  # noqa: ANN202 - opencc_purepy.OpenCC, loaded only for a document that needs it
    from opencc_purepy import OpenCC
    return OpenCC("t2s")


@cache
def _taiwan_labels() -> tuple[tuple[str, str], ...]:
    """(an official text as a conversion with Taiwan phrases prints it, read back character by
    character; the official text), longest first: 二、主动公开政府资讯情况 -> 二、主动公开政府信息情况."""
    from opencc_purepy import OpenCC
    to_taiwan, back = OpenCC("s2twp").convert, _converter().convert
    official = {spec.TITLE_SUFFIX, *(s.heading for s in spec.SECTIONS), *(p.heading for p in spec.TEXT_PARTS),
                *(t.title for t in spec.TABLES), *(c.text for t in spec.TABLES for c in t.cells if c.text)}
    official |= {strip_numbering(text) for text in official}  # 1、本机关不掌握…: numbered as printed
    pairs = {printed: text for text in official if (printed := back(to_taiwan(text))) != text}
    return tuple(sorted(pairs.items(), key=lambda kv: -len(kv[0])))


def _simplified_text(text: str) -> str:
    text = _converter().convert(text)
    for printed, official in _taiwan_labels():
        if printed in text:
            text = text.replace(printed, official)
    return text


def read(doc: Document, reread: Callable[[Callable[[str], str]], Document | None] | None = None) -> Imported:
    """``tables.read_document``, and for a document whose reading is incomplete (or that reads as
    no report) and that is written in traditional characters, the reading of its simplified form:
    ``reread`` reads the source again from its text converted (a page, a text), else the document
    read is converted."""
    try:
        imported = read_document(doc)
    except OldFormat:
        raise
    except UnusableFile:
        if not is_traditional(doc):
            raise
        return read_document(_converted(doc, reread))
    if (imported.unread or len(imported.sections) < len(spec.SECTIONS)) and is_traditional(doc):
        return read_document(_converted(doc, reread))
    return imported


def _converted(doc: Document, reread: Callable[[Callable[[str], str]], Document | None] | None) -> Document:
    converted = reread(_simplified_text) if reread else None
    if converted is None:
        return simplified(doc)
    converted.notes.append(NOTE)
    return converted


def _texts(doc: Document) -> list[str]:
    out: list[str] = [doc.title]
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            out.append(block.text)
        else:
            out.extend(dict.fromkeys(c.text for row in block.rows for c in row))
    return out


def is_traditional(doc: Document) -> bool:
    """Whether the document is written in traditional characters: converting a sample of it changes
    enough of its Chinese characters (a simplified text keeps almost all of them)."""
    sample = "\n".join(_texts(doc))[:SAMPLE_CHARS]
    chinese = sum(1 for ch in sample if "\u4e00" <= ch <= "\u9fff")
    if chinese < MIN_CHANGED:
        return False
    converted = _converter().convert(sample)
    if len(converted) != len(sample):  # a phrase of another length: compare line by line
        pairs = zip(sample.split("\n"), converted.split("\n"), strict=False)
        changed = sum(sum(a != b for a, b in zip(x, y, strict=False)) for x, y in pairs)
    else:
        changed = sum(a != b for a, b in zip(sample, converted, strict=True))
    return changed >= MIN_CHANGED and changed >= MIN_SHARE * chinese


def simplified(doc: Document) -> Document:
    """The document in simplified characters. Cells keep their places (origin, page): only their
    text changes."""
    convert = _simplified_text
    blocks: list[Paragraph | Grid] = []
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            blocks.append(replace(block, text=convert(block.text)))
        else:
            texts = {c.origin: c.text for row in block.rows for c in row}
            new = {origin: convert(text) for origin, text in texts.items()}
            blocks.append(replace(block, rows=[[replace(c, text=new[c.origin]) for c in row] for row in block.rows]))
    return Document(doc.kind, blocks, convert(doc.title), [*doc.notes, NOTE])
