"""Message sequence charts rendered to inline SVG at build time.

The documentation draws every sequence chart itself, so nothing is fetched
when the pages are built or read (no Mermaid, no CDN). A chart is a list of
actors and a list of steps: messages between actors and notes on one actor.
:func:`parse_mermaid` accepts the small subset of Mermaid's
``sequenceDiagram`` text that the project's traces use, so a trace written in
that notation elsewhere in the project can be drawn here too.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass, field
from html import escape

FONT = "DejaVu Sans, Verdana, Arial, sans-serif"
FONT_SIZE = 12
CHAR_W = 7.0  # an estimate of one character's width at FONT_SIZE
LINE_H = 15
COL_W = 280
MARGIN = 20
HEAD_H = 34


@dataclass(frozen=True)
class Message:
    """An arrow from ``src`` to ``dst``.

    ``style`` is ``"solid"`` (a message), ``"dashed"`` (a reply or a derived
    event), ``"lost"`` (dropped by the network: the arrow ends with a cross) or
    ``"attack"`` (sent or replayed by the attacker: drawn in red).
    """

    src: str
    dst: str
    label: str
    style: str = "solid"


@dataclass(frozen=True)
class Note:
    """A box of text lines on one actor's lifeline (or spanning two actors)."""

    actor: str
    text: str
    until: str | None = None  # a second actor: the note spans both
    kind: str = "check"  # "check" (what the actor verifies), "state", "fail"


Step = Message | Note


@dataclass
class Chart:
    """A titled chart: actors left to right and the steps top to bottom."""

    title: str
    actors: list[str]
    steps: list[Step] = field(default_factory=list)

    def add_actor(self, name: str) -> None:
        """Append ``name`` unless it is already an actor."""
        if name not in self.actors:
            self.actors.append(name)


def _wrap(text: str, width_px: float) -> list[str]:
    cols = max(8, int(width_px / CHAR_W))
    lines: list[str] = []
    for para in text.split("\n"):
        lines.extend(textwrap.wrap(para, cols) or [""])
    return lines


def _text(x: float, y: float, s: str, anchor: str = "middle", **attrs: str) -> str:
    extra = "".join(f' {k.replace("_", "-")}="{escape(v)}"' for k, v in attrs.items())
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-family="{FONT}" '
        f'font-size="{FONT_SIZE}"{extra}>{escape(s)}</text>'
    )


_NOTE_FILL = {"check": "#eef5ff", "state": "#f3f3f3", "fail": "#ffecec"}
_NOTE_STROKE = {"check": "#6b8fc7", "state": "#999999", "fail": "#c84a4a"}


def render_svg(chart: Chart, chart_id: str) -> str:
    """The chart as a standalone ``<svg>`` element (for inline HTML)."""
    if not chart.actors:
        raise ValueError(f"chart {chart_id!r} has no actors")
    for step in chart.steps:
        names = (step.src, step.dst) if isinstance(step, Message) else (step.actor,)
        for name in names:
            if name not in chart.actors:
                raise ValueError(f"chart {chart_id!r}: unknown actor {name!r}")
    xs = {a: MARGIN + COL_W / 2 + i * COL_W for i, a in enumerate(chart.actors)}
    width = MARGIN * 2 + COL_W * len(chart.actors)
    body: list[str] = []
    y = MARGIN + HEAD_H + 14.0
    for step in chart.steps:
        if isinstance(step, Message):
            x1, x2 = xs[step.src], xs[step.dst]
            colour = "#b00020" if step.style == "attack" else "#222222"
            red = "-red" if step.style == "attack" else ""
            dash = ' stroke-dasharray="6,4"' if step.style in ("dashed", "lost") else ""
            span = abs(x2 - x1) if x1 != x2 else COL_W * 0.8
            lines = _wrap(step.label, max(span - 16, COL_W * 0.8))
            for i, line in enumerate(lines):
                tx = (x1 + x2) / 2 if x1 != x2 else x1 + 40
                anchor = "middle" if x1 != x2 else "start"
                body.append(_text(tx, y + i * LINE_H, line, anchor, fill=colour))
            y += len(lines) * LINE_H - 6
            if x1 == x2:
                body.append(
                    f'<path d="M{x1:.1f},{y:.1f} h30 v16 h-30" fill="none" stroke="{colour}" '
                    f'stroke-width="1.3"{dash} marker-end="url(#{chart_id}-arrow)"/>'
                )
                y += 16
            elif step.style == "lost":  # the arrow stops short, with a cross
                xe = x1 + (x2 - x1) * 0.6
                body.append(
                    f'<line x1="{x1:.1f}" y1="{y:.1f}" x2="{xe:.1f}" y2="{y:.1f}" '
                    f'stroke="{colour}" stroke-width="1.3"{dash}/>'
                )
                body.append(
                    f'<path d="M{xe - 5:.1f},{y - 5:.1f} l10,10 m0,-10 l-10,10" '
                    f'stroke="#b00020" stroke-width="2"/>'
                )
            else:
                body.append(
                    f'<line x1="{x1:.1f}" y1="{y:.1f}" x2="{x2:.1f}" y2="{y:.1f}" '
                    f'stroke="{colour}" stroke-width="1.3"{dash} '
                    f'marker-end="url(#{chart_id}-arrow{red})"/>'
                )
            y += 22
        else:
            x = xs[step.actor]
            if step.until is not None:
                x2 = xs[step.until]
                left, right = min(x, x2) - COL_W * 0.45, max(x, x2) + COL_W * 0.45
            else:
                left, right = x - COL_W * 0.45, x + COL_W * 0.45
            lines = _wrap(step.text, right - left - 12)
            h = len(lines) * LINE_H + 8
            body.append(
                f'<rect x="{left:.1f}" y="{y - 4:.1f}" width="{right - left:.1f}" '
                f'height="{h:.1f}" rx="3" fill="{_NOTE_FILL.get(step.kind, "#f3f3f3")}" '
                f'stroke="{_NOTE_STROKE.get(step.kind, "#999999")}"/>'
            )
            for i, line in enumerate(lines):
                body.append(_text(left + 6, y + 9 + i * LINE_H, line, "start"))
            y += h + 10
    height = y + MARGIN
    head: list[str] = []
    for a, x in xs.items():
        head.append(
            f'<line x1="{x:.1f}" y1="{MARGIN + HEAD_H:.1f}" x2="{x:.1f}" '
            f'y2="{height - MARGIN:.1f}" '
            f'stroke="#888888" stroke-dasharray="3,3"/>'
        )
        head.append(
            f'<rect x="{x - COL_W * 0.4:.1f}" y="{MARGIN:.1f}" width="{COL_W * 0.8:.1f}" '
            f'height="{HEAD_H - 6}" rx="4" fill="#fdf6e3" stroke="#555555"/>'
        )
        head.append(_text(x, MARGIN + HEAD_H / 2 + 1, a, font_weight="bold"))
    defs = (
        "<defs>"
        f'<marker id="{chart_id}-arrow" viewBox="0 0 10 10" refX="10" refY="5" '
        'markerWidth="8" markerHeight="8" orient="auto-start-reverse">'
        '<path d="M0,0 L10,5 L0,10 z" fill="#222222"/></marker>'
        f'<marker id="{chart_id}-arrow-red" viewBox="0 0 10 10" refX="10" refY="5" '
        'markerWidth="8" markerHeight="8" orient="auto-start-reverse">'
        '<path d="M0,0 L10,5 L0,10 z" fill="#b00020"/></marker>'
        "</defs>"
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="msc" id="{chart_id}" '
        f'width="{width:.0f}" height="{height:.0f}" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'role="img" aria-label="{escape(chart.title)}">'
        f"<title>{escape(chart.title)}</title>\n{defs}\n" + "\n".join(head) + "\n"
        + "\n".join(body) + "\n</svg>"
    )


_PARTICIPANT = re.compile(r"^\s*(?:participant|actor)\s+(\S+)(?:\s+as\s+(.+))?$")
_ARROW = re.compile(r"^\s*([^\s\-]+?)\s*(-->>|->>|-->|->|-x|--x)\s*([^\s:]+)\s*:\s*(.*)$")
_NOTE = re.compile(r"^\s*[Nn]ote\s+(over|left of|right of)\s+([^:,]+)(?:,\s*([^:]+))?\s*:\s*(.*)$")


def parse_mermaid(text: str, title: str) -> Chart:
    """A :class:`Chart` from Mermaid ``sequenceDiagram`` text (participants, arrows, notes).

    Lines it does not understand raise :class:`ValueError`, so a trace is never
    drawn with parts silently missing.
    """
    chart = Chart(title, [])
    aliases: dict[str, str] = {}
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("%%") or line == "sequenceDiagram":
            continue
        if line.startswith(("autonumber", "title")):
            continue
        m = _PARTICIPANT.match(line)
        if m:
            aliases[m.group(1)] = (m.group(2) or m.group(1)).strip()
            chart.add_actor(aliases[m.group(1)])
            continue
        m = _ARROW.match(line)
        if m:
            src = aliases.get(m.group(1), m.group(1))
            dst = aliases.get(m.group(3), m.group(3))
            chart.add_actor(src)
            chart.add_actor(dst)
            arrow = m.group(2)
            style = (
                "lost" if arrow.endswith("x") else "dashed" if arrow.startswith("--") else "solid"
            )
            label = m.group(4).replace("<br/>", "\n").replace("<br>", "\n")
            if any(w in src.lower() for w in ("attacker", "adversary")):
                style = "attack"
            chart.steps.append(Message(src, dst, label, style))
            continue
        m = _NOTE.match(line)
        if m:
            a = aliases.get(m.group(2).strip(), m.group(2).strip())
            b = m.group(3)
            b2 = aliases.get(b.strip(), b.strip()) if b else None
            chart.add_actor(a)
            if b2:
                chart.add_actor(b2)
            note_text = m.group(4).replace("<br/>", "\n").replace("<br>", "\n")
            kind = "fail" if re.search(r"reject|violat|fail", note_text, re.I) else "check"
            chart.steps.append(Note(a, note_text, b2, kind))
            continue
        raise ValueError(f"unsupported sequenceDiagram line: {raw!r}")
    return chart
