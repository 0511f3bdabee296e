"""P4 — the PAR changes forwarding for a PCoA only on its owner's FBU, and never twice for one FBU.

RFC 5269 §3.5 (find the key by the PCoA in the Home Address option, verify
the authenticator, no key: no forwarding change), RFC 5568 §6.4.5 (BADF) and
§6.2.2 (Sequence Number: see RFC 3775; RFC 3775 §9.5.1).
"""

from __future__ import annotations

from typing import Any

from rfc5269.model.config import ModelConfig
from rfc5269.model.events import EventRecord, Kind
from rfc5269.model.state import State
from rfc5269.model.terms import and_, eq, implies, member, not_, or_
from rfc5269.proofs import lemmas
from rfc5269.proofs.base import Expect, Property
from rfc5269.proofs.common import fbu_msg, is_kind


def step(cfg: ModelConfig, s: State, e: EventRecord, acc: Any, s2: State) -> Any:
    """An applied FBU was sent by the PCoA's owner and was not applied before."""
    msg = fbu_msg(e)
    return implies(
        and_(is_kind(e, Kind.PAR_RECEIVES_FBU), acc),
        or_(eq(e.cga, cfg.att_cga),
            and_(member(s.h_fbu, msg), not_(member(s.g_fbu_app, msg)))),
    )


def strengthening(cfg: ModelConfig, s: State) -> list[tuple[str, Any]]:
    """No leaks of honest keys; applied FBUs are not newer than the PAR's counter."""
    return lemmas.basic(cfg, s) + lemmas.history(cfg, s) + lemmas.applied_fbus(cfg, s)


PROPERTY = Property(
    id="P4",
    title="PAR forwarding changes only on the owner's FBU, once per FBU",
    requirements=("RFC5269-3.5-M1", "RFC5269-3.5-M2", "RFC5269-3.5-M3", "RFC5269-3.4-M2",
                  "RFC5568-6.2.2-M10", "RFC5568-6.4.5-M1", "RFC3775-9.5.1-M4"),
    formula=(
        "[] (ev = ParReceivesFbu & accepted) -> hoa = attacker's CGA | "
        "(fbu in sent-by(hoa) & fbu not in applied-before)"
    ),
    expected={
        "rfc": Expect.HOLDS,
        "draft": Expect.HOLDS,
        "rfc+compromised-router": Expect.HOLDS,
        "par-discards-key-at-forwarding-timeout=false": Expect.HOLDS,
        "key-index=configured-par-address+draft": Expect.HOLDS,
        "fbu-sequence-unchecked": Expect.VIOLATED,
        "rfc+refined": Expect.HOLDS,
    },
    step=step,
    lemmas=strengthening,
    clarifications={"fbu-sequence-unchecked": "CL-21"},
)
