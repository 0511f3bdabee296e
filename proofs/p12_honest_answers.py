"""P12 — an honest AR's answer to an MN's live solicitation is one the MN accepts.

RFC 5269 §3.2 (the AR answers a validated RtSolPr with a PrRtAdv carrying the
RtSolPr's nonce and the key encrypted under its HKEPK) and §3.3 (what the MN
checks before it stores the key). The property that the exchange, when no one
interferes, works: whenever an AR accepts a copy of an honest MN's RtSolPr
whose nonce is still outstanding (and, where the MN takes one answer per
router, not yet answered by this router), delivering the AR's PrRtAdv at
once makes the MN store the key. A violation is a liveness failure: the MN
can never get a key by following the protocol.
"""

from __future__ import annotations

from typing import Any

from rfc5269.interpretations import NonceRetention
from rfc5269.model.config import ModelConfig
from rfc5269.model.events import EventRecord, Kind
from rfc5269.model.rules import ar_receives_rtsolpr, matching_slot, mn_receives_prrtadv
from rfc5269.model.state import State
from rfc5269.model.terms import and_, implies, in_range, member, not_, sel, sel2
from rfc5269.proofs import lemmas
from rfc5269.proofs.base import Expect, Property
from rfc5269.proofs.common import is_kind


def step(cfg: ModelConfig, s: State, e: EventRecord, acc: Any, s2: State) -> Any:
    """Accepted honest RtSolPr with a live (unanswered) nonce -> the MN accepts the AR's reply."""
    m, r = e.src, e.ar
    found, j = matching_slot(cfg, s2, m, e.nonce)
    outstanding = found
    if cfg.interp.nonce_retention is NonceRetention.ONE_PER_ROUTER:
        outstanding = and_(found, not_(sel(sel2(s2.sl_ans, m, j), r)))
    honest_request = and_(
        is_kind(e, Kind.AR_RECEIVES_RTSOLPR), acc, e.signer == e.src, in_range(m, 0, cfg.n_mn),
        member(s.h_rts, (m, r, e.nonce, e.hkepk, e.at)), outstanding,
    )
    reply = ar_receives_rtsolpr(cfg, s, e).sent
    assert reply is not None
    _, _, nonce, iss, own, gen, enc, at, life = reply
    delivered = EventRecord(kind=int(Kind.MN_RECEIVES_PRRTADV), mn=m, src=r, signer=r,
                            nonce=nonce, iss=iss, own=own, gen=gen, enc=enc, at=at, life=life)
    return implies(honest_request, mn_receives_prrtadv(cfg, s2, delivered).accepted)


def strengthening(cfg: ModelConfig, s: State) -> list[tuple[str, Any]]:
    """Honest RtSolPrs carry their sender's HKEPK."""
    return lemmas.basic(cfg, s) + lemmas.history(cfg, s)


PROPERTY = Property(
    id="P12",
    title="An honest AR's answer to a live solicitation is accepted (the exchange completes)",
    requirements=("RFC5269-3.2-M13", "RFC5269-3.2-M8", "RFC5269-3.3-M6", "RFC5269-3.3-M7",
                  "RFC3971-5.3.4.1-M1"),
    formula=(
        "[] (ev = ArReceivesRtSolPr & accepted & ev is a copy of honest m's RtSolPr & "
        "nonce outstanding at m) -> MN m accepts the PrRtAdv the AR sends"
    ),
    expected={
        "rfc": Expect.HOLDS,
        "rfc+refined": Expect.VIOLATED,
        "at-choice=strongest-supported+refined": Expect.HOLDS,
    },
    step=step,
    lemmas=strengthening,
    clarifications={"rfc+refined": "CL-23"},
)
