"""P1 — the AR creates or changes a key record only on a validated RtSolPr from the CGA's owner.

RFC 5269 §3.2 (validate with SEND first; an unvalidated RtSolPr must not change
any existing record) and §5 (no key before SEND processing has verified the
originator). Removing a record (HK-LIFETIME expiry, forwarding time-out,
§3.6) is not a change in this sense.
"""

from __future__ import annotations

from typing import Any

from rfc5269.model.config import ModelConfig
from rfc5269.model.events import EventRecord, Kind
from rfc5269.model.state import State
from rfc5269.model.terms import and_, eq, implies, member, not_
from rfc5269.proofs.base import Expect, Property
from rfc5269.proofs.common import is_kind


def step(cfg: ModelConfig, s: State, e: EventRecord, acc: Any, s2: State) -> Any:
    """Every non-removing change of record (r, c) is AR r accepting a c-signed RtSolPr from c."""
    parts = []
    for r in range(cfg.n_ar):
        for c in range(cfg.n_cga):
            before = (s.ar_gen[r][c], s.ar_at[r][c], s.ar_exp[r][c])
            after = (s2.ar_gen[r][c], s2.ar_at[r][c], s2.ar_exp[r][c])
            changed = and_(not_(eq(before, after)), after[0] != 0)
            owner_sent = (
                member(s.h_rts, (c, r, e.nonce, e.hkepk, e.at)) if c < cfg.n_mn else True
            )
            authorised = and_(
                is_kind(e, Kind.AR_RECEIVES_RTSOLPR), acc, e.ar == r, e.src == c,
                e.signer == c, owner_sent,
            )
            parts.append(implies(changed, authorised))
    return and_(*parts)


_ALL_HOLD = (
    "rfc", "draft", "rfc+compromised-router", "existing-key-lifetime=full-refresh",
    "existing-key-lifetime=full-no-refresh", "fbu-sequence-unchecked",
    "par-discards-key-at-forwarding-timeout=false", "at-choice=strongest-supported",
    "rfc+refined",
)

PROPERTY = Property(
    id="P1",
    title="AR key records change only on a validated RtSolPr from the CGA's owner",
    requirements=("RFC5269-3.2-M1", "RFC5269-3.2-M3", "RFC5269-3.2-M4", "RFC5269-3.2-M7",
                  "RFC5269-5-S1"),
    formula=(
        "[] forall r c. (rec'(r,c) != rec(r,c) & rec'(r,c).gen != 0) -> "
        "(ev = ArReceivesRtSolPr(ar=r, src=c, signer=c) & accepted & "
        "(c honest -> that RtSolPr is one c sent))"
    ),
    expected={name: Expect.HOLDS for name in _ALL_HOLD},
    step=step,
)
