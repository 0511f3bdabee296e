"""RFC-style ASCII bit diagrams drawn from a structure's field description.

``bit_diagram(PrRtAdv)`` draws the 32-bit-wide box picture RFCs use, from
the class's ``FIELDS`` (see :mod:`rfc5269.wire.describe`): fixed fields in
their bit positions, variable fields as dotted blocks.
"""

from __future__ import annotations

from dataclasses import dataclass

from rfc5269.wire.describe import Field

ROW = 32
INDENT = "   "


@dataclass
class _Segment:
    bits: int
    label: str


def _fit(label: str, width: int) -> str:
    if len(label) > width:
        short = {"Reserved": "Resrvd"}.get(label, label)
        label = short[:width]
    return label.center(width)


def _border(bits: int) -> str:
    return INDENT + "+" + "-+" * bits


def _segment_line(segments: list[_Segment]) -> str:
    return INDENT + "|" + "".join(_fit(s.label, 2 * s.bits - 1) + "|" for s in segments)


def _blank_line(bits: int, edge: str) -> str:
    return INDENT + edge + " " * (2 * bits - 1) + edge


def _block(label: str, rows: int, edge: str, inner: str) -> list[str]:
    """A multi-row field of full width, label in the middle row."""
    lines: list[str] = []
    middle = rows // 2
    for i in range(rows):
        e = edge if i in (0, rows - 1) else inner
        if i == middle:
            lines.append(INDENT + e + _fit(label, 2 * ROW - 1) + e)
        else:
            lines.append(_blank_line(ROW, e))
    return lines


def _split_fixed(fields: tuple[Field, ...]) -> tuple[list[Field], list[Field]]:
    fixed: list[Field] = []
    rest: list[Field] = []
    for f in fields:
        if f.bits is None or rest:
            rest.append(f)
        else:
            fixed.append(f)
    return fixed, rest


def bit_diagram(cls: type) -> str:
    """The RFC-style bit diagram of a described class (one with ``FIELDS``)."""
    fields: tuple[Field, ...] = cls.FIELDS  # type: ignore[attr-defined]
    fixed, variable = _split_fixed(fields)
    lines = [
        INDENT + " 0                   1                   2                   3",
        INDENT + " 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1",
        _border(ROW),
    ]
    row: list[_Segment] = []
    used = 0

    def flush() -> None:
        nonlocal row, used
        if row:
            lines.append(_segment_line(row))
            lines.append(_border(used))
        row, used = [], 0

    for f in fixed:
        assert f.bits is not None
        bits = f.bits
        if used == 0 and bits >= 2 * ROW and bits % ROW == 0:
            lines.extend(_block(f.diagram_label, bits // ROW, "|", "+"))
            lines.append(_border(ROW))
            continue
        while bits:
            take = min(bits, ROW - used)
            row.append(_Segment(take, f.diagram_label))
            used += take
            bits -= take
            if used == ROW:
                flush()
    for f in variable:
        label = f.diagram_label
        if used:
            row.append(_Segment(ROW - used, label + ("" if label.endswith("...") else " ...")))
            lines.append(_segment_line(row))
            row, used = [], 0
            lines.extend(_block("", 3, "|", "."))
        else:
            lines.extend(_block(label, 5, "|", "."))
        lines.append(_border(ROW))
    flush()
    return "\n".join(lines) + "\n"
