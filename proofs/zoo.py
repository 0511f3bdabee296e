"""The bug zoo in the model: each faulty variant, which property refutes it, on which base.

Every variant of the bug zoo (``tests/zoo/variants.py``) is a fault of
:mod:`rfc5269.model.faults` under the same name. Each entry here names the
property that refutes it and the configuration it is judged on (the *base*).
The prover checks two things per entry:

* with the fault, a shortest counterexample to the property (BMC from depth
  0 upwards on 1 MN / 1 AR, replayed on the concrete model);
* without it, the same property on the same base is proved for all trace
  lengths (it is declared ``holds`` there in the property module, so the
  ordinary induction jobs prove it on both populations).

So a refutation is the fault's doing, not the base's. ``rfc5269 prove --zoo``
runs just these; ``--zoo-table PATH`` writes the table
(``reference/data/model_zoo.json``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rfc5269.model.config import ModelConfig
from rfc5269.model.faults import NEEDS, Fault
from rfc5269.proofs.base import Result, Status
from rfc5269.proofs.configs import CONFIGS

ZOO_CONFIG_PREFIX = "zoo:"
ZOO_METHOD = "BMC (incremental), bug-zoo fault"
CONFIRMED = "confirmed by the concrete model"


@dataclass(frozen=True)
class ZooEntry:
    """One variant: its fault, the refuting property, the base configuration, what breaks."""

    fault: Fault
    property_id: str
    base: str
    shows: str

    @property
    def config_name(self) -> str:
        """The configuration label of the refutation job."""
        return f"{ZOO_CONFIG_PREFIX}{self.fault.value}"

    def config(self) -> ModelConfig:
        """The base configuration with the fault switched on."""
        return CONFIGS[self.base].with_faults(self.fault)


_R = "rfc"
_REFINED = "rfc+refined"

ZOO: tuple[ZooEntry, ...] = (
    ZooEntry(Fault.AR_SKIPS_SIGNATURE_CHECK, "P1", _REFINED,
             "an RtSolPr claiming the MN's CGA, not signed by its key, creates a record for it"),
    ZooEntry(Fault.AR_SKIPS_CGA_CHECK, "P1", _REFINED,
             "an RtSolPr the attacker signed with its own key, claiming the MN's CGA, creates "
             "a record for it"),
    ZooEntry(Fault.AR_INSTALLS_KEY_BEFORE_VALIDATION, "P1", _R,
             "a forged RtSolPr that fails validation still leaves a record behind"),
    ZooEntry(Fault.AR_OVERWRITES_KEY_ON_INVALID_REQUEST, "P1", _R,
             "a forged RtSolPr that fails validation changes an existing record's key"),
    ZooEntry(Fault.AR_OMITS_NONCE, "P12", _R,
             "the AR's answer carries no nonce, so the MN drops it: the exchange never "
             "completes"),
    ZooEntry(Fault.AR_NEW_KEY_ON_EVERY_REQUEST, "P5", "lifetime-anchor=solicitation+par-keeps-key",
             "a second (or replayed) RtSolPr replaces the key the MN still holds"),
    ZooEntry(Fault.AR_ANSWERS_WEAKER_ALGORITHM, "P8", "at-choice=strongest-supported",
             "the MN receives a key of a weaker AT than it asked for"),
    ZooEntry(Fault.AR_IGNORES_TIMESTAMP_WINDOW, "P9", _REFINED,
             "a copy of the MN's RtSolPr replayed after the timestamp window creates a record"),
    ZooEntry(Fault.AR_UNBOUNDED_KEY_RECORDS, "P10", _REFINED,
             "the AR takes a record for a second CGA beyond its bound"),
    ZooEntry(Fault.PAR_ACCEPTS_FBU_WITHOUT_HANDOVER_KEY_BADF, "P4", _REFINED,
             "an FBU whose BADF names another SPI moves the MN's traffic"),
    ZooEntry(Fault.PAR_IGNORES_SEQUENCE_NUMBER, "P4", _R,
             "a replayed FBU is applied a second time"),
    ZooEntry(Fault.PAR_LOOKS_UP_KEY_BY_SOURCE, "P4", _R,
             "the attacker's FBU for the MN's PCoA, sent from its own CGA under its own key, "
             "moves the MN's traffic"),
    ZooEntry(Fault.PAR_FORWARDS_WITHOUT_KEY, "P4", _R,
             "an FBU for a PCoA with no key at the PAR moves that PCoA's traffic"),
    ZooEntry(Fault.MN_ACCEPTS_UNCERTIFIED_ROUTER, "P2", _R,
             "the MN stores a key from the rogue router, which has no certificate"),
    ZooEntry(Fault.MN_SKIPS_NONCE_MATCH, "P2", _R,
             "the MN stores a key from an answer whose nonce is not outstanding"),
    ZooEntry(Fault.MN_REACCEPTS_ANSWERED_NONCE, "P2", _R,
             "the MN accepts the same answer twice"),
    ZooEntry(Fault.MN_DECRYPTS_BEFORE_VERIFYING, "P11", _REFINED,
             "the MN runs its private key over a reply the rogue router signed"),
    ZooEntry(Fault.MN_ACCEPTS_WEAKER_ALGORITHM, "P8", _REFINED,
             "the MN stores a key of a weaker AT than it asked for"),
    ZooEntry(Fault.MN_PROCESSES_OPTIONS_AFTER_SIGNATURE, "P3", _REFINED,
             "a key reply appended after an honest AR's signature gives the MN a key the "
             "attacker knows"),
)
"""One entry per fault, in the zoo's order."""

BY_FAULT: dict[Fault, ZooEntry] = {z.fault: z for z in ZOO}
BY_CONFIG_NAME: dict[str, ZooEntry] = {z.config_name: z for z in ZOO}


def check_consistency() -> list[str]:
    """Problems with the table: faults without an entry, bases lacking a needed refinement."""
    problems = [f"no zoo entry for fault {f.value}" for f in Fault if f not in BY_FAULT]
    for z in ZOO:
        if z.base not in CONFIGS:
            problems.append(f"{z.fault.value}: unknown base {z.base}")
            continue
        need = NEEDS.get(z.fault)
        if need is not None and need not in CONFIGS[z.base].refinements:
            problems.append(f"{z.fault.value}: base {z.base} lacks refinement {need.value}")
    return problems


TABLE_COMMAND = "rfc5269 prove --zoo --zoo-table reference/data/model_zoo.json"


def table(results: list[Result]) -> dict[str, Any]:
    """The zoo table (JSON-friendly) from a run that included the zoo jobs.

    Per variant: the fault, the refuting property, the base, whether it was
    refuted and at which depth, and whether the property is proved on the
    base without the fault (per population; "not run" when the run did not
    include those proofs). No timings are recorded; the trace is one shortest
    counterexample, and which one Z3 returns can differ between runs (the
    depth cannot).
    """
    from rfc5269.proofs.catalogue import PROPERTIES

    by_job = {(r.property_id, r.config, r.population, r.method): r for r in results}
    rows = []
    for z in ZOO:
        r = by_job.get((z.property_id, z.config_name, "1mn1ar", ZOO_METHOD))
        baseline = {}
        for pop in ("1mn1ar", "2mn2ar"):
            b = by_job.get((z.property_id, z.base, pop, "strengthened 1-induction"))
            baseline[pop] = "not run" if b is None else b.status.value
        refuted = r is not None and r.status is Status.VIOLATED and r.note == CONFIRMED
        rows.append({
            "variant": z.fault.value,
            "fault": f"Fault.{z.fault.name}",
            "property": z.property_id,
            "property_title": PROPERTIES[z.property_id].title,
            "base": z.base,
            "status": "refuted" if refuted else ("not run" if r is None else r.status.value),
            "refuted": refuted,
            "depth": None if r is None else r.depth,
            "holds_without_fault": baseline,
            "shows": z.shows,
            "trace": [] if r is None else r.trace,
            "msc_text": "" if r is None else r.msc_text,
            "msc_mermaid": "" if r is None else r.msc_mermaid,
        })
    return {
        "generated_by": TABLE_COMMAND,
        "search": "BMC from depth 0 upwards on 1 MN / 1 AR (the first violation found is a "
                  "shortest one), replayed on the concrete model",
        "refuted": sum(1 for row in rows if row["refuted"]),
        "variants": rows,
    }
