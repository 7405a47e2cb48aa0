"""Jinja's syntax errors in Chinese, for the Word template (``--template T.docx``) and the e-mail
templates of ``collect``: the person who edits a template reads what is wrong in words they know.

Jinja words its errors in English (``Expected an expression, got 'end of statement block'``);
the known forms are matched here and said again, the tags spelt as they are typed (``{% endfor %}``,
``}}``). An unknown form gets a general reason; Jinja's own words go to the log (``--debug``).
"""

from __future__ import annotations

import re

from .log import Logger

log = Logger(__name__)

# Jinja's names of tokens, as they are typed in a template
_TOKENS = {"end of statement block": "%}", "end of print statement": "}}", "end of template": "模板结尾",
           "begin of statement block": "{%", "begin of print statement": "{{", "name": "名称"}


def _token(name: str) -> str:
    return _TOKENS.get(name, name)


def _tags(listed: str, only_end: bool = False) -> str:
    """"'endfor' or 'else'" -> "{% endfor %}或{% else %}" (``only_end``: "{% endfor %}")."""
    tags = re.findall(r"'(\w+)'", listed)
    return "或".join(f"{{% {t} %}}" for t in tags if not only_end or t.startswith("end"))


_LOOKING = (r"Jinja was looking for the following tags: (?P<tags>.+?)\. "
            r"The innermost block that needs to be closed is '(?P<block>\w+)'")
_FORMS: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(p), t) for p, t in (
    (r"^Unexpected end of template\. " + _LOOKING, "{{% {block} %}} 没有结束：缺少 {ends}"),
    (r"^Encountered unknown tag '(?P<tag>\w+)'\. " + _LOOKING,
     "{{% {tag} %}} 放错了位置或写错了：{{% {block} %}} 还没有结束，这里应为 {alternatives}"),
    (r"^Encountered unknown tag '(?P<tag>\w+)'", "不认识的标记 {{% {tag} %}}（前面没有与它对应的标记，或拼写有误）"),
    (r"^Expected an expression, got '.+'", "标记中缺少内容（{{% if %}} 后应写条件，{{{{ }}}} 中应写变量名）"),
    (r"^unexpected end of template, expected '(?P<expected>.+)'", "标记没有结束：缺少“{expected}”"),
    (r"^expected token '(?P<expected>.+)', got '(?P<found>.+)'", "标记写法有误：这里应为“{expected}”，实为“{found}”"),
    (r"^No filter named '(?P<tag>.+)'", "没有名为“{tag}”的过滤器"),
    # in a Word template the XML around an unclosed mark is what Jinja meets next
    (r"^unexpected '[</>]'", "标记没有结束：缺少“}}}}”或“%}}”"),
    (r"^unexpected '(?P<found>.+)'", "多出了“{found}”"),
))


def syntax_reason(message: str) -> str:
    """A Jinja syntax error's message (``TemplateSyntaxError.message``) in Chinese."""
    for pattern, template in _FORMS:
        m = pattern.match(message)
        if m:
            words = {k: _token(v) for k, v in m.groupdict().items()}
            listed = m.groupdict().get("tags") or ""
            return template.format(**words, ends=_tags(listed, only_end=True), alternatives=_tags(listed))
    log.debug("Jinja syntax error not worded: %s", message)
    return "模板标记的写法有误"
