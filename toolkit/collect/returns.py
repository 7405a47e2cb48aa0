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
import re
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from email import policy
from email.errors import MessageError
from email.header import Header
from email.headerregistry import Address
from email.message import EmailMessage
from importlib import resources
from pathlib import Path

from .. import spec
from ..errors import BadArgument, TemplateProblem
from ..fileio import is_workbook
from ..log import Logger
from ..rules import Finding
from ..safetext import xml_text
from ..templating import syntax_reason

TEMPLATE_FILE = "return_email.txt.j2"
OUTDIR_TEMPLATE = "退回邮件模板.txt.j2"  # a district's own template, found in OUTDIR
SUBJECT_PREFIX = "主题："
REMINDER_FILE = "reminder_email.txt.j2"  # 催报: a roster unit that sent nothing
RESEND_FILE = "resend_email.txt.j2"  # an e-mail without a usable workbook: please send it again
# Headers set as they stand are written as they stand (the attachment's two name parameters).
_POLICY = policy.SMTP.clone(refold_source="none")
XLSX_TYPE = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")

log = Logger(__name__)


def template_text(outdir: Path, template: Path | str | None = None) -> str:
    """The return e-mail template: the one given, else the district's in OUTDIR, else ours.
    A district's template is tried on a sample before the batch starts, so that a typo in it
    stops the command with the line to fix instead of failing for every unit."""
    path = Path(template) if template is not None else Path(outdir) / OUTDIR_TEMPLATE
    return _tried_template(path, TEMPLATE_FILE if template is None else None, "退回邮件模板", lambda text: render(
        text, unit="示例单位", year=2024, file_name="示例.xlsx", errors=[finding_view(sample_finding())],
        warnings=[], error_count=1, warning_count=0, district="", district_email="", date="", to=""),
        RETURN_VARIABLES)


# The variables each template is given (``render``'s and ``notice``'s): a name outside these is a typo
COMMON_VARIABLES = ("unit", "year", "year_text", "file_name", "district", "district_email", "date", "to",
                    "report_name")
RETURN_VARIABLES = (*COMMON_VARIABLES, "errors", "warnings", "error_count", "warning_count")
NOTICE_VARIABLES = (*COMMON_VARIABLES, "reason")


def _unknown_variables(text: str, known: tuple[str, ...], what: str, path: Path) -> None:
    """TemplateProblem for a variable the template uses but is never given (``{{ uint }}`` would
    otherwise be rendered as nothing in every e-mail), with the closest known name."""
    import difflib

    import jinja2
    from jinja2 import meta
    unknown = sorted(meta.find_undeclared_variables(jinja2.Environment().parse(text)) - set(known))
    if unknown:
        name = unknown[0]
        close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
        hint = f"，是否应为“{close[0]}”" if close else ""
        raise TemplateProblem(f"{what}中的变量“{name}”不存在{hint}（可用的变量：{'、'.join(known)}）：{path}")


def _tried_template(path: Path, builtin: str | None, what: str, trial: Callable[[str], object],
                   known: tuple[str, ...] = ()) -> str:
    """The template at ``path`` (else our ``builtin`` one, when given and ``path`` is no file),
    tried on a sample by ``trial``: a file that cannot be read or a typo in it is a TemplateProblem
    naming ``what`` and the line to fix, before the batch."""
    try:
        text = (builtin_template(builtin) if builtin is not None and not path.is_file()
                else path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise TemplateProblem(f"找不到{what}：{path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise TemplateProblem(f"无法读取{what}（应为 UTF-8 文本）：{path}（{type(exc).__name__}）") from None
    import jinja2
    try:
        if known:
            _unknown_variables(text, known, what, path)
        trial(text)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateProblem(f"{what}第{exc.lineno}行有错误：{syntax_reason(exc.message or '')}（{path}）") from None
    except jinja2.TemplateError as exc:
        raise TemplateProblem(f"{what}有错误：{exc}（{path}）") from None
    return text


def sample_finding() -> Finding:
    """A blank-cell error as the rules would report it, for trying a template before the batch.
    Labels and the address come from the spec and the layout, like every real finding's."""
    from ..rules.engine import place
    from ..workbook.layout import positions
    key = spec.NUMBER_KEYS[0]
    table, row, column = place(key)
    cell = positions()[key]
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
    out = "".join(" " if (ord(ch) < 32 or ord(ch) == 127) else ch for ch in xml_text(str(text or "")))
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
    # a lone surrogate (a cell's _xD800_ quoted in a finding) cannot be encoded: made visible
    year = context.get("year")
    rendered = xml_text(_compiled(text).render(report_name=spec.REPORT_NAME, year_text=f"{year}年" if year else "",
                                               **context))
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
    """A finding as the templates use it. ``lead``: 【表三】 only when the message does not
    already begin with its table (the rules' messages do: no 【表三】表三「…」 doubling);
    ``place``: the cell in words (“表三 依申请公开”工作表 D34 单元格)."""
    table, message = f.table or "", f.message or ""
    lead = f"【{table}】" if table and not message.startswith(table) else ""
    return {"rule": f.rule, "severity": f.severity, "table": f.table, "row": f.row,
            "column": f.column, "cell": f.where, "message": message, "lead": lead, "place": cell_words(f)}


def listed(errors: list[Finding]) -> list[dict[str, object]]:
    """The errors as an e-mail lists them: the first blank cells of each table (``output``'s
    BLANKS_SHOWN, as the command line shows them) and one line for the rest of that table's, not
    a numbered line per cell of an unfilled workbook."""
    from ..output import BLANKS_SHOWN
    from ..values import BLANK
    out: list[dict[str, object]] = []
    blanks: dict[str, int] = {}
    for f in errors:
        if f.rule == "E1" and f.found == BLANK:
            n = blanks[f.table or ""] = blanks.get(f.table or "", 0) + 1
            if n > BLANKS_SHOWN:
                continue
        out.append(finding_view(f))
    for table, n in blanks.items():
        if n > BLANKS_SHOWN:
            at = max(i for i, v in enumerate(out) if v["table"] == table and v["rule"] == "E1") + 1
            out.insert(at, {"rule": "E1", "severity": "error", "table": table, "row": None, "column": None,
                            "cell": "", "lead": "", "place": "",
                            "message": f"{table or '表格'}另有 {n - BLANKS_SHOWN} 个单元格未填写，"
                                       "见附件中标红的单元格和“校验结果”工作表（没有发生的填0）"})
    return out


def cell_words(f: Finding) -> str:
    """The place to look first in words: “表三 依申请公开”工作表 D34 单元格."""
    if f.cell is not None:
        return f"“{f.cell.sheet}”工作表 {f.cell.a1} 单元格"
    return f"{f.source} 单元格" if f.source else ""


def draft(*, template: str, unit: str, year: object, file_name: str, findings: tuple[Finding, ...],
          attachment: Path | bytes, attachment_name: str, to: str = "", district: str = "",
          district_email: str = "", today: dt.date | None = None, reply: Reply | None = None) -> bytes:
    """The .eml draft returning one unit's workbook (``attachment``: its path, or its content)."""
    today = today or dt.date.today()
    # A name typed on two lines would split the template's 主题： line: one line everywhere.
    unit, district = header_text(unit), header_text(district)
    errors = [f for f in findings if f.severity == "error"]
    warnings = [finding_view(f) for f in findings if f.severity == "warning"]
    subject, body = render(template, unit=unit, year=year or "", file_name=file_name, errors=listed(errors),
                           error_count=len(errors), warning_count=len(warnings),
                           warnings=warnings, reason="", district=district, district_email=district_email,
                           date=f"{today.year}年{today.month}月{today.day}日", to=to)
    fallback = "【退回修改】" + spec.title({"meta.unit": unit, "meta.year": year})
    msg = message(subject=header_text(subject) or header_text(fallback),
                  body=body, to=to, unit=unit, district=district, district_email=district_email, reply=reply)
    data = attachment if isinstance(attachment, bytes) else attachment.read_bytes()
    if is_workbook(attachment_name):
        maintype, subtype = XLSX_TYPE
    else:
        maintype, subtype = "application", "octet-stream"
    attach(msg, data, maintype, subtype, header_text(attachment_name))
    return msg.as_bytes()


@dataclass(frozen=True)
class Reply:
    """The received e-mail a draft answers (when there is no roster to address it from)."""

    message_id: str = ""
    references: str = ""
    subject: str = ""


def message(*, subject: str, body: str, to: str, unit: str, district: str, district_email: str,
            reply: Reply | None = None) -> EmailMessage:
    """A draft's headers and body. Headers only through Address objects: a name with a comma or
    quote stays one display name, never a second address. Without the district's address there
    is no From: the mail program fills in its own account when the draft is sent."""
    msg = EmailMessage(policy=_POLICY)
    msg["X-Unsent"] = "1"  # open as a draft, ready to send
    if district_email:
        msg["From"] = Address(display_name=header_text(district), addr_spec=district_email)
    if to:  # one address, or a roster's several ("a@x.cn, b@x.cn"): each its own Address
        try:
            msg["To"] = tuple(Address(display_name=header_text(unit), addr_spec=a.strip())
                              for a in to.split(",") if a.strip())
        except (ValueError, IndexError, MessageError):  # an odd sender address: the user fills in To
            pass
    if reply and reply.message_id:
        msg["In-Reply-To"] = reply.message_id
        msg["References"] = " ".join(x for x in (reply.references, reply.message_id) if x)
    if reply and reply.subject:  # the thread's subject first, then what this draft is
        subject = f"{reply_subject(reply.subject)} {subject}".strip()
    msg["Subject"] = header_text(subject)
    msg.set_content(body, charset="utf-8")
    return msg


def reply_subject(subject: str) -> str:
    subject = header_text(subject)
    return subject if re.match(r"^(回复|答复|re)\s*[:：]", subject, re.IGNORECASE) else f"回复：{subject}"


def attach(msg: EmailMessage, data: bytes, maintype: str, subtype: str, name: str) -> None:
    """An attachment whose Chinese name every mail program reads: RFC 2231 ``filename*`` in
    Content-Disposition, and an RFC 2047 ``name="=?UTF-8?B?…?="`` in Content-Type, which older
    Outlook and Foxmail versions read instead. The two headers are written as they stand (the
    policy does not refold them): the email package would turn the encoded word into RFC 2231."""
    msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    part = list(msg.iter_attachments())[-1]
    del part["Content-Type"]
    del part["Content-Disposition"]
    words = Header(name, "utf-8", header_name="Content-Type").encode(linesep="\r\n")
    part._headers.append(("Content-Type", f'{maintype}/{subtype};\r\n name="{words}"'))  # type: ignore[attr-defined]
    quoted = urllib.parse.quote(name, safe="")
    chunks = _split_quoted(quoted, 60)
    prefix = "UTF-8''"
    if len(chunks) == 1:
        disposition = f"attachment;\r\n filename*=UTF-8''{chunks[0]}"
    else:
        disposition = "attachment;" + ";".join(
            f"\r\n filename*{i}*={prefix if i == 0 else ''}{c}" for i, c in enumerate(chunks))
    part._headers.append(("Content-Disposition", disposition))  # type: ignore[attr-defined]


def _split_quoted(quoted: str, width: int) -> list[str]:
    """A percent-encoded value in pieces of at most ``width``, never splitting a %XX."""
    out, start = [], 0
    while start < len(quoted):
        end = min(start + width, len(quoted))
        if end < len(quoted):
            pct = quoted.rfind("%", start, end)
            if pct != -1 and pct > end - 3:
                end = pct
        out.append(quoted[start:end])
        start = end
    return out or [""]


def notice(*, template: str, unit: str, year: object, to: str, district: str = "", district_email: str = "",
           reason: str = "", file_name: str = "", reply: Reply | None = None,
           today: dt.date | None = None) -> bytes:
    """A draft without attachment: the reminder to a unit that has not reported (催报), or the
    request to send the standard workbook again (``reason``: what was wrong with what came)."""
    today = today or dt.date.today()
    unit, district = header_text(unit), header_text(district)
    if reason and not reason.endswith(("。", "！", "？", ".")):  # the template's paragraph ends after it
        reason += "。"
    subject, body = render(template, unit=unit, year=year or "", reason=reason, file_name=file_name,
                           district=district, district_email=district_email,
                           date=f"{today.year}年{today.month}月{today.day}日", to=to)
    msg = message(subject=header_text(subject) or spec.title({"meta.unit": unit, "meta.year": year}), body=body, to=to,
                  unit=unit, district=district, district_email=district_email, reply=reply)
    return msg.as_bytes()


NOTICE_OUTDIR_NAMES = {REMINDER_FILE: "催报邮件模板.txt.j2", RESEND_FILE: "重新报送邮件模板.txt.j2"}


def notice_templates(outdir: Path) -> dict[str, str]:
    """The reminder and resend templates: the district's in OUTDIR (names above), else ours;
    each tried on a sample now, so a typo stops the command before the batch."""
    return {name: _tried_template(Path(outdir) / own, name, "邮件模板", lambda text: notice(
        template=text, unit="示例单位", year=2024, to="unit@example.com", reason="示例原因"), NOTICE_VARIABLES)
        for name, own in NOTICE_OUTDIR_NAMES.items()}


def builtin_template(name: str) -> str:
    return resources.files(__package__).joinpath("templates").joinpath(name).read_text(encoding="utf-8")
