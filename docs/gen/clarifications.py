"""Clarification entries, generated from the switches, the proofs' entries and the evidence.

Sources, all read at build time:

* :data:`rfc5269.interpretations.SWITCHES` — for CL-01..CL-12: the question,
  the reference's default and why; the switch's values are the readings,
  described by the comments the source gives each value;
* :data:`rfc5269.proofs.clarifications.CLARIFICATIONS` — the entries the
  model supports: text concerned (paraphrased), readings with what the model
  shows under each, the evidence (property and configuration) and the
  proposed erratum text;
* the prover's results (:mod:`gen.prover`) — each piece of evidence that is a
  violation is drawn from the counterexample the prover found for that
  property and configuration;
* :mod:`rfc5269.findings` — a finding whose readings name a switch's enum is
  listed as a witness from independent software;
* properties that name a clarification for a configuration.
"""

from __future__ import annotations

import ast
import dataclasses
import enum
import inspect
import io
import re
import tokenize
import typing
from typing import Any

from gen import prover, sources
from gen.msc import parse_mermaid, render_svg
from gen.util import diagram_block, esc, heading, list_table, optional_module


def value_comments(cls: type[enum.Enum]) -> dict[str, str]:
    """``member name -> trailing comment`` read from the enum's source."""
    src = inspect.getsource(cls)
    comments: dict[int, str] = {}
    for tok in tokenize.generate_tokens(io.StringIO(src).readline):
        if tok.type == tokenize.COMMENT:
            comments[tok.start[0]] = tok.string.lstrip("#").strip()
    out: dict[str, str] = {}
    body = ast.parse(src).body[0]
    assert isinstance(body, ast.ClassDef)
    for node in body.body:
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            out[node.targets[0].id] = comments.get(node.lineno, "")
    return out


def switch_readings(field_type: Any, default: Any) -> list[tuple[str, str, bool]]:
    """``(value, meaning, is_default)`` for each value a switch can take."""
    if isinstance(field_type, type) and issubclass(field_type, enum.Enum):
        notes = value_comments(field_type)
        return [(str(m.value), notes.get(m.name, "").replace("(default)", "").strip(" ,;"),
                 m == default) for m in field_type]
    return [(str(v), "", v == default) for v in (True, False)]


def _entries() -> dict[str, Any]:
    module = optional_module("rfc5269.proofs.clarifications")
    if module is None:
        return {}
    return {c.id: c for c in getattr(module, "CLARIFICATIONS", ())}


def _traces() -> dict[tuple[str, str], dict[str, Any]]:
    """(property, configuration) -> the prover's violated result with its chart."""
    run = prover.results()
    if run is None:
        return {}
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for r in run[0]:
        if r.get("status") == "violated" and r.get("msc_mermaid"):
            out.setdefault((r["property"], r.get("config", "")), r)
    return out


def _finding_witnesses(interp: Any) -> dict[str, list[Any]]:
    """Clarification ID -> findings whose readings name that switch's enum or ID."""
    findings = optional_module("rfc5269.findings")
    if findings is None:
        return {}
    hints = typing.get_type_hints(interp.Interpretations)
    out: dict[str, list[Any]] = {}
    for sw in interp.SWITCHES:
        enum_name = getattr(hints.get(sw.name), "__name__", "")
        for f in getattr(findings, "FINDINGS", ()):
            text = " ".join(str(v) for v in vars(f).values()) if hasattr(f, "__dict__") else ""
            text = text or " ".join(str(getattr(f, x.name)) for x in dataclasses.fields(f))
            if (enum_name and re.search(rf"\b{enum_name}\.", text)) or sw.clarification in text:
                out.setdefault(sw.clarification, []).append(f)
    return out


def generate() -> dict[str, str]:
    """``clarifications.inc``."""
    interp = optional_module("rfc5269.interpretations")
    if interp is None:
        raise RuntimeError("rfc5269.interpretations is missing")
    hints = typing.get_type_hints(interp.Interpretations)
    switches = {sw.clarification: sw for sw in interp.SWITCHES}
    entries = _entries()
    traces = _traces()
    witnesses = _finding_witnesses(interp)
    vectors = sources.vector_citations(optional_module("rfc5269.requirements"))
    referenced: dict[str, list[tuple[str, str]]] = {}
    for prop in sources.properties():
        for cfg, cid in prop["clarifications"].items():
            referenced.setdefault(cid, []).append((prop["id"], cfg))
    ids = sorted(set(switches) | set(entries) | set(referenced))

    out = heading("Index", "-")
    rows = []
    for cid in ids:
        sw, entry = switches.get(cid), entries.get(cid)
        rows.append([f":ref:`{cid}`", esc(_title(sw, entry)),
                     f"``{sw.name}``" if sw else "(none)",
                     "yes" if entry is not None else "no"])
    out += list_table(["ID", "subject", "switch in the reference", "model evidence"], rows,
                      widths=[10, 50, 28, 12])
    for cid in ids:
        out += _entry(cid, switches.get(cid), entries.get(cid), interp, hints, traces,
                      witnesses.get(cid, []), referenced.get(cid, []), vectors.get(cid, []))
    return {"clarifications.inc": out}


def _title(sw: Any, entry: Any) -> str:
    if entry is not None:
        return str(entry.title)
    if sw is not None:
        return sw.name.replace("_", " ").capitalize()
    return "(no entry text yet)"


def _entry(cid: str, sw: Any, entry: Any, interp: Any, hints: dict[str, Any],
           traces: dict[tuple[str, str], dict[str, Any]], findings: list[Any],
           referenced: list[tuple[str, str]], vectors: list[str]) -> str:
    out = f".. _{cid}:\n\n" + heading(f"{cid}: {_title(sw, entry)}", "-")
    if sw is None and entry is None:
        out += (".. note::\n\n   This ID is named by the proofs but the project has no entry "
                "text for it yet.\n\n")
    refs = tuple(entry.refs) if entry is not None else tuple(sw.refs) if sw is not None else ()
    out += f":Text concerned: {esc(', '.join(refs)) or '(not recorded)'}\n"
    if entry is not None:
        out += f":What it says: {esc(entry.text)} (paraphrase)\n"
    if sw is not None:
        out += f":Question: {esc(sw.question)}\n"
        default = getattr(interp.DEFAULT, sw.name)
        shown = default.value if isinstance(default, enum.Enum) else default
        out += f":Switch: ``rfc5269.interpretations.Interpretations.{sw.name}``\n"
        out += f":Reference default: ``{shown}`` — {esc(sw.default_reason)}\n"
    else:
        out += ":Switch: none; the reference implements one reading only\n"
    out += "\n"

    # readings: the switch's values and the entry's readings, joined by name
    model_says = {name: what for name, what in entry.readings} if entry is not None else {}
    rows = []
    if sw is not None:
        for value, meaning, is_default in switch_readings(hints[sw.name],
                                                           getattr(interp.DEFAULT, sw.name)):
            rows.append([f"``{value}``" + (" (default)" if is_default else ""), esc(meaning),
                         esc(model_says.pop(value, ""))])
    if sw is not None:
        for name, what in model_says.items():
            rows.append([esc(name), "", esc(what)])
        if rows:
            out += "**Readings.**\n\n" + list_table(
                ["reading (switch value)", "meaning", "what follows"], rows, widths=[22, 36, 42])
    elif model_says:
        out += "**Readings.**\n\n" + list_table(
            ["reading", "what follows"], [[esc(n), esc(w)] for n, w in model_says.items()],
            widths=[25, 75])

    # witnesses
    out += "**Witness.**\n\n"
    said = False
    for ev in getattr(entry, "evidence", ()):
        said = True
        out += f"* :ref:`{ev.property_id} <prop-{ev.property_id}>` under ``{ev.config}``: "
        out += f"{esc(ev.outcome)}\n"
    for pid, cfg in referenced:
        if not any(ev.property_id == pid and ev.config == cfg
                   for ev in getattr(entry, "evidence", ())):
            said = True
            out += (f"* :ref:`{pid} <prop-{pid}>` under ``{cfg}``: the property's expected "
                    "outcome there illustrates this entry\n")
    for w in getattr(entry, "witness", ()) or ():
        said = True
        out += f"* {esc(w)}\n"
    written = " ".join(getattr(entry, "witness", ()) or ())
    for f in findings:
        said = True
        if f.id in written:  # named by the entry already: link it only
            out += f"* :ref:`{f.id}`: {esc(f.software)}, ``{f.field}``\n"
        else:
            out += f"* :ref:`{f.id}` ({esc(f.software)}): {esc(f.summary)}\n"
    if vectors:
        said = True
        shown = ", ".join(f"``{v}``" for v in vectors[:8])
        more = f" and {len(vectors) - 8} more" if len(vectors) > 8 else ""
        out += (f"* {len(vectors)} test vector(s) flagged ``{cid}`` (the RFCs allow either "
                f"outcome there, or the case depends on this reading): {shown}{more}\n")
    if not said:
        out += "* None recorded yet.\n"
    out += "\n"
    charts = 0
    for ev in getattr(entry, "evidence", ()):
        result = traces.get((ev.property_id, ev.config))
        if result is None or ev.depth is None:
            continue
        ident = f"{cid}-{ev.property_id}-{ev.config}"
        safe = re.sub(r"[^A-Za-z0-9]+", "-", ident)
        title = (f"{cid}: counterexample to {ev.property_id} under {ev.config} "
                 f"(depth {result.get('depth')})")
        out += diagram_block("msc", ident, render_svg(parse_mermaid(result["msc_mermaid"],
                                                                    title), safe), title)
        charts += 1
    missing = [ev for ev in getattr(entry, "evidence", ())
               if ev.depth is not None and (ev.property_id, ev.config) not in traces]
    if missing:
        out += ("The prover's CI profile gave no trace for: "
                + ", ".join(f"{ev.property_id} under ``{ev.config}``" for ev in missing)
                + " (run ``rfc5269 prove`` with that property and configuration to see it).\n\n")
    if entry is not None and entry.resolution:
        out += f"**Proposed resolution.** {esc(entry.resolution)}\n\n"
    else:
        out += "**Proposed resolution.** Not yet drafted.\n\n"
    return out
