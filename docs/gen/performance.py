"""Performance page: the benchmark scripts, and the figures they recorded, if any.

Benchmarks are commands that measure a baseline in the same run and print
the ratio (never timed assertions in the tests). This page lists every script
in ``benchmarks/`` with its own description of what it measures and how to
run it. When a benchmark has written JSON records (``benchmarks/results/``
or ``.benchmarks/``), they are tabulated and their ratios plotted; when none
exist the page says so and shows no figure.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Any

from gen.util import ROOT, diagram_block, esc, heading, list_table, rel

RECORD_DIRS = ("benchmarks/results", ".benchmarks")


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


def _records() -> list[tuple[Path, list[dict[str, Any]]]]:
    out = []
    for d in RECORD_DIRS:
        base = ROOT / d
        if not base.is_dir():
            continue
        for p in sorted(base.rglob("*.json")):
            try:
                doc = json.loads(p.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, json.JSONDecodeError):
                continue
            rows = doc if isinstance(doc, list) else doc.get("results", doc.get("benchmarks"))
            if isinstance(rows, list) and rows and all(isinstance(r, dict) for r in rows):
                out.append((p, rows))
    return out


def _bar_chart(ident: str, items: list[tuple[str, float]]) -> str:
    """A horizontal bar chart of ratios as inline SVG (1.0 marked)."""
    width, left, bar_h, gap = 760, 300, 18, 8
    top = max(max(v for _, v in items), 1.0) * 1.1
    height = len(items) * (bar_h + gap) + 40
    scale = (width - left - 20) / top
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" font-family="DejaVu Sans, sans-serif" '
             'font-size="12">']
    for i, (label, v) in enumerate(items):
        y = 10 + i * (bar_h + gap)
        parts.append(f'<text x="{left - 8}" y="{y + 13}" text-anchor="end">{esc(label)}</text>')
        parts.append(f'<rect x="{left}" y="{y}" width="{v * scale:.1f}" height="{bar_h}" '
                     'fill="#6b8fc7"/>')
        parts.append(f'<text x="{left + v * scale + 4:.1f}" y="{y + 13}">{v:.2f}</text>')
    x1 = left + scale
    parts.append(f'<line x1="{x1:.1f}" y1="0" x2="{x1:.1f}" y2="{height - 20}" '
                 'stroke="#b00020" stroke-dasharray="4,3"/>')
    parts.append(f'<text x="{x1:.1f}" y="{height - 6}" text-anchor="middle">1.0 '
                 '(baseline)</text></svg>')
    return diagram_block("plot", ident, "\n".join(parts), "Ratio to the baseline of the same run")


def generate() -> dict[str, str]:
    """``performance.inc``."""
    out = ""
    scripts = _scripts()
    out += heading("Benchmarks", "-")
    if scripts:
        out += ("Each benchmark measures its baseline in the same run and prints the ratio; "
                "run it on an otherwise idle machine. What each one measures, in its own "
                "words:\n\n")
        for p, doc in scripts:
            out += heading(f"``{rel(p)}``", "~")
            # the script's docstring is reStructuredText, like every docstring here
            out += (doc.strip() + "\n\n") if doc else "(no description)\n\n"
            if "Run" not in doc:
                out += f"Run it with ``python {rel(p)}``.\n\n"
    else:
        out += "No benchmark scripts exist in this checkout yet (``benchmarks/``).\n\n"
    out += heading("Recorded figures", "-")
    records = _records()
    if not records:
        out += ("No benchmark has recorded machine-readable figures in this checkout "
                "(looked in " + ", ".join(f"``{d}/``" for d in RECORD_DIRS) + "), so this "
                "page shows no numbers: the figures are whatever the commands above print "
                "on the machine that runs them.\n\n")
        return {"performance.inc": out}
    for p, rows in records:
        out += heading(f"``{rel(p)}``", "~")
        keys = list(dict.fromkeys(k for r in rows for k in r))
        out += list_table(keys, [[esc(r.get(k, "")) for k in keys] for r in rows])
        ratio_key = next((k for k in keys if "ratio" in k.lower()), None)
        name_key = next((k for k in keys if k.lower() in ("name", "benchmark", "what")), keys[0])
        if ratio_key:
            items = [(str(r.get(name_key, "")), float(r[ratio_key])) for r in rows
                     if isinstance(r.get(ratio_key), (int, float))]
            if items:
                out += _bar_chart(f"bench-{p.stem}", items)
    return {"performance.inc": out}
