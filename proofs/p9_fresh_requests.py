"""P9 — AR key records of honest MNs change only on a fresh RtSolPr from their owner.

RFC 3971 §5.3.4.2 (a new peer's timestamp must lie within Delta of the
receive time), RFC 5269 §3.2 and §5 (the AR acts on an RtSolPr only once SEND
processing, the timestamp check included, has validated it). P1 with time:
a copy of the owner's RtSolPr replayed after the window must not create or
change a record.

Only meaningful where the model carries SEND timestamps (refinement
``send-timestamps``, :mod:`rfc5269.model.faults`): elsewhere an RtSolPr has
no timestamp and the network may replay it at any time.
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
    """A non-removing change of record (r, c), c honest: AR r took c's RtSolPr, < Delta old."""
    parts = []
    for r in range(cfg.n_ar):
        for c in range(cfg.n_mn):
            before = (s.ar_gen[r][c], s.ar_at[r][c], s.ar_exp[r][c])
            after = (s2.ar_gen[r][c], s2.ar_at[r][c], s2.ar_exp[r][c])
            changed = and_(not_(eq(before, after)), after[0] != 0)
            fresh = and_(
                is_kind(e, Kind.AR_RECEIVES_RTSOLPR), e.ar == r, e.src == c,
                member(s.h_rts_ts, (e.nonce, e.ts)), s.now - e.ts < cfg.ts_window,
            )
            parts.append(implies(changed, fresh))
    return and_(*parts)


PROPERTY = Property(
    id="P9",
    title="AR key records change only on a fresh RtSolPr from the CGA's owner",
    requirements=("RFC3971-5.3.4.2-S3", "RFC3971-5.3.4-Y1", "RFC5269-3.2-M1",
                  "RFC5269-5-S1"),
    formula=(
        "[] forall r, honest c. (rec'(r,c) != rec(r,c) & rec'(r,c).gen != 0) -> "
        "ev = ArReceivesRtSolPr(ar=r, src=c) & (nonce, ts) sent by c & now - ts < Delta"
    ),
    expected={"rfc+refined": Expect.HOLDS},
    step=step,
)
