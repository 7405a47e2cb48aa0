"""Reading published reports (Word, web pages, PDF, spreadsheets, text) as report data.

Each module reads one kind of document into the same model (``document``: paragraphs and grids of
cells, each cell with where it was found); ``tables`` reads the report out of that model. The
importers are adapters at the edge: nothing else in nianbao depends on them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import UnreadableFile, UnusableFile
from ..limits import input_problem
from ..log import Logger

if TYPE_CHECKING:
    from .document import Document
    from .tables import Imported

log = Logger(__name__)

# Published reports; spreadsheets are tried as our workbook first (toolkit.app.importing.read_any).
DOCUMENT_SUFFIXES = (".docx", ".html", ".htm", ".mhtml", ".mht", ".pdf", ".txt")
SUFFIXES = (*DOCUMENT_SUFFIXES, ".xlsx", ".xlsm")


# Every suffix nianbao reads or names in a reason; a file with another (or none) is looked into.
KNOWN_SUFFIXES = (*SUFFIXES, ".json", ".xls", ".et", ".ods", ".csv", ".doc", ".wps")
_PACKAGES = (("word/document.xml", ".docx"), ("xl/workbook.xml", ".xlsx"))

KINDS = {".docx": "Word 文档", ".html": "网页", ".htm": "网页", ".mhtml": "网页", ".mht": "网页", ".pdf": "PDF",
         ".xlsx": "电子表格", ".xlsm": "电子表格", ".txt": "文本", ".json": "JSON 数据"}


def kind_of(path: Path | str) -> str:
    """What a person calls a file of this kind (before it is read: an .xlsx may be our workbook)."""
    suffix = Path(path).suffix.lower()
    return KINDS.get(suffix, suffix.lstrip(".").upper() or "未知")


def content_suffix(path: Path) -> str:
    """The suffix a file is read by: its own when nianbao knows it, else the one its content shows
    (a Word file renamed without ``.docx``, or saved as ``报告.2024``): a zip with
    ``word/document.xml`` is Word, with ``xl/workbook.xml`` a workbook, ``%PDF`` a PDF. Only a
    regular file is opened (a FIFO would block the read)."""
    suffix = path.suffix.lower()
    if suffix in KNOWN_SUFFIXES or not path.is_file():
        return suffix
    try:
        with path.open("rb") as f:
            head = f.read(5)
        if head.startswith(b"%PDF"):
            return ".pdf"
        if head.startswith(b"PK"):
            import zipfile  # (only for a file without a known suffix)
            with zipfile.ZipFile(path) as zf:
                names = set(zf.namelist())
            return next((s for part, s in _PACKAGES if part in names), suffix)
    except Exception:  # noqa: BLE001 - unreadable or not a zip: judged by its suffix as before
        log.debug("could not look into %s", path, exc_info=True)
    return suffix


def read_source(path: Path, suffix: str | None = None) -> Document:
    """The document model of a file, by its kind (``suffix``: as ``content_suffix`` found it)."""
    suffix = suffix or path.suffix.lower()
    if suffix == ".docx":
        from .word import read_docx
        return read_docx(path)
    if suffix in (".html", ".htm", ".mhtml", ".mht"):
        from .web import read_html
        return read_html(path)
    if suffix == ".pdf":
        from .pdf import read_pdf
        return read_pdf(path)
    if suffix in (".xlsx", ".xlsm"):
        from .sheet import read_sheet
        return read_sheet(path)
    if suffix == ".txt":
        from .text import read_text
        return read_text(path)
    raise UnusableFile(f"不支持 {suffix or '无扩展名的'} 文件：可导入 .docx、.html、.htm、.mhtml、.pdf、.xlsx、.txt")


def _reread(path: Path, suffix: str, convert: Callable[[str], str]) -> Document | None:
    """A page or a text read again from its text converted by ``convert`` (traditional characters
    to simplified), so that its reader finds the article, the sections and the site's chrome as in
    any page; None for the other kinds, whose document is converted as it was read."""
    if suffix in (".html", ".htm", ".mhtml", ".mht"):
        from .web import html_text, parse_html
        return parse_html(convert(html_text(path)))
    if suffix == ".txt":
        from .text import decode_text, parse_text
        return parse_text(convert(decode_text(path.read_bytes())))
    return None


def import_file(path: Path | str) -> Imported:
    """A published report as raw report data with the place of every value.

    Raises UnusableFile (one Chinese reason) for what cannot be read: an unsupported or damaged
    file, a scan without text, the 2019 format, a document that is no annual report."""
    path = Path(path)
    if not path.exists():
        raise UnreadableFile("找不到文件", path=path)
    problem = input_problem(path)
    if problem:  # a folder, a FIFO, an empty or far too large file
        raise UnusableFile(problem, path=path)
    try:
        from .traditional import read  # here: `check` of a workbook never loads the importers
        suffix = content_suffix(path)
        return read(read_source(path, suffix), lambda convert: _reread(path, suffix, convert))
    except (UnusableFile, KeyboardInterrupt, MemoryError):
        raise
    except OSError as exc:
        from ..fileio import os_reason
        raise UnreadableFile(f"无法读取文件（{os_reason(exc)}）") from None
    except Exception as exc:  # a document shaped as nobody foresaw: a reason, never a traceback
        log.debug("importing %s failed", path, exc_info=True)
        raise UnusableFile(f"读取文档时出现意外错误（{type(exc).__name__}），无法导入") from exc


def __getattr__(name: str) -> Any:
    if name == "Imported":  # the result type, loaded with the readers themselves (PEP 562)
        from .tables import Imported
        return Imported
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["Imported", "import_file", "content_suffix", "read_source", "SUFFIXES", "DOCUMENT_SUFFIXES", "KINDS",
           "kind_of"]
