"""Vector format and testing another implementation: what exists in this checkout.

Nothing here is written ahead of the code: the vector files are counted and
summarised from the files themselves, the conformance modules are listed from
the package with their own summaries, and the command-line reference is the
``--help`` text of every ``rfc5269`` subcommand.
"""

from __future__ import annotations

import contextlib
import inspect
import io
import json
import pkgutil
from collections import Counter
from pathlib import Path
from typing import Any

from gen import sources
from gen.util import esc, heading, list_table, optional_module, rel

KEYWORDS = ("vector", "adapter", "conformance", "harness", "live", "tester", "oracle")


def _vector_files() -> list[Path]:
    files: list[Path] = []
    for d in sources.vector_dirs():
        files.extend(sorted(p for p in d.rglob("*.json") if p.is_file()))
    return files


def _summarise(path: Path) -> list[str]:
    """One table row for a Wycheproof-style file (other JSON is listed by size)."""
    try:
        doc: Any = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        return [f"``{rel(path)}``", "", "", "", f"unreadable: {esc(exc)}"]
    if isinstance(doc, dict) and isinstance(doc.get("testGroups"), list):
        groups = doc["testGroups"]
        tests = [t for g in groups for t in g.get("tests", []) if isinstance(t, dict)]
        results = Counter(str(t.get("result", "?")) for t in tests)
        flags = Counter(f for t in tests for f in t.get("flags", []))
        return [
            f"``{rel(path)}``", str(len(groups)), str(len(tests)),
            esc(", ".join(f"{k}: {v}" for k, v in sorted(results.items()))),
            esc(", ".join(f"{k} ({v})" for k, v in flags.most_common(8)))
            + (" …" if len(flags) > 8 else ""),
        ]
    if isinstance(doc, dict) and "properties" in doc and "$schema" in doc:
        return [f"``{rel(path)}``", "", "", "", "JSON schema"]
    return [f"``{rel(path)}``", "", "", "", f"{path.stat().st_size} bytes (not a test file)"]


def _modules() -> list[tuple[str, str]]:
    root = optional_module("rfc5269")
    if root is None:
        return []
    out = []
    for info in pkgutil.walk_packages(root.__path__, "rfc5269."):
        leaf = info.name.rsplit(".", 1)[-1]
        if leaf.startswith("_") or not any(k in info.name for k in KEYWORDS):
            continue
        module = optional_module(info.name)
        if module is None:
            continue
        doc = (inspect.getdoc(module) or "").split("\n\n", 1)[0].replace("\n", " ")
        out.append((info.name, doc))
    return out


def _cli_help() -> str:
    cli = optional_module("rfc5269.cli")
    if cli is None:
        return ""
    import os

    os.environ["COLUMNS"] = "100"  # argparse wraps help to the terminal: keep the page stable
    parser = cli.build_parser()
    out = heading("Command-line reference", "-")
    out += "The ``--help`` text of every ``rfc5269`` subcommand, as built.\n\n"
    subs = [a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction"]
    for action in subs:
        for name, sub in sorted(action.choices.items()):
            buf = io.StringIO()
            with contextlib.redirect_stdout(buf):
                sub.print_help()
            out += heading(f"rfc5269 {name}", "~")
            out += ".. code-block:: text\n\n" + "".join(
                f"   {line}\n" if line.strip() else "\n" for line in buf.getvalue().splitlines()
            ) + "\n"
    return out


def generate() -> dict[str, str]:
    """``conformance.inc``."""
    out = (
        "This page describes what exists in this checkout for testing another "
        "implementation against the reference: the test vector files, the conformance "
        "modules and the commands. It is generated from the files and modules "
        "themselves; where a part has not been written yet, the page says so.\n\n"
    )
    out += heading("Test vectors", "-")
    files = _vector_files()
    if files:
        out += ("Vector files follow the layout of Project Wycheproof: test groups carry "
                "the keys, certificates and trust anchors; each test case has an id, a "
                "comment, its inputs, the expected result (valid, invalid or acceptable) "
                "and flags naming the requirements or clarifications it exercises.\n\n")
        out += list_table(["file", "groups", "tests", "results", "most frequent flags"],
                          [_summarise(f) for f in files])
    else:
        out += ("No test vector files exist in this checkout yet (looked in "
                + ", ".join(f"``{d}/``" for d in sources.VECTOR_DIRS)
                + "). The format planned for them is Project Wycheproof's (see "
                "``DESIGN.md``); this section will describe the actual files once they "
                "are generated.\n\n")
    out += heading("Conformance modules", "-")
    mods = _modules()
    if mods:
        out += "".join(f"* :mod:`{name}` — {esc(doc)}\n" for name, doc in mods) + "\n"
    else:
        out += ("No adapter, harness or live tester module exists in this checkout yet; "
                "today the reference can be exercised through its Python API (see "
                ":doc:`api`) and the commands below.\n\n")
    out += _cli_help()
    return {"conformance.inc": out}
