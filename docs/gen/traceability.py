"""Requirement traceability matrix, generated from the catalogue and the citations.

For every catalogued requirement (:mod:`rfc5269.requirements`): ID, RFC and
section, level, actor, status, the project's paraphrase, the code that cites
it (linked to the highlighted source line), the tests that cite it, the test
vectors that name it, and the model properties that reflect it. Citations are
found by :func:`rfc5269.requirements.find_citations` in the checkout the docs
are built from; the catalogue file itself is not counted as a citation.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from gen import sources
from gen.source_pages import module_name
from gen.util import ROOT, esc, heading, list_table, not_available, optional_module, rel

MAX_LINKS = 6

# The catalogue, the module that loads it and that module's own tests name IDs as
# data, not as implementations or tests of the requirements: they are not counted.
NOT_CITATIONS = frozenset(
    (ROOT / p).resolve()
    for p in ("reference/data/requirements.toml", "reference/requirements.py",
              "tests/test_requirements.py")
)


def _links(cites: list[tuple[str, int]], link_prefix: str = "") -> str:
    """Up to MAX_LINKS citations as links to source lines, one per line."""
    parts = []
    seen: set[tuple[str, int]] = set()
    for path, line in cites:
        if (path, line) in seen:
            continue
        seen.add((path, line))
        p = Path(path)
        name = module_name(p if p.is_absolute() else ROOT / p)
        if name is not None:
            short = name.replace("rfc5269.", "")
            url = f"{link_prefix}_generated/source/{name}.html#L-{line}"
            parts.append(f"`{esc(short)}:{line} <{url}>`__")
        else:
            parts.append(f"``{rel(ROOT / path)}:{line}``")
    more = len(parts) - MAX_LINKS
    shown = parts[:MAX_LINKS]
    if more > 0:
        shown.append(f"(+{more} more)")
    return "\n".join(f"| {s}" for s in shown)


def _split(cites: dict[str, list[tuple[str, int]]]) -> tuple[dict[str, Any], ...]:
    """Citations split into implementing code, model/proofs, and tests."""
    code: dict[str, list[tuple[str, int]]] = {}
    model: dict[str, list[tuple[str, int]]] = {}
    tests: dict[str, list[tuple[str, int]]] = {}
    for rid, where in cites.items():
        for path, line in where:
            p = Path(path).resolve()
            if p in NOT_CITATIONS or p.suffix != ".py":
                continue  # data files (results, vectors) are not code or tests
            top = p.relative_to(ROOT).parts[0] if p.is_relative_to(ROOT) else ""
            bucket = {"reference": code, "model": model, "proofs": model, "tests": tests}.get(top)
            if bucket is not None:
                bucket.setdefault(rid, []).append((str(p), line))
    return code, model, tests


def generate() -> dict[str, str]:
    """``traceability.inc``."""
    reqs_mod = optional_module("rfc5269.requirements")
    if reqs_mod is None:
        return {"traceability.inc": not_available("The requirement catalogue",
                                                  "rfc5269.requirements")}
    reqs = reqs_mod.all_requirements()
    cites = reqs_mod.find_citations([ROOT / d for d in ("reference", "model", "proofs", "tests")
                                     if (ROOT / d).is_dir()])
    code, model_cites, tests = _split(cites)
    vectors = sources.vector_citations(reqs_mod)
    props = sources.properties_by_requirement()

    out = (
        f"{len(reqs)} requirements are catalogued in ``reference/data/requirements.toml`` "
        "(one per RFC 2119 keyword occurrence of RFC 5269 §3 to §5 and of the sections of RFC "
        "3971, RFC 5568 and RFC 3775 that RFC 5269 relies on). An ID such as "
        "``RFC5269-3.2-M4`` reads: RFC number, section, level letter (M: MUST, MUST NOT, "
        "REQUIRED; S: SHOULD, SHOULD NOT, RECOMMENDED; Y: MAY) and the ordinal of that "
        "keyword among the same-letter keywords of the section. The paraphrases are the "
        "project's own words; read the RFC for the normative text.\n\n"
        "*Code* and *tests* are the places that cite the ID (links go to the highlighted "
        "source line); *model* lists the proof properties that reflect the requirement "
        "and the model code that cites it; *vectors* the test vectors that name it.\n\n"
    )
    # summary per level and status
    statuses = [s.value for s in reqs_mod.Status]
    levels = [lv.value for lv in reqs_mod.Level if any(r.level is lv for r in reqs)]
    count = Counter((r.level.value, r.status.value) for r in reqs)
    rows = []
    for lv in levels:
        in_level = [r for r in reqs if r.level.value == lv]
        rows.append([lv] + [str(count[(lv, s)]) for s in statuses] + [
            str(len(in_level)),
            str(sum(1 for r in in_level if r.id in code)),
            str(sum(1 for r in in_level if r.id in tests)),
            str(sum(1 for r in in_level if r.id in props or r.id in model_cites)),
            str(sum(1 for r in in_level if r.id in vectors)),
        ])
    rows.append(["**total**"] + [str(sum(count[(lv, s)] for lv in levels)) for s in statuses] + [
        str(len(reqs)),
        str(sum(1 for r in reqs if r.id in code)),
        str(sum(1 for r in reqs if r.id in tests)),
        str(sum(1 for r in reqs if r.id in props or r.id in model_cites)),
        str(sum(1 for r in reqs if r.id in vectors)),
    ])
    out += heading("Summary", "-")
    out += list_table(["level", *statuses, "total", "cited in code", "cited in tests",
                       "in the model", "in vectors"], rows, css_class="trace-summary")
    impl_untested = [r.id for r in reqs
                     if r.status.value == "implemented" and r.id not in tests]
    impl_uncited = [r.id for r in reqs
                    if r.status.value == "implemented" and r.id not in code]
    out += ("The catalogue file, ``reference/requirements.py`` and "
            "``tests/test_requirements.py`` name every ID as data and are not counted as "
            "citations.\n\n")
    out += (f"Of the requirements marked *implemented*, {len(impl_uncited)} are not cited by "
            f"any reference code and {len(impl_untested)} by no test yet; they are listed at "
            "the end of this page.\n\n")
    cited = set(code) | set(tests) | set(model_cites)
    unknown = sorted(u for u in cited if u not in reqs_mod.REQUIREMENT_IDS)
    if unknown:
        out += ".. warning::\n\n   IDs cited in the code but absent from the catalogue: "
        out += ", ".join(f"``{u}``" for u in unknown) + "\n\n"

    # the matrix, one table per RFC
    by_rfc: dict[int, list[Any]] = {}
    for r in reqs:
        by_rfc.setdefault(r.rfc, []).append(r)
    for rfc, group in sorted(by_rfc.items(), key=lambda kv: (kv[0] != 5269, kv[0])):
        out += heading(f"RFC {rfc}", "-")
        rows = []
        for r in group:
            status = r.status.value + (f": {esc(r.why)}" if r.why else "")
            model_cell = "\n".join(f"| :ref:`{p} <prop-{p}>`" for p in props.get(r.id, ()))
            if r.id in model_cites:
                model_cell = "\n".join(x for x in (model_cell, _links(model_cites[r.id])) if x)
            rows.append([
                f"_`{r.id}`", f"§{r.section}", r.level.value, r.actor.value, status,
                esc(r.text), _links(code.get(r.id, [])), _links(tests.get(r.id, [])),
                "\n".join(f"| ``{v}``" for v in vectors.get(r.id, ())[:MAX_LINKS])
                + (f"\n| (+{len(vectors[r.id]) - MAX_LINKS} more)"
                   if len(vectors.get(r.id, ())) > MAX_LINKS else ""),
                model_cell,
            ])
        out += list_table(
            ["ID", "§", "level", "actor", "status", "paraphrase", "code", "tests", "vectors",
             "model"],
            rows, widths=[10, 4, 5, 4, 7, 28, 12, 12, 8, 10], css_class="trace-matrix",
        )
    out += heading("Gaps", "-")
    out += ("Implemented but cited by no reference code: "
            + (", ".join(f"`{i}`_" for i in impl_uncited) or "none") + ".\n\n")
    out += ("Implemented but cited by no test: "
            + (", ".join(f"`{i}`_" for i in impl_untested) or "none") + ".\n\n")
    return {"traceability.inc": out}
