"""The JSON data format of FORMAT.md: one flat object, "format" then key -> value."""

from __future__ import annotations

import json
from pathlib import Path

from . import spec
from .errors import BadData, UnreadableFile
from .fileio import os_reason
from .lazyre import lazy
from .report import Report
from .safetext import chinese_text
from .values import Formula, show

SOURCES = "sources"  # FORMAT.md's optional key -> place object of an imported report
# optional: an imported report's section headings found, number (一…六) -> heading as printed (E7)
SECTIONS = "sections"
# optional: true for a unit's own spreadsheet of the tables only (its text is in its Word report)
TABLES_ONLY = "tables_only"
# optional: the tables' keys an imported document did not give (pictures, a table not found)
UNREAD = "unread"
_NOT_FIELDS = ("format", SOURCES, SECTIONS, TABLES_ONLY, UNREAD)  # the keys of a data file that are not report fields
_SECTION_NUMBERS = tuple(s.number for s in spec.SECTIONS)


def parse_data(obj: object, source: str) -> dict[str, object]:
    """Validate a JSON data object: the right format, no unknown key (a misspelt key would
    silently lose its value), values that JSON can hold. Returns key -> raw value."""
    if not isinstance(obj, dict):
        raise BadData("JSON 数据文件应为一个对象（{\"format\": ..., 键: 值}）")
    fmt = obj.get("format")
    if fmt != spec.FORMAT_ID:
        found = "没有 format 项" if fmt is None else f"实为“{fmt}”"
        raise BadData(f"JSON 数据文件的 format 应为“{spec.FORMAT_ID}”，{found}")
    unknown = [k for k in obj if k not in _NOT_FIELDS and k not in spec.FIELDS]
    if unknown:
        raise BadData(f"JSON 数据文件中有{len(unknown)}个未知的键：" + "、".join(unknown[:5])
                           + ("等" if len(unknown) > 5 else "") + "（键名见 docs/format.md）")
    # lists and objects, and NaN/Infinity (Python's json accepts them; no workbook can hold them).
    # A number too large for a float (1e999) is a value out of range: E2 says so.
    bad = [k for k, v in obj.items() if k not in _NOT_FIELDS and isinstance(v, (list, dict, _NonFinite))]
    if bad:
        raise BadData("JSON 数据文件中这些键的值不是数字或文字：" + "、".join(bad[:5]))
    return {k: v for k, v in obj.items() if k not in _NOT_FIELDS}


def parse_sources(obj: object) -> dict[str, str]:
    """The optional ``sources`` object (FORMAT.md): key -> where the value was read in an imported
    document. Entries that are not a known key with a text are left out: they are only hints."""
    sources = obj.get(SOURCES) if isinstance(obj, dict) else None
    if not isinstance(sources, dict):
        return {}
    return {k: v for k, v in sources.items() if k in spec.FIELDS and isinstance(v, str)}


def parse_sections(obj: object) -> dict[str, str] | None:
    """The optional ``sections`` object: which of the six section headings the imported document
    has, each as printed. None when absent (data typed in, or an import by an older nianbao): rule
    E7 then does not judge headings. A malformed one is refused: it decides what E7 says."""
    sections = obj.get(SECTIONS) if isinstance(obj, dict) else None
    if sections is None:
        return None
    if not isinstance(sections, dict) or not all(
            k in _SECTION_NUMBERS and isinstance(v, str) for k, v in sections.items()):
        raise BadData(f"JSON 数据文件的 {SECTIONS} 应为一个对象：章节序号（" + "、".join(_SECTION_NUMBERS)
                      + "）→ 原文中的章节标题")
    return {n: sections[n] for n in _SECTION_NUMBERS if n in sections}


def parse_tables_only(obj: object) -> bool:
    """The optional ``tables_only`` flag: the data of a spreadsheet that holds only the tables, so
    that E7 and W6 judge the JSON as they judged the spreadsheet (its text is no error)."""
    flag = obj.get(TABLES_ONLY, False) if isinstance(obj, dict) else False
    if not isinstance(flag, bool):
        raise BadData(f"JSON 数据文件的 {TABLES_ONLY} 应为 true 或 false")
    return flag


def parse_unread(obj: object) -> list[str]:
    """The optional ``unread`` list: the tables' keys an imported document did not give, so that
    their nulls are judged as the document was (not read, not blank). A malformed one is refused."""
    unread = obj.get(UNREAD, []) if isinstance(obj, dict) else []
    if not isinstance(unread, list) or not all(k in spec.TABLE_INPUT_KEYS for k in unread):
        raise BadData(f"JSON 数据文件的 {UNREAD} 应为一个列表，只含三张表中填报项的键（键名见 docs/format.md）")
    return unread


_SURROGATE = lazy("[\ud800-\udfff]")


class _NonFinite(str):
    """NaN / Infinity: Python's json accepts them, JSON does not, and no workbook holds them."""


def _int(literal: str) -> int | str:
    """An integer literal; one too long for Python's int() (thousands of digits) stays its text,
    which the value's check reports as too large (E2) instead of the parser failing."""
    return int(literal) if len(literal) <= 100 else literal


def load_json(path: Path | str) -> dict[str, object]:
    return _load(path)[0]


def _load(path: Path | str) -> tuple[dict[str, object], dict[str, str], dict[str, str] | None, bool, list[str]]:
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise UnreadableFile("找不到文件", path=path) from None
    except OSError as exc:
        raise UnreadableFile(f"无法读取 JSON 数据文件（{os_reason(exc)}）", path=path) from exc
    text = chinese_text(data)  # UTF-8 as JSON should be; GBK as Notepad on a Chinese PC may save it
    if text is None:
        raise UnreadableFile("无法读取 JSON 数据文件：文字编码不是 UTF-8（也不是 GBK），请用 UTF-8 编码保存", path=path)
    try:
        obj = json.loads(text, parse_int=_int, parse_constant=_NonFinite)
    except json.JSONDecodeError as exc:
        raise BadData(f"JSON 数据文件格式错误：第{exc.lineno}行第{exc.colno}列") from exc
    except RecursionError:
        raise BadData("JSON 数据文件格式错误：括号嵌套过深") from None
    return (parse_data(obj, str(path)), parse_sources(obj), parse_sections(obj), parse_tables_only(obj),
            parse_unread(obj))


def read_json(path: Path | str) -> Report:
    """A JSON data file as report data; its ``sources`` (an imported document's places) become
    the places findings name, its ``sections`` the headings rule E7 judges."""
    values, sources, sections, tables_only, unread = _load(path)
    report = Report.from_raw(values, str(path), "json", sources=sources)
    report.sections = sections
    report.tables_only = tables_only
    report.set_unread(unread)
    return report


def found_values(report: Report) -> dict[str, object]:
    """The typed values of a report, and where a value is not valid, what was found (``/``,
    ``5件``, a formula's text): nothing the user typed is lost in an export."""
    values = dict(report.values)
    for key in report.problems:
        raw = report.raw.get(key)
        value = show(raw) if isinstance(raw, Formula) else raw
        if isinstance(value, str) and not value.strip():
            value = None
        values[key] = value.isoformat() if hasattr(value, "isoformat") else value
    return values


def to_json_obj(values: dict[str, object]) -> dict[str, object]:
    """The JSON data object of typed values: every key, in specification order, null if absent."""
    return {"format": spec.FORMAT_ID, **{k: values.get(k) for k in spec.KEYS}}


def dumps(values: dict[str, object]) -> str:
    return json_text(to_json_obj(values))


def json_text(obj: object) -> str:
    """``obj`` as indented JSON that can always be saved as UTF-8: a lone surrogate (a cell's
    _xD800_) has no UTF-8, so it is written as JSON's own escape and read back as it was."""
    text = json.dumps(obj, ensure_ascii=False, indent=1, default=str) + "\n"
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
