"""Helpers shared by the page generators: rST tables, raw HTML blocks, file output."""

from __future__ import annotations

import importlib
import re
import subprocess
from collections.abc import Iterable, Sequence
from html import escape
from pathlib import Path
from types import ModuleType

DOCS = Path(__file__).resolve().parent.parent
ROOT = DOCS.parent
OUT = DOCS / "_generated"


def optional_module(name: str) -> ModuleType | None:
    """Import ``name``; None only when that module (or a parent package) does not exist.

    Any other failure (a syntax error, a missing third-party import inside the
    module) propagates, so a broken module breaks the build instead of being
    reported as absent.
    """
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        missing = exc.name or ""
        if missing == name or name.startswith(missing + "."):
            return None
        raise


def not_available(what: str, module: str) -> str:
    """The honest note for a page whose source has not been written yet."""
    return (
        f".. note::\n\n   {what} is not available yet: the module ``{module}`` does not exist "
        "in this checkout. This section is generated from it at build time and will fill "
        "in as soon as it lands.\n"
    )


def heading(text: str, char: str = "=") -> str:
    """An rST section heading."""
    return f"{text}\n{char * max(len(text), 3)}\n\n"


def cell(value: object) -> str:
    """One table cell's rST text on a single line (no stray markup)."""
    s = "" if value is None else str(value)
    s = " ".join(s.split())
    return s


def esc(value: object) -> str:
    """Text safe to place in rST: inline markup characters escaped."""
    s = cell(value)
    return re.sub(r"([\\*`|_\[\]])", r"\\\1", s)


def list_table(
    header: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    widths: Sequence[int] | None = None,
    css_class: str | None = None,
    title: str = "",
) -> str:
    """An rST ``list-table``; each cell is rST text already (use :func:`esc` for plain text)."""
    out = [f".. list-table:: {title}".rstrip(), "   :header-rows: 1"]
    if widths:
        out.append("   :widths: " + " ".join(str(w) for w in widths))
    if css_class:
        out.append(f"   :class: {css_class}")
    out.append("")

    def emit(row: Sequence[str]) -> None:
        for i, c in enumerate(row):
            lines = str(c).split("\n") if c else [""]
            prefix = "   * - " if i == 0 else "     - "
            out.append(prefix + lines[0])
            for more in lines[1:]:
                out.append("       " + more if more else "")

    emit(header)
    n = 0
    for row in rows:
        if len(row) != len(header):
            raise ValueError(f"row has {len(row)} cells, header {len(header)}: {row!r}")
        emit(row)
        n += 1
    if n == 0:
        return "*(empty)*\n"
    return "\n".join(out) + "\n\n"


def raw_html(html: str) -> str:
    """An rST ``raw:: html`` block."""
    body = "\n".join("   " + line if line else "" for line in html.splitlines())
    return f".. raw:: html\n\n{body}\n\n"


def diagram_block(kind: str, ident: str, svg: str, caption: str = "") -> str:
    """A generated diagram: inline SVG in a ``div.rfc-diagram`` the browser test looks for."""
    cap = f'<p class="rfc-diagram-caption">{escape(caption)}</p>' if caption else ""
    return raw_html(
        f'<div class="rfc-diagram rfc-diagram-{kind}" data-diagram="{escape(ident)}">'
        f"{svg}{cap}</div>"
    )


def text_diagram_block(kind: str, ident: str, text: str) -> str:
    """A generated text diagram (e.g. an RFC bit diagram) in a ``pre`` the browser test checks."""
    if not text.strip():
        raise ValueError(f"empty text diagram {ident!r}")
    return raw_html(
        f'<div class="rfc-diagram rfc-diagram-{kind}" data-diagram="{escape(ident)}">'
        f'<pre class="bit-diagram">{escape(text.rstrip())}</pre></div>'
    )


def dot_svg(dot_source: str) -> str:
    """Render Graphviz ``dot`` source to an SVG element (the ``dot`` program must exist)."""
    proc = subprocess.run(
        ["dot", "-Tsvg"], input=dot_source.encode(), capture_output=True, check=False
    )
    if proc.returncode != 0:
        raise RuntimeError("dot failed: " + proc.stderr.decode(errors="replace"))
    svg = proc.stdout.decode()
    start = svg.find("<svg")
    if start < 0:
        raise RuntimeError("dot produced no <svg> element")
    svg = svg[start:]
    svg = re.sub(r"<!--.*?-->", "", svg, flags=re.S)
    return svg


def dot_quote(s: str) -> str:
    """A Graphviz double-quoted string literal."""
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def write_if_changed(path: Path, text: str) -> bool:
    """Write ``text`` unless the file already holds it (keeps Sphinx's incremental build fast)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    path.write_text(text, encoding="utf-8")
    return True


def source_link(module: str, line: int | None = None, label: str | None = None) -> str:
    """An rST link from a page in ``docs/`` to the generated source page of ``module``.

    Links are written as raw relative URLs to the HTML pages produced from
    ``_generated/source/<module>.rst``; ``#L-<n>`` anchors one line.
    """
    anchor = f"#L-{line}" if line else ""
    text = label or (f"{module}:{line}" if line else module)
    return f"`{esc(text)} <_generated/source/{module}.html{anchor}>`__"


def rel(path: Path) -> str:
    """``path`` relative to the repository root, as a string."""
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)
