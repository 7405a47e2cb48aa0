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
import os
import re
import zipfile
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesParser
from pathlib import Path

from ..fileio import is_lock_file, os_reason

INBOX = "_收件"  # below OUTDIR: extracted attachments and archive members
SEP = " › "  # in origins: 邮件.eml › 附件.zip › 成员.xlsx
# What may be a unit's report: anything else in a folder, archive or e-mail is not looked at.
REPORT_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".et", ".ods", ".json")
CONTAINER_SUFFIXES = (".zip", ".eml")
MAX_MEMBER_BYTES = 64 * 1024 * 1024  # a report workbook is ~30 KB; larger is a zip bomb or not ours
MAX_TOTAL_BYTES = 4 * 1024 ** 3  # all extracted files of one run together (a disk-filling bomb)
MAX_DEPTH = 4  # archive in e-mail in archive...
_SKIP_NAMES = {"thumbs.db", "desktop.ini", ".ds_store"}


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
    origin: str  # as the user knows it: the input path, or "邮件.eml › 附件名"
    error: str = ""  # the file could not be obtained (bad archive, missing file): the reason
    sender: str = ""  # the e-mail's From address, when it came by e-mail (for the return draft)
    mtime: float = 0.0  # file time: the file's, the archive member's or the e-mail's date
    mail: Mail | None = None  # the e-mail it came in, if it did


def gather(inputs: list[Path | str], outdir: Path, inbox: str = INBOX,
           suffixes: tuple[str, ...] = REPORT_SUFFIXES) -> list[Item]:
    """Every file to check, in the order given (folders sorted). Extracted files go below
    ``outdir/inbox``. ``suffixes``: the kinds of file taken from folders, archives and e-mails
    (the audit of published reports takes documents too)."""
    outdir = Path(outdir)
    g = _Gatherer(outdir / inbox, outdir.resolve(), suffixes)
    for raw in inputs:
        g.add_path(Path(raw))
    return g.items


class _Gatherer:
    def __init__(self, inbox: Path, outdir: Path, suffixes: tuple[str, ...] = REPORT_SUFFIXES) -> None:
        self.wanted = suffixes + CONTAINER_SUFFIXES
        self.inbox = inbox
        self.outdir = outdir
        self.items: list[Item] = []
        self.used: set[str] = set()  # extracted names already taken, case-folded
        self.extracted = 0  # bytes written so far

    def add_path(self, path: Path) -> None:
        if path.is_dir():
            self.add_folder(path)
        elif not path.exists():
            self.items.append(Item(path, str(path), error="找不到文件"))
        else:
            self.add_file(path, str(path), sender="", depth=0)

    def add_folder(self, folder: Path) -> None:
        for root, dirs, files in os.walk(folder):
            here = Path(root)
            # never collect our own outputs when OUTDIR sits inside an input folder
            dirs[:] = sorted(d for d in dirs if not d.startswith(".")
                             and not _same(here / d, self.outdir))
            for name in sorted(files):
                if _ignored_name(name):
                    continue
                p = here / name
                if Path(name).suffix.lower() in self.wanted:
                    self.add_file(p, str(p), sender="", depth=0)

    def add_file(self, path: Path, origin: str, sender: str, depth: int) -> None:
        suffix = path.suffix.lower()
        try:
            mtime = path.stat().st_mtime
        except OSError:
            mtime = 0.0
        if suffix == ".zip" and depth < MAX_DEPTH:
            self.add_zip(path, origin, sender, depth)
        elif suffix == ".eml" and depth < MAX_DEPTH:
            self.add_eml(path, origin, depth)
        else:
            self.items.append(Item(path, origin, sender=sender, mtime=mtime))

    # --- archives ---------------------------------------------------------------------------

    def add_zip(self, path: Path, origin: str, sender: str, depth: int) -> None:
        try:
            zf = zipfile.ZipFile(path)
            infos = zf.infolist()
        except (zipfile.BadZipFile, OSError, ValueError):
            self.items.append(Item(path, origin, error="压缩包已损坏，无法解压"))
            return
        found = False
        with zf:
            for info in infos:
                if info.is_dir():
                    continue
                name = zip_member_name(info)
                base = _base_name(name)
                if _ignored_name(base) or "__MACOSX" in name.split("/"):
                    continue
                if Path(base).suffix.lower() not in self.wanted:
                    continue
                found = True
                member_origin = origin + SEP + name
                if info.flag_bits & 0x1:
                    self.items.append(Item(path, member_origin,
                                           error="压缩包设置了密码，无法解压：请发送不加密的压缩包或直接发送工作簿"))
                    continue
                too_big = self.too_big(info.file_size, "压缩包中的文件")
                if too_big:  # before inflating: the header's size is the first line of defence
                    self.items.append(Item(path, member_origin, error=too_big))
                    continue
                try:
                    data = _read_limited(zf, info)
                except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, EOFError):
                    self.items.append(Item(path, member_origin, error="压缩包中的此文件已损坏，无法解压"))
                    continue
                self.extract(path, member_origin, base, data, _zip_time(info), sender, depth,
                             what="压缩包中的文件")
        if not found:
            self.items.append(Item(path, origin, error="压缩包中没有工作簿（.xlsx）"))

    # --- e-mails ----------------------------------------------------------------------------

    def add_eml(self, path: Path, origin: str, depth: int) -> None:
        try:
            msg = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
        except (OSError, ValueError) as exc:
            self.items.append(Item(path, origin, error=f"无法读取邮件（{type(exc).__name__}）"))
            return
        self.add_message(msg, path, origin, depth)

    def add_message(self, msg: EmailMessage, path: Path, origin: str, depth: int) -> None:
        sender = _sender(msg)
        mail_date = _date(msg)
        when = mail_date or _mtime(path)
        mail = Mail(origin, sender, _display_name(msg), mail_date, _header(msg, "Message-ID"),
                    _header(msg, "References"), _header(msg, "Subject"))
        first = len(self.items)
        skipped: list[str] = []
        found = False
        for part in _attachments(msg):
            if part.get_content_type() == "message/rfc822":  # a forwarded e-mail
                inner = part.get_content()
                if isinstance(inner, EmailMessage) and depth + 1 < MAX_DEPTH:
                    subject = str(inner.get("Subject", "") or "转发的邮件")
                    before = len(self.items)
                    self.add_message(inner, path, origin + SEP + subject, depth + 1)
                    found = found or len(self.items) > before
                continue
            name = attachment_name(part)
            base = _base_name(name)
            if _ignored_name(base):
                continue
            if Path(base).suffix.lower() not in self.wanted:
                skipped.append(base)
                continue
            found = True
            try:
                data = part.get_payload(decode=True) or b""
            except (ValueError, TypeError, LookupError):
                self.items.append(Item(path, origin + SEP + name, error="邮件附件已损坏，无法取出"))
                continue
            self.extract(path, origin + SEP + name, base, data, when, sender, depth, what="邮件附件")
        if not found and depth == 0:
            self.items.append(Item(path, origin, error=_no_workbook(skipped)))
        for item in self.items[first:]:
            if item.mail is None:
                item.mail = mail

    # --- extraction ---------------------------------------------------------------------------

    def too_big(self, size: int, what: str) -> str:
        """Why a member or attachment of ``size`` bytes is not extracted, or ""."""
        if size > MAX_MEMBER_BYTES:
            return f"{what}过大（{size} 字节），不是报表工作簿"
        if self.extracted + size > MAX_TOTAL_BYTES:
            return "解压出的文件总量过大，未解压此文件"
        return ""

    def extract(self, container: Path, origin: str, name: str, data: bytes, when: float | None,
                sender: str, depth: int, what: str) -> None:
        """Store one member or attachment and add it (or why it could not be stored) to the
        list: the size limits hold for e-mail attachments as for archive members, and a name the
        file system refuses makes a line in the status list, not a traceback."""
        too_big = self.too_big(len(data), what)
        if too_big:
            self.items.append(Item(container, origin, error=too_big))
            return
        try:
            dest = self.store(Path(container.name).stem, name, data, when)
        except OSError as exc:
            self.items.append(Item(container, origin, error=f"{what}无法保存到输出文件夹（{os_reason(exc)}）"))
            return
        self.add_file(dest, origin, sender, depth + 1)

    def store(self, group: str, name: str, data: bytes, when: float | None) -> Path:
        """Write ``data`` below the inbox, in a folder named for its archive or e-mail, under a
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
        self.extracted += len(data)
        dest.write_bytes(data)
        if when:
            os.utime(dest, (when, when))
        return dest


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
    name = _base_name(name)
    name = _BAD_CHARS.sub("_", name).strip().lstrip(".").strip()
    if not name or _RESERVED.match(name):
        name = fallback + ("_" + name if name else "")
    if len(name.encode("utf-8")) > max_bytes:
        stem, suffix = _split(name)
        room = max_bytes - len(suffix.encode("utf-8"))
        name = stem.encode("utf-8")[:max(room, 1)].decode("utf-8", "ignore") + suffix
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
    for codec in ("utf-8", "gb18030"):
        try:
            return raw.decode(codec)
        except UnicodeDecodeError:
            continue
    return name


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
                for codec in ("utf-8", "gb18030"):
                    try:
                        text = raw.decode(codec)
                        break
                    except UnicodeDecodeError:
                        continue
                else:
                    text = raw.decode("latin-1")
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
    return str(name or "附件")


def _attachments(msg: EmailMessage):
    """Parts that are files: attachments, and named parts some programs send inline."""
    for part in msg.walk():
        if part.is_multipart():
            continue
        if part.get_content_type() == "message/rfc822":
            yield part
            continue
        disposition = part.get_content_disposition()
        has_name = bool(part.get_param("name") or part.get_param("filename", header="content-disposition"))
        if disposition == "attachment" or has_name:
            yield part


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


def _no_workbook(names: list[str]) -> str:
    """Why an e-mail gave nothing to check, naming what it did attach."""
    if not names:
        return "邮件中没有工作簿附件（邮件没有附件）"
    words = any(Path(n).suffix.lower() in (".doc", ".docx", ".wps", ".pdf") for n in names)
    shown = "、".join(names[:3]) + ("等" if len(names) > 3 else "")
    if words:
        return f"邮件中没有工作簿附件，只附有报告文档（{shown}），应附填报工作簿（.xlsx）"
    return f"邮件中没有工作簿附件（.xlsx），收到的是：{shown}"


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


def _mtime(path: Path) -> float | None:
    try:
        return path.stat().st_mtime
    except OSError:
        return None


def _zip_time(info: zipfile.ZipInfo) -> float | None:
    import datetime as dt
    try:
        return dt.datetime(*info.date_time).timestamp()
    except (ValueError, OverflowError):
        return None


def _read_limited(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """Inflate a member, stopping past the size limit whatever its header claims."""
    out = bytearray()
    with zf.open(info) as fh:
        while chunk := fh.read(1 << 20):
            out += chunk
            if len(out) > MAX_MEMBER_BYTES:
                raise ValueError("member too large")
    return bytes(out)
