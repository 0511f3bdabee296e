"""P5 — whenever the MN holds a key as valid for an AR, the AR holds the same key as valid.

RFC 5269 §3.2 (the lifetime is sent and recorded with the key), §3.3 (the MN
stores HK-LIFETIME with the key), §3.6 (the PAR discards the key at
forwarding time-out or expiry; the MN must not assume an old key).
"""

from __future__ import annotations

from typing import Any

from rfc5269.model.config import ModelConfig
from rfc5269.model.rules import mn_key_valid, record_valid
from rfc5269.model.state import State
from rfc5269.model.terms import and_, implies
from rfc5269.proofs import lemmas
from rfc5269.proofs.base import Expect, Property


def agrees(s: State, m: int, r: int) -> Any:
    """valid mk[m][r] -> valid rec(r, m) with the same key."""
    return implies(mn_key_valid(s, m, r), and_(
        record_valid(s, r, m), s.mk_iss[m][r] == r, s.mk_own[m][r] == m,
        s.mk_gen[m][r] == s.ar_gen[r][m]))


def invariant(cfg: ModelConfig, s: State) -> Any:
    """forall m, honest r: valid mk[m][r] -> valid rec(r, m) with the same key."""
    return and_(*(agrees(s, m, r) for m in range(cfg.n_mn) for r in range(cfg.n_ar)))


def instance(cfg: ModelConfig, s: State) -> Any:
    """The (MN 0, AR 0) conjunct: what BMC searches (symmetry, see ``Property.bmc_invariant``)."""
    return agrees(s, 0, 0)


def strengthening(cfg: ModelConfig, s: State) -> list[tuple[str, Any]]:
    """MN copies and in-flight answers never outlive the AR's record."""
    return lemmas.basic(cfg, s) + lemmas.history(cfg, s) + lemmas.key_agreement(cfg, s)


PROPERTY = Property(
    id="P5",
    title="MN and AR agree on valid keys",
    requirements=("RFC5269-3.2-M6", "RFC5269-3.2-M11", "RFC5269-3.2-M16", "RFC5269-3.2-M17",
                  "RFC5269-3.3-M7", "RFC5269-3.6-M3", "RFC5269-3.6-M4", "RFC5269-3.6-S2"),
    formula="[] forall m, honest r: valid(mk[m][r]) -> valid(rec(r,m)) & key(rec(r,m)) = mk[m][r]",
    expected={
        "rfc": Expect.VIOLATED,
        "existing-key-lifetime=full-no-refresh": Expect.VIOLATED,
        "par-discards-key-at-forwarding-timeout=false": Expect.VIOLATED,
        "lifetime-anchor=solicitation": Expect.VIOLATED,
        "lifetime-anchor=solicitation+par-keeps-key": Expect.HOLDS,
        "lifetime-anchor=solicitation+par-keeps-key+full-refresh": Expect.HOLDS,
        "lifetime-anchor=solicitation+par-keeps-key+full-no-refresh": Expect.VIOLATED,
        "key-index=configured-par-address+draft": Expect.VIOLATED,
    },
    invariant=invariant,
    symmetric_instance=instance,
    deep_bmc_at_once=frozenset({"1mn1ar"}),  # depth 10: 8 s at once, 15-17 s incremental
    lemmas=strengthening,
    clarifications={
        "rfc": "CL-20",
        "par-discards-key-at-forwarding-timeout=false": "CL-20",
        "lifetime-anchor=solicitation": "CL-11",
        "existing-key-lifetime=full-no-refresh": "CL-02",
        "lifetime-anchor=solicitation+par-keeps-key+full-no-refresh": "CL-02",
        "key-index=configured-par-address+draft": "CL-05",
    },
)
