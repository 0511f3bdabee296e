"""Bug zoo and mutation score: shown only from data the project has recorded.

The bug zoo is a catalogue of deliberately broken variants of the reference
(each one violating one requirement) that the property tests must catch; the
mutation score is the share of mutants the test suite kills. This page reads
whatever records exist (a ``rfc5269.bugzoo`` module, or JSON files named
``*bugzoo*`` / ``*mutation*`` in the repository) and never shows a number it
did not read.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from gen.util import ROOT, esc, heading, list_table, optional_module, rel

SKIP = {".git", "docs", "node_modules", "build", "dist", ".venv"}


def _json_records(word: str) -> list[tuple[Path, Any]]:
    out = []
    found = []
    for folder, dirs, files in os.walk(ROOT):
        dirs[:] = sorted(d for d in dirs if d not in SKIP and not d.endswith(".egg-info")
                         and not d.startswith("."))
        found.extend(Path(folder) / f for f in files if word in f and f.endswith(".json"))
    for p in sorted(found):
        try:
            out.append((p, json.loads(p.read_text(encoding="utf-8"))))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            continue
    return out


def _table(doc: Any) -> str:
    rows: Any = None
    if isinstance(doc, list):
        rows = doc
    elif isinstance(doc, dict):
        rows = doc.get("bugs") or doc.get("mutants") or doc.get("results")
    if isinstance(rows, list) and rows and all(isinstance(r, dict) for r in rows):
        keys = list(dict.fromkeys(k for r in rows for k in r))
        return list_table(keys, [[esc(r.get(k, "")) for k in keys] for r in rows])
    if isinstance(doc, dict):
        return list_table(["field", "value"], [[esc(k), esc(v)] for k, v in doc.items()
                                               if not isinstance(v, (list, dict))])
    return ""


def generate() -> dict[str, str]:
    """``bugzoo.inc``."""
    out = heading("Bug zoo", "-")
    module = optional_module("rfc5269.bugzoo")
    zoo = _json_records("bugzoo")
    if module is not None and hasattr(module, "BUGS"):
        bugs = list(module.BUGS)
        out += f"{len(bugs)} bugs are catalogued in :mod:`rfc5269.bugzoo`.\n\n"
        rows = []
        for b in bugs:
            rows.append([esc(getattr(b, "id", "")), esc(getattr(b, "title", "")),
                         esc(", ".join(getattr(b, "requirements", ()))),
                         esc(getattr(b, "caught_by", ""))])
        out += list_table(["ID", "bug", "requirements", "caught by"], rows)
    elif zoo:
        for p, doc in zoo:
            out += f"From ``{rel(p)}``:\n\n" + _table(doc)
    else:
        out += "Not yet built: no bug zoo exists in this checkout.\n\n"
    out += heading("Mutation score", "-")
    mutation = _json_records("mutation")
    if mutation:
        for p, doc in mutation:
            out += f"From ``{rel(p)}``:\n\n" + _table(doc)
    else:
        out += ("Not yet measured: no mutation testing run has recorded results in this "
                "checkout, so no score is shown.\n\n")
    return {"bugzoo.inc": out}
