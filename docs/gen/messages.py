"""Message reference, generated from the codec's declarative field descriptions.

Every class in :mod:`rfc5269.wire` with a ``FIELDS`` tuple of
:class:`rfc5269.wire.describe.Field` gets: its RFC-style bit diagram (from
:func:`rfc5269.wire.diagram.bit_diagram`, the function the codec itself
exports), its field table, and its validation rules with the requirement IDs
of the catalogue entries for the section each rule cites.
"""

from __future__ import annotations

import inspect
import pkgutil
import re
from typing import Any

from gen import sources
from gen.util import esc, heading, list_table, not_available, optional_module, text_diagram_block

# Reading order of the codec's modules on the page (others follow alphabetically).
MODULE_ORDER = ("fmip", "cert_path", "ndopt", "cga_params", "mobility", "icmpv6", "ipv6")
MODULE_TITLES = {
    "fmip": "FMIPv6 messages (RFC 5568 §6.1)",
    "cert_path": "Certification path messages (RFC 3971 §6.4)",
    "ndopt": "Neighbor Discovery, SEND and FMIPv6 options",
    "cga_params": "CGA Parameters (RFC 3972 §3)",
    "mobility": "Mobility Header, FBU, FBack and mobility options",
    "icmpv6": "ICMPv6",
    "ipv6": "IPv6 header and extension headers",
}


def described_classes() -> dict[str, list[type]]:
    """``module short name -> classes with FIELDS`` in source order."""
    wire = optional_module("rfc5269.wire")
    if wire is None:
        return {}
    out: dict[str, list[type]] = {}
    for info in pkgutil.iter_modules(wire.__path__):
        if info.name.startswith("_"):
            continue
        module = optional_module(f"rfc5269.wire.{info.name}")
        if module is None:
            continue
        classes = [
            v for v in vars(module).values()
            if isinstance(v, type) and v.__module__ == module.__name__
            and isinstance(v.__dict__.get("FIELDS"), tuple)
        ]
        if classes:
            classes.sort(key=lambda c: inspect.getsourcelines(c)[1])
            out[info.name] = classes
    return out


def _ordered(mods: dict[str, list[type]]) -> list[str]:
    first = [m for m in MODULE_ORDER if m in mods]
    return first + sorted(m for m in mods if m not in first)


def _width(f: Any) -> str:
    return f"{f.bits}" if f.bits is not None else "variable"


def _value(f: Any) -> str:
    kind = f.kind.value
    if kind == "type":
        return f"``{f.default}``"
    if kind == "reserved":
        return "0"
    if kind == "length":
        return f"units of {f.units} octet{'s' if f.units != 1 else ''}"
    return ""


def _summary(cls: type) -> str:
    doc = inspect.getdoc(cls) or ""
    return doc.split("\n\n", 1)[0].replace("\n", " ").strip()


def render_class(cls: type, diagram: Any, reqs_for: Any) -> str:
    """One message's or option's section."""
    fields = cls.FIELDS  # type: ignore[attr-defined]
    ident = f"{cls.__module__}.{cls.__qualname__}"
    out = f".. _msg-{ident}:\n\n" + heading(cls.__qualname__, "~")
    summary = _summary(cls)
    if summary:
        out += esc(summary) + "\n\n"
    out += f"Defined in :class:`{ident}`.\n\n"
    out += text_diagram_block("bits", f"bits-{ident}", diagram.bit_diagram(cls))
    rows = []
    for f in fields:
        rows.append([
            f"``{f.name}``", esc(f.kind.value), esc(_width(f)), _value(f),
            esc(f.doc) + (f" ({esc(f.length_from)})" if f.length_from else ""),
            esc(f.ref),
        ])
    out += list_table(["field", "kind", "bits", "value", "meaning", "source"], rows,
                      widths=[14, 9, 7, 12, 42, 16])
    rules = [f for f in fields if f.rule or f.valid is not None]
    extra_rules = getattr(cls, "RULES", ())
    if rules or extra_rules:
        out += "**Validation rules:**\n\n"
        for f in rules:
            ids = related_ids(f)
            idtxt = f" — {', '.join(_req_link(i) for i in ids)}" if ids else ""
            out += f"* ``{f.name}``: {esc(f.rule or 'checked by its validity predicate')}"
            out += f" ({esc(f.ref)}){idtxt}\n" if f.ref else f"{idtxt}\n"
        for r in extra_rules:
            out += f"* {esc(r)}\n"
        out += "\n"
    section_ids = sorted({i for f in fields for i in reqs_for(f.ref)}, key=_natural)
    if section_ids:
        out += ("**Requirements of the sections this format cites:** "
                + ", ".join(_req_link(i) for i in section_ids) + ".\n\n")
    return out


def _natural(s: str) -> tuple[object, ...]:
    return tuple(int(t) if t.isdigit() else t for t in re.split(r"(\d+)", s))


def _req_link(rid: str) -> str:
    anchor = re.sub(r"[^a-z0-9]+", "-", rid.lower()).strip("-")
    return f"`{rid} <traceability.html#{anchor}>`__"


def related_ids(f: Any) -> list[str]:
    """Catalogue IDs of the field's cited section whose paraphrase names the field."""
    reqs = optional_module("rfc5269.requirements")
    if reqs is None or not f.ref:
        return []
    words = {f.diagram_label.lower(), f.name.replace("_", " ").lower()}
    words.discard("")
    out = []
    for m in re.finditer(r"RFC\s*(\d{4})\s*§\s*([\d.]+\d)", f.ref):
        for r in reqs.by_section(int(m.group(1)), m.group(2)):
            text = r.text.lower()
            if any(re.search(rf"\b{re.escape(w)}\b", text) for w in words):
                out.append(r.id)
    return out


def generate() -> dict[str, str]:
    """``messages.inc``."""
    mods = described_classes()
    diagram = optional_module("rfc5269.wire.diagram")
    if not mods or diagram is None or not hasattr(diagram, "bit_diagram"):
        return {"messages.inc": not_available(
            "The codec's field descriptions and bit diagrams", "rfc5269.wire.diagram"
        )}
    reqs_for = sources.requirements_for_ref
    out = (
        "A decoder rejects a violation of any validation rule below with a ``DecodeError`` "
        "naming the field, the rule and the section. After each rule come the catalogue "
        "entries of the cited section whose paraphrase mentions the field; after each "
        "format, every catalogue entry of the sections it cites (links lead to the "
        ":doc:`traceability` matrix).\n\n"
    )
    for m in _ordered(mods):
        out += heading(MODULE_TITLES.get(m, f"rfc5269.wire.{m}"), "-")
        for cls in mods[m]:
            out += render_class(cls, diagram, reqs_for)
    return {"messages.inc": out}
