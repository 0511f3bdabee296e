"""Findings on independent software, from :mod:`rfc5269.findings`.

Every finding is shown with what the software is, which RFC section it
disagrees with, the octets it was given (as a hex dump: the finding's own
octets, or the whole corpus packet it names from
:mod:`rfc5269.scapy_layers.examples`), what the software made of them, the
RFC reading the strict codec takes, and the test that pins the behaviour
(linked to its source line).
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

from gen.util import ROOT, esc, heading, list_table, not_available, optional_module

SEVERITY = {
    "wire": "wire (different octets or values)",
    "display": "display (right values, misleading presentation)",
    "limitation": "limitation (part of the format not modelled)",
}


def hexdump(data: bytes) -> str:
    """Offset, 16 hex octets and their printable form per line."""
    lines = []
    for off in range(0, len(data), 16):
        chunk = data[off:off + 16]
        hexes = " ".join(f"{b:02x}" for b in chunk)
        text = "".join(chr(b) if 32 <= b < 127 else "." for b in chunk)
        lines.append(f"{off:04x}  {hexes:<47}  {text}")
    return "\n".join(lines)


def _code_block(text: str) -> str:
    return ".. code-block:: text\n\n" + "".join(f"   {line}\n" for line in text.splitlines()) + "\n"


def _test_link(test: str) -> str:
    """``tests/x.py::test_y`` as a link to the test's line on its source page."""
    path, _, name = test.partition("::")
    file = ROOT / path
    if not path or not file.is_file():
        return f"``{esc(test)}``"
    line = 0
    for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == name:
            line = node.lineno
            break
    dotted = ".".join(Path(path).with_suffix("").parts)
    anchor = f"#L-{line}" if line else ""
    return f"`{esc(test)} <_generated/source/{dotted}.html{anchor}>`__"


def _octets(f: Any) -> tuple[bytes, str]:
    """The octets to show and where they come from."""
    wire_hex = getattr(f, "wire_hex", "")
    if wire_hex:
        return bytes.fromhex(wire_hex), "the octets given to the software"
    name = getattr(f, "example", "")
    examples = optional_module("rfc5269.scapy_layers.examples")
    if name and examples is not None and hasattr(examples, "examples"):
        known = {e.name: e for e in examples.examples()}
        if name in known:
            return known[name].wire, f"the whole corpus packet ``{name}``"
    return b"", ""


def render(f: Any) -> str:
    """One finding's section."""
    out = f".. _{f.id}:\n\n" + heading(f"{f.id}: {f.software}, {f.field}", "~")
    out += f"{esc(f.summary)}\n\n"
    out += f":Software: {esc(f.software)} {esc(getattr(f, 'version', ''))}\n"
    out += f":Component: {esc(getattr(f, 'component', ''))}\n"
    out += f":Field: ``{f.field}``\n"
    out += f":RFC text: {esc(f.rfc)}\n"
    sev = getattr(f, "severity", "")
    out += f":Severity: {esc(SEVERITY.get(sev, sev))}\n"
    if getattr(f, "example", ""):
        out += f":Octets from: {esc(f.example)}\n"
    if getattr(f, "test", ""):
        out += f":Pinned by: {_test_link(f.test)}\n"
    out += "\n"
    data, origin = _octets(f)
    if data:
        out += f"Octets ({origin}, {len(data)} octets):\n\n" + _code_block(hexdump(data))
    out += list_table(["the software's reading", "the RFC reading (the reference's codec)"],
                      [[esc(f.their_reading), esc(f.our_reading)]], widths=[50, 50])
    return out


def generate() -> dict[str, str]:
    """``findings.inc``."""
    module = optional_module("rfc5269.findings")
    if module is None:
        return {"findings.inc": not_available("The findings catalogue", "rfc5269.findings")}
    findings = list(getattr(module, "FINDINGS", ()))
    out = (
        "Each finding is one place where software that no one in this project wrote "
        "(packet dissectors, packet libraries, attack tools) reads or builds the "
        "octets of RFC 5269 and the RFCs it relies on differently from the RFC text "
        "as the reference's strict codec reads it. Every entry is re-checked by the "
        "test it names, which fails when the software's behaviour changes, so the "
        "list cannot silently go stale. The entries come from "
        ":mod:`rfc5269.findings`.\n\n"
    )
    if not findings:
        return {"findings.inc": out + "No finding is recorded yet.\n\n"}
    softwares = sorted({f.software for f in findings})
    checked = ", ".join(softwares)
    named = ("tshark", "scapy", "thc-ipv6", "libtins")
    missing = [n for n in named if n not in softwares]
    out += f"Software with findings recorded: {esc(checked)}."
    if missing:
        out += (" Other peers named in the design (" + ", ".join(missing)
                + ") have no finding recorded in this checkout.")
    out += "\n\n"
    out += heading("Summary", "-")
    out += list_table(
        ["ID", "software", "field", "RFC text", "severity"],
        [[f":ref:`{f.id}`", esc(f"{f.software} {getattr(f, 'version', '')}"),
          f"``{f.field}``", esc(f.rfc), esc(getattr(f, "severity", ""))] for f in findings],
        widths=[12, 12, 36, 25, 15],
    )
    for software in softwares:
        out += heading(software, "-")
        for f in findings:
            if f.software == software:
                out += render(f)
    return {"findings.inc": out}
