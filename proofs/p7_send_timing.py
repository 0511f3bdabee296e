"""P7 — which replays the SEND timestamp rule admits (RFC 3971 §5.3.4.2), as real arithmetic.

A separate sub-model: one peer, one signed message with timestamp ``TS`` first
accepted at receive time ``RD0``, and a replay of the same bytes at ``RDnew``.
The receiver applies RFC 3971 §5.3.4.2 with Delta, fuzz and drift (defaults
of RFC 3971 §10.2: 300 s, 1 s, 1 %): the new-peer rule when it has no cache
entry for the sender, the known-peer rule when it does. Each claim below is
checked by Z3 over the reals, for the default constants and for all
parameters with Delta > 0, fuzz >= 0, 0 <= drift < 1; a claim is "proved"
when its negation is unsatisfiable.

RFC 5269 §5 puts the RtSolPr under exactly these rules; a replayed RtSolPr
that is admitted makes the AR answer again (and, with
existing_key_lifetime=full-refresh, restart the key's lifetime).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import z3

ID = "P7"
TITLE = "SEND timestamp replay windows (RFC 3971 §5.3.4.2)"
REQUIREMENTS = ("RFC3971-5.3.4.2-S1", "RFC3971-5.3.4.2-S3", "RFC3971-5.3.4.2-S6",
                "RFC3971-5.3.4.2-S8", "RFC3971-5.3.4-Y1", "RFC3971-5.3.4-M4")

DEFAULTS = {"delta": Fraction(300), "fuzz": Fraction(1), "drift": Fraction(1, 100)}


@dataclass(frozen=True)
class Params:
    """Delta, fuzz and drift as Z3 reals (constants or free parameters)."""

    delta: Any
    fuzz: Any
    drift: Any

    def sane(self) -> Any:
        """Parameter ranges."""
        return z3.And(self.delta > 0, self.fuzz >= 0, self.drift >= 0, self.drift < 1)


def new_peer_accepts(p: Params, ts: Any, rd: Any) -> Any:
    """RFC 3971 §5.3.4.2, first bullet: -Delta < RDnew - TSnew < +Delta."""
    return z3.And(-p.delta < rd - ts, rd - ts < p.delta)


def known_peer_accepts(p: Params, ts: Any, rd: Any, ts_last: Any, rd_last: Any) -> Any:
    """RFC 3971 §5.3.4.2, third bullet: TSnew + fuzz > TSlast + (RDnew-RDlast)(1-drift) - fuzz."""
    return ts + p.fuzz > ts_last + (rd - rd_last) * (1 - p.drift) - p.fuzz


@dataclass(frozen=True)
class Claim:
    """One statement about the replay windows."""

    id: str
    text: str
    formula: Callable[[Params], Any]
    expect_valid: bool


def _vars() -> tuple[Any, Any, Any]:
    ts, rd0, rdn = z3.Reals("TS RD0 RDnew")
    return ts, rd0, rdn


def _claim_cache_window(p: Params) -> Any:
    ts, rd0, rdn = _vars()
    accepted_first = new_peer_accepts(p, ts, rd0)
    x = rdn - rd0
    replay_ok = known_peer_accepts(p, ts, rdn, ts, rd0)
    return z3.Implies(z3.And(accepted_first, x >= 0),
                      replay_ok == (x * (1 - p.drift) < 2 * p.fuzz))


def _claim_no_cache_window(p: Params) -> Any:
    ts, rd0, rdn = _vars()
    return z3.Implies(rdn >= rd0, new_peer_accepts(p, ts, rdn) == z3.And(
        rdn - ts < p.delta, rdn - ts > -p.delta))


def _replay_after_eviction(p: Params, lifetime: Any) -> Any:
    ts, rd0, rdn = _vars()
    return z3.And(new_peer_accepts(p, ts, rd0), rdn >= rd0 + lifetime,
                  new_peer_accepts(p, ts, rdn))


def _claim_two_delta_closes(p: Params) -> Any:
    return z3.Not(_replay_after_eviction(p, 2 * p.delta))


def _claim_below_two_delta_open(p: Params) -> Any:
    # for every lifetime L < 2 Delta some clock offset lets a replay through after eviction
    lifetime = z3.Real("L")
    _, rd0, _ = _vars()
    witness_ts = rd0 + p.delta - (2 * p.delta - lifetime) / 2  # sender ahead by Delta - slack/2
    witness_rd = rd0 + lifetime
    return z3.Implies(z3.And(lifetime >= 0, lifetime < 2 * p.delta), z3.And(
        new_peer_accepts(p, witness_ts, rd0), new_peer_accepts(p, witness_ts, witness_rd)))


def _claim_delta_lifetime_open(p: Params) -> Any:
    return z3.Not(_replay_after_eviction(p, p.delta))


def _claim_delta_lifetime_closed_if_receiver_ahead(p: Params) -> Any:
    ts, rd0, _ = _vars()
    return z3.Implies(z3.And(rd0 >= ts, _replay_after_eviction(p, p.delta)), False)


CLAIMS: tuple[Claim, ...] = (
    Claim("P7.1", "With the sender's cache entry (TSlast, RDlast) from the first copy, an exact "
          "replay is admitted exactly when it arrives less than 2*fuzz/(1-drift) after the first "
          "(about 2.02 s with the defaults): the rule's fuzz lets a replay through.",
          _claim_cache_window, True),
    Claim("P7.2", "Without a cache entry, a replay is admitted exactly while |RDnew - TS| < Delta: "
          "up to Delta after the timestamp, whenever the first copy arrived.",
          _claim_no_cache_window, True),
    Claim("P7.3", "A cache entry kept 2*Delta after its last update closes the window: no replay "
          "after eviction passes the new-peer check.", _claim_two_delta_closes, True),
    Claim("P7.4", "Every cache lifetime shorter than 2*Delta leaves a window: a sender whose clock "
          "runs ahead of the receiver's lets a replay pass after eviction.",
          _claim_below_two_delta_open, True),
    Claim("P7.5", "A cache lifetime of exactly Delta (what sendd keeps) does NOT close the window "
          "(this claim is expected to be refuted, with a witness).",
          _claim_delta_lifetime_open, False),
    Claim("P7.6", "A cache lifetime of Delta does close it when the receiver's clock is not behind "
          "the sender's (RD0 >= TS).", _claim_delta_lifetime_closed_if_receiver_ahead, True),
)


@dataclass
class ClaimResult:
    """Outcome of one claim under one parameter setting."""

    claim: str
    params: str
    valid: bool
    as_expected: bool
    witness: str


def _params(general: bool) -> Params:
    if general:
        return Params(*z3.Reals("Delta fuzz drift"))
    d = DEFAULTS
    return Params(z3.RealVal(str(d["delta"])), z3.RealVal(str(d["fuzz"])),
                  z3.RealVal(str(d["drift"])))


def check_claim(claim: Claim, general: bool) -> ClaimResult:
    """Prove or refute one claim."""
    p = _params(general)
    solver = z3.Solver()
    solver.set("timeout", 20000)
    solver.add(p.sane(), z3.Not(claim.formula(p)))
    res = solver.check()
    valid = res == z3.unsat
    witness = ""
    if res == z3.sat:
        m = solver.model()
        witness = ", ".join(f"{d.name()}={m[d]}" for d in sorted(m.decls(), key=str)
                            if d.arity() == 0)
    elif res == z3.unknown:
        witness = "solver returned unknown"
    return ClaimResult(claim.id, "all parameters" if general else "RFC 3971 defaults", valid,
                       valid == claim.expect_valid and res != z3.unknown, witness)


def cache_window_seconds() -> Fraction:
    """2*fuzz/(1-drift) with the defaults: the known-peer replay window."""
    d = DEFAULTS
    return 2 * d["fuzz"] / (1 - d["drift"])


def check_all() -> list[ClaimResult]:
    """Every claim, for the defaults and for all parameters."""
    return [check_claim(c, g) for c in CLAIMS for g in (False, True)]
