"""Generated batches of filled workbooks, for the tests and the benchmark of ``collect``.

Values are random but consistent (every rule of FORMAT.md holds) unless an error is seeded on
purpose. Building a workbook costs ~30 ms, so a large batch is made from a few built workbooks
whose unit name is then replaced in the XML parts (``with_unit``), whose numbers can be replaced
by another unit's (``with_numbers``: its inputs and the totals' cached results), whose section 五
can be written for each unit (``problems_text``), and whose save time can be set
(``with_saved_at``), as a real batch has many units, each with its own data, and re-sent files.
"""

from __future__ import annotations

import io
import random
import re
import zipfile
from xml.sax.saxutils import escape

from .. import spec
from ..workbook import layout

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


# Section 五 as units write it: problems found and what they will do, a phrase of each kind
# chosen for each unit, so that two units' sections are rarely alike (W13 compares them).
_PROBLEMS = (
    ("公开内容的及时性有待提高", "政策解读的形式较为单一", "依申请公开答复的规范性有待加强",
     "信息公开队伍的业务能力有待提升", "基层政务公开标准化建设进展不平衡", "公开平台栏目更新不够及时",
     "重点领域信息公开的深度不够",
     "公众参与政策制定的渠道不够畅通", "历史文件的清理和公开工作相对滞后", "回应社会关切的时效有待提高"),
    ("部分栏目信息更新间隔较长", "图文、视频等解读形式运用较少", "个别答复书的法律依据引用不够准确",
     "新入职的工作人员对条例理解不深", "村（社区）公开目录不够完善", "移动端浏览体验有待改善",
     "财政预决算信息的细化程度不够", "意见征集结果的反馈不够充分", "规范性文件的有效性标注不全",
     "热点问题回应不够主动"),
    ("建立信息发布提醒和督办机制", "邀请专家和部门负责人参与政策解读", "完善依申请公开答复文书模板",
     "每季度组织一次政务公开业务培训", "推进基层政务公开标准目录落地", "对门户网站公开专栏进行改版",
     "细化重点领域信息公开清单", "规范意见征集和结果反馈流程", "集中清理并公开历史文件", "健全舆情收集和回应机制"),
    ("把政务公开纳入年度绩效考核", "定期开展栏目内容自查", "加强与上级政务公开办的沟通", "引入第三方开展公开质量评估",
     "畅通政府信息公开申请渠道", "强化保密审查和发布前审核", "推动公开与政务服务深度融合", "做好公开工作台账管理",
     "提高公开信息的可读性", "加强对下属单位公开工作的指导"),
)


def problems_text(rng: random.Random, year: int) -> str:
    """A section 五 as a unit writes it (~110 characters), its phrases and figures chosen by ``rng``."""
    found, details, plans, also = (rng.sample(pool, 2) for pool in _PROBLEMS)
    return (f"一是{found[0]}，{details[0]}；二是{found[1]}，{details[1]}。{year + 1}年，本机关将"
            f"{plans[0]}，{plans[1]}，全年组织培训{rng.randint(2, 12)}次，{also[0]}，并{also[1]}，"
            f"力争在{rng.randint(3, 10)}月底前完成整改。")


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


_NUMBER_CELL = re.compile(rb'<c r="([A-Z]+[0-9]+)"([^>]*)>(<f>[^<]*</f>)?<v>[^<]*</v></c>')


def with_numbers(blob: bytes, values: dict[str, object]) -> bytes:
    """A built workbook whose number cells hold ``values`` (inputs, as ``random_values`` makes
    them) instead, with the totals' cached results to match (what Excel would have saved). Only
    cells that hold a number already change: ``values`` must leave blank and text cells as the
    built workbook has them (made with the same seeded error). Texts are not changed."""
    return _rewrite(blob, _numbers_change(values))


def unit_copy(blob: bytes, unit: str, values: dict[str, object], texts: dict[str, str]) -> bytes:
    """``with_unit`` and ``with_numbers`` in one pass, and each placeholder text (as the workbook
    was built with it) -> its text for this unit."""
    numbers = _numbers_change(values)
    swaps = [(old.encode(), escape(new).encode()) for old, new in {UNIT_PLACEHOLDER: unit, **texts}.items()]

    def change(name: str, data: bytes) -> bytes:
        for old, new in swaps:
            if old in data:
                data = data.replace(old, new)
        return numbers(name, data)
    return _rewrite(blob, change)


def _numbers_change(values: dict[str, object]):
    from ..workbook.build import computed_values
    numbers = {**values, **computed_values(values)}
    parts: dict[str, dict[bytes, bytes]] = {}
    sheet_part = {name: f"xl/worksheets/sheet{i}.xml" for i, name in enumerate(layout.SHEETS, start=1)}
    for key, pos in layout.positions().items():
        v = numbers.get(key)
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            parts.setdefault(sheet_part[pos.sheet], {})[pos.a1.encode()] = f"{v:.16G}".encode()

    def change(name: str, data: bytes) -> bytes:
        cells = parts.get(name)
        if not cells:
            return data

        def cell(m: re.Match) -> bytes:
            new = cells.get(m.group(1))
            if new is None or b" t=" in m.group(2):
                return m.group(0)
            return b'<c r="%s"%s>%s<v>%s</v></c>' % (m.group(1), m.group(2), m.group(3) or b"", new)
        return _NUMBER_CELL.sub(cell, data)
    return change


_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def with_saved_at(blob: bytes, iso: str) -> bytes:
    """A workbook whose own save time (docProps/core.xml modified) is ``iso``."""
    def change(name: str, data: bytes) -> bytes:
        if name == "docProps/core.xml":
            return _MODIFIED.sub(lambda m: m.group(1) + iso.encode() + m.group(2), data)
        return data
    return _rewrite(blob, change)
