"""Unit tests of the documentation's own generators (docs/gen): charts, tables, hex dumps."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "docs"))

from gen import msc, util
from gen.findings import hexdump

MERMAID = """sequenceDiagram
    title P2 violated
    participant MN0 as MN0
    participant AR0 as AR0
    participant Net as Network / attacker
    MN0->>AR0: RtSolPr(n1) => accepted
    Net->>MN0: PrRtAdv(forged) => accepted
    Note over AR0: key expires => ok
"""


def test_mermaid_subset_is_parsed_with_attacker_arrows() -> None:
    chart = msc.parse_mermaid(MERMAID, "t")
    assert chart.actors == ["MN0", "AR0", "Network / attacker"]
    kinds = [type(s).__name__ for s in chart.steps]
    assert kinds == ["Message", "Message", "Note"]
    assert chart.steps[1].style == "attack"  # type: ignore[union-attr]
    svg = msc.render_svg(chart, "x")
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    for text in ("RtSolPr(n1) =&gt; accepted", "PrRtAdv(forged)", "key expires", "AR0"):
        assert text in svg


def test_unknown_mermaid_lines_are_refused_not_dropped() -> None:
    with pytest.raises(ValueError, match="unsupported"):
        msc.parse_mermaid("sequenceDiagram\n    loop every minute\n", "t")


def test_chart_with_an_unknown_actor_is_refused() -> None:
    chart = msc.Chart("t", ["A"], [msc.Message("A", "B", "x")])
    with pytest.raises(ValueError, match="unknown actor"):
        msc.render_svg(chart, "x")


def test_list_table_checks_row_width() -> None:
    with pytest.raises(ValueError):
        util.list_table(["a", "b"], [["1"]])
    assert util.list_table(["a"], []) == "*(empty)*\n"


def test_rst_escaping_of_inline_markup() -> None:
    assert util.esc("a*b_c `d` |e|") == "a\\*b\\_c \\`d\\` \\|e\\|"


def test_hexdump_layout() -> None:
    dump = hexdump(bytes(range(20)))
    lines = dump.splitlines()
    assert lines[0].startswith("0000  00 01 02")
    assert lines[1].startswith("0010  10 11 12 13")
    assert len(lines) == 2


def test_dot_renders_svg() -> None:
    svg = util.dot_svg('digraph G { "a" -> "b" [label="x"]; }')
    assert svg.startswith("<svg") and ">x<" in svg
