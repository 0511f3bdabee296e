"""The front page's "at a glance" figures, counted from the code and data at build time."""

from __future__ import annotations

import json

from gen import messages, sources, state_machines
from gen.util import ROOT, optional_module


def generate() -> dict[str, str]:
    """``glance.inc``: one line per part, each a count taken from its source."""
    lines: list[str] = []
    reqs = optional_module("rfc5269.requirements")
    if reqs is not None:
        all_reqs = reqs.all_requirements()
        by_status: dict[str, int] = {}
        for r in all_reqs:
            by_status[r.status.value] = by_status.get(r.status.value, 0) + 1
        parts = ", ".join(f"{n} {s}" for s, n in sorted(by_status.items()))
        lines.append(f"* :doc:`traceability`: {len(all_reqs)} catalogued requirements "
                     f"({parts}).")
    mods = messages.described_classes()
    if mods:
        lines.append(f"* :doc:`messages`: {sum(len(v) for v in mods.values())} message, option "
                     "and header formats with bit diagrams.")
    tables = state_machines.find_tables()
    if tables:
        lines.append(f"* :doc:`state-machines`: {len(tables)} transition tables, "
                     f"{sum(len(t.rows) for t in tables)} rows.")
    props = sources.properties()
    if props:
        lines.append(f"* :doc:`proofs`: {len(props)} security properties, checked by Z3 "
                     "when these pages are built.")
    interp = optional_module("rfc5269.interpretations")
    if interp is not None:
        ids = {s.clarification for s in interp.SWITCHES}
        ids.update(sources.clarification_entries())
        for p in props:
            ids.update(p["clarifications"].values())
        lines.append(f"* :doc:`clarifications`: {len(ids)} entries on ambiguities, "
                     f"{len(interp.SWITCHES)} of them with a switch in the reference.")
    findings = optional_module("rfc5269.findings")
    if findings is not None:
        n = len(getattr(findings, "FINDINGS", ()))
        lines.append(f"* :doc:`findings`: {n} findings on independent software.")
    cases = sources.vector_cases()
    if cases:
        lines.append(f"* :doc:`conformance`: {len(cases)} test vectors in "
                     f"{len({p for p, _ in cases})} files.")
    zoo = ROOT / "reference" / "data" / "zoo_results.json"
    if zoo.is_file():
        doc = json.loads(zoo.read_text(encoding="utf-8"))
        rows = doc.get("variants", []) if isinstance(doc, dict) else doc
        caught = sum(1 for r in rows if isinstance(r, dict) and r.get("caught"))
        lines.append(f"* :doc:`bugzoo`: {caught} of {len(rows)} faulty variants caught by the "
                     "adversarial tests (as recorded).")
    if not lines:
        return {"glance.inc": ""}
    return {"glance.inc": "At a glance (counted when these pages were built):\n\n"
            + "\n".join(lines) + "\n\n"}
