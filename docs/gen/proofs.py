"""Proofs page: the property catalogue and the prover's results.

The catalogue (ID, requirements, formula, expected outcome per configuration)
is read from the property modules of :mod:`rfc5269.proofs`. The results come
from the prover itself (``rfc5269 prove --json`` with its CI profile), run
at build time; the JSON is cached under ``docs/_build`` keyed by a hash of
the model's and the proofs' sources, so a rebuild with unchanged sources does
not prove again. Each counterexample's trace is drawn as a sequence chart.
"""

from __future__ import annotations

from typing import Any

from gen import prover, sources
from gen.msc import parse_mermaid, render_svg
from gen.util import diagram_block, esc, heading, list_table, not_available

STATUS_TEXT = {
    "proved": "proved (all trace lengths)",
    "holds-to-depth": "holds to depth",
    "violated": "violated (counterexample)",
    "unknown": "unknown (solver gave up)",
}


def _catalogue(props: list[dict[str, Any]]) -> str:
    out = heading("Properties", "-")
    out += (
        "Each property is one module of ``rfc5269.proofs``: an ID, the requirements it "
        "reflects, the formula over the model's states and steps, and the outcome expected "
        "under each named configuration (the RFC reading, and one deviation per "
        "interpretation switch; see :doc:`clarifications`). Where a configuration is "
        "expected to violate the property, the clarification it illustrates is named.\n\n"
    )
    for p in props:
        out += f".. _prop-{p['id']}:\n\n" + heading(f"{p['id']}: {p['title']}", "~")
        out += f":Requirements: {esc(', '.join(p['requirements'])) or '(none)'}\n"
        out += f":Kind: {p['kind']} property\n"
        out += f":Defined in: :mod:`{p['module']}`\n\n"
        if p["formula"]:
            out += (f"Formula:\n\n.. code-block:: text\n   :class: formula\n\n"
                    f"   {p['formula']}\n\n")
        if p["claims"]:
            out += "Claims, each checked by Z3 over the reals (for the RFC 3971 defaults and "
            out += "for all parameters):\n\n"
            out += list_table(["claim", "statement", "expected"],
                              [[esc(i), esc(t), esc(e)] for i, t, e in p["claims"]],
                              widths=[10, 75, 15])
        rows = []
        for cfg, exp in p["expected"].items():
            cl = p["clarifications"].get(cfg, "")
            rows.append([f"``{cfg}``", esc(exp), f":ref:`{cl}`" if cl else ""])
        if rows:
            out += list_table(["configuration", "expected", "clarification"], rows,
                              widths=[50, 20, 30])
    return out


def _results(results: list[dict[str, Any]], meta: dict[str, Any],
             props: list[dict[str, Any]]) -> str:
    out = heading("Prover results", "-")
    out += ("Run while these pages were built: " + meta.get("how", "") + ". The result is "
            "cached under ``docs/_build/.prover`` until a source file of the model or the "
            "proofs changes. *Proved* means an inductive invariant (strengthened with the "
            "property's lemmas) was checked by Z3, so the property holds for traces of every "
            "length in that population; *holds to depth k* means bounded model checking found "
            "no violation in k steps; *violated* comes with the shortest counterexample found, "
            "replayed on the concrete model. Configurations named ``zoo:<variant>`` are the "
            "bug-zoo variants as model faults (:mod:`rfc5269.model.faults`), each expected to "
            "be refuted; :doc:`bugzoo` lists them with the property each breaks.\n\n")
    summary: dict[str, dict[str, int]] = {}
    for r in results:
        s = summary.setdefault(r["property"], {"jobs": 0, "proved": 0, "holds-to-depth": 0,
                                               "violated": 0, "unknown": 0, "unexpected": 0})
        s["jobs"] += 1
        s[r.get("status", "unknown")] = s.get(r.get("status", "unknown"), 0) + 1
        s["unexpected"] += 0 if r.get("as_expected") else 1
    out += heading("Summary", "~")
    out += list_table(
        ["property", "jobs", "proved", "holds to depth", "violated", "unknown",
         "not as expected"],
        [[f":ref:`{pid} <prop-{pid}>`", *(str(s[k]) for k in (
            "jobs", "proved", "holds-to-depth", "violated", "unknown", "unexpected"))]
         for pid, s in summary.items()],
    )
    out += heading("Every job", "~")
    rows = []
    for r in results:
        depth = r.get("depth")
        status = r.get("status", "")
        bound = "unbounded" if status == "proved" else (f"depth {depth}" if depth is not None
                                                        else "")
        ok = "yes" if r.get("as_expected") else "**NO**"
        rows.append([
            f":ref:`{r['property']} <prop-{r['property']}>`",
            f"``{r.get('config', '')}``", esc(r.get("population", "")),
            esc(STATUS_TEXT.get(status, status)), esc(bound),
            f"{float(r.get('seconds', 0.0)):.2f}", esc(r.get("expected", "")), ok,
            esc(r.get("method", "")),
        ])
    out += list_table(["property", "configuration", "population", "status", "bound",
                       "time (s)", "expected", "as expected", "method"], rows,
                      css_class="proof-results")
    unexpected = [r for r in results if not r.get("as_expected")]
    if unexpected:
        out += (".. warning::\n\n   " + str(len(unexpected)) + " result(s) differ from the "
                "property's expectation: "
                + ", ".join(f"``{r['property']}`` under ``{r.get('config')}``"
                            for r in unexpected) + ".\n\n")
    cex = [r for r in results if r.get("status") == "violated"]
    if cex:
        out += heading("Counterexamples", "-")
        out += ("Every violation comes with the trace the solver found, replayed on the "
                "model; it is drawn below as a message sequence chart.\n\n")
        for r in cex:
            ident = f"cex-{r['property']}-{r.get('config', '')}-{r.get('population', '')}"
            out += heading(f"{r['property']} under {r.get('config')} "
                           f"({r.get('population', '')})", "~")
            cl = next((p["clarifications"].get(r.get("config", ""))
                       for p in props if p["id"] == r["property"]), None)
            if cl:
                out += f"This counterexample is the witness of :ref:`{cl}`. "
            if r.get("note"):
                out += esc(r["note"]).rstrip(".") + ".\n\n"
            elif cl:
                out += "\n\n"
            mermaid = r.get("msc_mermaid") or ""
            if mermaid.strip():
                chart = parse_mermaid(mermaid, f"Counterexample to {r['property']} under "
                                               f"{r.get('config')}")
                out += diagram_block("msc", ident, render_svg(chart, _svg_id(ident)),
                                     chart.title)
            else:
                out += "The prover gave no trace for this result.\n\n"
    return out


def _svg_id(ident: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in ident)


def generate() -> dict[str, str]:
    """``proofs.inc``."""
    props = sources.properties()
    if not props:
        return {"proofs.inc": not_available("The property catalogue", "rfc5269.proofs")}
    text = _catalogue(props)
    run = prover.results()
    if run is None:
        text += heading("Prover results", "-")
        text += not_available("The prover's command (``rfc5269 prove --json``)",
                              "rfc5269.proofs (prover CLI)")
    else:
        results, meta = run
        text += _results(results, meta, props)
    return {"proofs.inc": text}
