"""Highlighted source pages with one anchor per line (``#L-<n>``).

The traceability matrix links each requirement to the lines of code and tests
that cite it; those links land here. The pages are built from the checkout at
build time, so a link always points at the code the docs were built from.
"""

from __future__ import annotations

from pathlib import Path

from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import PythonLexer

from gen.util import ROOT, raw_html, rel

# folder -> dotted name prefix (the import names of DESIGN.md; tests by path)
FOLDERS: tuple[tuple[str, str], ...] = (
    ("reference", "rfc5269"),
    ("model", "rfc5269.model"),
    ("proofs", "rfc5269.proofs"),
    ("tests", "tests"),
)


def module_name(path: Path) -> str | None:
    """The dotted name a source page is filed under, or None outside the covered folders."""
    try:
        relp = path.resolve().relative_to(ROOT)
    except ValueError:
        return None
    parts = relp.parts
    for folder, prefix in FOLDERS:
        if parts and parts[0] == folder:
            rest = list(parts[1:])
            if not rest or not rest[-1].endswith(".py"):
                return None
            rest[-1] = rest[-1][:-3]
            if rest[-1] == "__init__":
                rest = rest[:-1]
            return ".".join([prefix, *rest]) if rest else prefix
    return None


def source_files() -> list[Path]:
    """Every Python file the source pages cover."""
    files: list[Path] = []
    for folder, _ in FOLDERS:
        base = ROOT / folder
        if base.is_dir():
            files.extend(
                p for p in sorted(base.rglob("*.py"))
                if "__pycache__" not in p.parts and "fixtures" not in p.parts
            )
    return files


def generate() -> dict[str, str]:
    """``_generated/source/<module>.rst`` for every covered file, plus an index."""
    pages: dict[str, str] = {}
    formatter = HtmlFormatter(
        linenos="inline", lineanchors="L", anchorlinenos=True, cssclass="highlight source-page"
    )
    index_lines = []
    for path in source_files():
        name = module_name(path)
        if name is None:
            continue
        code = path.read_text(encoding="utf-8")
        html = highlight(code, PythonLexer(), formatter)
        title = f"Source: {name}"
        pages[f"source/{name}.rst"] = (
            ":orphan:\n\n"
            f"{title}\n{'=' * len(title)}\n\n"
            f"File ``{rel(path)}`` as built. Line anchors: ``#L-<line>``.\n\n"
            + raw_html(html)
        )
        index_lines.append(f"* `{name} <{name}.html>`__ (``{rel(path)}``)")
    pages["source/index.rst"] = (
        ":orphan:\n\nSource files\n============\n\n"
        "Every Python file of the reference, the model, the proofs and the tests, "
        "highlighted with line anchors.\n\n" + "\n".join(index_lines) + "\n"
    )
    return pages
