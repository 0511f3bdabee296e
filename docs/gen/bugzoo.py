"""Bug zoo and mutation score: shown only from what the project has recorded.

The bug zoo (``tests/zoo/variants.py``) is a set of deliberately faulty AR,
PAR and MN variants, each breaking one catalogued requirement; the
adversarial suite must catch every one. The variants are listed from that
module; whether and how each was caught is read from the results file that
``python -m tests.zoo.run --json reference/data/zoo_results.json`` writes.
A mutation score is shown only if a mutation run recorded one (a JSON file
named ``*mutation*``). Each variant is also a fault of the Z3 model; the
property that refutes it there, with the depth of the shortest counterexample
and its trace, is read from ``reference/data/model_zoo.json`` (written by
``rfc5269 prove --zoo --zoo-table reference/data/model_zoo.json``). No number
on this page is written by hand.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import sys
from pathlib import Path
from typing import Any

from gen.util import ROOT, esc, heading, list_table, rel

ZOO_RESULTS = ROOT / "reference" / "data" / "zoo_results.json"
FUZZ_RESULTS = ROOT / "reference" / "data" / "fuzz_campaign.json"
MUTATION_RESULTS = ROOT / "reference" / "data" / "mutation_results.json"
ZOO_CONFORMANCE = ROOT / "reference" / "data" / "zoo_conformance.json"
MODEL_ZOO = ROOT / "reference" / "data" / "model_zoo.json"
SKIP = {".git", "docs", "node_modules", "build", "dist", ".venv"}


def _req_link(rid: str) -> str:
    anchor = "".join(c if c.isalnum() else "-" for c in rid.lower()).strip("-")
    while "--" in anchor:
        anchor = anchor.replace("--", "-")
    return f"`{rid} <traceability.html#{anchor}>`__"


def _variants() -> list[Any] | None:
    if not (ROOT / "tests" / "zoo" / "variants.py").is_file():
        return None
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    module = importlib.import_module("tests.zoo.variants")
    return list(getattr(module, "VARIANTS", ()))


def _json_files(word: str) -> list[Path]:
    found = []
    for folder, dirs, files in os.walk(ROOT):
        dirs[:] = sorted(d for d in dirs if d not in SKIP and not d.endswith(".egg-info")
                         and not d.startswith("."))
        found.extend(Path(folder) / f for f in files if word in f and f.endswith(".json"))
    return sorted(found)


def _zoo_results() -> dict[str, dict[str, Any]]:
    if not ZOO_RESULTS.is_file():
        return {}
    doc = json.loads(ZOO_RESULTS.read_text(encoding="utf-8"))
    rows = doc if isinstance(doc, list) else doc.get("results", doc.get("variants", []))
    return {r["variant"]: r for r in rows if isinstance(r, dict) and "variant" in r}


def _generic_table(doc: Any) -> str:
    rows: Any = doc if isinstance(doc, list) else None
    if isinstance(doc, dict):
        rows = doc.get("mutants") or doc.get("results")
        scalars = [[esc(k), esc(v)] for k, v in doc.items() if not isinstance(v, (list, dict))]
        out = list_table(["field", "value"], scalars) if scalars else ""
    else:
        out = ""
    if isinstance(rows, list) and rows and all(isinstance(r, dict) for r in rows):
        keys = list(dict.fromkeys(k for r in rows for k in r))
        out += list_table(keys, [[esc(r.get(k, "")) for k in keys] for r in rows])
    return out


def generate() -> dict[str, str]:
    """``bugzoo.inc``."""
    out = heading("Bug zoo", "-")
    variants = _variants()
    if not variants:
        out += "Not yet built: no bug zoo exists in this checkout.\n\n"
    else:
        results = _zoo_results()
        out += (f"{len(variants)} faulty variants of the reference, each breaking exactly one "
                "requirement (``tests/zoo/variants.py``). The adversarial suite runs against "
                "each with a fixed seed and must catch it.\n\n")
        if results:
            caught = sum(1 for v in variants if results.get(v.name, {}).get("caught"))
            out += (f"Recorded in ``{rel(ZOO_RESULTS)}``: **{caught} of {len(variants)}** "
                    "variants caught.\n\n")
        else:
            out += (f"No results are recorded yet (``{rel(ZOO_RESULTS)}`` does not exist), so "
                    "the table does not say which variants are caught. Run "
                    "``python -m tests.zoo.run --json reference/data/zoo_results.json`` "
                    "to record them.\n\n")
        conformance = _zoo_conformance()
        model = _model_zoo()
        rows = []
        for v in variants:
            r = results.get(v.name, {})
            caught = ("yes" if r.get("caught") else "**NO**") if r else "not run"
            check = esc(r.get("check") or "") if r else ""
            steps = esc(r.get("steps_to_first_failure") or "") if r else ""
            row = [f"``{v.name}``", esc(v.role), _req_link(v.requirement), esc(v.fault),
                   caught, check, steps]
            if conformance:
                c = conformance["variants"].get(v.name)
                if c is None:
                    row.append("not run")
                elif c.get("caught_by_trace_conformance"):
                    row.append("yes")
                else:
                    row.append("no" + (f": {esc(c['why_not_caught'])}"
                                       if c.get("why_not_caught") else ""))
            if model is not None:
                row.append(_refuted_cell(model.get(v.name)))
            rows.append(row)
        header = ["variant", "role", "breaks", "fault", "caught", "caught by",
                  "steps to failure"]
        widths = [18, 6, 14, 32, 8, 14, 8]
        if conformance:
            header.append("caught by trace conformance")
            widths = [16, 5, 12, 26, 7, 12, 7, 15]
        if model is not None:
            header.append("refuted in the model by")
            widths = [*widths[:3], widths[3] - 6, *widths[4:], 12]
        out += list_table(header, rows, widths=widths)
        if conformance:
            out += _conformance_note(conformance)
        out += _model_section(variants, model)
    out += _mutation()
    out += _fuzzing()
    return {"bugzoo.inc": out}


def _model_zoo() -> dict[str, dict[str, Any]] | None:
    """The model's refutation of each variant, keyed by variant, or None if not recorded."""
    if not MODEL_ZOO.is_file():
        return None
    doc = json.loads(MODEL_ZOO.read_text(encoding="utf-8"))
    return {r["variant"]: r for r in doc.get("variants", [])
            if isinstance(r, dict) and "variant" in r}


def _refuted_cell(row: dict[str, Any] | None) -> str:
    if row is None:
        return "**no model fault**"
    if not row.get("refuted"):
        return f"**not refuted** ({esc(row.get('status', ''))})"
    pid = row["property"]
    return f":ref:`{pid} <prop-{pid}>`, depth {row['depth']}"


def _model_section(variants: list[Any], model: dict[str, dict[str, Any]] | None) -> str:
    """Each variant as a model fault: the refuting property, the base, the trace."""
    out = heading("The zoo in the model", "-")
    if model is None:
        return out + (f"Not recorded: ``{rel(MODEL_ZOO)}`` does not exist. Run "
                      "``rfc5269 prove --zoo --zoo-table reference/data/model_zoo.json``.\n\n")
    refuted = sum(1 for v in variants if model.get(v.name, {}).get("refuted"))
    out += (f"Each variant is also a fault of the Z3 model (:mod:`rfc5269.model.faults`, same "
            f"name), switched on over a *base* configuration. Recorded in ``{rel(MODEL_ZOO)}``: "
            f"**{refuted} of {len(variants)}** refuted. For each, bounded model checking from "
            "depth 0 upwards finds the shortest counterexample to the named property (replayed "
            "on the concrete model), and the same property is proved for all trace lengths on "
            "the same base without the fault, so the violation is the fault's doing. Faults "
            "about things the base model leaves out (timestamps, record bounds, the MN's AT "
            "check, unsigned message parts, decryption before validation) are judged on "
            "``rfc+refined``, which adds those abstractions.\n\n")
    rows = []
    for v in variants:
        r = model.get(v.name)
        if r is None:
            rows.append([f"``{v.name}``", "**no model fault**", "", "", "", ""])
            continue
        held = r.get("holds_without_fault", {})
        rows.append([f"``{v.name}``", _refuted_cell(r), f"``{esc(r['base'])}``",
                     esc(r.get("depth") if r.get("depth") is not None else ""),
                     esc(", ".join(f"{k}: {val}" for k, val in sorted(held.items()))),
                     esc(r.get("shows", ""))])
    out += list_table(["variant", "refuted by", "base", "depth", "property without the fault",
                       "what the counterexample shows"], rows, widths=[20, 12, 16, 6, 16, 30])
    for v in variants:
        r = model.get(v.name)
        if not r or not r.get("msc_text"):
            continue
        out += heading(f"{v.name} in the model", "~")
        out += ".. code-block:: text\n\n" + "".join(
            f"   {line}\n" for line in r["msc_text"].splitlines()) + "\n"
    return out


def _source_link(location: str) -> str:
    """``reference/x/y.py:12:5`` as a link to that line's source page."""
    path, _, rest = location.partition(":")
    line = rest.split(":", 1)[0]
    parts = Path(path).with_suffix("").parts
    if not parts or parts[0] != "reference" or not line.isdigit():
        return f"``{location}``"
    dotted = ".".join(["rfc5269", *parts[1:]]).removesuffix(".__init__")
    return f"`{esc(location)} <_generated/source/{dotted}.html#L-{line}>`__"


def _mutation() -> str:
    """The recorded mutation run (``scripts/mutation.py``), if any."""
    out = heading("Mutation score", "-")
    if not MUTATION_RESULTS.is_file():
        others = [p for p in _json_files("mutation") if p != MUTATION_RESULTS]
        if not others:
            return out + ("Not yet measured: no mutation testing run has recorded results in "
                          "this checkout, so no score is shown.\n\n")
        for p in others:
            out += f"From ``{rel(p)}``:\n\n" + _generic_table(
                json.loads(p.read_text(encoding="utf-8")))
        return out
    doc = json.loads(MUTATION_RESULTS.read_text(encoding="utf-8"))
    total = doc.get("total", {})
    score = total.get("score")
    out += (f"Recorded in ``{rel(MUTATION_RESULTS)}`` by ``{doc.get('command', '')}`` "
            f"({esc(doc.get('tool', ''))}). Score = (killed + timed out) / all mutants; a "
            "mutant that no test executes counts as survived.\n\n")
    if score is not None:
        out += (f"**Score: {score:.1%}** — {total.get('mutants', 0)} mutants: "
                f"{total.get('killed', 0)} killed, {total.get('timeout', 0)} timed out, "
                f"{total.get('survived', 0)} survived, {total.get('error', 0)} errors.\n\n")
    rows = []
    stale = []
    for relpath, m in doc.get("modules", {}).items():
        src = ROOT / "reference" / relpath
        current = (hashlib.sha256(src.read_bytes()).hexdigest() if src.is_file() else None)
        is_stale = m.get("source_sha256") and current != m.get("source_sha256")
        if is_stale:
            stale.append(relpath)
        sc, strict = m.get("score"), m.get("strict_score")
        rows.append([f"``{m.get('module', relpath)}``" + (" (changed since)" if is_stale else ""),
                     str(m.get("mutants", "")), str(m.get("killed", "")),
                     str(m.get("timeout", "")), str(m.get("survived", "")),
                     str(m.get("error", "")), f"{sc:.1%}" if sc is not None else "",
                     f"{strict:.1%}" if strict is not None else ""])
    if rows:
        out += list_table(["module", "mutants", "killed", "timed out", "survived", "errors",
                           "score", "strict score"], rows)
    if stale:
        out += ("These modules changed after the run, so their figures describe an earlier "
                "version: " + ", ".join(f"``{s}``" for s in stale) + ".\n\n")
    if doc.get("modules_not_run"):
        out += ("Modules in the runner's list but not in this record: "
                + ", ".join(f"``{x}``" for x in doc["modules_not_run"]) + ".\n\n")
    survivors = [s for m in doc.get("modules", {}).values() for s in m.get("survivors", [])]
    if survivors:
        out += heading("Surviving mutants", "~")
        out += ("Each survivor with the verdict recorded for it: *equivalent* (no test can tell "
                "it apart, with the reason), *test-added* (a test now kills it) or "
                "*unexamined*.\n\n")
        out += list_table(
            ["where", "operator", "original → mutated", "verdict", "reason or test"],
            [[_source_link(s.get("location", "")), esc(s.get("operator", "")),
              f"``{s.get('original', '')}`` → ``{s.get('mutated', '')}``"
              if s.get("original") and s.get("mutated") else "",
              esc(s.get("verdict", "")), esc(s.get("reason") or s.get("test") or "")]
             for s in survivors],
            widths=[22, 14, 28, 12, 24])
    return out


def _zoo_conformance() -> dict[str, Any] | None:
    """The model-as-judge record (trace conformance) of the zoo, keyed by variant."""
    if not ZOO_CONFORMANCE.is_file():
        return None
    doc = json.loads(ZOO_CONFORMANCE.read_text(encoding="utf-8"))
    if not isinstance(doc, dict):
        return None
    variants = {v["variant"]: v for v in doc.get("variants", [])
                if isinstance(v, dict) and "variant" in v}
    return {**doc, "variants": variants}


def _conformance_note(doc: dict[str, Any]) -> str:
    out = (f"The last column is read from ``{rel(ZOO_CONFORMANCE)}`` "
           f"(``{doc.get('generated_by', '')}``): the model's step relation judges each "
           "variant's trace on its scenario "
           f"({esc(doc.get('checker', ''))}); {doc.get('caught', '?')} variants are caught "
           f"that way, {doc.get('caught_by_machine', '?')} by the adversarial machine with the "
           "model as its only judge.")
    ref = doc.get("reference_under_machine") or {}
    if ref.get("caught"):
        out += (" With the model as the only judge, the adversarial machine also flags the "
                f"**reference itself**: {esc(ref.get('disagreement', ''))}. This is a "
                "disagreement between the model and the reference, recorded as found.")
    return out + "\n\n"


def _fuzzing() -> str:
    """The recorded fuzzing campaign (``rfc5269 fuzz``), if one was recorded."""
    out = heading("Fuzzing campaign", "-")
    if not FUZZ_RESULTS.is_file():
        return out + "Not yet run: no fuzzing campaign is recorded in this checkout.\n\n"
    rows = json.loads(FUZZ_RESULTS.read_text(encoding="utf-8"))
    if isinstance(rows, dict):
        rows = rows.get("results") or rows.get("targets") or []
    rows = [r for r in rows if isinstance(r, dict)]
    escapes = sum(len(r.get("escapes") or []) for r in rows)
    total = sum(int(r.get("inputs") or 0) for r in rows)
    out += (f"Recorded in ``{rel(FUZZ_RESULTS)}`` by ``rfc5269 fuzz``: {total:,} inputs over "
            f"{len(rows)} decoder entry points; **{escapes}** input(s) raised something other "
            "than the codec's typed ``DecodeError`` (an *escape*). Coverage is line coverage "
            "of the modules each target exercised.\n\n")
    table = []
    for r in rows:
        cov = r.get("coverage")
        table.append([
            f"``{r.get('target', '')}``", f"{int(r.get('inputs') or 0):,}",
            f"{float(r.get('inputs_per_second') or 0):,.0f}",
            f"{int(r.get('typed_errors') or 0):,}", f"{int(r.get('accepted') or 0):,}",
            f"{cov:.1%}" if isinstance(cov, (int, float)) else "",
            str(len(r.get("escapes") or [])),
        ])
    out += list_table(["target", "inputs", "inputs/s", "typed errors", "accepted",
                       "line coverage", "escapes"], table)
    return out
