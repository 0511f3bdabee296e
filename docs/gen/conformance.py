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
from gen.util import DOCS, esc, heading, list_table, optional_module, rel

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


def _type_of(spec: dict[str, Any]) -> str:
    """A short type description of one JSON Schema node."""
    if "const" in spec:
        return f"``{json.dumps(spec['const'])}``"
    if "enum" in spec:
        return "one of " + ", ".join(f"``{json.dumps(v)}``" for v in spec["enum"])
    if "$ref" in spec:
        return f"see *{spec['$ref'].rsplit('/', 1)[-1]}*"
    if "oneOf" in spec or "anyOf" in spec:
        alts = spec.get("oneOf") or spec.get("anyOf") or []
        return " or ".join(_type_of(a) for a in alts)
    t = spec.get("type", "")
    t = " or ".join(t) if isinstance(t, list) else str(t)
    if t == "array" and isinstance(spec.get("items"), dict):
        return f"array of {_type_of(spec['items'])}"
    if spec.get("pattern"):
        return f"{t} matching ``{spec['pattern']}``"
    return t


def _schema_tables(schema: dict[str, Any]) -> str:
    """One field table for the top level and for each definition of the schema."""
    out = ""
    parts: list[tuple[str, Any]] = []
    for name, node in [("file", schema), *schema.get("$defs", {}).items()]:
        alternatives = node.get("oneOf") if isinstance(node, dict) else None
        if isinstance(alternatives, list) and all(isinstance(x, dict) and "properties" in x
                                                  for x in alternatives):
            for alt in alternatives:  # one table per kind, named by its constant field
                tag = next((f"{k} = {json.dumps(v['const'])}" for k, v in alt["properties"].items()
                            if isinstance(v, dict) and "const" in v), "")
                parts.append((f"{name} ({tag})" if tag else name, alt))
        else:
            parts.append((name, node))
    for name, node in parts:
        props = node.get("properties")
        if not isinstance(props, dict):
            continue
        required = set(node.get("required", ()))
        out += f"**{esc(name)}**" + (f" — {esc(node['description'])}" if node.get(
            "description") else "") + "\n\n"
        rows = [[f"``{k}``", "yes" if k in required else "", _type_of(v),
                 esc(v.get("description", ""))] for k, v in props.items()]
        out += list_table(["field", "required", "type", "meaning"], rows,
                          widths=[18, 8, 30, 44])
    return out


def _notes(files: list[Path]) -> list[list[str]]:
    """The ``notes`` (flag explanations) of every vector file, merged."""
    seen: dict[str, list[str]] = {}
    for path in files:
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            continue
        notes = doc.get("notes") if isinstance(doc, dict) else None
        if isinstance(notes, dict):
            for flag, note in notes.items():
                if isinstance(note, dict) and flag not in seen:
                    seen[flag] = [f"``{flag}``", esc(note.get("bugType", "")),
                                  esc(note.get("description", "")), esc(note.get("effect", ""))]
    return [seen[k] for k in sorted(seen)]


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
    schema_mod = optional_module("rfc5269.vectors.schema")
    if schema_mod is not None and isinstance(getattr(schema_mod, "SCHEMA", None), dict):
        out += heading("Format", "~")
        doc = (inspect.getdoc(schema_mod) or "").split("\n\n", 1)
        out += (doc[1].strip() + "\n\n") if len(doc) > 1 else ""
        out += ("The tables below are generated from the JSON Schema "
                "(:data:`rfc5269.vectors.schema.SCHEMA`) that the vector files are "
                "validated against.\n\n")
        out += _schema_tables(schema_mod.SCHEMA)
    if files:
        out += heading("Files", "~")
        out += ("Vector files follow the layout of Project Wycheproof: test groups carry "
                "the keys, certificates and trust anchors; each test case has an id, a "
                "comment, its inputs, the expected result (valid, invalid or acceptable) "
                "and flags naming the requirements or clarifications it exercises.\n\n")
        out += list_table(["file", "groups", "tests", "results", "most frequent flags"],
                          [_summarise(f) for f in files])
        notes = _notes(files)
        if notes:
            out += heading("Flags", "~")
            out += ("Every test case names the rules it exercises in its ``flags``; each flag "
                    "is explained once per file, as in Project Wycheproof:\n\n")
            out += list_table(["flag", "bug type", "description", "effect"], notes,
                              widths=[18, 16, 40, 26])
    else:
        out += ("No test vector files exist in this checkout yet (looked in "
                + ", ".join(f"``{d}/``" for d in sources.VECTOR_DIRS)
                + "). The format planned for them is Project Wycheproof's (see "
                "``DESIGN.md``); this section will describe the actual files once they "
                "are generated.\n\n")
    guide = DOCS / "vectors.md"
    if guide.is_file():
        out += heading("The corpus guide", "~")
        out += ("``docs/vectors.md``, the guide the vector generator's authors keep beside the "
                "corpus, as written (Markdown source):\n\n"
                ".. literalinclude:: /vectors.md\n   :language: markdown\n\n")
    out += heading("Conformance modules", "-")
    mods = _modules()
    if mods:
        # a docstring's first paragraph is reStructuredText: shown as written
        out += "".join(f"* :mod:`{name}` — {doc}\n" for name, doc in mods) + "\n"
    else:
        out += ("No adapter, harness or live tester module exists in this checkout yet; "
                "today the reference can be exercised through its Python API (see "
                ":doc:`api`) and the commands below.\n\n")
    out += _cli_help()
    return {"conformance.inc": out}
