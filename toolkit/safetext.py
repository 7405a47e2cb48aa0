"""Text made safe to write: into XML (every Office file), file names and the console.

What a user typed or a file carried may hold characters no XML file can: control characters
(a workbook cell's ``_x0001_``), lone surrogates (a cell's ``_xD800_``, or a file name in GBK bytes
on a UTF-8 system, which Python keeps as ``\\udcb5…``). Written as they are, they make lxml refuse
or an encoder raise halfway through an output. Here each is replaced by something visible, and a
GBK/UTF-8 file name is shown as its author wrote it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable

from .lazyre import lazy

REPLACEMENT = "\ufffd"  # �: "a character was here that cannot be shown"
# XML 1.0's Char production, inverted: C0 controls but tab/newline/return, lone surrogates,
# U+FFFE and U+FFFF.
NOT_XML = lazy("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_ESCAPED = lazy("[\udc80-\udcff]+")  # bytes that were not UTF-8 (surrogateescape)


def chinese_text(data: bytes) -> str | None:
    """Bytes a Chinese PC wrote (a file, a name), as text: UTF-8 (its BOM dropped), else GB18030
    (which holds GBK and GB2312: what Excel, Foxmail and old Outlook on Chinese Windows write);
    None when they are neither."""
    for codec in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            continue
    return None


def _undo_escape(text: str) -> str:
    """Escaped bytes (a name in GBK read as UTF-8) decoded as GB18030: the whole text, since
    some GBK byte pairs are valid UTF-8 by chance (b"\xce\xbb" of 位 reads as λ); else each run
    of escaped bytes alone."""
    try:
        return text.encode("utf-8", "surrogateescape").decode("gb18030")
    except UnicodeError:
        pass

    def decode(m: re.Match[str]) -> str:
        try:
            return m.group(0).encode("utf-8", "surrogateescape").decode("gb18030")
        except UnicodeError:
            return REPLACEMENT * len(m.group(0))
    return _ESCAPED.sub(decode, text)


def xml_text(text: str) -> str:
    """``text`` with nothing an XML file cannot hold: escaped bytes decoded (see ``_undo_escape``),
    any other lone surrogate or control character (tab, newlines kept) shown as �."""
    if text.isprintable() or not NOT_XML.search(text):  # the usual case, first
        return text
    if _ESCAPED.search(text):
        text = _undo_escape(text)
    return NOT_XML.sub(REPLACEMENT, text)


_SURROGATE = lazy("[\ud800-\udfff]")


def json_text(obj: object) -> str:
    """``obj`` as JSON text that encodes to UTF-8: json escapes control characters, but a lone
    surrogate (a cell's _xD800_, a file name in GBK bytes) it would leave for the encoder to choke
    on, so then every text in it is made safe on its own (as ``xml_text``).

    Laid out one entry a line (``_lines``): each key of the object on a line, each item of a list
    there on a line of its own (findings.json: a file and its findings), compact within. That is
    written by json's C encoder; an indented layout only by its pure-Python one, four times slower
    (findings.json of 1,000 workbooks: 30 ms against 8 ms)."""
    import json  # (here: a check that writes no JSON does not load it)

    encode = json.JSONEncoder(ensure_ascii=False, default=lambda v: xml_text(str(v))).encode
    text = _lines(obj, encode)
    # Usually no text needs it: then the texts are not each made safe (a batch's findings.json
    # holds hundreds of thousands). A control character shows as an escape (\u0001, \b, \f).
    if not _unsafe_json(text):
        return text
    return _lines(_safe_texts(obj), encode)


def _lines(obj: object, encode: Callable[[object], str]) -> str:
    """``obj`` in JSON, an object's keys and the items of a list (at the top, or a key's value
    there) each on a line of its own."""
    def items(values: Iterable[object], indent: str) -> str:
        return f",\n{indent}".join(map(encode, values))

    if isinstance(obj, dict):
        lines = [f"{encode(str(k))}: [\n  {items(v, '  ')}\n ]" if isinstance(v, list) and v
                 else f"{encode(str(k))}: {encode(v)}" for k, v in obj.items()]
        return "{\n " + ",\n ".join(lines) + "\n}\n" if lines else "{}\n"
    if isinstance(obj, list) and obj:
        return "[\n " + items(obj, " ") + "\n]\n"
    return encode(obj) + "\n"


def _unsafe_json(text: str) -> bool:
    """Whether the JSON ``text`` holds a control character's escape, or a character no UTF-8 file
    (a lone surrogate) or no XML text (U+FFFE, U+FFFF) can hold. Substring tests, not one
    regular expression: a tenth of the time over a megabyte."""
    if "\\u00" in text or "\\b" in text or "\\f" in text or "\ufffe" in text or "\uffff" in text:
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _safe_texts(obj: object) -> object:
    if isinstance(obj, str):
        return xml_text(obj)
    if isinstance(obj, dict):
        return {k: _safe_texts(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_safe_texts(v) for v in obj]
    return obj


def encodable(text: str) -> str:
    """``text`` with no lone surrogate (escaped bytes decoded, others shown as �), for a writer
    that escapes control characters itself (XlsxWriter writes _x0008_, keeping what was typed)."""
    if text.isascii() or not _SURROGATE.search(text):
        return text
    if _ESCAPED.search(text):
        text = _undo_escape(text)
    return _SURROGATE.sub(REPLACEMENT, text)


def shown_path(path: object) -> str:
    """A path as the user would recognise it, safe to print and to write into a file."""
    return xml_text(os.fspath(path) if isinstance(path, os.PathLike) else str(path))


def clip_bytes(text: str, max_bytes: int) -> str:
    """At most ``max_bytes`` of UTF-8, never a character cut in half."""
    raw = text.encode("utf-8", "surrogatepass")
    if len(raw) <= max_bytes:
        return text
    return raw[:max(max_bytes, 0)].decode("utf-8", "ignore")
