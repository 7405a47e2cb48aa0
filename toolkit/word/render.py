"""Rendering a report into a Word template: lint first, prepare once per process, render strictly.

docxtpl, for every ``render()``, reloads the .docx, serialises its body, cleans the XML with a
dozen regular expressions and compiles the result as a Jinja template: the same work for every
report of a batch. ``PreparedTemplate`` does that work once per template and process and keeps
the compiled templates; each render then only loads a fresh copy of the document and fills it.

Before a template is used it is linted against the specification: every variable must be a
FORMAT.md key (a misspelt key, or a variable the specification does not know, is refused with
its name), and rendering itself uses StrictUndefined, so nothing renders silently as blank.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import jinja2
from docx import Document
from docx.document import Document as DocumentObject
from docx.oxml import parse_xml
from docxtpl import DocxTemplate
from jinja2 import nodes
from lxml import etree

from .. import spec
from ..errors import TemplateProblem
from ..fileio import os_reason
from ..log import Logger
from ..report import Report
from ..templating import syntax_reason
from .context import make_context

log = Logger(__name__)

PACKAGED_TEMPLATE = Path(__file__).with_name("annual_report.docx")
# What docxtpl's resolve_listing rewrites: \a new paragraph, \t tab, \n line break, \f page break.
# (Serialised XML has none of them outside text: lxml escapes them in attributes.)
_LISTING_CHARS = re.compile("[\a\t\n\f]")


def _environment() -> jinja2.Environment:
    # autoescape: values are written into XML, so & < > and quotes are escaped, never markup.
    return jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)


# --- lint ------------------------------------------------------------------------------------

def _dotted(node: nodes.Node) -> tuple[str, nodes.Name] | None:
    """``t3.new.natural`` (or ``t3["new"].natural``) -> ("t3.new.natural", the root Name)."""
    parts: list[str] = []
    while True:
        if isinstance(node, nodes.Getattr):
            parts.append(node.attr)
            node = node.node
        elif isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const) \
                and isinstance(node.arg.value, str):
            parts.append(node.arg.value)
            node = node.node
        elif isinstance(node, nodes.Name):
            return ".".join([node.name, *reversed(parts)]), node
        else:
            return None


def _references(node: nodes.Node) -> Iterator[str]:
    """Every variable path a template reads, outermost attribute chains whole."""
    dotted = _dotted(node)
    if dotted is not None and dotted[1].ctx == "load":
        yield dotted[0]
        return
    for child in node.iter_child_nodes():
        yield from _references(child)


def template_variables(ast: nodes.Template) -> tuple[set[str], set[str]]:
    """(variables read from the context, names the template defines itself: loop targets, set)."""
    local = {"loop", "range", "caller", "varargs", "kwargs"}
    for n in ast.find_all(nodes.Name):
        if n.ctx in ("store", "param"):
            local.add(n.name)
    for block in ast.find_all((nodes.Macro, nodes.CallBlock)):
        local.update(a.name for a in getattr(block, "args", ()))
        if isinstance(block, nodes.Macro):
            local.add(n.name)
    read = {path for path in _references(ast) if path.split(".")[0] not in local}
    return read, local


def unknown_variables(sources: list[str], env: jinja2.Environment) -> list[str]:
    """The variables of template sources that are not FORMAT.md keys, in order of appearance."""
    found: list[str] = []
    for source in sources:
        read, _ = template_variables(env.parse(source))
        found.extend(sorted(read - set(spec.KEYS)))
    return list(dict.fromkeys(found))


def _suggest(name: str) -> str:
    import difflib
    close = difflib.get_close_matches(name, spec.KEYS, n=1, cutoff=0.75)
    return f"（是否应为 {close[0]}？）" if close else ""


# --- the prepared template -------------------------------------------------------------------

class PreparedTemplate(DocxTemplate):
    """A docxtpl template whose XML was cleaned and compiled once; render() reuses it.

    ``render`` is docxtpl's own (tables, ids, headers and footers, properties, footnotes); only
    the steps that produce the XML to fill are replaced by the cached compiled templates."""

    def __init__(self, data: bytes, name: str) -> None:
        super().__init__(io.BytesIO(data))
        self.data = data
        self.name = name
        self.env = _environment()
        doc = Document(io.BytesIO(data))
        sources = {"body": self.patch_xml(self.xml_to_string(doc.element.body))}
        for uri in (self.HEADER_URI, self.FOOTER_URI):
            for _, rel in doc.part.rels.items():
                if rel.reltype == uri and rel.target_part.blob:
                    xml = self.xml_to_string(parse_xml(rel.target_part.blob))
                    sources[str(rel.target_part.partname)] = self.patch_xml(xml)
        self.sources = sources  # the cleaned XML of each part, as compiled
        try:
            markers = any("{{" in src or "{%" in src for src in sources.values())
            unknown = unknown_variables(list(sources.values()), self.env)
            self.compiled = {part: self.env.from_string(re.sub(r"<w:p([ >])", r"\n<w:p\1", src))
                             for part, src in sources.items()}
        except jinja2.TemplateSyntaxError as exc:
            text = re.sub(r"<[^>]+>", "", exc.source.splitlines()[exc.lineno - 1]) \
                if exc.source and exc.lineno else ""
            raise TemplateProblem(f"Word 模板 {name} 中的模板标记有语法错误：{syntax_reason(exc.message or '')}"
                                  + (f"（在“{text[:60]}”附近）" if text else "")) from None
        if not markers:  # last year's report itself, say: filling it would only copy it
            raise TemplateProblem(
                f"Word 模板 {name} 中没有任何变量（如 {{{{ t3.new.natural }}}}），不是模板，填不进本年的数据："
                "请用 word_templates/annual_report.docx 或在它基础上修改的模板")
        if unknown:
            shown = "、".join(f"{{{{ {v} }}}}{_suggest(v)}" for v in unknown[:8])
            raise TemplateProblem(
                f"Word 模板 {name} 中有{len(unknown)}个变量不是报告格式中的键：{shown}"
                + ("等" if len(unknown) > 8 else "") + "。变量名须与 docs/format.md 中的键完全一致，"
                "如 {{ t3.new.natural }}；请改正模板后重试")

    def init_docx(self, reload: bool = True) -> None:
        if not self.docx or (self.is_rendered and reload):  # type: ignore[has-type]  # docxtpl's attributes
            self.docx = Document(io.BytesIO(self.data))
            self.is_rendered = False

    def _fill(self, part: str, context: dict) -> str:
        xml = self.compiled[part].render(context)
        xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", xml)
        xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
        return self._resolve_listing(xml)

    def _resolve_listing(self, xml: str) -> str:
        """docxtpl's resolve_listing (new paragraphs at \a, tabs, breaks), run only over the
        paragraphs that hold such a character: it runs regular expressions over every paragraph
        of the document, and is the largest part of a render otherwise."""
        if not _LISTING_CHARS.search(xml):
            return xml
        chunks = xml.split("</w:p>")
        for i, chunk in enumerate(chunks[:-1]):
            if _LISTING_CHARS.search(chunk):
                chunks[i] = self.resolve_listing(chunk + "</w:p>")[:-len("</w:p>")]
        return "</w:p>".join(chunks)

    def build_xml(self, context, jinja_env=None):  # noqa: D102 - docxtpl's hook
        return self._fill("body", context)

    def build_headers_footers_xml(self, context, uri, jinja_env=None):  # noqa: D102
        for rel_key, part in self.get_headers_footers(uri):
            yield rel_key, self._fill(str(part.partname), context).encode("utf-8")

    def map_tree(self, tree):  # noqa: D102
        # docxtpl parses the rendered body with plain lxml; python-docx's own parser gives the
        # elements their classes back, so the document can still be adjusted (draft marks).
        super().map_tree(parse_xml(etree.tostring(tree)))

    def render_report(self, context: dict) -> DocumentObject:
        try:
            self.render(context, self.env)
        except jinja2.UndefinedError as exc:
            raise TemplateProblem(f"Word 模板 {self.name} 用到了报告中没有的值：{exc.message}") from None
        except jinja2.TemplateError as exc:
            raise TemplateProblem(f"Word 模板 {self.name} 无法生成报告：{exc}") from None
        return self.docx


_PREPARED: dict[str, PreparedTemplate] = {}


def prepare(template: Path | str | None = None) -> PreparedTemplate:
    """The prepared template (the packaged one by default), linted; cached per process by content."""
    path = Path(template) if template else PACKAGED_TEMPLATE
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise TemplateProblem(f"找不到 Word 模板：{path}") from None
    except OSError as exc:
        raise TemplateProblem(f"无法读取 Word 模板 {path}（{os_reason(exc)}）") from None
    digest = hashlib.sha256(data).hexdigest()
    prepared = _PREPARED.get(digest)
    if prepared is None:
        if not zipfile.is_zipfile(io.BytesIO(data)):
            raise TemplateProblem(f"{path.name} 不是 Word 文档（.docx）；Word 模板须为 .docx 文件")
        try:
            prepared = PreparedTemplate(data, path.name)
        except TemplateProblem:
            raise
        except Exception as exc:  # a damaged or non-Word zip
            log.debug("preparing the Word template %s failed", path, exc_info=True)
            raise TemplateProblem(f"无法打开 Word 模板 {path.name}（{type(exc).__name__}）："
                                  "请确认它是用 Word/WPS 保存的 .docx 文件") from None
        _PREPARED[digest] = prepared
    return prepared


@dataclass
class Rendered:
    """A rendered report, not yet saved."""

    document: DocumentObject  # the python-docx Document, to adjust before saving
    template: PreparedTemplate

    def to_bytes(self) -> bytes:
        out = io.BytesIO()
        self.template.save(out)
        return out.getvalue()


def render(report: Report, template: Path | str | None = None) -> Rendered:
    """Fill a template with a report's values."""
    prepared = prepare(template)
    doc = prepared.render_report(make_context(report))
    return Rendered(doc, prepared)
