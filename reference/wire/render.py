"""Readable and JSON renderings of decoded wire objects (for ``rfc5269 decode``)."""

from __future__ import annotations

import dataclasses
import enum
import ipaddress
from typing import Any


def to_data(obj: Any) -> Any:
    """A JSON-ready view of a decoded object: dataclasses become dicts with a ``_type`` key.

    Bytes are shown in hex, addresses as text; the cached ``raw`` bytes are left out.
    """
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        out: dict[str, Any] = {"_type": type(obj).__name__}
        for f in dataclasses.fields(obj):
            if f.name == "raw":
                continue
            value = getattr(obj, f.name)
            out[f.name] = f"0x{value:04x}" if f.name == "checksum" else to_data(value)
        seconds = getattr(obj, "seconds_float", None)
        if isinstance(seconds, float):
            out["seconds"] = seconds
        return out
    if isinstance(obj, bytes | bytearray):
        return bytes(obj).hex()
    if isinstance(obj, ipaddress.IPv6Address):
        return str(obj)
    if isinstance(obj, enum.Enum):
        return obj.value
    if isinstance(obj, tuple | list):
        return [to_data(x) for x in obj]
    return obj


def to_text(data: Any, indent: int = 0) -> list[str]:
    """Indented ``name: value`` lines for the output of :func:`to_data`."""
    pad = "  " * indent
    lines: list[str] = []
    if isinstance(data, dict):
        for k, v in data.items():
            if k == "_type":
                continue
            if isinstance(v, dict):
                lines.append(f"{pad}{k}: {v.get('_type', '')}")
                lines.extend(to_text(v, indent + 1))
            elif isinstance(v, list) and any(isinstance(x, dict) for x in v):
                lines.append(f"{pad}{k}:")
                for x in v:
                    if isinstance(x, dict):
                        lines.append(f"{pad}  - {x.get('_type', '')}")
                        lines.extend(to_text(x, indent + 2))
                    else:
                        lines.append(f"{pad}  - {x}")
            else:
                lines.append(f"{pad}{k}: {_short(v)}")
    return lines


def _short(v: Any, limit: int = 64) -> str:
    text = str(v) if not isinstance(v, list) else "[" + ", ".join(map(str, v)) + "]"
    if isinstance(v, str) and len(text) > limit:
        return f"{text[:limit]}... ({len(text) // 2} octets)"
    return text
