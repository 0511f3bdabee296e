"""The executable model: the step relation evaluated on concrete values.

``step(cfg, state, event)`` answers, for one concrete state and one event of
the vocabulary in :mod:`rfc5269.model.events`, what the model says: whether
the event can happen at all (a delivery needs a message the network can
produce), whether the honest node accepts it (and if not, the first failed
check, named as in the reference's transition tables), and the next state.
It evaluates exactly the rules the Z3 encoding is built from
(:mod:`rfc5269.model.rules`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rfc5269.model.config import ModelConfig
from rfc5269.model.events import Event, EventRecord, Kind, to_record
from rfc5269.model.faults import NO_SIGNER, Refinement
from rfc5269.model.rules import RULES
from rfc5269.model.state import State, initial_state


@dataclass(frozen=True)
class StepResult:
    """The model's verdict on one event.

    ``verdict`` is ``"accepted"``, ``"rejected"`` (``reason`` names the first
    failed check) or ``"disabled"`` (the event cannot occur in this state;
    ``reason`` says why). ``state`` is the state after the event (unchanged
    unless accepted, or rejected under a fault that changes state on rejection).
    """

    verdict: str
    reason: str | None
    state: State

    @property
    def accepted(self) -> bool:
        """The honest node accepted the input (or the event was a local action)."""
        return self.verdict == "accepted"


def _in(x: int, hi: int, lo: int = 0) -> bool:
    return isinstance(x, int) and lo <= x < hi


def domain_error(cfg: ModelConfig, e: EventRecord) -> str | None:
    """Why the event's indices are outside the model's domains, or None."""
    k = Kind(e.kind)
    checks: list[tuple[str, bool]] = []
    if k in (Kind.MN_SENDS_RTSOLPR, Kind.MN_RECEIVES_PRRTADV, Kind.MN_SENDS_FBU):
        checks.append(("mn", _in(e.mn, cfg.n_mn)))
    if k in (Kind.MN_SENDS_RTSOLPR, Kind.MN_SENDS_FBU):
        checks.append(("router", _in(e.router, cfg.n_routers)))
    if k in (Kind.AR_RECEIVES_RTSOLPR, Kind.PAR_RECEIVES_FBU, Kind.AR_KEY_EXPIRES,
             Kind.FORWARDING_TIMES_OUT):
        checks.append(("ar", _in(e.ar, cfg.n_ar)))
    if k is Kind.AR_RECEIVES_RTSOLPR:
        unsigned = e.signer == NO_SIGNER and cfg.has(Refinement.UNAUTHENTICATED_PARTS)
        checks += [("src", _in(e.src, cfg.n_cga)),
                   ("signer", unsigned or _in(e.signer, cfg.n_cga)),
                   ("hkepk", _in(e.hkepk, cfg.n_cga))]
    if k is Kind.MN_RECEIVES_PRRTADV:
        checks += [("src", _in(e.src, cfg.n_routers)), ("signer", _in(e.signer, cfg.n_routers)),
                   ("enc", _in(e.enc, cfg.n_cga))]
    if k in (Kind.PAR_RECEIVES_FBU, Kind.AR_KEY_EXPIRES, Kind.FORWARDING_TIMES_OUT):
        checks.append(("cga", _in(e.cga, cfg.n_cga)))
    if k is Kind.PAR_RECEIVES_FBU:
        checks.append(("src", _in(e.src, cfg.n_cga)))
    for name, ok in checks:
        if not ok:
            return f"{name} outside the model's domain"
    return None


def step(cfg: ModelConfig, state: State, event: Event | EventRecord) -> StepResult:
    """The model's verdict and next state for one event."""
    rec = event if isinstance(event, EventRecord) else to_record(event)
    why = domain_error(cfg, rec)
    if why is not None:
        return StepResult("disabled", why, state)
    out = RULES[Kind(rec.kind)](cfg, state, rec)
    if not out.enabled:
        return StepResult("disabled", "the network cannot produce this event here", state)
    for name, ok in out.checks:
        if not ok:
            after = state if out.after_reject is None else out.after_reject
            return StepResult("rejected", name, after)
    return StepResult("accepted", None, out.after)


def run(
    cfg: ModelConfig, events: Iterable[Event], state: State | None = None,
) -> list[StepResult]:
    """Apply events in order from ``state`` (default: the initial state); stop at a disabled one."""
    cur = initial_state(cfg) if state is None else state
    results: list[StepResult] = []
    for ev in events:
        res = step(cfg, cur, ev)
        results.append(res)
        if res.verdict == "disabled":
            break
        cur = res.state
    return results
