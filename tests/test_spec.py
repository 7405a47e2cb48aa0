"""The specification equals FORMAT.md: every label, key and header parsed from the format document
itself and compared with toolkit.spec, so that a typo on either side fails here."""

from __future__ import annotations

import re

import pytest

from conftest import FORMAT_MD, shared_text
from toolkit import spec
from toolkit.rules import RULE_BY_ID



@pytest.fixture(scope="module")
def fmt() -> str:
    return shared_text(FORMAT_MD)


def section(text: str, heading: str) -> str:
    """The body of the '## heading…' section, up to the next '## '."""
    m = re.search(r"^(## " + re.escape(heading) + r".*?)(?=^## |\Z)", text, re.M | re.S)
    assert m, heading
    return m.group(1)


def table_rows(body: str) -> list[list[str]]:
    """The data rows of the first markdown table in ``body`` (header and rule line skipped)."""
    rows = [line.strip() for line in body.splitlines() if line.strip().startswith("|")]
    return [[c.strip() for c in r.strip("|").split("|")] for r in rows[2:]]


def ticks(text: str) -> list[str]:
    return re.findall(r"`([^`]*)`", text)


# --- sections and text parts --------------------------------------------------------------------

def test_sections_and_text_parts(fmt):
    rows = table_rows(section(fmt, "Sections, in order"))
    assert [r[0] for r in rows] == [s.number for s in spec.SECTIONS]
    assert [ticks(r[1])[0] for r in rows] == [s.heading for s in spec.SECTIONS]
    # section 一's five parts, verbatim, and the text keys of every section in order
    assert ticks(rows[0][2]) == [p.heading for p in spec.TEXT_PARTS if p.heading]
    text_keys = [k for r in rows for k in ticks(r[3]) if k.startswith("text.")]
    assert text_keys == list(spec.TEXT_KEYS)
    assert [ticks(r[3]) for r in rows[1:4]] == [["t2.*"], ["t3.*"], ["t4.*"]]
    assert [s.content for s in spec.SECTIONS] == ["text", "t2", "t3", "t4", "text", "text"]
    for part in spec.TEXT_PARTS:
        sec = next(s for s in spec.SECTIONS if s.number == part.section)
        assert part.key in ticks(rows[spec.SECTIONS.index(sec)][3])


def test_metadata(fmt):
    line = next(p for p in fmt.split("\n\n") if p.startswith("Report metadata"))
    keys = [k for k in ticks(line) if k.startswith("meta.")]
    assert keys == list(spec.META_KEYS)
    assert [k for k in ticks(line) if not k.startswith("meta.") and "{" not in k] == list(spec.UNIT_LEVELS)
    assert spec.FIELDS["meta.unit"].label in line and spec.FIELDS["meta.year"].label in line
    assert spec.FIELDS["meta.date"].label in line
    assert spec.FIELDS["meta.unit_level"].choices == spec.UNIT_LEVELS
    title_rule = re.search(r"title is `([^`]*)`", fmt).group(1)
    assert spec.title({"meta.unit": "锦屏街道", "meta.year": 2022}) == title_rule.replace(
        "{meta.unit}", "锦屏街道").replace("{meta.year}", "2022") == "锦屏街道2022年政府信息公开工作年度报告"
    assert spec.FORMAT_ID in fmt


# --- table 二 ---------------------------------------------------------------------------------

def test_table_two(fmt):
    body = section(fmt, "Table 二")
    assert ticks(body.splitlines()[0])[0] == spec.SECTIONS[1].heading
    assert f"`{spec.T2_CONTENT_LABEL}`" in body
    rows = table_rows(body)
    expected_keys: list[str] = []
    blocks: list[tuple[str, list[str], list[str]]] = []  # caption, column labels, row labels
    columns: list[str] = []
    for caption, row_label, cols, keys, kind in rows:
        if caption:
            columns = ticks(cols)
            blocks.append((ticks(caption)[0], columns, []))
        else:
            assert cols == "same"
        blocks[-1][2].append(ticks(row_label)[0])
        for key in ticks(keys):
            expected_keys.append(key)
            want = "decimal" if kind.startswith("decimal") else "int"
            assert spec.FIELDS[key].kind == want, key
    assert blocks == [(caption, [c for _, c in cols], [r for _, r in rws])
                      for caption, cols, rws in spec.T2_BLOCKS]
    t2_keys = [k for k in spec.KEYS if k.startswith("t2.")]
    assert t2_keys == expected_keys
    assert len(t2_keys) == 10 and "(10 numbers)" in fmt
    assert all(not spec.FIELDS[k].is_computed for k in t2_keys)
    assert f"up to {spec.FEES_DECIMALS} decimals" in body


# --- table 三 ---------------------------------------------------------------------------------

def test_table_three_columns_and_rows(fmt):
    body = section(fmt, "Table 三")
    assert ticks(body.splitlines()[0])[0] == spec.SECTIONS[2].heading
    columns = re.findall(r"`([a-z_]+)`\s+([^\s,.`]+)", body[body.index("Columns, in order"):].split("\n\n")[0])
    assert columns == list(spec.T3_COLUMNS)
    rows = table_rows(body)
    assert [int(r[0]) for r in rows] == list(range(1, 26))
    assert [(ticks(r[1])[0], ticks(r[2])[0]) for r in rows] == list(spec.T3_ROWS)
    # 25 rows x 7 columns, every key t3.<row>.<column>, in row-major order
    t3_keys = [k for k in spec.KEYS if k.startswith("t3.")]
    assert t3_keys == [f"t3.{r}.{c}" for r, _ in spec.T3_ROWS for c, _ in spec.T3_COLUMNS]
    assert len(t3_keys) == 175 and "175 numbers" in body
    # rows 3-23 are the 21 result rows
    assert list(spec.T3_RESULT_KEYS) == [ticks(r[1])[0] for r in rows[2:23]]


def test_table_three_header_and_groups(fmt):
    body = section(fmt, "Table 三")
    header = body[body.index("Header:"):body.index("Columns, in order")]
    corner, applicants, natural, orgs, total, *org_cols = ticks(header)
    assert corner == spec.T3_CORNER and applicants == spec.T3_APPLICANTS and orgs == spec.T3_ORGS
    assert [natural, *org_cols[:5], total] == [label for _, label in spec.T3_COLUMNS]
    t3 = spec.TABLE_BY_ID["t3"]
    by_text = {c.text: c for c in t3.cells if c.role == "header"}
    # merged headers exactly as FORMAT.md draws them
    assert (by_text[corner].rowspan, by_text[corner].colspan) == (3, 3)
    assert (by_text[applicants].row, by_text[applicants].colspan) == (0, 7)
    assert (by_text[natural].rowspan, by_text[natural].colspan) == (2, 1)
    assert (by_text[orgs].colspan, by_text[orgs].rowspan) == (5, 1)
    assert (by_text[total].rowspan, by_text[total].colspan) == (2, 1)
    assert [by_text[t].row for t in org_cols[:5]] == [2] * 5
    # no invented subtotal: the header has exactly these texts
    assert sorted(by_text) == sorted([corner, applicants, orgs, *[l for _, l in spec.T3_COLUMNS]])
    groups = body[body.index("is a group label"):].split("\n")[0]
    group_labels = ticks(body[body.index("`三、本年度办理结果`"):].split(".\n")[0])
    assert group_labels[0] == spec.T3_RESULTS_GROUP
    assert group_labels[1:] == list(dict.fromkeys(g for g, _, _ in spec.T3_RESULT_ROWS if g))
    assert "rows 3–24" in groups
    labels = {c.text: c for c in t3.cells if c.role == "label"}
    first = labels[spec.T3_RESULTS_GROUP]
    assert first.rowspan == 22 and first.row == t3.header_rows + 2  # rows 3-24 (1-based)
    for g in group_labels[1:]:
        n = sum(1 for gg, _, _ in spec.T3_RESULT_ROWS if gg == g)
        assert labels[g].rowspan == n


def test_table_three_computed_keys_follow_e4_e5():
    for r, _ in spec.T3_ROWS:
        f = spec.FIELDS[f"t3.{r}.total"]
        assert f.computed_from == tuple(f"t3.{r}.{c}" for c in spec.T3_APPLICANT_COLUMNS)
    for c in spec.T3_APPLICANT_COLUMNS:
        f = spec.FIELDS[f"t3.total.{c}"]
        assert f.computed_from == tuple(f"t3.{k}.{c}" for k in spec.T3_RESULT_KEYS)
    assert len(spec.T3_RESULT_KEYS) == 21


# --- table 四 ---------------------------------------------------------------------------------

def test_table_four(fmt):
    body = section(fmt, "Table 四")
    assert ticks(body.splitlines()[0])[0] == spec.SECTIONS[3].heading
    header = body[body.index("Header:"):body.index("Keys `t4")]
    review, suit, direct, after, *columns = ticks(header)
    assert [review, direct, after] == [label for _, label in spec.T4_GROUPS]
    assert suit == spec.T4_SUIT
    assert columns == [label for _, label in spec.T4_COLUMNS]
    keys_line = body[body.index("Keys `t4"):]
    groups = re.findall(r"`([a-z_]+)`\s+([^\s,;`]+)", keys_line.split("columns")[0])
    assert groups == list(spec.T4_GROUPS)
    col_keys = ticks(keys_line.split("columns")[1].split("\n")[0])
    assert col_keys == [k for k, _ in spec.T4_COLUMNS]
    t4_keys = [k for k in spec.KEYS if k.startswith("t4.")]
    assert t4_keys == [f"t4.{g}.{c}" for g, _ in spec.T4_GROUPS for c, _ in spec.T4_COLUMNS]
    assert len(t4_keys) == 15 and "15 numbers" in body
    t4 = spec.TABLE_BY_ID["t4"]
    by_text = {c.text: c for c in t4.cells if c.role == "header" and c.row < 2}
    assert by_text[review].colspan == 5 and by_text[suit].colspan == 10
    assert by_text[direct].colspan == by_text[after].colspan == 5
    for g, _ in spec.T4_GROUPS:  # E6
        assert spec.FIELDS[f"t4.{g}.total"].computed_from == tuple(
            f"t4.{g}.{c}" for c, _ in spec.T4_COLUMNS[:-1])


# --- the whole specification --------------------------------------------------------------------

@pytest.mark.parametrize("table", spec.TABLES, ids=lambda t: t.id)
def test_grid_covers_each_cell_once(table):
    seen: dict[tuple[int, int], spec.GridCell] = {}
    for cell in table.cells:
        for r in range(cell.row, cell.row + cell.rowspan):
            for c in range(cell.col, cell.col + cell.colspan):
                assert (r, c) not in seen, (cell, seen.get((r, c)))
                seen[(r, c)] = cell
    assert set(seen) == {(r, c) for r in range(table.n_rows) for c in range(table.n_cols)}
    assert all(c.text and not c.key for c in table.cells if c.role in ("header", "label"))
    assert all(c.key and not c.text for c in table.cells if c.role in ("input", "computed"))
    assert all((c.role == "computed") == spec.FIELDS[c.key].is_computed for c in table.value_cells)


def test_keys_and_kinds():
    assert len(spec.KEYS) == len(set(spec.KEYS)) == 6 + 8 + 10 + 175 + 15
    key_shape = re.compile(r"^(meta|text|t2|t3|t4)\.[a-z_]+(\.[a-z_]+)?$")
    assert all(key_shape.match(k) for k in spec.KEYS)
    assert set(spec.INPUT_KEYS) | set(spec.COMPUTED_KEYS) == set(spec.KEYS)
    assert len(spec.COMPUTED_KEYS) == 25 + 6 + 3
    assert set(spec.NUMBER_KEYS) == {k for k in spec.KEYS if k[:2] in ("t2", "t3", "t4")}
    assert [k for k in spec.KEYS if spec.FIELDS[k].required] == [
        "meta.unit", "meta.year", *[p.key for p in spec.TEXT_PARTS if p.required]]
    assert spec.FIELDS["text.overview"].required is False  # FORMAT.md: text.overview may be empty
    for key in spec.COMPUTED_KEYS:  # totals sum keys of the same table only, never themselves
        f = spec.FIELDS[key]
        assert key not in f.computed_from
        assert all(spec.TABLE_OF_KEY[t] is spec.TABLE_OF_KEY[key] for t in f.computed_from)


def test_describe_names_table_row_and_column():
    assert spec.describe("t3.denied_secret.natural") == "表三「（三）不予公开·1.属于国家秘密」行「自然人」列"
    assert spec.describe("t4.suit_direct.total") == "表四「行政诉讼·未经复议直接起诉」的「总计」"
    assert spec.describe("t2.fees.amount") == "表二「行政事业性收费」行「本年收费金额（单位：万元）」列"
    assert spec.describe("meta.unit") == "「机关名称」"


def test_old_format_strings(fmt):
    body = section(fmt, "The older 2019 format")
    listed = ticks(body.split("; or")[0])
    assert listed == list(spec.OLD_FORMAT_STRINGS)
    assert spec.TEMPLATE_MARKER == f"NIANBAO:{spec.FORMAT_ID}:v{spec.TEMPLATE_VERSION}"


def test_every_rule_of_format_md_is_in_the_catalogue(fmt):
    ids = re.findall(r"^- ([EW]\d+) ", fmt, re.M)
    assert ids[:20] == [f"E{i}" for i in range(1, 9)] + [f"W{i}" for i in range(1, 13)]
    # in FORMAT.md's order; a batch rule (W13) joins the catalogue when it is built
    assert list(RULE_BY_ID) == ids[:len(RULE_BY_ID)] and len(RULE_BY_ID) >= 20
    assert all(RULE_BY_ID[i].severity == "error" for i in ids if i[0] == "E")
    assert all(RULE_BY_ID[i].severity == "warning" for i in ids if i[0] == "W" and i in RULE_BY_ID)
