"""Web pages (.html, .htm, .mhtml) as government sites publish them (lxml.html).

lxml's HTML parser is libxml2's: fast (the audit reads hundreds of pages) and forgiving of the
markup sites really serve, Word's "save as web page" markup included (<o:p>, &nbsp;, spans in
every cell). The encoding comes from a BOM or the page's meta tag; without one, UTF-8 is tried
and GB18030 (a superset of GBK and GB2312) is the fallback. Only the article is read: the part of
the page holding the report's tables and headings; menus, breadcrumbs and footers are left out.
"""

from __future__ import annotations

import email
import email.policy
import re
from pathlib import Path

from ..errors import DamagedFile
from ..log import Logger
from . import KINDS
from .document import Document, GridBuilder, Paragraph, clean_cell, norm
from .text import decode_text

log = Logger(__name__)

KIND = KINDS[".html"]

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_GB = {"gb2312", "gbk", "gb18030", "x-gbk", "cp936", "hz-gb-2312"}
_SKIP = {"script", "style", "noscript", "iframe", "head", "select", "button", "svg", "template"}
_BLOCK = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "section", "article",
          "header", "footer", "nav", "blockquote", "pre", "center", "dd", "dt", "dl", "form",
          "table", "tr", "td", "th", "tbody", "thead", "tfoot", "caption", "main", "aside", "address"}


def decode(data: bytes, declared: str | None = None) -> str:
    """The page's text: by BOM, by the declared or meta charset where the bytes agree with it,
    else UTF-8, else GB18030."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    m = _META_CHARSET.search(data[:8192])
    charset = (declared or (m.group(1).decode("ascii") if m else "")).lower()
    if charset in _GB:
        charset = "gb18030"  # pages labelled GB2312 routinely hold GBK characters
    if charset:
        # A saved page keeps the charset its site declared even where the server sent (and the
        # browser showed) another: bytes that are valid UTF-8 are UTF-8 whatever the page says
        # (GBK text is almost never valid UTF-8), and bytes the declared charset cannot read are
        # decoded as if nothing were declared.
        if charset not in ("utf-8", "utf8") and not data.isascii():
            try:
                return data.decode("utf-8")
            except UnicodeDecodeError:
                pass
        try:
            return data.decode(charset)
        except (LookupError, UnicodeDecodeError):
            pass
    return decode_text(data)


def _mhtml_html(data: bytes) -> tuple[bytes, str | None]:
    """The page inside a browser's single-file archive (.mhtml): its first text/html part."""
    message = email.message_from_bytes(data, policy=email.policy.compat32)
    for part in message.walk():
        if part.get_content_type() == "text/html":
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes):
                return payload, part.get_content_charset()
    raise DamagedFile("这个 .mhtml 文件中没有网页内容")


def read_html(path: Path) -> Document:
    return parse_html(html_text(path))


def html_text(path: Path) -> str:
    """The page's HTML as text (of a saved .mhtml: its HTML part)."""
    data = path.read_bytes()
    declared = None
    if path.suffix.lower() in (".mhtml", ".mht") or data.lstrip()[:200].lower().startswith(b"mime-version"):
        data, declared = _mhtml_html(data)
    return decode(data, declared)


def parse_html(text: str) -> Document:
    import lxml.etree
    import lxml.html
    text = re.sub(r"^\s*<\?xml[^>]*>", "", text)  # lxml refuses a str with an encoding declaration
    try:
        root = lxml.html.document_fromstring(text)
    except (lxml.etree.ParserError, ValueError) as exc:
        log.debug("lxml refused the page: %s", exc)  # lxml's English, for --debug
        why = "网页中没有内容" if not text.strip() else "网页内容无法解析"
        raise DamagedFile(f"无法作为网页读取：{why}") from None
    title_el = root.find(".//title")
    doc = Document(KIND, title=clean_cell(title_el.text_content()) if title_el is not None else "")  # type: ignore[attr-defined]
    body = root.find("body")
    if body is None:
        body = root
    article = _article(body)
    walker = _Walker()
    walker.walk(body)
    blocks = walker.blocks
    if article is not None and article is not body:
        inside = _Walker()
        inside.walk(article)
        # the title often stands above the article (an <h1> of the page): keep the last one
        before = blocks[:_index_of(blocks, inside.blocks)]
        from .tables import is_title
        titles = [b for b in before if isinstance(b, Paragraph) and is_title(b.text)]
        blocks = titles[-1:] + inside.blocks
    doc.blocks = blocks
    return doc


def _index_of(blocks: list, part: list) -> int:
    if not part:
        return len(blocks)
    first = part[0]
    for i, b in enumerate(blocks):
        if b == first:
            return i
    return len(blocks)


def _article(body):  # noqa: ANN001, ANN202 - lxml elements
    """The smallest element holding the report's tables and section headings."""
    from .. import spec
    marks = []
    headings = {norm(s.heading) for s in spec.SECTIONS}
    for el in body.iter("table"):
        if el.find(".//table") is None:
            t = norm(el.text_content())
            if norm(spec.T3_APPLICANTS) in t or "结果维持" in t or norm(spec.T2_CONTENT_LABEL) in t:
                marks.append(el)
    for el in body.iter("p", "h1", "h2", "h3", "h4", "div", "span", "strong", "b", "td"):
        if norm(el.text_content()) in headings:
            marks.append(el)
    if not marks:
        return None
    ancestors = [list(m.iterancestors())[::-1] + [m] for m in marks]
    common = None
    for level in zip(*ancestors, strict=False):
        if all(x is level[0] for x in level):
            common = level[0]
        else:
            break
    return common


class _Walker:
    """Blocks in reading order: innermost tables become grids, layout tables are walked into,
    text between block elements becomes paragraphs."""

    def __init__(self) -> None:
        self.blocks: list = []
        self.line: list[str] = []

    def flush(self) -> None:
        text = clean_cell("".join(self.line))
        if text:
            self.blocks.append(Paragraph(text))
        self.line = []

    def walk(self, el) -> None:  # noqa: ANN001
        tag = el.tag if isinstance(el.tag, str) else ""
        tag = tag.split("}")[-1].lower()
        if tag in _SKIP or not isinstance(el.tag, str):
            if el.tail and isinstance(el.tag, str) is False:
                self.line.append(el.tail)  # a comment's tail is text
            elif tag in _SKIP and el.tail:
                self.line.append(el.tail)
            return
        if tag == "table" and el.find(".//table") is None:
            self.flush()
            self.blocks.append(_grid(el))
            if el.tail:
                self.line.append(el.tail)
            return
        block = tag in _BLOCK
        if block:
            self.flush()
        if tag == "br":
            self.flush()
        if el.text:
            self.line.append(el.text)
        for child in el:
            self.walk(child)
        if block:
            self.flush()
        if el.tail:
            self.line.append(el.tail)


def _span(value: str | None) -> int:
    if value is None:
        return 1
    try:
        return max(1, min(200, int(str(value).strip() or 1)))
    except ValueError:
        return 1


def _grid(table):  # noqa: ANN001, ANN202
    builder = GridBuilder()
    for tr in table.iter("tr"):
        cells = []
        for td in tr:
            if not isinstance(td.tag, str) or td.tag.lower() not in ("td", "th"):
                continue
            cells.append((_cell_text(td), _span(td.get("rowspan")), _span(td.get("colspan"))))
        builder.add_row(cells)
    return builder.grid()


def _cell_text(td) -> str:  # noqa: ANN001
    if not len(td):  # most cells: a number, nothing inside (the walk below would give the same)
        return clean_cell(td.text or "")
    parts: list[str] = []

    def walk(el) -> None:  # noqa: ANN001
        if isinstance(el.tag, str):
            tag = el.tag.lower()
            if tag in ("script", "style"):
                if el.tail:
                    parts.append(el.tail)
                return
            if tag in ("p", "div", "br", "li"):
                parts.append("\n")
            if el.text:
                parts.append(el.text)
            for child in el:
                walk(child)
        if el.tail and el is not td:
            parts.append(el.tail)
    walk(td)
    return clean_cell("".join(parts))
