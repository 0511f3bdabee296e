"""P3 — no handover key an honest MN holds for an honest AR is known to the attacker.

RFC 5269 §3.2 (the key is encrypted under the HKEPK from the validated
RtSolPr), §3.3 (only certified routers' answers are used), §3.6 (a unique
key per CGA), §5.
"""

from __future__ import annotations

from typing import Any

from rfc5269.model.config import ModelConfig
from rfc5269.model.rules import known_key
from rfc5269.model.state import State
from rfc5269.model.terms import and_, implies, not_
from rfc5269.proofs import lemmas
from rfc5269.proofs.base import Expect, Property


def secret(cfg: ModelConfig, s: State, m: int, r: int) -> Any:
    """mk[m][r] set -> not known(mk[m][r])."""
    return implies(s.mk_gen[m][r] != 0,
                   not_(known_key(cfg, s, s.mk_iss[m][r], s.mk_own[m][r], s.mk_gen[m][r])))


def invariant(cfg: ModelConfig, s: State) -> Any:
    """forall m, honest r: mk[m][r] set -> not known(mk[m][r])."""
    return and_(*(secret(cfg, s, m, r) for m in range(cfg.n_mn) for r in range(cfg.n_ar)))


def instance(cfg: ModelConfig, s: State) -> Any:
    """The (MN 0, AR 0) conjunct: what BMC searches (symmetry, see ``Property.bmc_invariant``)."""
    return secret(cfg, s, 0, 0)


def strengthening(cfg: ModelConfig, s: State) -> list[tuple[str, Any]]:
    """No leaks, the shape of honest answers, MN keys made by honest ARs."""
    return lemmas.basic(cfg, s) + lemmas.history(cfg, s) + lemmas.mn_keys_honest(cfg, s)


PROPERTY = Property(
    id="P3",
    title="Handover keys of honest MNs stay secret",
    requirements=("RFC5269-3.2-M8", "RFC5269-3.3-M2", "RFC5269-3.3-M4", "RFC5269-3.3-M7",
                  "RFC5269-3.3-M9", "RFC5269-3.6-M2"),
    formula="[] forall m, honest r: mk[m][r] != none -> not attacker_knows(mk[m][r])",
    expected={
        "rfc": Expect.HOLDS,
        "draft": Expect.HOLDS,
        "rfc+compromised-router": Expect.HOLDS,
        "key-index=configured-par-address": Expect.HOLDS,
        "rfc+refined": Expect.HOLDS,
        "key-index=configured-par-address+draft": Expect.VIOLATED,
        "key-index=configured-par-address+compromised-router": Expect.VIOLATED,
    },
    invariant=invariant,
    symmetric_instance=instance,
    lemmas=strengthening,
    clarifications={
        "key-index=configured-par-address+draft": "CL-05",
        "key-index=configured-par-address+compromised-router": "CL-05",
    },
)
