"""Adapters over the project's data sources (catalogue, prover, vectors, clarification entries).

Generators read the project's modules through these functions only, so the
place that knows each module's shape is one small file.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType
from typing import Any

from gen.util import ROOT, optional_module

VECTOR_DIRS = ("vectors", "reference/data/vectors", "reference/vectors")


def vector_dirs() -> list[Path]:
    """Folders holding test vectors that exist in this checkout."""
    return [ROOT / d for d in VECTOR_DIRS if (ROOT / d).is_dir()]


def vector_cases() -> list[tuple[Path, dict[str, Any]]]:
    """Every Wycheproof-style test case of the vector files, with its file."""
    import json

    out: list[tuple[Path, dict[str, Any]]] = []
    for d in vector_dirs():
        for path in sorted(d.rglob("*.json")):
            try:
                doc = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, ValueError):
                continue
            if not isinstance(doc, dict) or not isinstance(doc.get("testGroups"), list):
                continue
            for group in doc["testGroups"]:
                for case in group.get("tests", []) if isinstance(group, dict) else []:
                    if isinstance(case, dict):
                        out.append((path, case))
    return out


def vector_citations(reqs_mod: ModuleType) -> dict[str, list[str]]:
    """Requirement or clarification ID -> ``file#tcId`` of the vectors flagged with it."""
    found: dict[str, list[str]] = {}
    for path, case in vector_cases():
        for flag in case.get("flags", []):
            found.setdefault(str(flag), []).append(f"{path.stem}#{case.get('tcId')}")
    return found


def properties_by_requirement() -> dict[str, list[str]]:
    """Requirement ID -> property IDs that reflect it (empty until the proofs exist)."""
    out: dict[str, list[str]] = {}
    for prop in properties():
        for rid in prop.get("requirements", ()):
            out.setdefault(rid, []).append(prop["id"])
    return out


def property_objects() -> list[Any]:
    """Every ``rfc5269.proofs.base.Property`` defined by a module of :mod:`rfc5269.proofs`."""
    import pkgutil

    proofs = optional_module("rfc5269.proofs")
    base = optional_module("rfc5269.proofs.base")
    if proofs is None or base is None or not hasattr(base, "Property"):
        return []
    found: dict[str, Any] = {}
    for info in sorted(pkgutil.iter_modules(proofs.__path__), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        module = optional_module(f"rfc5269.proofs.{info.name}")
        if module is None:
            continue
        for value in vars(module).values():
            candidates = value if isinstance(value, (tuple, list)) else (value,)
            for c in candidates:
                if isinstance(c, base.Property):
                    found.setdefault(c.id, c)
    return sorted(found.values(), key=lambda p: _natural(p.id))


def _natural(s: str) -> tuple[Any, ...]:
    import re

    return tuple(int(t) if t.isdigit() else t for t in re.split(r"(\d+)", s))


def _claim_modules() -> list[Any]:
    """Property modules that are not ``Property`` objects (e.g. P7's arithmetic sub-model).

    Recognised by module-level ``ID``, ``TITLE`` and ``REQUIREMENTS``.
    """
    import pkgutil

    proofs = optional_module("rfc5269.proofs")
    if proofs is None:
        return []
    out = []
    for info in sorted(pkgutil.iter_modules(proofs.__path__), key=lambda i: i.name):
        module = optional_module(f"rfc5269.proofs.{info.name}")
        if module is not None and all(
            isinstance(getattr(module, a, None), (str, tuple)) for a in ("ID", "TITLE")
        ) and hasattr(module, "REQUIREMENTS"):
            out.append(module)
    return out


def properties() -> list[dict[str, Any]]:
    """The property catalogue as dicts (id, title, requirements, formula, expected, ...)."""
    out = []
    for m in _claim_modules():
        claims = [(c.id, c.text, "holds" if getattr(c, "expect_valid", True) else "refuted")
                  for c in getattr(m, "CLAIMS", ())]
        out.append({
            "id": m.ID, "title": m.TITLE, "requirements": tuple(m.REQUIREMENTS),
            "formula": "", "expected": {}, "clarifications": {}, "kind": "arithmetic",
            "module": m.__name__, "claims": claims,
        })
    for p in property_objects():
        out.append({
            "id": p.id,
            "title": p.title,
            "requirements": tuple(p.requirements),
            "formula": p.formula,
            "expected": {k: getattr(v, "value", v) for k, v in p.expected.items()},
            "clarifications": dict(getattr(p, "clarifications", {}) or {}),
            "kind": "invariant" if getattr(p, "invariant", None) is not None else "step",
            "module": _module_of(p),
            "claims": [],
        })
    return sorted(out, key=lambda p: _natural(p["id"]))


def _module_of(prop: Any) -> str:
    fn = getattr(prop, "invariant", None) or getattr(prop, "step", None)
    return getattr(fn, "__module__", "") or ""


def requirements_for_ref(ref: str) -> list[str]:
    """Catalogued requirement IDs of the section a field's ``ref`` cites (e.g. RFC 5269 §4.1)."""
    import re

    reqs = optional_module("rfc5269.requirements")
    if reqs is None or not ref:
        return []
    out: list[str] = []
    for m in re.finditer(r"RFC\s*(\d{4})\s*§\s*([\d.]+\d)", ref):
        out.extend(r.id for r in reqs.by_section(int(m.group(1)), m.group(2)))
    return out


def clarification_entries() -> dict[str, Any]:
    """Clarification ID -> entry of :mod:`rfc5269.proofs.clarifications` (empty if absent)."""
    module = optional_module("rfc5269.proofs.clarifications")
    if module is None:
        return {}
    return {c.id: c for c in getattr(module, "CLARIFICATIONS", ())}
