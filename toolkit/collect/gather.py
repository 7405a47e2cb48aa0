"""Expand the command's inputs into the files to check: workbooks as given, folders (recursively),
.zip archives and saved e-mails (.eml), whose members and attachments are extracted.

Everything arriving by e-mail is untrusted: member and attachment names are reduced to a plain
file name (no folder part, no device or control characters) and written below
``OUTDIR/_收件`` under a unique name, so no name can place a file anywhere else. Chinese names
come out right whatever the sender's program did: zip names in UTF-8 (flag bit 11), in GBK
stored without the flag (Windows' built-in zip, WinRAR), e-mail names in RFC 2231 or RFC 2047
in any charset, or raw 8-bit GBK headers.
"""

from __future__ import annotations

import email.utils
import functools
import io
import os
import re
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesParser
from pathlib import Path
from typing import IO

from ..errors import UnusableFile
from ..fileio import BACKUP_DIR, file_mtime, is_lock_file, os_reason
from ..importers import KNOWN_SUFFIXES, content_suffix
from ..limits import MAX_ARCHIVE_BYTES, MAX_FILE_BYTES, input_problem, shown_size
from ..safetext import REPLACEMENT, chinese_text, clip_bytes, shown_path, xml_text
from ..source import FORMAT_NAMES

INBOX = "_收件"  # below OUTDIR: extracted attachments and archive members
PREVIOUS_INBOX = "_上年"  # the same for last year's files (--previous)
SEP = " › "  # in origins: 邮件.eml › 附件.zip › 成员.xlsx
# What may be a unit's report: anything else in a folder, archive or e-mail is not looked at.
REPORT_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".et", ".ods", ".json")
CONTAINER_SUFFIXES = (".zip", ".eml")
# A unit's report document, taken (imported and checked) only where it came without a workbook.
WORD_SUFFIXES = (".docx", ".pdf", ".html", ".htm", ".mhtml", ".mht")
MAX_DEPTH = 4  # archive in e-mail in archive...
# A folder holding this is an output folder of collect (OUTDIR): an earlier run's outputs (its
# summary, returned copies, drafts, extracted attachments) are not units' reports.
STATUS_FILE = "汇总状态.xlsx"
SUMMARY_FILE = "汇总数据.xlsx"  # taken from an output folder given as an input (the city's roll-up)
FINDINGS_FILE = "findings.json"
RETURNS_DIR = "退回"
# What collect writes into OUTDIR (besides its e-mail templates, *.j2, and hidden files)
OUTPUT_NAMES = {STATUS_FILE, SUMMARY_FILE, FINDINGS_FILE, RETURNS_DIR, BACKUP_DIR, INBOX, PREVIOUS_INBOX}
# audit's: its results workbook marks the folder; the reports' data (数据/*.json) are no reports
AUDIT_BOOK, AUDIT_DATA = "审核结果.xlsx", "数据"
AUDIT_NAMES = {AUDIT_BOOK, FINDINGS_FILE, AUDIT_DATA, INBOX, PREVIOUS_INBOX}
# The file that marks an output folder of a batch command -> everything that command writes there
_MARKS = ((STATUS_FILE, OUTPUT_NAMES), (AUDIT_BOOK, AUDIT_NAMES))
_SKIP_NAMES = {"thumbs.db", "desktop.ini", ".ds_store"}
_CHUNK = 1 << 20


@dataclass(frozen=True)
class Mail:
    """The e-mail a file came in: whom to answer and how (a draft replies to it)."""

    origin: str  # the e-mail as the user knows it
    address: str = ""  # Reply-To, else From
    name: str = ""  # From's display name (a unit's name, usually)
    date: float | None = None  # its Date header
    message_id: str = ""
    references: str = ""
    subject: str = ""


@dataclass
class Item:
    """One file to check, and where it came from."""

    path: Path  # where it can be read now (the input itself, or its extracted copy)
    origin: str  # as the user knows it: the input path, or "邮件.eml › 附件名" (see shown_path)
    error: str = ""  # the file could not be obtained (bad archive, missing file): the reason
    sender: str = ""  # the e-mail's From address, when it came by e-mail (for the return draft)
    mtime: float = 0.0  # file time: the file's, the archive member's or the e-mail's date
    mail: Mail | None = None  # the e-mail it came in, if it did
    converted: str = ""  # the suffix it had before LibreOffice converted it to .xlsx (.xls, .et)
    unread: str = ""  # a file found but not read (``error`` says why): REPORT_LIKE or NOT_REPORT


def refuse_if_all_missing(inputs: list[Path | str], what: str) -> None:
    """Stop before any output is made when no input exists (a mistyped folder): UnusableFile naming
    them. ``what``: the command's verb (汇总, 审核). Some missing among others: their rows say so."""
    missing = [str(p) for p in inputs if not Path(p).exists()]
    if inputs and len(missing) == len(inputs):
        shown = "、".join(missing[:5]) + ("等" if len(missing) > 5 else "")
        raise UnusableFile(f"找不到要{what}的文件或文件夹：{shown}。请检查路径，未生成任何输出")


def gather(inputs: list[Path | str], outdir: Path, inbox: str = INBOX,
           suffixes: tuple[str, ...] = REPORT_SUFFIXES, fallback: tuple[str, ...] = (),
           skipped: list[str] | None = None, account: bool = False, reviewer: bool = False) -> list[Item]:
    """Every file to check, in the order given (folders sorted). Extracted files go below
    ``outdir/inbox``. ``suffixes``: the kinds of file taken from folders, archives and e-mails
    (the audit of published reports takes documents too); ``fallback``: kinds taken only from an
    e-mail, archive or folder that holds none of ``suffixes`` (a unit that sent only its Word
    report: beside a workbook, a Word file is its covering letter or a copy of the same report).
    nianbao's own outputs are not taken: an earlier output folder of collect or audit inside an
    input folder (its 汇总状态.xlsx or 审核结果.xlsx says what it is; one of collect given as an
    input gives its 汇总数据.xlsx only), the outputs in ``outdir`` itself when it is an input
    folder (the summary of the last run is not a unit of this one), and an unsent draft (.eml with
    X-Unsent) anywhere; what was left out is added to ``skipped``.
    ``account``: every other file found in a folder (or given) is an item too, ``unread`` and its
    ``error`` saying why it is not read (a .rar, an Outlook .msg, a .doc …): none vanishes unsaid;
    ``reviewer``: said to one who audits published reports (not to a district asking its units)."""
    outdir = Path(outdir)
    g = _Gatherer(outdir / inbox, outdir.resolve(), suffixes, fallback, account, reviewer)
    for raw in inputs:
        g.add_path(Path(raw))
    if skipped is not None:
        skipped.extend(g.skipped)
    return g.items


def skipped_note(skipped: list[str], what: str) -> str:
    """The line that says which of nianbao's own outputs found among the inputs were left out
    (``what``: what they were not taken for, 单位报表 or 报告)."""
    more = "等" if len(skipped) > 3 else ""
    return f"已跳过 nianbao 以前生成的输出文件夹和邮件草稿，未当作{what}：{'、'.join(skipped[:3])}{more}"


class _Budget:
    """What one top-level archive or e-mail may still expand to."""

    def __init__(self) -> None:
        self.left = MAX_ARCHIVE_BYTES

    def refuses(self, size: int) -> bool:
        return size > self.left


class _TooLarge(Exception):
    """A member grew past a limit while it was inflated (its header understated its size)."""


class _Gatherer:
    def __init__(self, inbox: Path, outdir: Path, suffixes: tuple[str, ...] = REPORT_SUFFIXES,
                 fallback: tuple[str, ...] = (), account: bool = False, reviewer: bool = False) -> None:
        self.account, self.reviewer = account, reviewer
        self.wanted = suffixes + CONTAINER_SUFFIXES
        self.main = suffixes
        self.fallback = tuple(s for s in fallback if s not in self.wanted)
        self.inbox = inbox
        self.outdir = outdir
        self.items: list[Item] = []
        self.used: set[str] = set()  # extracted names already taken, case-folded
        self.skipped: list[str] = []  # nianbao's own outputs found among the inputs, not taken

    def add_path(self, path: Path) -> None:
        if path.is_dir():
            self.add_folder(path)
        elif not os.path.lexists(path):
            self.items.append(Item(path, shown_path(path), error="找不到文件"))
        else:
            problem = input_problem(path)
            if problem:
                self.items.append(Item(path, shown_path(path), error=problem))
            elif not (self.account and self.unread(path, self.wanted + self.fallback)):
                self.add_file(path, shown_path(path), sender="", depth=0, budget=_Budget())

    def taken(self, names: list[str]) -> tuple[str, ...]:
        """The kinds of file taken from a group of ``names`` (one folder, archive or e-mail)."""
        if self.fallback and not any(Path(n).suffix.lower() in self.main for n in names):
            return self.wanted + self.fallback
        return self.wanted

    def add_folder(self, folder: Path) -> None:
        if _output_kind(folder)[0] == "pure" and not _same(folder, self.outdir):
            if (folder / AUDIT_BOOK).is_file():  # an audit's results: no reports in it
                self.skipped.append(shown_path(folder))
                return
            # an output folder given as an input: its summary is a unit one level up (roll-up)
            self.skipped.append(f"{shown_path(folder)}中除{SUMMARY_FILE}以外的文件")
            if (folder / SUMMARY_FILE).is_file():
                self.add_path(folder / SUMMARY_FILE)
            return
        for root, dirs, files in os.walk(folder):
            here = Path(root)
            # never collect our own outputs: OUTDIR inside an input folder, or an earlier one
            kept = []
            for d in sorted(dirs):
                if d.startswith(".") or _same(here / d, self.outdir):
                    continue
                if _output_kind(here / d)[0] == "pure":
                    self.skipped.append(shown_path(here / d))
                    continue
                kept.append(d)
            names = [name for name in sorted(files) if not _ignored_name(name)]
            if _same(here, self.outdir):  # this run's own output folder: what it writes is never an input
                ours_here = OUTPUT_NAMES | AUDIT_NAMES
                kept = [d for d in kept if d not in ours_here]
                names = [n for n in names if n not in ours_here]
            elif (found := _output_kind(here))[0] == "mixed":
                # the units' files and an earlier run's outputs in one folder: the outputs left out
                ours = [n for n in [*kept, *names] if n in found[1]]
                self.skipped.append(f"{shown_path(here)}中的" + "、".join(ours))
                kept = [d for d in kept if d not in found[1]]
                names = [n for n in names if n not in found[1]]
            dirs[:] = kept
            wanted = self.taken(names)
            for name in names:
                p = here / name
                if Path(name).suffix.lower() in wanted or (self.account and not _ours(name)):
                    problem = input_problem(p, folder)
                    if problem:
                        self.items.append(Item(p, shown_path(p), error=problem))
                    elif not self.unread(p, wanted):
                        self.add_file(p, shown_path(p), sender="", depth=0, budget=_Budget())

    def unread(self, path: Path, wanted: tuple[str, ...]) -> bool:
        """Whether ``path`` (not of a ``wanted`` kind) is left unread: listed as such when
        accounting for every file. A file without a known suffix whose content is a workbook or
        report of a wanted kind (a mail program dropped the suffix) is read as that."""
        if path.suffix.lower() in wanted or (self.account and _content_kind(path) in wanted):
            return False
        if self.account:
            why, kind = unread_reason(path.name, path.suffix.lower() in self.fallback, self.reviewer)
            self.items.append(Item(path, shown_path(path), error=why, mtime=file_mtime(path) or 0.0, unread=kind))
        return True

    def add_file(self, path: Path, origin: str, sender: str, depth: int, budget: _Budget) -> None:
        suffix = path.suffix.lower()
        mtime = file_mtime(path) or 0.0
        if suffix == ".zip" and depth < MAX_DEPTH:
            self.add_zip(path, origin, sender, depth, budget)
        elif suffix == ".eml" and depth < MAX_DEPTH:
            self.add_eml(path, origin, depth, budget)
        else:
            self.items.append(Item(path, origin, sender=sender, mtime=mtime))
            return
        if depth > 0:  # an archive or e-mail inside another: its members are out, it is not needed
            try:
                path.unlink()
            except OSError:
                pass

    # --- archives ---------------------------------------------------------------------------

    def add_zip(self, path: Path, origin: str, sender: str, depth: int, budget: _Budget) -> None:
        try:
            zf = zipfile.ZipFile(path)
            infos = zf.infolist()
        except NotImplementedError:  # "zip file version 22.9": a format feature Python lacks
            self.items.append(Item(path, origin, error=ZIP_UNSUPPORTED))
            return
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, zlib.error):
            self.items.append(Item(path, origin, error="压缩包已损坏，无法解压"))
            return
        with zf:
            members = []
            named = [(info, name, _base_name(name)) for info in infos for name in (zip_member_name(info),)
                     if not (info.is_dir() or _ignored_name(_base_name(name)) or "__MACOSX" in name.split("/"))]
            wanted = self.taken([base for _, _, base in named])
            for info, name, base in named:
                if Path(base).suffix.lower() not in wanted:
                    continue
                members.append((info, name, base))
            if not members:
                self.items.append(Item(path, origin, error=_no_workbook([b for _, _, b in named], "压缩包")))
                return
            declared = sum(info.file_size for info, _, _ in members)
            if budget.refuses(declared):  # before inflating anything
                self.items.append(Item(path, origin, error=(
                    f"压缩包解压后过大（{shown_size(declared)}，超过 {shown_size(MAX_ARCHIVE_BYTES)}），"
                    "不是各单位的报表，未解压")))
                return
            for info, name, base in members:
                member_origin = origin + SEP + name
                if info.flag_bits & 0x1:
                    self.items.append(Item(path, member_origin,
                                           error="压缩包设置了密码，无法解压：请发送不加密的压缩包或直接发送工作簿"))
                    continue
                self.extract(path, member_origin, base, functools.partial(zf.open, info), info.file_size,
                             _zip_time(info), sender, depth, budget, what="压缩包中的文件")

    # --- e-mails ----------------------------------------------------------------------------

    def add_eml(self, path: Path, origin: str, depth: int, budget: _Budget) -> None:
        try:
            msg = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
        except (OSError, ValueError, LookupError, RecursionError) as exc:
            why = os_reason(exc) if isinstance(exc, OSError) else "邮件格式有误"
            self.items.append(Item(path, origin, error=f"无法读取邮件（{why}）"))
            return
        self.add_message(msg, path, origin, depth, budget)

    def add_message(self, msg: EmailMessage, path: Path, origin: str, depth: int, budget: _Budget) -> None:
        if _header(msg, "X-Unsent") == "1":  # a draft collect wrote (退回/), never a unit's e-mail
            self.skipped.append(origin)
            return
        sender = _sender(msg)
        mail_date = _date(msg)
        when = mail_date or file_mtime(path)
        mail = Mail(origin, sender, _display_name(msg), mail_date, _header(msg, "Message-ID"),
                    _header(msg, "References"), _header(msg, "Subject"))
        first = len(self.items)
        skipped: list[str] = []
        found = False
        parts = list(_attachments(msg))
        wanted = self.taken([attachment_name(p) for p in parts if p.get_content_type() != "message/rfc822"])
        for part in parts:
            if part.get_content_type() == "message/rfc822":  # a forwarded e-mail
                try:
                    inner = part.get_content()
                except (ValueError, LookupError, TypeError, KeyError):
                    continue
                if isinstance(inner, EmailMessage) and depth + 1 < MAX_DEPTH:
                    subject = str(inner.get("Subject", "") or "转发的邮件")
                    before = len(self.items)
                    self.add_message(inner, path, origin + SEP + subject, depth + 1, budget)
                    found = found or len(self.items) > before
                continue
            name = attachment_name(part)
            base = _base_name(name)
            if _ignored_name(base):
                continue
            if Path(base).suffix.lower() not in wanted:
                skipped.append(base)
                continue
            found = True
            try:
                data = part.get_payload(decode=True) or b""
            except (ValueError, TypeError, LookupError):
                self.items.append(Item(path, origin + SEP + name, error="邮件附件已损坏，无法取出"))
                continue
            self.extract(path, origin + SEP + name, base, functools.partial(io.BytesIO, data), len(data),
                         when, sender, depth, budget, what="邮件附件")
        if not found and depth == 0:
            self.items.append(Item(path, origin, error=_no_workbook(skipped)))
        for item in self.items[first:]:
            if item.mail is None:
                item.mail = mail

    # --- extraction ---------------------------------------------------------------------------

    def extract(self, container: Path, origin: str, name: str, open_member: Callable[[], IO[bytes]],
                size: int, when: float | None, sender: str, depth: int, budget: _Budget, what: str) -> None:
        """Store one member or attachment (streamed, never whole in memory) and add it, or why
        it could not be stored, to the list. The limits hold for what is really inflated, not
        only for what the header says; a name the file system refuses, a damaged member or an
        unsupported compression makes a line in the status list, not a traceback, and leaves
        no partial file behind."""
        too_big = self.too_big(size, budget, what)
        if too_big:  # before inflating: the header's size is the first line of defence
            self.items.append(Item(container, origin, error=too_big))
            return
        try:
            dest = self.store(Path(container.name).stem, name, open_member, budget, when)
        except _TooLarge as exc:
            self.items.append(Item(container, origin, error=self.too_big(exc.args[0], budget, what)))
            return
        except NotImplementedError:  # a compression method Python lacks (Deflate64, …)
            self.items.append(Item(container, origin, error=ZIP_METHOD_UNSUPPORTED))
            return
        except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, RuntimeError):
            self.items.append(Item(container, origin, error=f"{what}已损坏，无法解压"))
            return
        except OSError as exc:
            self.items.append(Item(container, origin, error=f"{what}无法保存到输出文件夹（{os_reason(exc)}）"))
            return
        self.add_file(dest, origin, sender, depth + 1, budget)

    @staticmethod
    def too_big(size: int, budget: _Budget, what: str) -> str:
        """Why a member or attachment of ``size`` bytes is not extracted, or ""."""
        if size > MAX_FILE_BYTES:
            return f"{what}过大（{shown_size(size)}，超过 {shown_size(MAX_FILE_BYTES)}），不是报表工作簿，未解压"
        if budget.refuses(size):
            return f"压缩包或邮件解压出的文件总量超过 {shown_size(MAX_ARCHIVE_BYTES)}，未解压此文件"
        return ""

    def store(self, group: str, name: str, open_member: Callable[[], IO[bytes]], budget: _Budget,
              when: float | None) -> Path:
        """Write a member below the inbox, in a folder named for its archive or e-mail, under a
        sanitised name made unique; never outside the inbox."""
        folder = self.inbox / safe_name(group, "附件", max_bytes=MAX_FOLDER_BYTES)
        folder.mkdir(parents=True, exist_ok=True)
        name = safe_name(name, "附件")
        stem, suffix = _split(name)
        candidate, n = name, 1
        while (str(folder / candidate).casefold() in self.used) or (folder / candidate).exists():
            n += 1
            candidate = f"{stem}({n}){suffix}"
        dest = folder / candidate
        assert dest.resolve().is_relative_to(self.inbox.resolve()), dest  # safe_name guarantees it
        self.used.add(str(dest).casefold())
        written = 0
        try:
            with open_member() as src, open(dest, "wb") as out:
                while chunk := src.read(_CHUNK):
                    written += len(chunk)
                    if written > MAX_FILE_BYTES or budget.refuses(written):
                        raise _TooLarge(written)
                    out.write(chunk)
        except BaseException:
            dest.unlink(missing_ok=True)
            raise
        finally:
            budget.left -= written
        if when:
            os.utime(dest, (when, when))
        return dest


ZIP_UNSUPPORTED = ("压缩包的格式版本不受支持，无法解压：请用 Windows 自带的“发送到 → 压缩(zipped)文件夹”"
                   "或 WinRAR/7-Zip 的 ZIP 格式重新打包，或直接发送工作簿")
ZIP_METHOD_UNSUPPORTED = ("压缩包中的此文件使用了不受支持的压缩方式（如 Deflate64），无法解压：请用标准 ZIP 格式"
                          "重新打包，或直接发送工作簿")


# --- files found but not read -------------------------------------------------------------------

# Item.unread: may be a unit's report; an e-mail the district saved (its unit is not asked again);
# something else
REPORT_LIKE, SAVED_MAIL, NOT_REPORT = "report", "mail", "other"
_ARCHIVES = {".rar": "RAR", ".7z": "7-Zip", ".zipx": "WinZip", ".tar": "tar", ".gz": "gzip", ".tgz": "tar.gz",
             ".bz2": "bzip2", ".xz": "xz", ".cab": "CAB", ".arj": "ARJ", ".lzh": "LZH", ".iso": "光盘映像"}
_DOCUMENTS = {**{s: FORMAT_NAMES[s] for s in (".doc", ".wps")}, ".docm": "Word 启用宏的文档（.docm）",
              ".dot": "Word 模板（.dot）", ".dotx": "Word 模板（.dotx）", ".wpt": "WPS 文字模板（.wpt）",
              ".rtf": "RTF 文档（.rtf）", ".odt": "OpenDocument 文字文档（.odt）", ".ofd": "OFD 版式文档（.ofd）",
              ".ceb": "CEB 版式文档（.ceb）", ".xlsb": "Excel 二进制工作簿（.xlsb）", ".csv": FORMAT_NAMES[".csv"],
              ".xltx": "Excel 模板（.xltx）", ".ett": "WPS 表格模板（.ett）"}
_MAIL_HINT = ("这是 Outlook 保存的邮件（.msg），无法读取：请在 Outlook 中把邮件“另存为”.eml，"
              "或把其中的附件保存到收件文件夹，再重新汇总")
_ARCHIVE_HINT = "本程序只能解压 .zip 压缩包，请直接发送填报工作簿，或改用 .zip 压缩包"
# For an e-mail or archive that held only such a file: what to do about it.
_UNREAD_HINTS = {**{s: _ARCHIVE_HINT for s in _ARCHIVES}, ".msg": _MAIL_HINT}
# A report document beside workbooks (taken only without them: ``gather``'s fallback).
BESIDE_WORKBOOKS = "与填报工作簿放在同一文件夹中的报告文档，当作附带的文件，未读取"


def unread_reason(name: str, beside_workbooks: bool = False, reviewer: bool = False) -> tuple[str, str]:
    """(why a file found among the inputs is not read, REPORT_LIKE, SAVED_MAIL or NOT_REPORT): an
    archive other than .zip, a document of a kind not read, an Outlook mail may each be or hold
    what a unit sent as its report; anything else (a note, a picture) may not. ``beside_workbooks``: a report
    document in a folder that holds workbooks. ``reviewer``: the remedy for one who audits
    published reports (convert or unpack them), not for a unit asked to send its workbook."""
    suffix = Path(name).suffix.lower()
    if beside_workbooks:
        return BESIDE_WORKBOOKS, NOT_REPORT
    if suffix in _ARCHIVES:
        hint = "本程序只能解压 .zip 压缩包，请解压后把其中的文件放入文件夹再审核" if reviewer else _ARCHIVE_HINT
        return f"这是{_ARCHIVES[suffix]}压缩包（{suffix}），无法解压：{hint}", REPORT_LIKE
    if suffix == ".msg":
        return _MAIL_HINT, SAVED_MAIL
    if suffix in _DOCUMENTS and reviewer:
        return (f"这是{_DOCUMENTS[suffix]}的文件，无法读取：请在 Word 或 WPS 中打开，“另存为”Word 文档（.docx）"
                "或 PDF 后再审核", REPORT_LIKE)
    if suffix in _DOCUMENTS:
        return (f"这是{_DOCUMENTS[suffix]}的文件，不是填报工作簿，无法读取：请报送标准填报工作簿（.xlsx）",
                REPORT_LIKE)
    return f"不是报表文件（{suffix or '无扩展名'}），未读取", NOT_REPORT


def _content_kind(path: Path) -> str:
    """For a file whose suffix nianbao does not know, the kind its content shows (``content_suffix``)."""
    if path.suffix.lower() in KNOWN_SUFFIXES or path.suffix.lower() in _ARCHIVES:
        return ""
    found = content_suffix(path)
    return found if found != path.suffix.lower() else ""


# --- names ----------------------------------------------------------------------------------------

_BAD_CHARS = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]')
_RESERVED = re.compile(r"^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$", re.IGNORECASE)
# Limits in UTF-8 bytes, not characters: Linux allows 255 bytes per name (85 Chinese characters),
# and Windows 260 characters per path, OUTDIR and folders included. Room is left for "(n)".
MAX_NAME_BYTES = 150
MAX_FOLDER_BYTES = 60


def safe_name(name: str, fallback: str, max_bytes: int = MAX_NAME_BYTES) -> str:
    """A plain file name: no folder part, no characters Windows forbids, no leading dots or
    spaces (hidden files, '..'), not a device name, at most ``max_bytes`` in UTF-8 (the suffix
    kept, never a character cut in half)."""
    name = _BAD_CHARS.sub("_", _base_name(xml_text(name))).replace(REPLACEMENT, "_").strip().lstrip(".").strip()
    if not name or _RESERVED.match(name):
        name = fallback + ("_" + name if name else "")
    if len(name.encode("utf-8")) > max_bytes:
        stem, suffix = _split(name)
        name = clip_bytes(stem, max(max_bytes - len(suffix.encode("utf-8")), 1)) + suffix
    return name.rstrip(". ") or fallback


def _base_name(name: str) -> str:
    """The last component of a path written with / or \\ (archives from Windows use both)."""
    return re.split(r"[/\\]", name.rstrip("/\\"))[-1]


def _split(name: str) -> tuple[str, str]:
    suffix = Path(name).suffix
    if len(suffix) > 8 or not suffix:
        return name, ""
    return name[: -len(suffix)], suffix


def _ignored_name(name: str) -> bool:
    low = name.lower()
    return low in _SKIP_NAMES or is_lock_file(Path(name)) or name.startswith("._")


def _ours(name: str) -> bool:
    """A hidden file (our run lock, a system's) or an e-mail template of the district's: never a
    unit's, not listed among the files not read."""
    return name.startswith(".") or name.endswith(".j2")


def _same(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b
    except OSError:
        return False


def zip_member_name(info: zipfile.ZipInfo) -> str:
    """A member's name as its author wrote it. Without flag bit 11 the name's bytes are in the
    writer's code page, which Python decodes as CP437: for Chinese Windows that is GBK (and some
    tools write UTF-8 without setting the flag)."""
    name = info.filename
    if info.flag_bits & 0x800:
        return name
    try:
        raw = name.encode("cp437")
    except UnicodeEncodeError:
        return name
    if raw.isascii():
        return name
    return chinese_text(raw) or name


def attachment_name(part: Message) -> str:
    """An attachment's file name: RFC 2231 (``filename*=gbk''...``) and RFC 2047
    (``=?GB2312?B?...?=``) are decoded by the email package; raw 8-bit names (Foxmail and old
    Outlook write GBK bytes) are decoded here as UTF-8 or else GB18030."""
    for header in ("Content-Disposition", "Content-Type"):
        for hname, value in part.raw_items():
            if hname.lower() != header.lower() or not isinstance(value, str):
                continue
            if any("\udc80" <= ch <= "\udcff" for ch in value):
                raw = value.encode("utf-8", "surrogateescape")
                text = chinese_text(raw) or raw.decode("latin-1")
                m = Message()
                m[header] = text
                name = m.get_param("filename" if header == "Content-Disposition" else "name",
                                   header=header)
                if isinstance(name, tuple):
                    name = email.utils.collapse_rfc2231_value(name)
                if name:
                    return str(name)
    try:
        name = part.get_filename()
    except (ValueError, LookupError):
        name = None
    if not name and _unnamed_workbook(part):
        return "附件.xlsx"
    return str(name or "附件")


def _output_kind(folder: Path) -> tuple[str, set[str]]:
    """("pure", its output names) for an output folder of collect or audit (its 汇总状态.xlsx or
    审核结果.xlsx, nothing but outputs), ("mixed", …) for a folder of the units' files that an
    earlier run wrote its outputs into, else ("", set())."""
    marked = next((names for mark, names in _MARKS if (folder / mark).is_file()), None)
    if marked is None:
        return "", set()
    try:
        names = os.listdir(folder)
    except OSError:
        return "pure", marked
    if all(n in marked or n.startswith(".") or n.endswith(".j2") or _ignored_name(n) for n in names):
        return "pure", marked
    return "mixed", marked


# A part's body that begins with MIME header lines: its headers were cut short by a stray blank line
_HEADERS_IN_BODY = re.compile(rb"\s*Content-(Disposition|Transfer-Encoding|Type)\s*:", re.IGNORECASE)
_WORKBOOK_PART = b"xl/workbook.xml"


def _repaired(part: EmailMessage) -> EmailMessage:
    """The part as its sender meant it when a blank line cut its headers short (some OA systems
    write one after Content-Type: the file's name and encoding then open its body)."""
    if part.get_content_maintype() in ("text", "multipart", "message") or part.get("Content-Transfer-Encoding"):
        return part
    try:
        body = part.get_payload(decode=True)
    except (ValueError, LookupError, TypeError):
        return part
    if not isinstance(body, bytes) or not _HEADERS_IN_BODY.match(body[:200]):
        return part
    inner = BytesParser(policy=policy.default).parsebytes(body)
    if "Content-Type" not in inner:
        inner["Content-Type"] = part.get_content_type()
    return inner


def _attachments(msg: EmailMessage):
    """Parts that are files: attachments, named parts some programs send inline, and unnamed
    parts that hold a workbook (recognised by its content)."""
    for part in msg.walk():
        if part.is_multipart():
            continue
        if part.get_content_type() == "message/rfc822":
            yield part
            continue
        part = _repaired(part)
        disposition = part.get_content_disposition()
        has_name = bool(part.get_param("name") or part.get_param("filename", header="content-disposition"))
        if disposition == "attachment" or has_name or _unnamed_workbook(part):
            yield part


def _unnamed_workbook(part: Message) -> bool:
    """An attachment without a name whose content is an .xlsx (a zip with xl/workbook.xml)."""
    if part.get_content_maintype() in ("text", "multipart", "message"):
        return False
    try:
        body = part.get_payload(decode=True)
    except (ValueError, LookupError, TypeError):
        return False
    return isinstance(body, bytes) and body[:2] == b"PK" and _WORKBOOK_PART in body


def _sender(msg: EmailMessage) -> str:
    """The address to return the report to: Reply-To, else From."""
    for header in ("Reply-To", "From"):
        try:
            value = msg.get(header)
        except (ValueError, IndexError):
            continue
        if value:
            addr = email.utils.parseaddr(str(value))[1]
            if addr and "@" in addr:
                return addr
    return ""


def _no_workbook(names: list[str], where: str = "邮件") -> str:
    """Why an e-mail (or an archive) gave nothing to check, naming what it did hold, and for an
    archive or Outlook mail in it, what to do."""
    what = "附件" if where == "邮件" else ""
    if not names:
        return f"{where}中没有工作簿{what}（{where}没有{what or '文件'}）"
    words = any(Path(n).suffix.lower() in (".doc", ".docx", ".wps", ".pdf") for n in names)
    shown = "、".join(names[:3]) + ("等" if len(names) > 3 else "")
    if words:
        return f"{where}中没有工作簿{what}，只{'附' if what else ''}有报告文档（{shown}），应附填报工作簿（.xlsx）"
    hint = next((_UNREAD_HINTS[s] for n in names if (s := Path(n).suffix.lower()) in _UNREAD_HINTS), "")
    return f"{where}中没有工作簿{what}（.xlsx），收到的是：{shown}" + (f"；{hint}" if hint else "")


def _header(msg: EmailMessage, name: str) -> str:
    try:
        value = msg.get(name)
    except (ValueError, IndexError, TypeError):
        return ""
    return " ".join(str(value or "").split())


def _display_name(msg: EmailMessage) -> str:
    try:
        value = msg.get("From")
    except (ValueError, IndexError, TypeError):
        return ""
    return email.utils.parseaddr(str(value or ""))[0].strip()


def _date(msg: EmailMessage) -> float | None:
    try:
        value = msg.get("Date")
        return email.utils.parsedate_to_datetime(str(value)).timestamp() if value else None
    except (ValueError, TypeError, IndexError, OverflowError):
        return None


def _zip_time(info: zipfile.ZipInfo) -> float | None:
    import datetime as dt
    try:
        return dt.datetime(*info.date_time).timestamp()
    except (ValueError, OverflowError):
        return None
