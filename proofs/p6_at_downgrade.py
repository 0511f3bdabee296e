"""P6 — the attacker cannot make the MN accept a weaker AT than it asked for.

RFC 5269 §3.2 (the AR uses the requested algorithm or one at least as
strong), §3.3 (the MN must use the returned AT; bidding-down by compromised
routers is only mitigated by never asking for less).
"""

from __future__ import annotations

from typing import Any

from rfc5269.model.config import ModelConfig
from rfc5269.model.events import EventRecord, Kind
from rfc5269.model.state import State
from rfc5269.model.terms import and_, implies
from rfc5269.proofs.base import Expect, Property
from rfc5269.proofs.common import honest_prrtadv, is_kind, requested_at


def step(cfg: ModelConfig, s: State, e: EventRecord, acc: Any, s2: State) -> Any:
    """An accepted answer weaker than the request is a copy of an honest AR's answer."""
    weaker = e.at < requested_at(cfg, s, e)
    return implies(and_(is_kind(e, Kind.MN_RECEIVES_PRRTADV), acc, weaker),
                   honest_prrtadv(cfg, s, e))


PROPERTY = Property(
    id="P6",
    title="No attacker-induced AT downgrade",
    requirements=("RFC5269-3.2-S2", "RFC5269-3.2-M12", "RFC5269-3.3-M2", "RFC5269-3.3-M8",
                  "RFC5269-3.3-S2"),
    formula=(
        "[] (ev = MnReceivesPrRtAdv & accepted & ev.at < requested_at(nonce)) -> "
        "ev is a copy of an honest AR's PrRtAdv"
    ),
    expected={
        "rfc": Expect.HOLDS,
        "draft": Expect.VIOLATED,
        "rfc+compromised-router": Expect.VIOLATED,
        "at-choice=strongest-supported": Expect.HOLDS,
        "multiple-outstanding-rtsolpr=false": Expect.HOLDS,
    },
    step=step,
    clarifications={"draft": "CL-01", "rfc+compromised-router": "CL-22"},
)
