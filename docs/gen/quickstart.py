"""Overview and quickstart, generated from the README (its two set-up commands and layout)."""

from __future__ import annotations

import inspect
import io
import re

from gen.util import ROOT, heading, optional_module


def _section(readme: str, title_word: str) -> str:
    """The body of the first ``## `` section whose title contains ``title_word``."""
    parts = re.split(r"^## +", readme, flags=re.M)
    for part in parts[1:]:
        title, _, body = part.partition("\n")
        if title_word.lower() in title.lower():
            return body
    raise ValueError(f"README has no section about {title_word!r}")


def _md_table_to_rst(md: str) -> str:
    rows = [
        [c.strip() for c in line.strip().strip("|").split("|")]
        for line in md.strip().splitlines()
        if line.strip().startswith("|") and not re.match(r"^\|[\s\-|:]+\|$", line.strip())
    ]
    if not rows:
        return ""
    out = [".. list-table::", "   :header-rows: 1", ""]
    for row in rows:
        for i, c in enumerate(row):
            c = re.sub(r"`([^`]+)`", r"``\1``", c)
            out.append(("   * - " if i == 0 else "     - ") + c)
    return "\n".join(out) + "\n\n"


def _demo() -> str:
    """What ``rfc5269 demo`` shows: its own description and its transcript, run now."""
    demo = optional_module("rfc5269.demo")
    if demo is None or not hasattr(demo, "run_demo") or not hasattr(demo, "render_text"):
        return ""
    doc = inspect.getdoc(demo) or ""
    paragraphs = doc.split("\n\n")
    out = heading("What the demo shows", "-")
    out += ("``rfc5269 demo`` runs on the in-memory link, with no privileges and no network. "
            "In its own words (the module's documentation):\n\n")
    for para in paragraphs[1:]:
        out += "   " + "\n   ".join(para.splitlines()) + "\n\n" if para.strip() else ""
    buf = io.StringIO()
    run = demo.run_demo(0)
    demo.render_text(run, buf)
    out += ("Its transcript, produced while these pages were built (each line: time, node, "
            "the transition of its table, the verdict and, for a rejection, the requirement "
            "IDs of the check that failed). The :doc:`walkthrough` draws the same run as "
            "sequence charts.\n\n")
    out += ".. code-block:: text\n\n" + "".join(
        f"   {line}\n" if line.strip() else "\n" for line in buf.getvalue().splitlines()
    ) + "\n"
    return out


def generate() -> dict[str, str]:
    """``quickstart.inc``: the commands exactly as the README gives them."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    setup = _section(readme, "Set-up")
    blocks = re.findall(r"```(\w*)\n(.*?)```", setup, flags=re.S)
    if not blocks:
        raise ValueError("README's set-up section has no code block")
    text = heading("Quickstart", "-")
    intro = setup.split("```", 1)[0].strip()
    if intro:
        text += " ".join(intro.split()) + "\n\n"
    for lang, code in blocks:
        text += f".. code-block:: {lang or 'sh'}\n\n"
        text += "".join(f"   {line}\n" if line else "\n" for line in code.rstrip().splitlines())
        text += "\n"
    text += (
        "The first command installs the package with its development tools and runs the "
        "project's main job; the second runs everything CI runs: "
        "system tools, lint, type checks, this documentation (warnings are errors) and the "
        "test suite.\n\n"
    )
    text += _demo()
    try:
        layout = _section(readme, "Layout")
    except ValueError:
        layout = ""
    table = _md_table_to_rst(layout)
    if table:
        text += heading("Repository layout", "-") + table
    return {"quickstart.inc": text}
