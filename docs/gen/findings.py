"""Findings on independent software (tshark, scapy, thc-ipv6, libtins), from rfc5269.findings.

Each finding is rendered with every field its record has, so nothing the
module records is left out: what disagrees with which RFC section, and the
bytes concerned as a hex dump.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Mapping
from typing import Any

from gen.util import esc, heading, list_table, not_available, optional_module

TITLE_KEYS = ("title", "summary", "what")
ID_KEYS = ("id", "ident", "finding_id")
SOFTWARE_KEYS = ("software", "tool", "implementation", "peer", "target")


def _as_dict(obj: Any) -> dict[str, Any]:
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}
    if isinstance(obj, Mapping):
        return dict(obj)
    if hasattr(obj, "_asdict"):
        return dict(obj._asdict())
    return {k: v for k, v in vars(obj).items() if not k.startswith("_")}


def hexdump(data: bytes) -> str:
    """Offset, 16 hex octets and their printable form per line."""
    lines = []
    for off in range(0, len(data), 16):
        chunk = data[off:off + 16]
        hexes = " ".join(f"{b:02x}" for b in chunk)
        text = "".join(chr(b) if 32 <= b < 127 else "." for b in chunk)
        lines.append(f"{off:04x}  {hexes:<47}  {text}")
    return "\n".join(lines)


def _value(v: Any) -> tuple[str, bool]:
    """rST for one value and whether it is a block (True) or inline (False)."""
    if isinstance(v, enum.Enum):
        v = v.value
    if isinstance(v, (bytes, bytearray)):
        return ".. code-block:: text\n\n" + "".join(
            f"   {line}\n" for line in hexdump(bytes(v)).splitlines()) + "\n", True
    if isinstance(v, str) and len(v) > 40 and all(c in "0123456789abcdefABCDEF \n" for c in v):
        try:
            return _value(bytes.fromhex(v.replace(" ", "").replace("\n", "")))
        except ValueError:
            pass
    if isinstance(v, (list, tuple, set, frozenset)):
        items = list(v)
        if items and all(isinstance(i, (str, int, float, enum.Enum)) for i in items):
            return esc(", ".join(str(getattr(i, "value", i)) for i in items)), False
        return "".join(f"* {_value(i)[0]}\n" for i in items) + "\n", True
    if isinstance(v, Mapping):
        return "".join(f"* **{esc(k)}**: {_value(x)[0]}\n" for k, x in v.items()) + "\n", True
    if dataclasses.is_dataclass(v) and not isinstance(v, type):
        return _value(_as_dict(v))
    return esc(v), False


def _first(d: dict[str, Any], keys: tuple[str, ...]) -> str:
    for k in keys:
        if d.get(k):
            return str(getattr(d[k], "value", d[k]))
    return ""


def _collect(module: Any) -> list[Any]:
    for name in ("FINDINGS", "ALL", "ALL_FINDINGS"):
        value = getattr(module, name, None)
        if isinstance(value, (list, tuple)):
            return list(value)
    fn = getattr(module, "all_findings", None)
    if callable(fn):
        return list(fn())
    return []


def generate() -> dict[str, str]:
    """``findings.inc``."""
    module = optional_module("rfc5269.findings")
    if module is None:
        return {"findings.inc": not_available("The findings catalogue", "rfc5269.findings")}
    findings = [_as_dict(f) for f in _collect(module)]
    doc = (module.__doc__ or "").strip().split("\n\n", 1)[0].replace("\n", " ")
    out = (esc(doc) + "\n\n") if doc else ""
    if not findings:
        out += "The findings catalogue (:mod:`rfc5269.findings`) records no finding yet.\n\n"
        return {"findings.inc": out}
    out += heading("Summary", "-")
    out += list_table(
        ["ID", "software", "finding"],
        [[f"`{esc(_first(f, ID_KEYS))}`_" if _first(f, ID_KEYS) else "",
          esc(_first(f, SOFTWARE_KEYS)), esc(_first(f, TITLE_KEYS))] for f in findings],
    )
    for f in findings:
        fid = _first(f, ID_KEYS)
        title = _first(f, TITLE_KEYS)
        out += (f".. _{fid}:\n\n" if fid else "") + heading(
            f"{fid}: {title}" if fid and title else fid or title or "Finding", "-")
        blocks = []
        for k, v in f.items():
            if k in ID_KEYS or k in TITLE_KEYS[:1] or v in (None, "", (), []):
                continue
            text, block = _value(v)
            label = k.replace("_", " ").capitalize()
            if block:
                blocks.append(f"**{esc(label)}:**\n\n{text}")
            else:
                out += f":{esc(label)}: {text}\n"
        out += "\n" + "".join(blocks)
    return {"findings.inc": out}
