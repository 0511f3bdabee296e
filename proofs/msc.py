"""Counterexample traces as message sequence charts (terminal text and Mermaid).

A trace is replayed through the concrete model, so every line carries the
honest node's verdict, and every delivery says whether the network handed
over a copy of an honestly sent message or one the attacker built.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rfc5269.model.concrete import step
from rfc5269.model.config import ModelConfig
from rfc5269.model.events import (
    ArKeyExpires,
    ArReceivesRtSolPr,
    Event,
    ForwardingTimesOut,
    Key,
    MnReceivesPrRtAdv,
    MnSendsFbu,
    MnSendsRtSolPr,
    ParReceivesFbu,
    TimePasses,
)
from rfc5269.model.faults import NO_SIGNER, Refinement
from rfc5269.model.state import State, initial_state

NET = "Net"


def router_name(cfg: ModelConfig, r: int) -> str:
    """AR0, AR1, ..., Rogue, Compromised."""
    if r < cfg.n_ar:
        return f"AR{r}"
    return "Rogue" if r == cfg.rogue else "Compromised"


def cga_name(cfg: ModelConfig, c: int) -> str:
    """The owner of a CGA."""
    return "Attacker" if c == cfg.att_cga else f"MN{c}"


def key_name(cfg: ModelConfig, k: Key) -> str:
    """A handover key by issuer, owner and generation."""
    return f"K({router_name(cfg, k.issuer)},{cga_name(cfg, k.owner)},#{k.gen})"


@dataclass(frozen=True)
class Line:
    """One event of the chart."""

    src: str
    dst: str
    label: str
    verdict: str
    note: bool = False


def _signer_name(cfg: ModelConfig, signer: int) -> str:
    return "nobody (no valid signature)" if signer == NO_SIGNER else cga_name(cfg, signer)


def _delivery_origin(cfg: ModelConfig, s: State, ev: Event) -> str:
    if isinstance(ev, MnReceivesPrRtAdv) and ev.appended:
        return (f"{router_name(cfg, ev.src)}'s signed PrRtAdv, Handover Key Reply appended "
                "after the signature by the attacker")
    if isinstance(ev, ArReceivesRtSolPr):
        honest = ev.signer == ev.src and (ev.src, ev.ar, ev.nonce, ev.hkepk, ev.at) in s.h_rts
        return f"copy of {cga_name(cfg, ev.src)}'s" if honest else "built by attacker"
    if isinstance(ev, MnReceivesPrRtAdv):
        k = ev.key
        prr = (ev.src, ev.mn, ev.nonce, k.issuer, k.owner, k.gen, ev.enc_to, ev.at, ev.lifetime)
        honest = ev.signer == ev.src and prr in s.h_prr
        return f"copy of {router_name(cfg, ev.src)}'s" if honest else "built by attacker"
    if isinstance(ev, ParReceivesFbu):
        k = ev.key
        fbu = (ev.par, ev.hoa, ev.ncoa, ev.seq, k.issuer, k.owner, k.gen, ev.at)
        return f"copy of {cga_name(cfg, ev.hoa)}'s" if fbu in s.h_fbu else "built by attacker"
    return ""


def _line(cfg: ModelConfig, s: State, ev: Event, verdict: str) -> Line:
    origin = _delivery_origin(cfg, s, ev)
    if isinstance(ev, MnSendsRtSolPr):
        return Line(f"MN{ev.mn}", NET, f"RtSolPr to {router_name(cfg, ev.router)} "
                    f"[nonce {ev.nonce}, AT {ev.at}]", verdict)
    if isinstance(ev, ArReceivesRtSolPr):
        stamp = f", timestamp {ev.ts}" if cfg.has(Refinement.SEND_TIMESTAMPS) else ""
        return Line(NET, f"AR{ev.ar}", f"RtSolPr from {cga_name(cfg, ev.src)} signed by "
                    f"{_signer_name(cfg, ev.signer)} [nonce {ev.nonce}, AT {ev.at}, HKEPK "
                    f"{cga_name(cfg, ev.hkepk)}{stamp}] ({origin})", verdict)
    if isinstance(ev, MnReceivesPrRtAdv):
        return Line(NET, f"MN{ev.mn}", f"PrRtAdv from {router_name(cfg, ev.src)} signed by "
                    f"{router_name(cfg, ev.signer)} [nonce {ev.nonce}, "
                    f"{key_name(cfg, ev.key)}, AT {ev.at}, lifetime {ev.lifetime}] ({origin})",
                    verdict)
    if isinstance(ev, MnSendsFbu):
        return Line(f"MN{ev.mn}", NET, f"FBU to {router_name(cfg, ev.par)} [NCoA {ev.ncoa}]",
                    verdict)
    if isinstance(ev, ParReceivesFbu):
        sender = "" if ev.src is None else f" sent from {cga_name(cfg, ev.src)}'s CGA"
        mac = (f"MAC {key_name(cfg, ev.key)}, AT {ev.at}" if ev.spi == 0
               else f"BADF under SPI {ev.spi}, not the handover key's")
        return Line(NET, f"AR{ev.par}", f"FBU for PCoA {cga_name(cfg, ev.hoa)}{sender} "
                    f"[NCoA {ev.ncoa}, seq {ev.seq}, {mac}] ({origin})", verdict)
    if isinstance(ev, ArKeyExpires):
        return Line(f"AR{ev.ar}", f"AR{ev.ar}",
                    f"key record of {cga_name(cfg, ev.cga)} expires", verdict, note=True)
    if isinstance(ev, ForwardingTimesOut):
        return Line(f"AR{ev.par}", f"AR{ev.par}",
                    f"forwarding for {cga_name(cfg, ev.cga)} times out", verdict, note=True)
    assert isinstance(ev, TimePasses)
    return Line(NET, NET, f"time passes: +{ev.delta} (now {s.now + ev.delta})", verdict, note=True)


def chart(cfg: ModelConfig, events: list[Event]) -> list[Line]:
    """Replay the events and describe each one."""
    s = initial_state(cfg)
    out: list[Line] = []
    for ev in events:
        res = step(cfg, s, ev)
        verdict = res.verdict if res.reason is None else f"{res.verdict}: {res.reason}"
        if res.state.mn_oracle != s.mn_oracle:
            verdict += " (after decrypting it with the HKEPK private key)"
        out.append(_line(cfg, s, ev, verdict))
        s = res.state
    return out


def participants(cfg: ModelConfig, lines: list[Line]) -> list[str]:
    """Participants in a stable order."""
    order = [f"MN{m}" for m in range(cfg.n_mn)] + [NET] + [f"AR{r}" for r in range(cfg.n_ar)]
    used = {ln.src for ln in lines} | {ln.dst for ln in lines}
    return [p for p in order if p in used] or [NET]


def render_text(cfg: ModelConfig, events: list[Event], title: str = "") -> str:
    """A terminal message sequence chart."""
    lines = chart(cfg, events)
    out = [title] if title else []
    out.append("participants: " + ", ".join(participants(cfg, lines))
               + "  (Net = the network, i.e. the attacker)")
    for i, ln in enumerate(lines, 1):
        arrow = f"[{ln.src}]" if ln.note else f"{ln.src} -> {ln.dst}"
        out.append(f"{i:2d}. {arrow:<14} {ln.label}  => {ln.verdict}")
    return "\n".join(out)


def render_mermaid(cfg: ModelConfig, events: list[Event], title: str = "") -> str:
    """A Mermaid ``sequenceDiagram``."""
    lines = chart(cfg, events)
    out = ["sequenceDiagram"]
    if title:
        out.append(f"    title {title}")
    for p in participants(cfg, lines):
        alias = "Network / attacker" if p == NET else p
        out.append(f"    participant {p} as {alias}")
    for ln in lines:
        label = f"{ln.label} => {ln.verdict}".replace(";", ",").replace("#", "no. ")
        if ln.note:
            out.append(f"    Note over {ln.src}: {label}")
        else:
            out.append(f"    {ln.src}->>{ln.dst}: {label}")
    return "\n".join(out)


def trace_dicts(events: list[Event]) -> list[dict[str, Any]]:
    """JSON-friendly events."""
    out: list[dict[str, Any]] = []
    for ev in events:
        d: dict[str, Any] = {"event": type(ev).__name__}
        for k, v in vars(ev).items():
            d[k] = v.as_tuple() if isinstance(v, Key) else v
        out.append(d)
    return out
