"""Documents generated from the code, so that they cannot drift from it: the rules list."""

from __future__ import annotations


def rules_markdown() -> str:
    from .rules import RULES
    lines = ["# 校验规则 (rules)", "",
             "本文件由 `nianbao rules`（`python scripts/gen_docs.py`）根据 `toolkit/rules/catalog.py` 生成，请勿手改。",
             "", "| 规则 | 级别 | 内容 | 表达式 |", "|---|---|---|---|"]
    for r in RULES:
        level = "错误" if r.severity == "error" else "提示"
        lines.append(f"| {r.id} | {level} | {r.title} | {r.expression.replace('|', '/')} |")
    return "\n".join(lines) + "\n"
