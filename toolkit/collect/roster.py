"""The district's roster (单位名单): who must report, and where to write to them.

A roster is an .xlsx or .csv with a header row naming the columns 单位名称 and 邮箱 (optionally
级别 and 联系人), in any order. Units are matched to it by name: exactly first (ignoring spaces
and letter case, as ``previous.unit_key``), then after normalising (``unitnames.Names.norm``:
full-width to half-width, spaces, a leading region name, the suffixes 办事处/人民政府/委员会; the
regions are those in the district's own name, ``--unit``, and those shared by two or more roster
names). A normalised match is said as such; a name that normalises to two roster entries is
reported, never merged.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import BadData, OutputExists
from ..fileio import atomic_write
from ..log import Logger
from ..previous import unit_key
from ..safetext import chinese_text
from ..unitnames import Names, half_width, plain, tails

log = Logger(__name__)

NAME, EMAIL, LEVEL, CONTACT = "单位名称", "邮箱", "级别", "联系人"
COLUMNS = (NAME, EMAIL, LEVEL, CONTACT)
# The template's example rows: marked in their name, so that a list added below them is not
# mistaken for units (a row whose name begins with the mark is ignored, with a note)
EXAMPLE_MARK = "（示例）"
TEMPLATE_ROWS = ((f"{EXAMPLE_MARK}城北街道办事处", "chengbei@example.gov.cn", "乡镇街道", "张三"),
                 (f"{EXAMPLE_MARK}区教育局", "jyj@example.gov.cn", "部门", "李四"))
# Exact, normalised, joined by the user (--same), or how a name failed to match.
EXACT, NORMALISED, AMBIGUOUS, OUTSIDE = "名单内", "名单内（名称经规范化后匹配）", "名单中有多个相近名称", "名单外"
JOINED = "名单内（按 --same 对应）"
BY_FILE_NAME = "名单内（按文件名对应）"  # a file that cannot be read, its unit's name in its file name
# Not on the roster, but one name is the other with a region before it (某某区城北街道 / 城北街道)
NEAR = "名单外（与名单中的单位名称相近）"
MATCHED = (EXACT, NORMALISED, JOINED, BY_FILE_NAME)  # the file stands for its roster entry


@dataclass(frozen=True)
class Entry:
    """One unit of the roster (单位名单)."""

    name: str
    email: str = ""
    level: str = ""
    contact: str = ""
    line: int = 0  # the roster's row, for messages


@dataclass(frozen=True)
class Match:
    """How a unit name of the batch was found in the roster, if it was."""

    how: str  # EXACT NORMALISED AMBIGUOUS OUTSIDE
    entry: Entry | None = None
    candidates: tuple[Entry, ...] = ()

    @property
    def note(self) -> str:
        if self.how in (NORMALISED, JOINED, BY_FILE_NAME) and self.entry:
            return f"{self.how}：名单中为“{self.entry.name}”"
        if self.how in (AMBIGUOUS, NEAR):
            return f"{self.how}：" + "、".join(f"“{e.name}”" for e in self.candidates) + "，未自动对应，请核实"
        return self.how


@dataclass
class Roster:
    """The units that must report, with their look-ups by name, normalised name and e-mail."""

    entries: list[Entry]
    path: str = ""
    notes: list[str] = field(default_factory=list)  # what was ignored or is missing, for the user
    names: Names = field(default_factory=Names)
    _exact: dict[str, Entry] = field(default_factory=dict, repr=False)
    _norm: dict[str, list[Entry]] = field(default_factory=dict, repr=False)
    _email: dict[str, Entry] = field(default_factory=dict, repr=False)
    _tails: dict[str, list[Entry]] = field(default_factory=dict, repr=False)

    def prepare(self, district: str | None) -> Roster:
        self.names = Names.known(district, [e.name for e in self.entries])
        self._exact = {unit_key(e.name): e for e in self.entries}
        self._norm = {}
        for e in self.entries:
            self._norm.setdefault(self.names.norm(e.name), []).append(e)
        self._email = {a.strip().casefold(): e for e in self.entries for a in e.email.split(",") if a.strip()}
        self._tails = {}
        for e in self.entries:
            for t in tails(self.names.norm(e.name)):
                self._tails.setdefault(t, []).append(e)
        return self

    def match(self, unit: str | None) -> Match:
        if not unit or not unit.strip():
            return Match(OUTSIDE)
        e = self._exact.get(unit_key(unit))
        if e:
            return Match(EXACT, e)
        found = self._norm.get(self.names.norm(unit), [])
        if len(found) == 1:
            return Match(NORMALISED, found[0])
        if found:
            return Match(AMBIGUOUS, candidates=tuple(found))
        # one name is the other with a region before it: maybe the same unit, never merged
        norm = self.names.norm(unit)
        near = [*self._tails.get(norm, ()),
                *(e for t in tails(norm) for e in self._norm.get(t, ()) if plain(e.name) == t)]
        if near:
            return Match(NEAR, candidates=tuple(dict.fromkeys(near)))
        return Match(OUTSIDE)

    def in_file_name(self, name: str) -> Match:
        """The entry whose name a file's name holds (甲街道年报.rar, 附件1：某某区乙街道2024.doc),
        for a file that cannot be read: BY_FILE_NAME, or OUTSIDE."""
        norm = self.names.named_in(Path(name).stem, self._norm)
        found = self._norm.get(norm or "", [])
        return Match(BY_FILE_NAME, found[0]) if len(found) == 1 else Match(OUTSIDE)

    def match_with(self, unit: str | None, same: list[tuple[str, str]] | tuple = ()) -> Match:
        """``match``, after the user's --same pairs ("甲=乙", either side a roster name): a name
        not on the roster as it is but joined to a roster name is that entry (JOINED)."""
        key = unit_key(unit)
        if unit and not self.by_key(key):
            for a, b in same:
                other = b if unit_key(a) == key else a if unit_key(b) == key else None
                entry = self.by_key(unit_key(other)) if other else None
                if entry:
                    return Match(JOINED, entry)
        return self.match(unit)

    def address(self, unit: str | None, same: list[tuple[str, str]] | tuple = ()) -> str:
        """Where a unit's drafts go: its roster entry's 邮箱, or "" (none, or not matched)."""
        m = self.match_with(unit, same)
        return m.entry.email if m.entry and m.how in MATCHED else ""

    def by_key(self, key: str) -> Entry | None:
        """The entry whose name is ``key`` (``unit_key``), if any."""
        return self._exact.get(key)

    def by_email(self, address: str) -> Entry | None:
        return self._email.get((address or "").strip().casefold())


def load(path: Path | str, district: str | None = None) -> Roster:
    """The roster at ``path`` (.xlsx or .csv); BadData naming the row for what cannot be used."""
    path = Path(path)
    if not path.is_file():
        raise BadData(f"找不到单位名单：{path}", path=path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        rows = _csv_rows(path)
    elif suffix in (".xlsx", ".xlsm"):
        rows = _xlsx_rows(path)
    else:
        raise BadData(f"单位名单应为 .xlsx 或 .csv 文件，实为“{path.suffix or '无扩展名'}”：{path}", path=path)
    header_at = next((i for i, r in enumerate(rows) if NAME in r), None)
    if header_at is None:
        raise BadData(f"单位名单中找不到“{NAME}”列（第一行应为列名：{'、'.join(COLUMNS)}）：{path}", path=path)
    header = rows[header_at]
    col = {name: header.index(name) for name in COLUMNS if name in header}
    entries: list[Entry] = []
    notes: list[str] = []  # rows ignored (合计, the template's examples), units without 邮箱
    no_email: list[str] = []
    examples = 0
    seen: dict[str, int] = {}
    for i, row in enumerate(rows[header_at + 1:], start=header_at + 2):
        def get(name: str, row: list[str] = row) -> str:
            c = col.get(name)
            return row[c] if c is not None and c < len(row) else ""
        name = get(NAME)
        if not name:
            continue
        if _total_row(name, row):
            notes.append(f"单位名单第{i}行“{name}”是合计或说明行，已忽略")
            continue
        if half_width(name).startswith(("(示例)", "示例")):  # the template's own rows, left above the real ones
            notes.append(f"单位名单第{i}行“{name}”是模板中的示例，已忽略")
            examples += 1
            continue
        key = unit_key(name)
        if key in seen:
            raise BadData(f"单位名单第{i}行的单位“{name}”与第{seen[key]}行重复，请删去一行：{path}", path=path)
        seen[key] = i
        addresses = [a for a in _ADDRESS_SEP.split(get(EMAIL)) if a]
        for address in addresses:
            if address.count("@") != 1 or address.startswith("@") or address.endswith("@"):
                raise BadData(f"单位名单第{i}行“{name}”的邮箱不是有效地址：“{address}”"
                              f"（应形如 unit@example.gov.cn，几个地址之间用分号隔开）：{path}", path=path)
        if not addresses:
            no_email.append(f"第{i}行“{name}”")
        entries.append(Entry(name, ", ".join(addresses), get(LEVEL), get(CONTACT), i))
    if not entries:
        only = "只有模板中的示例行，请在下面添加本地区的单位" if examples else f"“{NAME}”列为空"
        raise BadData(f"单位名单中没有单位（{only}）：{path}", path=path)
    if no_email:
        more = "等" if len(no_email) > 5 else ""
        notes.append(f"单位名单中{len(no_email)}个单位没有邮箱（{'、'.join(no_email[:5])}{more}），"
                     "退回邮件只能发往其发件地址，未报送的不生成催报邮件；请在名单中补上邮箱")
    return Roster(entries, str(path), notes=notes).prepare(district)


# Between two addresses in one roster cell: ; , ， ； 、 and spaces, as office rosters write them
_ADDRESS_SEP = re.compile(r"[;,，；、\s]+")
# A row that sums or explains the list (合计 2个单位, 说明：…), in its name or another cell
_TOTAL_WORDS = ("合计", "小计", "总计", "说明", "备注", "注：", "注:")


def _total_row(name: str, row: list[str]) -> bool:
    if name.startswith(_TOTAL_WORDS):
        return True
    return any(cell.strip().rstrip("：:") in ("合计", "小计", "总计", "说明", "备注") for cell in row if cell != name)


def _cell(v: object) -> str:
    return " ".join(str(v).split()) if v is not None else ""


def _csv_rows(path: Path) -> list[list[str]]:
    data = path.read_bytes()
    text = chinese_text(data)  # Excel on Chinese Windows saves CSV in GBK
    if text is None:
        raise BadData(f"单位名单无法读取（应为 UTF-8 或 GBK 编码的 CSV）：{path}", path=path)
    return [[_cell(v) for v in r] for r in csv.reader(io.StringIO(text))]


def _xlsx_rows(path: Path) -> list[list[str]]:
    import openpyxl
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any reason the file cannot be opened is the user's to see
        log.debug("opening the roster %s failed", path, exc_info=True)
        raise BadData(f"单位名单无法打开（{type(exc).__name__}）：{path}", path=path) from None
    try:
        ws = wb.worksheets[0]
        return [[_cell(v) for v in row] for row in ws.iter_rows(values_only=True)]
    finally:
        wb.close()


def template_bytes() -> bytes:
    """An empty roster to fill in: the header, two example rows, a note on each column."""
    import xlsxwriter
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"strings_to_numbers": False, "strings_to_formulas": False,
                                   "strings_to_urls": False})
    head = wb.add_format({"font_name": "宋体", "bold": True, "bg_color": "#DDEBF7", "border": 1})
    plain = wb.add_format({"font_name": "宋体"})
    note = wb.add_format({"font_name": "宋体", "font_color": "#808080", "italic": True})
    ws = wb.add_worksheet("单位名单")
    for c, (label, width) in enumerate(zip(COLUMNS, (34, 30, 10, 10), strict=True)):
        ws.set_column(c, c, width)
        ws.write_string(0, c, label, head)
    for r, row in enumerate(TEMPLATE_ROWS, start=1):
        for c, v in enumerate(row):
            ws.write_string(r, c, v, plain)
    ws.freeze_panes(1, 0)
    ws.write_string(0, 5, "说明：每行一个应报送的单位。单位名称、邮箱必填；级别、联系人可不填。"
                    f"名称以“{EXAMPLE_MARK}”开头的示例行不算单位，可直接在下面添加本地区的单位，"
                    "也可删去或改写示例行。一个单位有几个邮箱时用分号隔开。", note)
    wb.close()
    return buf.getvalue()


def write_template(out: Path | str, *, force: bool = False) -> Path:
    out = Path(out)
    if out.exists() and not force:
        raise OutputExists(f"文件已存在，未覆盖：{out}（如要覆盖请加 --force）", path=out)
    atomic_write(out, template_bytes())
    return out
