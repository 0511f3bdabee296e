"""P11 — the MN uses its HKEPK private key only on PrRtAdvs that passed SEND validation.

RFC 5269 §3.3 (SEND validation of the PrRtAdv comes first; only then is the
key decrypted and stored) and §5. A node that decrypts first runs its
RSAES-PKCS1-v1_5 private key over attacker-chosen ciphertexts: a decryption
(padding) oracle and a CPU sink, whatever it does with the result.

The ghost ``mn_oracle`` (refinement ``decryption-oracle``,
:mod:`rfc5269.model.faults`) records a private-key operation on a reply whose
PrRtAdv failed the MN's own SEND checks (signature, router certificate,
Handover Key Reply inside the signed part).
"""

from __future__ import annotations

from typing import Any

from rfc5269.model.config import ModelConfig
from rfc5269.model.state import State
from rfc5269.model.terms import and_, not_
from rfc5269.proofs.base import Expect, Property


def invariant(cfg: ModelConfig, s: State) -> Any:
    """forall m: not oracle(m)."""
    return and_(*(not_(s.mn_oracle[m]) for m in range(cfg.n_mn)))


PROPERTY = Property(
    id="P11",
    title="No decryption before SEND validation (no decryption oracle)",
    requirements=("RFC5269-3.3-M1", "RFC5269-3.3-M7", "RFC5269-5-S1"),
    formula="[] forall m: not (MN m decrypted a Handover Key Reply of a PrRtAdv failing SEND)",
    expected={"rfc+refined": Expect.HOLDS},
    invariant=invariant,
)
