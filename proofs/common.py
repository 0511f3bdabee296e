"""Formula helpers shared by the property modules."""

from __future__ import annotations

from typing import Any

from rfc5269.model.config import ModelConfig
from rfc5269.model.events import EventRecord, Kind
from rfc5269.model.rules import matching_slot
from rfc5269.model.state import State
from rfc5269.model.terms import and_, in_range, member, sel2


def is_kind(e: EventRecord, kind: Kind) -> Any:
    """The event is of this kind."""
    return e.kind == int(kind)


def prrtadv_msg(e: EventRecord) -> tuple[Any, ...]:
    """The PrRtAdv tuple of a MnReceivesPrRtAdv event (dst is the receiving MN)."""
    return (e.src, e.mn, e.nonce, e.iss, e.own, e.gen, e.enc, e.at, e.life)


def fbu_msg(e: EventRecord) -> tuple[Any, ...]:
    """The FBU tuple of a ParReceivesFbu event."""
    return (e.ar, e.cga, e.ncoa, e.seq, e.iss, e.own, e.gen, e.at)


def honest_prrtadv(cfg: ModelConfig, s: State, e: EventRecord) -> Any:
    """The delivered PrRtAdv is a copy of one an honest AR sent."""
    return and_(e.signer == e.src, in_range(e.src, 0, cfg.n_ar), member(s.h_prr, prrtadv_msg(e)))


def requested_at(cfg: ModelConfig, s: State, e: EventRecord) -> Any:
    """The AT the MN asked for in the RtSolPr whose nonce the PrRtAdv answers."""
    _, j = matching_slot(cfg, s, e.mn, e.nonce)
    return sel2(s.sl_at, e.mn, j)
