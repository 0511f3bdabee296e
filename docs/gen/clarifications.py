"""Clarification entries, generated from the interpretation switches and the proofs' entries.

Each ambiguity, contradiction or gap has a clarification ID (``CL-xx``). The
switch that selects the reading lives in :mod:`rfc5269.interpretations`; the
readings are that switch's values, described by the comments the source gives
each value. The witness and the proposed erratum text come from the proofs'
clarification entries when that module exists.
"""

from __future__ import annotations

import ast
import enum
import inspect
import io
import tokenize
from typing import Any

from gen import sources
from gen.msc import render_svg
from gen.util import diagram_block, esc, heading, optional_module


def value_comments(cls: type[enum.Enum]) -> dict[str, str]:
    """``member name -> trailing comment`` read from the enum's source."""
    src = inspect.getsource(cls)
    comments: dict[int, str] = {}
    for tok in tokenize.generate_tokens(io.StringIO(src).readline):
        if tok.type == tokenize.COMMENT:
            comments[tok.start[0]] = tok.string.lstrip("#").strip()
    out: dict[str, str] = {}
    for node in ast.parse(src).body[0].body:  # type: ignore[attr-defined]
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            out[node.targets[0].id] = comments.get(node.lineno, "")
    return out


def readings(field_type: Any, default: Any) -> list[str]:
    """rST bullet lines, one per reading; the default is marked."""
    lines = []
    if isinstance(field_type, type) and issubclass(field_type, enum.Enum):
        notes = value_comments(field_type)
        for member in field_type:
            mark = " **(reference default)**" if member == default else ""
            note = notes.get(member.name, "")
            note = note.replace("(default)", "").strip().rstrip(",;")
            lines.append(f"* ``{member.value}``{mark}" + (f" — {esc(note)}" if note else ""))
    else:
        for value in (True, False):
            mark = " **(reference default)**" if value == default else ""
            lines.append(f"* ``{value}``{mark}")
    return lines


def generate() -> dict[str, str]:
    """``clarifications.inc``."""
    interp = optional_module("rfc5269.interpretations")
    if interp is None:
        raise RuntimeError("rfc5269.interpretations is missing")
    import dataclasses

    fields = {f.name: f for f in dataclasses.fields(interp.Interpretations)}
    hints = __import__("typing").get_type_hints(interp.Interpretations)
    entries = sources.clarification_entries()
    out = ""
    summary_rows = []
    switch_ids = {sw.clarification for sw in interp.SWITCHES}
    referenced_by = {}
    for prop in sources.properties():
        for cfg, cid in prop["clarifications"].items():
            referenced_by.setdefault(cid, []).append(f"{prop['id']} under ``{cfg}``")
    for sw in interp.SWITCHES:
        extra = {**entries.get(sw.clarification, {}),
                 "properties": referenced_by.get(sw.clarification, [])}
        summary_rows.append((sw.clarification, sw.name, ", ".join(sw.refs)))
        out += _entry(sw.clarification, extra.get("title") or _humane(sw.name), sw, fields, hints,
                      interp, extra)
    referenced: dict[str, list[str]] = {}
    for prop in sources.properties():
        for cfg, cid in prop["clarifications"].items():
            referenced.setdefault(cid, []).append(f"{prop['id']} under ``{cfg}``")
    for cid in referenced:
        if cid not in switch_ids and cid not in entries:
            entries[cid] = {"title": "", "refs": (), "missing": True}
    for cid, extra in sorted(entries.items()):
        extra = {**extra, "properties": referenced.get(cid, [])}
        if cid in switch_ids:
            continue
        summary_rows.append((cid, "(no switch)", ", ".join(extra.get("refs", ()))))
        out += _entry(cid, extra.get("title") or "", None, fields, hints,
                      interp, extra)
    summary = heading("Index", "-")
    summary += "".join(
        f"* :ref:`{cid}` — ``{name}``" + (f" ({esc(refs)})" if refs else "") + "\n"
        for cid, name, refs in sorted(summary_rows)
    ) + "\n"
    return {"clarifications.inc": summary + out}


def _entry(
    cid: str, title: str, sw: Any, fields: dict[str, Any], hints: dict[str, Any], interp: Any,
    extra: dict[str, Any],
) -> str:
    out = f".. _{cid}:\n\n" + heading(f"{cid}: {title}" if title else cid, "-")
    if extra.get("missing"):
        out += (".. note::\n\n   This ID is used by the proofs but the project has no entry "
                "text for it yet.\n\n")
    refs = sw.refs if sw is not None else tuple(extra.get("refs", ()))
    out += f":Text concerned: {esc(', '.join(refs))}\n"
    if extra.get("text"):
        out += f":Paraphrase: {esc(extra['text'])}\n"
    if sw is not None:
        out += f":Question: {esc(sw.question)}\n"
        out += f":Switch: ``rfc5269.interpretations.Interpretations.{sw.name}``\n"
        default = getattr(interp.DEFAULT, sw.name)
        shown = default.value if isinstance(default, enum.Enum) else default
        out += f":Reference default: ``{shown}`` — {esc(sw.default_reason)}\n"
    out += "\n"
    if sw is not None:
        out += "Readings:\n\n" + "\n".join(
            readings(hints[sw.name], getattr(interp.DEFAULT, sw.name))
        ) + "\n\n"
    elif extra.get("readings"):
        out += "Readings:\n\n" + "".join(f"* {esc(r)}\n" for r in extra["readings"]) + "\n"
    if extra.get("properties"):
        out += ("**Model properties.** The expected outcome of "
                + ", ".join(f":ref:`{p.split()[0]} <prop-{p.split()[0]}>`{p[len(p.split()[0]):]}"
                            for p in extra["properties"])
                + " illustrates this entry (see :doc:`proofs`).\n\n")
    witness = extra.get("witness")
    if witness:
        out += f"**Witness.** {esc(witness)}\n\n"
    else:
        out += "**Witness.** None recorded yet for this entry.\n\n"
    for i, chart in enumerate(extra.get("charts", ())):
        out += diagram_block("msc", f"{cid}-trace-{i}", render_svg(chart, f"{cid}-trace-{i}"),
                             chart.title)
    resolution = extra.get("resolution")
    if resolution:
        out += f"**Proposed resolution.** {esc(resolution)}\n\n"
    else:
        out += "**Proposed resolution.** Not yet drafted.\n\n"
    return out


def _humane(name: str) -> str:
    """``key_index_address`` -> ``Key index address``."""
    return name.replace("_", " ").capitalize()
