"""The workbook's theme part (``xl/theme/theme1.xml``): the colour and font scheme that styles
may refer to. The schema requires one: without it openxml-audit reports "A required relationship
type '…/relationships/theme' is missing" on ``/xl/workbook.xml``, and LibreOffice (7.x) saves an
.xlsx without it. The theme added is the one our template carries (XlsxWriter's default Office
theme), which is also the one Excel assumes where a workbook has none: nothing shown changes.
"""

from __future__ import annotations

import io
import zipfile
from functools import cache

THEME_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme"
THEME_CT = "application/vnd.openxmlformats-officedocument.theme+xml"


@cache
def default_theme() -> bytes:
    """XlsxWriter's theme part, as it writes it into every workbook (taken from one it writes,
    through its public API: the XML's home inside XlsxWriter is not)."""
    import xlsxwriter  # ~70 ms, and needed only for a workbook that has no theme

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    wb.add_worksheet()
    wb.close()
    with zipfile.ZipFile(buf) as zf:
        return zf.read("xl/theme/theme1.xml")
