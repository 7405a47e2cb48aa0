"""Returns (退回): for each unit with errors, its annotated workbook and an e-mail draft.

The draft is an .eml with ``X-Unsent: 1``: Outlook, Foxmail and Thunderbird open such a file as a
new message ready to send rather than as a received one. The body comes from a Jinja2 template
the district can edit (``退回邮件模板.txt.j2`` in OUTDIR, or ``--template``); its first line
``主题：…`` is the subject. The attachment's Chinese name is written in RFC 2231, which every
current mail program reads.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from email import policy
from email.errors import MessageError
from email.headerregistry import Address
from email.message import EmailMessage
from importlib import resources
from pathlib import Path

from .. import spec
from ..errors import BadArgument, TemplateProblem
from ..fileio import is_workbook
from ..rules import Finding

TEMPLATE_FILE = "return_email.txt.j2"
OUTDIR_TEMPLATE = "退回邮件模板.txt.j2"  # a district's own template, found in OUTDIR
SUBJECT_PREFIX = "主题："
XLSX_TYPE = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")

log = logging.getLogger(__name__)


def template_text(outdir: Path, template: Path | str | None = None) -> str:
    """The return e-mail template: the one given, else the district's in OUTDIR, else ours.
    A district's template is tried on a sample before the batch starts, so that a typo in it
    stops the command with the line to fix instead of failing for every unit."""
    path = Path(template) if template is not None else Path(outdir) / OUTDIR_TEMPLATE
    if template is None and not path.is_file():
        return resources.files(__package__).joinpath("templates").joinpath(TEMPLATE_FILE).read_text(encoding="utf-8")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise TemplateProblem(f"找不到退回邮件模板：{path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise TemplateProblem(f"无法读取退回邮件模板（应为 UTF-8 文本）：{path}（{type(exc).__name__}）") from None
    import jinja2
    try:
        render(text, unit="示例单位", year=2024, file_name="示例.xlsx", errors=[finding_view(sample_finding())],
               warnings=[], district="", district_email="", date="", to="")
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateProblem(f"退回邮件模板第{exc.lineno}行有错误：{exc.message}（{path}）") from None
    except jinja2.TemplateError as exc:
        raise TemplateProblem(f"退回邮件模板有错误：{exc}（{path}）") from None
    return text


def sample_finding() -> Finding:
    """A blank-cell error as the rules would report it, for trying a template before the batch.
    Labels and the address come from the spec and the layout, like every real finding's."""
    from ..rules.engine import place
    from ..workbook.layout import positions
    key = spec.NUMBER_KEYS[0]
    table, row, column = place(key)
    cell = str(positions()[key])
    return Finding("E1", "error", f"{spec.describe(key)}未填写。", (key,), table, row, column, cell, (cell,),
                   "数字", None)


def trial_draft(template: str, district: str = "", district_email: str = "") -> None:
    """Make one draft for a sample unit before the batch starts: a template or a district name
    that cannot make an e-mail stops the command here, not after every file was checked."""
    import jinja2
    try:
        draft(template=template, unit="示例单位", year=2024, file_name="示例.xlsx",
              findings=(sample_finding(),), attachment=b"", attachment_name="示例（退回修改）.xlsx",
              to="unit@example.com", district=district, district_email=district_email)
    except jinja2.TemplateError as exc:
        raise TemplateProblem(f"退回邮件模板有错误：{exc}") from None
    except Exception as exc:  # noqa: BLE001 - whatever it is, the user must see it before the run
        log.debug("the trial e-mail draft failed", exc_info=True)
        raise TemplateProblem(f"无法生成退回邮件（{type(exc).__name__}：{exc}），请检查退回邮件模板"
                           "和 --unit、--email") from None


def check_email(address: str) -> str:
    """The district's ``--email``, checked before anything starts; "" stays "" (no From)."""
    address = address.strip()
    if not address:
        return ""
    try:
        ok = Address(addr_spec=address).addr_spec == address and address.count("@") == 1
    except (ValueError, IndexError, TypeError, MessageError):
        ok = False
    local, _, domain = address.partition("@")
    if not ok or not local or not domain or any(ch.isspace() for ch in address):
        raise BadArgument(f"--email 不是有效的电子邮件地址：“{address}”（应形如 zwgk@example.gov.cn）")
    return address


def header_text(text: object) -> str:
    """Text for a mail header: line breaks and other control characters (a 机关名称 typed on
    two lines) become spaces, which the email package would otherwise refuse."""
    out = "".join(" " if (ord(ch) < 32 or ord(ch) == 127) else ch for ch in str(text or ""))
    return " ".join(out.split())


@functools.lru_cache(maxsize=4)
def _compiled(text: str):
    """The template compiled once per batch (compiling costs more than rendering)."""
    import jinja2
    env = jinja2.Environment(autoescape=False, trim_blocks=True, lstrip_blocks=True,
                             keep_trailing_newline=True, undefined=jinja2.ChainableUndefined)
    return env.from_string(text)


def render(text: str, **context: object) -> tuple[str, str]:
    """(subject, body) from the template."""
    rendered = _compiled(text).render(report_name=spec.REPORT_NAME, **context)
    lines = rendered.lstrip("\ufeff").split("\n")
    subject = ""
    if lines and lines[0].startswith(SUBJECT_PREFIX):
        subject = lines[0][len(SUBJECT_PREFIX):].strip()
        lines = lines[1:]
    body = "\n".join(lines).strip("\n") + "\n"
    while "\n\n\n" in body:  # blank lines left by template blocks
        body = body.replace("\n\n\n", "\n\n")
    return subject, body


def finding_view(f: Finding) -> dict[str, object]:
    return {"rule": f.rule, "severity": f.severity, "table": f.table, "row": f.row,
            "column": f.column, "cell": f.cell, "message": f.message}


def draft(*, template: str, unit: str, year: object, file_name: str, findings: tuple[Finding, ...],
          attachment: Path | bytes, attachment_name: str, to: str = "", district: str = "",
          district_email: str = "", today: dt.date | None = None) -> bytes:
    """The .eml draft returning one unit's workbook (``attachment``: its path, or its content)."""
    today = today or dt.date.today()
    # A name typed on two lines would split the template's 主题： line: one line everywhere.
    unit, district = header_text(unit), header_text(district)
    errors = [finding_view(f) for f in findings if f.severity == "error"]
    warnings = [finding_view(f) for f in findings if f.severity == "warning"]
    subject, body = render(template, unit=unit, year=year or "", file_name=file_name, errors=errors,
                           warnings=warnings, district=district, district_email=district_email,
                           date=f"{today.year}年{today.month}月{today.day}日", to=to)
    msg = EmailMessage(policy=policy.SMTP)
    msg["X-Unsent"] = "1"  # open as a draft, ready to send
    # Headers only through Address objects: a name with a comma or quote stays one display name,
    # never a second address. Without the district's address there is no From: the mail program
    # fills in its own account when the draft is sent.
    if district_email:
        msg["From"] = Address(display_name=header_text(district), addr_spec=district_email)
    if to:
        try:
            msg["To"] = Address(display_name=header_text(unit), addr_spec=to)
        except (ValueError, IndexError, MessageError):  # an odd sender address: the user fills in To
            pass
    fallback = "【退回修改】" + spec.title({"meta.unit": unit, "meta.year": year})
    msg["Subject"] = header_text(subject) or header_text(fallback)
    msg.set_content(body, charset="utf-8")
    data = attachment if isinstance(attachment, bytes) else attachment.read_bytes()
    if is_workbook(attachment_name):
        maintype, subtype = XLSX_TYPE
    else:
        maintype, subtype = "application", "octet-stream"
    msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=header_text(attachment_name))
    return msg.as_bytes()
