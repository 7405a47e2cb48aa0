"""Generated batches of filled workbooks, for the tests and the benchmark of ``collect``.

Values are random but consistent (every rule of FORMAT.md holds) unless an error is seeded on
purpose. Building a workbook costs ~30 ms, so a large batch is made from a few built workbooks
whose unit name is then replaced in the XML parts (``with_unit``), and whose save time can be
set (``with_saved_at``), as a real batch has many units and re-sent files.
"""

from __future__ import annotations

import io
import random
import re
import zipfile
from xml.sax.saxutils import escape

from .. import spec

UNIT_PLACEHOLDER = "单位名称占位符QZX"
SEEDED_ERRORS = ("carry_forward", "blank", "slash", "no_problems_text")
_TEXTS = {
    "text.overview": "本机关认真贯彻落实政府信息公开条例，现将本年度政府信息公开工作情况报告如下。",
    "text.proactive": "本机关通过门户网站主动公开政策文件、规划计划、财政信息和工作动态。",
    "text.on_request": "本机关依法办理政府信息公开申请，均在法定期限内答复。",
    "text.management": "本机关完善政府信息公开审查制度，规范发布流程。",
    "text.platform": "本机关持续优化政府网站信息公开专栏，及时更新内容。",
    "text.oversight": "本机关将政务公开纳入年度考核，开展自查和社会评议，未发生责任追究情形。",
    "text.problems": "一是公开内容的及时性有待提高；二是解读回应不够充分。下一步将加强培训，完善发布机制。",
    "text.other": "本机关未收取信息处理费。",
}


def random_values(rng: random.Random, unit: str, year: int, level: str = "部门",
                  error: str | None = None) -> dict[str, object]:
    """A filled report's input values (totals are the workbook's formulas), balanced, or with
    one seeded error (one of SEEDED_ERRORS)."""
    v: dict[str, object] = {"meta.unit": unit, "meta.year": year, "meta.unit_level": level,
                            "meta.contact": "张三", "meta.phone": "028-12345678",
                            "meta.date": f"{year + 1}-01-15", **_TEXTS}
    for x in ("rules", "normative"):
        issued = 0 if (x == "rules" and level in ("部门", "乡镇街道")) else rng.randint(0, 5)
        repealed = rng.randint(0, issued)
        v[f"t2.{x}.issued"], v[f"t2.{x}.repealed"] = issued, repealed
        v[f"t2.{x}.in_force"] = rng.randint(issued, issued + 30) if issued or x == "normative" else 0
    for x in ("licensing", "penalty", "coercion"):
        v[f"t2.{x}.decisions"] = rng.randint(0, 300)
    v["t2.fees.amount"] = round(rng.randint(0, 50000) / 100, 2)
    results = spec.T3_RESULT_KEYS
    for col in spec.T3_APPLICANT_COLUMNS:
        new, carried = rng.randint(0, 30), rng.randint(0, 3)
        done = rng.randint(max(0, new + carried - 5), new + carried)
        counts = [0] * len(results)
        for _ in range(done):
            # most applications are granted or partly granted, as in real reports
            counts[rng.choice((0, 0, 0, 1, 1, rng.randrange(len(results))))] += 1
        v[f"t3.new.{col}"], v[f"t3.carried_over.{col}"] = new, carried
        for r, n in zip(results, counts, strict=False):
            v[f"t3.{r}.{col}"] = n
        v[f"t3.carry_forward.{col}"] = new + carried - done
    for g, _ in spec.T4_GROUPS:
        for c, _ in spec.T4_COLUMNS[:-1]:
            v[f"t4.{g}.{c}"] = rng.choice((0, 0, 0, 1, 2))
    if error == "carry_forward":
        v["t3.carry_forward.natural"] = int(v["t3.carry_forward.natural"]) + 1  # type: ignore[call-overload]  # E3
    elif error == "blank":
        v["t2.penalty.decisions"] = None  # E1
    elif error == "slash":
        v["t3.denied_secret.business"] = "/"  # E1
    elif error == "no_problems_text":
        v["text.problems"] = None  # E7
    elif error is not None:
        raise ValueError(error)
    return v


def sums(values: list[dict[str, object]]) -> dict[str, object]:
    """The independent sum of the number inputs (for checking a summary)."""
    out: dict[str, object] = {}
    for key in spec.INPUT_KEYS:
        if spec.FIELDS[key].is_number:
            total = sum(v.get(key) or 0 for v in values)  # type: ignore[misc]  # numbers only
            out[key] = round(total, spec.FEES_DECIMALS) if isinstance(total, float) else total
    return out


def _rewrite(blob: bytes, change) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(blob))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename.endswith(".xml"):
                data = change(info.filename, data)
            dst.writestr(info, data)
    return out.getvalue()


def with_unit(blob: bytes, unit: str, placeholder: str = UNIT_PLACEHOLDER) -> bytes:
    """A built workbook with its unit name replaced (cells, cached title, document title)."""
    old, new = placeholder.encode(), escape(unit).encode()
    return _rewrite(blob, lambda name, data: data.replace(old, new) if old in data else data)


_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def with_saved_at(blob: bytes, iso: str) -> bytes:
    """A workbook whose own save time (docProps/core.xml modified) is ``iso``."""
    def change(name: str, data: bytes) -> bytes:
        if name == "docProps/core.xml":
            return _MODIFIED.sub(lambda m: m.group(1) + iso.encode() + m.group(2), data)
        return data
    return _rewrite(blob, change)
