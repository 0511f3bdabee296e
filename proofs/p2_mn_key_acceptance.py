"""P2 — the MN stores a key only from a certified router, for its own nonce, and never twice.

RFC 5269 §3.3 (validate with SEND, certified router key, nonce match, drop
otherwise), the IESG note (routers certified, MNs configured with trust
anchors), RFC 3971 §5.3.4.1 (solicited advertisements carry a known nonce).
"""

from __future__ import annotations

from typing import Any

from rfc5269.model.config import ModelConfig
from rfc5269.model.events import EventRecord, Kind
from rfc5269.model.rules import certified, matching_slot
from rfc5269.model.state import State
from rfc5269.model.terms import and_, implies, member, not_
from rfc5269.proofs import lemmas
from rfc5269.proofs.base import Expect, Property
from rfc5269.proofs.common import is_kind, prrtadv_msg


def step(cfg: ModelConfig, s: State, e: EventRecord, acc: Any, s2: State) -> Any:
    """An accepted PrRtAdv is certified, signed by its source, answers a live nonce, is new."""
    found, _ = matching_slot(cfg, s, e.mn, e.nonce)
    return implies(
        and_(is_kind(e, Kind.MN_RECEIVES_PRRTADV), acc),
        and_(e.signer == e.src, certified(cfg, e.signer), found, e.enc == e.mn,
             not_(member(s.g_prr_acc, prrtadv_msg(e)))),
    )


def strengthening(cfg: ModelConfig, s: State) -> list[tuple[str, Any]]:
    """Nonce bookkeeping and the accepted-answers ghost."""
    return lemmas.basic(cfg, s) + lemmas.history(cfg, s) + lemmas.accepted_answers(cfg, s)


PROPERTY = Property(
    id="P2",
    title="MN stores keys only from certified routers, for its own nonces, never twice",
    requirements=("RFC5269-3.3-M1", "RFC5269-3.3-M2", "RFC5269-3.3-M3", "RFC5269-3.3-M4",
                  "RFC5269-3.3-M6", "RFC5269-3.2-M14", "RFC5269-3.2-M15", "RFC3971-5.3.4.1-M1",
                  "RFC3971-5.3.4.1-M2", "RFC3971-5.3.3-M2"),
    formula=(
        "[] (ev = MnReceivesPrRtAdv & accepted) -> signer = src & certified(signer) & "
        "nonce in live slots(mn) & enc_to = mn & msg not in accepted-before(mn)"
    ),
    expected={
        "rfc": Expect.HOLDS,
        "draft": Expect.VIOLATED,
        "rfc+compromised-router": Expect.HOLDS,
        "nonce-retention=single-answer": Expect.HOLDS,
        "nonce-retention=unlimited": Expect.VIOLATED,
        "multiple-outstanding-rtsolpr=false": Expect.HOLDS,
        "key-index=configured-par-address": Expect.HOLDS,
    },
    step=step,
    lemmas=strengthening,
    clarifications={"draft": "CL-01", "nonce-retention=unlimited": "CL-09"},
)
