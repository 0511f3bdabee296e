"""Performance page: the recorded benchmark figures with plots, and how to reproduce them.

Benchmarks are commands that measure a baseline in the same run and report
the ratio (never timed assertions in the tests). The figures shown here are
read from the record ``rfc5269 bench --docs-record`` writes
(``docs/_data/bench.json``, schema ``rfc5269-bench/1``) or from JSON records
in ``benchmarks/results/``; the plots are drawn from those same figures when
the pages are built. When no record exists the page says so and shows no
number. The benchmark commands are listed with their own descriptions.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Any

from gen.util import DOCS, ROOT, diagram_block, esc, heading, list_table, optional_module, rel

RECORDS = (DOCS / "_data" / "bench.json",)
RECORD_DIRS = ("benchmarks/results",)


def _scripts() -> list[tuple[Path, str]]:
    base = ROOT / "benchmarks"
    if not base.is_dir():
        return []
    out = []
    for p in sorted(base.glob("*.py")):
        if p.name.startswith("_"):
            continue
        doc = ast.get_docstring(ast.parse(p.read_text(encoding="utf-8"))) or ""
        out.append((p, doc))
    return out


def _records() -> list[tuple[Path, dict[str, Any]]]:
    paths = [p for p in RECORDS if p.is_file()]
    for d in RECORD_DIRS:
        if (ROOT / d).is_dir():
            paths.extend(sorted((ROOT / d).rglob("*.json")))
    out = []
    for p in paths:
        doc = json.loads(p.read_text(encoding="utf-8"))
        if isinstance(doc, list):
            doc = {"results": doc}
        if isinstance(doc, dict) and isinstance(doc.get("results"), list):
            out.append((p, doc))
    return out


def _num(x: Any) -> str:
    if not isinstance(x, (int, float)) or isinstance(x, bool):
        return esc(x if x is not None else "")
    if x == 0 or 0.01 <= abs(x) < 1e6:
        return f"{x:,.2f}" if abs(x) < 100 else f"{x:,.0f}"
    return f"{x:.3g}"


def _bar_chart(ident: str, title: str, items: list[tuple[str, float, float | None]]) -> str:
    """Horizontal bars of ratios to the baseline; 1.0 and each figure's goal are marked."""
    width, left, bar_h, gap = 900, 420, 18, 10
    top = max([1.0, *(v for _, v, _ in items), *(g for _, _, g in items if g)]) * 1.15
    height = len(items) * (bar_h + gap) + 44
    scale = (width - left - 60) / top
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" font-family="DejaVu Sans, sans-serif" '
             f'font-size="12" role="img" aria-label="{esc(title)}">']
    for i, (label, v, goal) in enumerate(items):
        y = 10 + i * (bar_h + gap)
        short = label if len(label) <= 60 else label[:57] + "..."
        parts.append(f'<text x="{left - 8}" y="{y + 13}" text-anchor="end">'
                     f"{_xml(short)}</text>")
        parts.append(f'<rect x="{left}" y="{y}" width="{max(v * scale, 1):.1f}" '
                     f'height="{bar_h}" fill="#6b8fc7"/>')
        parts.append(f'<text x="{left + v * scale + 4:.1f}" y="{y + 13}">{v:.3g}</text>')
        if goal:
            gx = left + goal * scale
            parts.append(f'<line x1="{gx:.1f}" y1="{y - 2}" x2="{gx:.1f}" y2="{y + bar_h + 2}" '
                         'stroke="#116611" stroke-width="2"/>')
    x1 = left + scale
    parts.append(f'<line x1="{x1:.1f}" y1="0" x2="{x1:.1f}" y2="{height - 24}" '
                 'stroke="#b00020" stroke-dasharray="4,3"/>')
    parts.append(f'<text x="{x1:.1f}" y="{height - 8}" text-anchor="middle">ratio 1.0 '
                 "(baseline); green marks: goals</text></svg>")
    return diagram_block("plot", ident, "\n".join(parts), title)


def _xml(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _render_record(path: Path, doc: dict[str, Any]) -> str:
    out = heading(f"Recorded run: ``{rel(path)}``", "-")
    meta = []
    if doc.get("command"):
        meta.append(f":Command: ``{doc['command']}``")
    if doc.get("started"):
        meta.append(f":Started: {esc(doc['started'])}")
    machine = doc.get("machine") or {}
    if machine:
        meta.append(":Machine: " + esc(", ".join(f"{k} {v}" for k, v in machine.items())))
    after = doc.get("machine_after") or {}
    if after.get("load_average") is not None:
        meta.append(f":Load average after: {esc(after['load_average'])}")
    out += "\n".join(meta) + "\n\n" if meta else ""
    sections = doc.get("sections") or {}
    rows_by_bench: dict[str, list[dict[str, Any]]] = {}
    for r in doc["results"]:
        rows_by_bench.setdefault(str(r.get("benchmark", "")), []).append(r)
    names = list(dict.fromkeys([*sections, *rows_by_bench]))
    for name in names:
        info = sections.get(name, {})
        out += heading(info.get("title") or name or "figures", "~")
        if info and not info.get("available", True):
            reason = (info.get("details") or {}).get("reason", "")
            out += f"Not available in this run{': ' + esc(reason) if reason else ''}.\n\n"
            continue
        rows = rows_by_bench.get(name, [])
        if not rows:
            out += "No figures recorded.\n\n"
            continue
        table = []
        for r in rows:
            goal = ""
            if r.get("goal") is not None:
                sign = "≤" if r.get("goal_kind") == "max" else "≥"
                goal = f"{sign} {_num(r['goal'])}: " + ("met" if r.get("met") else "**not met**")
            table.append([esc(r.get("name", "")), _num(r.get("value")), esc(r.get("unit", "")),
                          _num(r.get("baseline")), _num(r.get("ratio")), goal,
                          esc(r.get("note", ""))])
        out += list_table(["figure", "value", "unit", "baseline", "ratio", "goal", "note"],
                          table, widths=[34, 10, 10, 10, 8, 14, 14])
        items = [(str(r.get("name", "")), float(r["ratio"]),
                  float(r["goal"]) if r.get("goal") is not None and r.get("ratio") is not None
                  else None)
                 for r in rows if isinstance(r.get("ratio"), (int, float))]
        if items:
            out += _bar_chart(f"bench-{path.stem}-{name}", f"{info.get('title') or name}: "
                              "ratio of each figure to its baseline", items)
    return out


def _commands() -> str:
    out = ""
    bench = optional_module("rfc5269.bench")
    if bench is not None:
        out += heading("``rfc5269 bench``", "~")
        doc = (bench.__doc__ or "").strip()
        out += (doc + "\n\n") if doc else ""
        out += ("Reproduce the figures with ``rfc5269 bench`` (``--quick`` for a smoke run); "
                "``rfc5269 bench --docs-record`` writes the record this page reads.\n\n")
    for p, doc in _scripts():
        out += heading(f"``{rel(p)}``", "~")
        # the script's docstring is reStructuredText, like every docstring here
        out += (doc.strip() + "\n\n") if doc else "(no description)\n\n"
        if "Run" not in doc:
            out += f"Run it with ``python {rel(p)}``.\n\n"
    return out


def generate() -> dict[str, str]:
    """``performance.inc``."""
    out = ""
    records = _records()
    if records:
        for path, doc in records:
            out += _render_record(path, doc)
    else:
        out += heading("Recorded figures", "-")
        out += ("No benchmark run has been recorded in this checkout (looked for "
                "``docs/_data/bench.json`` and ``benchmarks/results/``), so this page shows "
                "no numbers. The commands below measure them; each prints its figures with "
                "the baseline measured in the same run.\n\n")
    commands = _commands()
    out += heading("How to reproduce", "-")
    out += commands or "No benchmark command exists in this checkout yet.\n\n"
    return {"performance.inc": out}
