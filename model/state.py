"""The model's state: the reference's state, flattened over the finite domains.

Field names (index order in brackets; see :mod:`rfc5269.model.config` for the
domains):

* ``now``, ``fresh`` — the clock and the counter for nonces and key generations.
* AR/PAR key records, RFC 5269 §3.2, §3.5, §3.6 — ``ar_gen[r][c]`` (0: no
  record; the key is (r, c, gen)), ``ar_at``, ``ar_exp`` (the record is valid
  while ``now < ar_exp``), ``par_seq`` (last accepted FBU Sequence Number, -1
  none), ``fwd`` (0: no forwarding, else the NCoA) and ``fwd_until``.
* ``known`` — handover keys (iss, own, gen) an honest AR has sent encrypted
  under the attacker's HKEPK: with the keys of the attacker's own routers, the
  attacker's whole knowledge of handover keys.
* MN outstanding solicitations, RFC 5269 §3.1, §3.3 — ``sl_nonce[m][j]`` (0:
  free), ``sl_dst`` (router the RtSolPr went to), ``sl_at`` (requested AT),
  ``sl_time`` (sending time), ``sl_ans[m][j][router]`` (an answer from that
  router was accepted).
* MN key store, RFC 5269 §3.3 — ``mk_iss[m][router]``, ``mk_own``, ``mk_gen``
  (0: none), ``mk_at``, ``mk_exp``; ``mn_seq[m]``, the next FBU Sequence
  Number; ``mn_at[m]``, the strongest AT the MN has requested so far.
* Network history (Dolev–Yao: any message ever sent may be delivered again):
  ``h_rts`` honest RtSolPrs (src, dst, nonce, hkepk, at), ``h_prr`` honest
  PrRtAdvs (src, dst, nonce, iss, own, gen, enc_to, at, lifetime), ``h_fbu``
  honest FBUs (par, hoa, ncoa, seq, iss, own, gen, at).
* Ghosts for the properties: ``g_prr_acc`` PrRtAdvs (same tuple as ``h_prr``)
  that an MN accepted, ``g_fbu_app`` FBUs a PAR applied.
* Used only by refinements (:mod:`rfc5269.model.faults`; unchanged otherwise):
  ``h_rts_ts`` (nonce, timestamp) of every honest RtSolPr (send-timestamps),
  ``mn_oracle[m]`` the MN ran its HKEPK private key over a reply that had not
  passed its SEND checks (decryption-oracle).

In the concrete model every leaf is an int or bool and the message sets are
frozensets of int tuples; in the symbolic model they are Z3 constants.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from rfc5269.model.config import ModelConfig

RTS_FIELDS = ("src", "dst", "nonce", "hkepk", "at")
PRR_FIELDS = ("src", "dst", "nonce", "iss", "own", "gen", "enc", "at", "life")
FBU_FIELDS = ("par", "hoa", "ncoa", "seq", "iss", "own", "gen", "at")

KEY_FIELDS = ("iss", "own", "gen")
AR_FIELDS = ("ar_gen", "ar_at", "ar_exp", "par_seq", "fwd", "fwd_until")
SLOT_FIELDS = ("sl_nonce", "sl_dst", "sl_at", "sl_time")
MK_FIELDS = ("mk_iss", "mk_own", "mk_gen", "mk_at", "mk_exp")
RTS_TS_FIELDS = ("nonce", "ts")
SET_FIELDS = ("known", "h_rts", "h_prr", "h_fbu", "g_prr_acc", "g_fbu_app", "h_rts_ts")


@dataclass(frozen=True)
class State:
    """One state of the transition system (see the module docstring)."""

    now: Any
    fresh: Any
    ar_gen: Any
    ar_at: Any
    ar_exp: Any
    par_seq: Any
    fwd: Any
    fwd_until: Any
    known: Any
    sl_nonce: Any
    sl_dst: Any
    sl_at: Any
    sl_time: Any
    sl_ans: Any
    mk_iss: Any
    mk_own: Any
    mk_gen: Any
    mk_at: Any
    mk_exp: Any
    mn_seq: Any
    mn_at: Any
    h_rts: Any
    h_prr: Any
    h_fbu: Any
    g_prr_acc: Any
    g_fbu_app: Any
    h_rts_ts: Any
    mn_oracle: Any

    def replace(self, **changes: Any) -> State:
        """A copy with some fields changed."""
        return dataclasses.replace(self, **changes)

    def fields(self) -> dict[str, Any]:
        """Field name to value."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}


def _grid(rows: int, cols: int, value: Any) -> tuple[tuple[Any, ...], ...]:
    return tuple(tuple(value for _ in range(cols)) for _ in range(rows))


def initial_state(cfg: ModelConfig) -> State:
    """The concrete initial state: no records, no keys, nothing sent, time 0."""
    nr, nc, nm, ns, nrt = cfg.n_ar, cfg.n_cga, cfg.n_mn, cfg.n_slots, cfg.n_routers
    return State(
        now=0,
        fresh=1,
        ar_gen=_grid(nr, nc, 0),
        ar_at=_grid(nr, nc, 0),
        ar_exp=_grid(nr, nc, 0),
        par_seq=_grid(nr, nc, -1),
        fwd=_grid(nr, nc, 0),
        fwd_until=_grid(nr, nc, 0),
        known=frozenset(),
        sl_nonce=_grid(nm, ns, 0),
        sl_dst=_grid(nm, ns, 0),
        sl_at=_grid(nm, ns, 0),
        sl_time=_grid(nm, ns, 0),
        sl_ans=tuple(_grid(ns, nrt, False) for _ in range(nm)),
        mk_iss=_grid(nm, nrt, 0),
        mk_own=_grid(nm, nrt, 0),
        mk_gen=_grid(nm, nrt, 0),
        mk_at=_grid(nm, nrt, 0),
        mk_exp=_grid(nm, nrt, 0),
        mn_seq=tuple(0 for _ in range(nm)),
        mn_at=tuple(cfg.mn_pref_at for _ in range(nm)),
        h_rts=frozenset(),
        h_prr=frozenset(),
        h_fbu=frozenset(),
        g_prr_acc=frozenset(),
        g_fbu_app=frozenset(),
        h_rts_ts=frozenset(),
        mn_oracle=tuple(False for _ in range(nm)),
    )
