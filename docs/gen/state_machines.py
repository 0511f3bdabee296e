"""State machine diagrams and tables, generated from the nodes' transition tables.

Every module of :mod:`rfc5269.nodes` that defines a tuple named
``*_TRANSITIONS`` of :class:`~rfc5269.nodes.table.Transition` rows gets a
diagram (states are ``Transition.state`` / ``Transition.next_state``, edges are
labelled with the input and the requirement IDs) and the full table.
"""

from __future__ import annotations

import html
import pkgutil
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from gen.util import (
    diagram_block,
    dot_quote,
    dot_svg,
    esc,
    heading,
    list_table,
    not_available,
    optional_module,
)

ANY = "*"
UNCHANGED = {"*", "="}  # next_state markers meaning "stays in its state"


@dataclass(frozen=True)
class Table:
    """One transition table found in the code."""

    module: str
    name: str
    rows: tuple[Any, ...]
    check_specs: Mapping[str, object]

    @property
    def actor(self) -> str:
        """The actor the rows name (the table's own name when the rows disagree)."""
        actors = {getattr(r, "actor", "") for r in self.rows}
        return actors.pop() if len(actors) == 1 else self.name


def find_tables() -> list[Table]:
    """Every ``*_TRANSITIONS`` table in the :mod:`rfc5269.nodes` modules."""
    nodes = optional_module("rfc5269.nodes")
    table_mod = optional_module("rfc5269.nodes.table")
    if nodes is None or table_mod is None:
        return []
    transition = table_mod.Transition
    check_spec = getattr(table_mod, "CheckSpec", None)
    found: list[Table] = []
    for info in sorted(pkgutil.iter_modules(nodes.__path__), key=lambda i: i.name):
        module: ModuleType | None = optional_module(f"rfc5269.nodes.{info.name}")
        if module is None:
            continue
        specs: dict[str, object] = {}
        for value in vars(module).values():
            if isinstance(value, Mapping) and value and check_spec is not None and all(
                isinstance(v, check_spec) for v in value.values()
            ):
                specs.update(value)
        for attr, value in sorted(vars(module).items()):
            if (
                attr.endswith("_TRANSITIONS")
                and isinstance(value, tuple)
                and value
                and all(isinstance(r, transition) for r in value)
            ):
                found.append(Table(module.__name__, attr, value, specs))
    return found


def states_of(rows: tuple[Any, ...]) -> list[str]:
    """States in order of first appearance (``*`` excluded)."""
    seen: OrderedDict[str, None] = OrderedDict()
    for r in rows:
        for s in (r.state, r.next_state):
            if s not in UNCHANGED:
                seen[s] = None
    return list(seen)


def _wrap_ids(ids: tuple[str, ...], per_line: int = 3) -> str:
    chunks = [", ".join(ids[i : i + per_line]) for i in range(0, len(ids), per_line)]
    return "\n".join(chunks)


def dot_for(table: Table) -> str:
    """Graphviz source of the table's diagram."""
    lines = [
        "digraph G {",
        '  graph [rankdir=TB, fontname="DejaVu Sans", fontsize=11, nodesep=0.5, ranksep=0.5];',
        '  node [shape=box, style="rounded,filled", fillcolor="#fdf6e3", fontname="DejaVu Sans",'
        " fontsize=11];",
        '  edge [fontname="DejaVu Sans", fontsize=9, color="#444444"];',
    ]
    for s in states_of(table.rows):
        lines.append(f"  {dot_quote(s)};")
    if any(r.state == ANY for r in table.rows):
        lines.append(f'  {dot_quote(ANY)} [label="any state", shape=ellipse, fillcolor="#eeeeee"];')
    merged: OrderedDict[tuple[str, str], list[str]] = OrderedDict()
    for r in table.rows:
        src, dst = r.state, r.next_state
        if dst in UNCHANGED:
            dst = src
        ids = _wrap_ids(tuple(r.requirements))
        label = f"<B>{html.escape(r.input)}</B>" + "".join(
            f"<BR/>{html.escape(line)}" for line in ids.splitlines())
        merged.setdefault((src, dst), []).append(label)
    for (src, dst), labels in merged.items():
        lines.append(f"  {dot_quote(src)} -> {dot_quote(dst)} [label=<{'<BR/>'.join(labels)}>];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _spec_text(table: Table, check: str) -> str:
    spec = table.check_specs.get(check)
    if spec is None:
        return f"``{check}``"
    reqs = ", ".join(getattr(spec, "requirements", ()))
    desc = getattr(spec, "description", "")
    return f"``{check}`` ({esc(reqs)}): {esc(desc)}" if reqs else f"``{check}``: {esc(desc)}"


def render_table(table: Table) -> str:
    """Diagram, transition rows and the check catalogue of one table."""
    actor = table.actor
    out = heading(f"{actor}: {table.name}", "-")
    out += (
        f"Generated from ``{table.module}.{table.name}`` ({len(table.rows)} rows). "
        "States are boxes; each edge is labelled with the input that triggers it and "
        "the requirement IDs the row implements. A failed check leaves the state as the "
        "row's *on reject* column says.\n\n"
    )
    out += diagram_block(
        "state", f"state-{table.name}", dot_svg(dot_for(table)),
        f"State diagram of {table.module}.{table.name}",
    )
    out += heading("Transitions", "~")
    rows = []
    for r in table.rows:
        rows.append([
            esc(r.name), esc(r.state), esc(r.input),
            "\n".join(f"#. ``{c}``" for c in r.checks) or "(none)",
            esc(r.action), esc(r.next_state), esc(r.on_reject),
            esc(", ".join(r.requirements)),
        ])
    out += list_table(
        ["row", "state", "input", "checks (in order)", "action", "next state", "on reject",
         "requirements"],
        rows, widths=[12, 8, 9, 20, 15, 8, 14, 14], css_class="transitions",
    )
    used = sorted({c for r in table.rows for c in r.checks})
    if used:
        out += heading("Checks", "~")
        out += "".join(f"* {_spec_text(table, c)}\n" for c in used) + "\n"
    return out


def generate() -> dict[str, str]:
    """``state_machines.inc``."""
    tables = find_tables()
    if not tables:
        return {
            "state_machines.inc": not_available(
                "The AR and MN transition tables", "rfc5269.nodes.ar / rfc5269.nodes.mn"
            )
        }
    text = "".join(render_table(t) for t in tables)
    names = {t.name for t in tables}
    for wanted, module in (("AR_TRANSITIONS", "rfc5269.nodes.ar"),
                           ("MN_TRANSITIONS", "rfc5269.nodes.mn")):
        if wanted not in names:
            text += not_available(f"The table ``{wanted}``", module)
    return {"state_machines.inc": text}
