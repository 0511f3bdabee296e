"""P10 — an AR never holds more key records than its configured bound.

RFC 5269 §5 (state-depletion attacks: the AR keeps per-CGA key state, so it
must bound it) with RFC 3971 §5.3.4 (bounded caches refuse or evict). The
reference's AR refuses a new CGA when its table is full and never evicts an
existing record for a newcomer; the model does the same under the
``record-capacity`` refinement (:mod:`rfc5269.model.faults`), which is where
this property is stated.
"""

from __future__ import annotations

from typing import Any

from rfc5269.model.config import ModelConfig
from rfc5269.model.rules import record_count
from rfc5269.model.state import State
from rfc5269.model.terms import and_
from rfc5269.proofs.base import Expect, Property


def invariant(cfg: ModelConfig, s: State) -> Any:
    """forall r: the number of CGAs c with a record at r is at most the capacity."""
    return and_(*(record_count(cfg, s, r) <= cfg.ar_capacity for r in range(cfg.n_ar)))


def instance(cfg: ModelConfig, s: State) -> Any:
    """AR 0's conjunct: what BMC searches (symmetry, see ``Property.bmc_invariant``)."""
    return record_count(cfg, s, 0) <= cfg.ar_capacity


PROPERTY = Property(
    id="P10",
    title="AR key state stays within its bound",
    requirements=("RFC5269-5-S1", "RFC3971-5.3.4-M4"),
    formula="[] forall r: #{c | rec(r,c).gen != 0} <= AR_CAPACITY",
    expected={"rfc+refined": Expect.HOLDS},
    invariant=invariant,
    symmetric_instance=instance,
)
