"""P8 — an accepted key's AT is never weaker than the one requested in the answered RtSolPr.

RFC 5269 §3.2 (requested AT if supported, else one of equal or greater
strength; an existing key must be returned), §3.3 (the MN may re-send asking
for another algorithm but never a weaker one; it must use the returned AT).
This is P6 without the attacker: it asks whether honest routers alone can
leave the MN with less than it asked for.
"""

from __future__ import annotations

from typing import Any

from rfc5269.model.config import ModelConfig
from rfc5269.model.events import EventRecord, Kind
from rfc5269.model.state import State
from rfc5269.model.terms import and_, implies
from rfc5269.proofs import lemmas
from rfc5269.proofs.base import Expect, Property
from rfc5269.proofs.common import is_kind, requested_at


def step(cfg: ModelConfig, s: State, e: EventRecord, acc: Any, s2: State) -> Any:
    """Accepted AT >= requested AT."""
    return implies(and_(is_kind(e, Kind.MN_RECEIVES_PRRTADV), acc),
                   e.at >= requested_at(cfg, s, e))


def strengthening(cfg: ModelConfig, s: State) -> list[tuple[str, Any]]:
    """Honest answers carry the strongest AT (under strongest-supported)."""
    return lemmas.basic(cfg, s) + lemmas.history(cfg, s)


PROPERTY = Property(
    id="P8",
    title="Requested AT honoured (no attacker needed)",
    requirements=("RFC5269-3.2-S2", "RFC5269-3.2-M6", "RFC5269-3.2-M12", "RFC5269-3.3-M8",
                  "RFC5269-3.3-Y2", "RFC5269-3.3-S2"),
    formula="[] (ev = MnReceivesPrRtAdv & accepted) -> ev.at >= requested_at(nonce)",
    expected={
        "rfc": Expect.VIOLATED,
        "at-choice=strongest-supported": Expect.HOLDS,
        "multiple-outstanding-rtsolpr=false": Expect.VIOLATED,
        "rfc+refined": Expect.HOLDS,
    },
    step=step,
    lemmas=strengthening,
    clarifications={"rfc": "CL-23", "multiple-outstanding-rtsolpr=false": "CL-23"},
)
