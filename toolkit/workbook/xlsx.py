"""The parts of an .xlsx package, read straight from the zip: the thin adapter under the reader
and under write-back.

openpyxl's load_workbook builds every cell, style and drawing of every sheet; the reader needs a few
hundred named cells. Reading only workbook.xml, the shared strings, the styles and the sheets that
hold our names costs a fraction of that. Files arrive by e-mail from anywhere: XML with a
DTD is refused (see parse_xml), and parts are size-checked before they are inflated.
"""

from __future__ import annotations

import datetime as _dt
import functools
import io
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError
from xml.etree.ElementTree import fromstring as _fromstring

from ..report import UnusableFile
from .layout import col_letter
from ..values import Formula

MAX_PART_BYTES = 64 * 1024 * 1024  # no part of a report workbook is near this: a zip bomb is
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_CELL_REF = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)$")
_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
_BUILTIN_DATE_FORMATS = set(range(14, 23)) | set(range(27, 37)) | set(range(45, 48)) | set(range(50, 59))
_DATE_CODE = re.compile(r"(\"[^\"]*\"|\[[^\]]*\]|\\.)")  # quoted text, [colour]/[locale], escapes


def parse_xml(data: bytes) -> Element:
    """Parse one part with the C parser, refusing any document type declaration.

    Entity tricks (billion laughs, external entities) all need a DTD, and no OOXML part has one,
    so refusing ``<!DOCTYPE`` is what defusedxml's forbid_dtd does, without its pure-Python
    parser callbacks, which cost the reader three quarters of its time."""
    if b"\x00" in data:
        # UTF-16/32 (allowed by XML, written by no spreadsheet program) would hide a DTD from
        # the byte search below; every ASCII-compatible encoding spells it in these bytes.
        raise UnusableFile("工作簿内部的 XML 不是 UTF-8 编码，拒绝读取")
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise UnusableFile("工作簿内部的 XML 含有文档类型声明（DTD），可能是恶意文件，拒绝读取")
    try:
        return _fromstring(data)
    except (ParseError, ValueError) as exc:
        raise UnusableFile(f"工作簿内部的 XML 已损坏（{exc}），无法读取") from exc


def local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def unescape(text: str) -> str:
    """OOXML's _xHHHH_ escapes (control characters, and a literal '_x' sequence as _x005F_)."""
    if "_x" not in text:
        return text
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)


def cell_index(ref: str) -> tuple[int, int]:
    """'D7' or '$D$7' -> (6, 3), 0-based row and column."""
    m = _CELL_REF.match(ref.upper())
    if not m:
        raise ValueError(ref)
    col = 0
    for ch in m.group(1):
        col = col * 26 + ord(ch) - 64
    return int(m.group(2)) - 1, col - 1


MAX_FILE_BYTES = 256 * 1024 * 1024  # a report workbook is ~30 KB


def sniff(data: bytes) -> None:
    """Refuse, with the reason in words, what is not an .xlsx/.xlsm package."""
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        if "EncryptionInfo".encode("utf-16-le") in data[: 1 << 20]:
            raise UnusableFile("工作簿设置了打开密码（已加密），无法读取：请在 Excel/WPS 中清除打开密码后另存，再发送")
        raise UnusableFile("这是 Excel 97-2003 格式（.xls）的文件，无法读取：请在 Excel/WPS 中打开，"
                           "“另存为”Excel 工作簿（.xlsx）后再校验；最好直接用 nianbao 生成的 .xlsx 模板填写")
    if not data.startswith(b"PK"):
        raise UnusableFile("不是 Excel 工作簿（.xlsx）文件，无法读取")


@dataclass
class Package:
    """An opened .xlsx, held in memory: its parts by name, read on demand. ``data`` is the file's
    bytes as read, once (the reader's digest is taken from the very bytes it judged)."""

    path: Path
    zf: zipfile.ZipFile
    data: bytes = b""
    workbook_part: str = "xl/workbook.xml"
    _cache: dict[str, bytes] = field(default_factory=dict)

    @classmethod
    def open(cls, path: Path | str) -> "Package":
        path = Path(path)
        if not path.exists():
            raise UnusableFile("找不到文件")
        if path.is_dir():
            raise UnusableFile("这是一个文件夹，不是工作簿")
        if path.stat().st_size > MAX_FILE_BYTES:
            raise UnusableFile(f"文件过大（{path.stat().st_size} 字节），不是年报工作簿，拒绝读取")
        return cls.from_bytes(path.read_bytes(), path)

    @classmethod
    def from_bytes(cls, data: bytes, path: Path | str = "workbook.xlsx") -> "Package":
        """A package over bytes in memory (a file read, or a workbook write-back just made)."""
        sniff(data)
        try:
            zf = zipfile.ZipFile(io.BytesIO(data))
            names = set(zf.namelist())
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise UnusableFile("工作簿文件已损坏（不是完整的 .xlsx 压缩包），无法读取：请重新保存或重新发送") from exc
        pkg = cls(Path(path), zf, data)
        try:
            if "[Content_Types].xml" not in names:
                raise UnusableFile("不是 Excel 工作簿（压缩包中没有工作簿内容），无法读取")
            rels = pkg.relationships("")
            main = [t for t, typ in rels.values() if typ.endswith("/officeDocument")]
            if not main or main[0] not in names:
                raise UnusableFile("不是 Excel 工作簿（压缩包中没有工作簿内容），无法读取")
        except BaseException:
            zf.close()
            raise
        pkg.workbook_part = main[0]
        return pkg

    def close(self) -> None:
        self.zf.close()

    def __enter__(self) -> "Package":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def has(self, name: str) -> bool:
        try:
            self.zf.getinfo(name)
            return True
        except KeyError:
            return False

    def read(self, name: str) -> bytes:
        if name not in self._cache:
            try:
                info = self.zf.getinfo(name)
            except KeyError:
                raise UnusableFile(f"工作簿不完整：缺少 {name}") from None
            if info.file_size > MAX_PART_BYTES:
                raise UnusableFile(f"工作簿中的 {name} 过大（{info.file_size} 字节），拒绝读取")
            try:
                self._cache[name] = self.zf.read(info)
            except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
                raise UnusableFile(f"工作簿文件已损坏（{name} 无法解压）") from exc
            except RuntimeError as exc:  # encrypted zip member
                raise UnusableFile("工作簿的压缩包设置了密码，无法读取") from exc
        return self._cache[name]

    def xml(self, name: str) -> Element:
        return parse_xml(self.read(name))

    def relationships(self, part: str) -> dict[str, tuple[str, str]]:
        """rId -> (target part name, relationship type) for a part ('' for the package)."""
        folder, base = posixpath.split(part)
        rels_name = posixpath.join(folder, "_rels", base + ".rels")
        if not self.has(rels_name):
            return {}
        out = {}
        for rel in self.xml(rels_name):
            target = rel.get("Target", "")
            if rel.get("TargetMode") == "External":
                continue
            name = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
                posixpath.join(folder, target))
            out[rel.get("Id", "")] = (name, rel.get("Type", ""))
        return out


@dataclass
class Book:
    """What workbook.xml and its companions say: sheets, defined names, strings, date styles."""

    pkg: Package
    sheets: dict[str, str]  # sheet name -> part name
    names: dict[str, str]  # workbook-scoped defined name -> its formula text
    strings: list[str]
    date_styles: set[int]  # indexes of cellXfs that format numbers as dates
    date1904: bool
    _resolved: dict[str, tuple[str, str] | None] | None = None

    @classmethod
    def load(cls, pkg: Package) -> "Book":
        root = pkg.xml(pkg.workbook_part)
        rels = pkg.relationships(pkg.workbook_part)
        sheets: dict[str, str] = {}
        names: dict[str, str] = {}
        date1904 = False
        strings: list[str] = []
        styles_part = None
        for el in root:
            tag = local(el.tag)
            if tag == "workbookPr":
                date1904 = el.get("date1904") in ("1", "true")
            elif tag == "sheets":
                for sh in el:
                    rid = sh.get(f"{{{REL_NS}}}id") or next(
                        (v for k, v in sh.attrib.items() if local(k) == "id"), "")
                    if rid in rels:
                        sheets[sh.get("name", "")] = rels[rid][0]
            elif tag == "definedNames":
                for dn in el:
                    if dn.get("localSheetId") is None and dn.text:
                        names[dn.get("name", "")] = dn.text
        for target, typ in rels.values():
            if typ.endswith("/sharedStrings") and pkg.has(target):
                strings = [_string_item(si) for si in pkg.xml(target)]
            elif typ.endswith("/styles") and pkg.has(target):
                styles_part = target
        date_styles = _date_styles(pkg.xml(styles_part)) if styles_part else set()
        return cls(pkg, sheets, names, strings, date_styles, date1904)

    def resolve(self, name: str) -> tuple[str, str] | None:
        """A defined name that points at one cell -> (sheet name, 'D7'); None otherwise."""
        if self._resolved is None:
            self._resolved = {n: resolve_ref(text, self.sheets) for n, text in self.names.items()}
        return self._resolved.get(name)

    def cells(self, sheet: str, refs: set[str]) -> dict[str, object]:
        """The raw values of the given cells of one sheet (absent cells are left out).

        A formula comes back as ``Formula(text, cached value)``; a number in a date format as a
        date; text with its escapes undone. Cells and rows without an ``r`` attribute (allowed,
        and written by some generators) take the position after their predecessor."""
        part = self.sheets[sheet]
        root = self.pkg.xml(part)
        # Shared formulas (Excel's fill-down) name their anchor in a cell we may not need:
        # only a sheet that has any is scanned cell by cell for them.
        has_shared = b'"shared"' in self.pkg.read(part)
        ns = root.tag[: root.tag.index("}") + 1] if root.tag.startswith("{") else ""
        f_tag, v_tag, is_tag = ns + "f", ns + "v", ns + "is"
        out: dict[str, object] = {}
        shared: dict[str, tuple[str, str]] = {}  # si -> (anchor ref, formula text)
        data = root.find(ns + "sheetData")
        if data is None:
            return out
        row_no = 0
        for row in data:
            r = row.get("r")
            row_no = int(r) if r and r.isdigit() else row_no + 1
            col_no = 0
            named = None  # the last cell's own ref; its column is computed only when needed
            for c in row:
                ref = c.get("r")
                if ref:
                    named = ref
                else:
                    col_no = (_col_of(named) if named else col_no) + 1
                    named = None
                    ref = f"{col_letter(col_no - 1)}{row_no}"
                if has_shared:
                    f_el = c.find(f_tag)
                    if f_el is not None and f_el.get("t") == "shared" and f_el.text and f_el.get("si"):
                        shared[f_el.get("si")] = (ref, f_el.text)
                if ref not in refs:
                    continue
                if not has_shared:
                    f_el = c.find(f_tag)
                value = self._value(c, c.find(v_tag), c.find(is_tag))
                if f_el is not None:
                    text = f_el.text or ""
                    if not text and f_el.get("t") == "shared" and f_el.get("si") in shared:
                        anchor, master = shared[f_el.get("si")]
                        text = shift_formula(master, anchor, ref)
                    value = Formula(text, value)
                out[ref] = value
        return out

    def _value(self, c: Element, v_el: Element | None, is_el: Element | None) -> object:
        t = c.get("t", "n")
        if t == "inlineStr":
            return _string_item(is_el) if is_el is not None else None
        if v_el is None or v_el.text is None:
            return None
        text = v_el.text
        if t == "s":
            try:
                return self.strings[int(text)]
            except (ValueError, IndexError):
                return None
        if t in ("str", "e"):
            return unescape(text)
        if t == "b":
            return text.strip() in ("1", "true")
        if t == "d":
            try:
                return _dt.datetime.fromisoformat(text)
            except ValueError:
                return text
        try:
            number: int | float = int(text) if text.lstrip("-").isdigit() else float(text)
        except ValueError:
            return text
        style = c.get("s")
        if style and int(style) in self.date_styles:
            return serial_to_date(float(number), self.date1904)
        return number


def resolve_ref(text: str, sheets: dict[str, str]) -> tuple[str, str] | None:
    """A reference to one cell of one of ``sheets`` -> (sheet, 'D7'); None otherwise."""
    where = parse_ref(text)
    return where if where is not None and where[0] in sheets else None


@functools.lru_cache(maxsize=4096)
def parse_ref(text: str) -> tuple[str, str] | None:
    """"'表三 依申请公开'!$D$7" (a defined name's formula) or "表三 依申请公开!D7" (an address in
    a finding) -> ('表三 依申请公开', 'D7'). Cached: every workbook of a batch has the same few
    hundred names."""
    if "!" not in text:
        return None
    sheet, _, ref = text.lstrip("=").rpartition("!")
    if sheet.startswith("'") and sheet.endswith("'"):
        sheet = sheet[1:-1].replace("''", "'")
    ref = ref.replace("$", "")
    if not _CELL_REF.match(ref):
        return None
    return sheet, ref


def _col_of(ref: str) -> int:
    """'AB12' -> 28 (1-based column number)."""
    col = 0
    for ch in ref:
        if ch.isdigit():
            break
        col = col * 26 + (ord(ch.upper()) - 64)
    return col


def _string_item(si: Element) -> str:
    """A shared or inline string: plain <t>, or rich text runs <r><t>; phonetic runs skipped."""
    parts = []
    for child in si:
        tag = local(child.tag)
        if tag == "t":
            parts.append(child.text or "")
        elif tag == "r":
            parts.extend(t.text or "" for t in child if local(t.tag) == "t")
    return unescape("".join(parts))


def _date_styles(styles: Element) -> set[int]:
    custom: dict[int, str] = {}
    xfs: list[int] = []
    for el in styles:
        tag = local(el.tag)
        if tag == "numFmts":
            for nf in el:
                try:
                    custom[int(nf.get("numFmtId", "-1"))] = nf.get("formatCode", "")
                except ValueError:
                    pass
        elif tag == "cellXfs":
            for xf in el:
                try:
                    xfs.append(int(xf.get("numFmtId", "0")))
                except ValueError:
                    xfs.append(0)
    dates = set()
    for i, fmt_id in enumerate(xfs):
        if fmt_id in custom:
            code = _DATE_CODE.sub("", custom[fmt_id]).lower()
            if any(ch in code for ch in "dmyhs") and "general" not in code:
                dates.add(i)
        elif fmt_id in _BUILTIN_DATE_FORMATS:
            dates.add(i)
    return dates


def serial_to_date(serial: float, date1904: bool = False) -> _dt.date | _dt.datetime | float:
    """An Excel date serial as a date; a number no date can be (99999999 typed into a date
    cell) stays the number, for the rules to report."""
    base = _dt.datetime(1904, 1, 1) if date1904 else _dt.datetime(1899, 12, 30)
    try:
        when = base + _dt.timedelta(days=serial)
    except (OverflowError, ValueError):
        return serial
    return when.date() if serial == int(serial) else when


_REF_IN_FORMULA = re.compile(r"(\"[^\"]*\")|(?<![A-Za-z_\d.])(\$?)([A-Z]{1,3})(\$?)(\d+)(?![\d(A-Za-z_])")


def shift_formula(formula: str, anchor: str, target: str) -> str:
    """A shared formula's text as it applies at ``target``: relative references move by the
    distance from the anchor cell (how Excel stores formulas filled across a range)."""
    ar, ac = cell_index(anchor)
    tr, tc = cell_index(target)
    dr, dc = tr - ar, tc - ac

    def move(m: re.Match) -> str:
        if m.group(1):
            return m.group(1)
        col_abs, col, row_abs, row = m.group(2), m.group(3), m.group(4), int(m.group(5))
        c = cell_index(f"{col}1")[1]
        if not col_abs:
            c += dc
        if not row_abs:
            row += dr
        return f"{col_abs}{col_letter(c)}{row_abs}{row}"

    return _REF_IN_FORMULA.sub(move, formula)


def core_modified(pkg: Package) -> str | None:
    """docProps/core.xml's dcterms:modified, the workbook's own save time."""
    if not pkg.has("docProps/core.xml"):
        return None
    try:
        root = pkg.xml("docProps/core.xml")
    except UnusableFile:
        return None
    for el in root:
        if local(el.tag) == "modified" and el.text:
            return el.text.strip()
    return None
