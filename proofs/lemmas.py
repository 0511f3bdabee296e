"""Strengthening invariants for the unbounded proofs.

Each lemma is a named state formula. The prover first checks that the chosen
lemmas hold initially and are preserved by every transition (together:
inductive), and only then uses them to prove a property. Lemmas about the
message history are quantified over the members of a message set
(``forall x. x in S -> phi(x)``), with ``x in S`` as the instantiation pattern.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import z3
from rfc5269.interpretations import AlgorithmTypeChoice, NonceRetention
from rfc5269.model.config import AT_MAX, AT_MIN, ModelConfig
from rfc5269.model.rules import known_key
from rfc5269.model.state import State
from rfc5269.model.symbolic import SET_SORTS
from rfc5269.model.terms import and_, implies, in_range, not_, sel, sel2

Lemma = tuple[str, Any]


def forall_in(s: State, set_name: str, phi: Callable[[dict[str, Any]], Any]) -> Any:
    """``forall x in s.<set_name>: phi(fields of x)``."""
    sort, names = SET_SORTS[set_name]
    x = z3.Const(f"x_{set_name}", sort)
    f = {n: sort.accessor(0, i)(x) for i, n in enumerate(names)}
    arr = getattr(s, set_name)
    body = z3.Implies(z3.Select(arr, x), phi(f))
    return z3.ForAll([x], body, patterns=[z3.Select(arr, x)])


def basic(cfg: ModelConfig, s: State) -> list[Lemma]:
    """Counters, ranges, nonce uniqueness, no leak of honest CGAs' keys."""
    out: list[Lemma] = [("clock-and-counter", and_(s.now >= 0, s.fresh >= 1))]
    for r in range(cfg.n_ar):
        for c in range(cfg.n_cga):
            g = s.ar_gen[r][c]
            out.append((f"ar-record-{r}-{c}", and_(
                g >= 0, g < s.fresh,
                implies(g != 0, and_(in_range(s.ar_at[r][c], AT_MIN, AT_MAX + 1),
                                     s.ar_exp[r][c] <= s.now + cfg.hk_lifetime)),
            )))
            if cfg.interp.at_choice is AlgorithmTypeChoice.STRONGEST_SUPPORTED:
                out.append((f"ar-at-strongest-{r}-{c}", implies(g != 0, s.ar_at[r][c] == AT_MAX)))
    for m in range(cfg.n_mn):
        out.append((f"fbu-counter-{m}", s.mn_seq[m] >= 0))
        out.append((f"at-floor-{m}", and_(s.mn_at[m] >= cfg.mn_pref_at, s.mn_at[m] <= AT_MAX)))
        for j in range(cfg.n_slots):
            n = s.sl_nonce[m][j]
            out.append((f"slot-{m}-{j}", and_(
                n >= 0, n < s.fresh, s.sl_time[m][j] <= s.now,
                implies(n != 0, and_(s.sl_at[m][j] >= cfg.mn_pref_at, s.sl_at[m][j] <= AT_MAX,
                                     in_range(s.sl_dst[m][j], 0, cfg.n_routers))),
            )))
            for j2 in range(j + 1, cfg.n_slots):
                out.append((f"slot-nonces-distinct-{m}-{j}-{j2}",
                            implies(n != 0, n != s.sl_nonce[m][j2])))
    return out


def _slot_of(cfg: ModelConfig, s: State, m: Any, nonce: Any,
             phi: Callable[[int], Any]) -> Any:
    """For every slot ``j`` of MN ``m`` holding ``nonce`` (non-zero): ``phi(j)``."""
    return and_(*(
        implies(and_(nonce != 0, sel2(s.sl_nonce, m, j) == nonce), phi(j))
        for j in range(cfg.n_slots)
    ))


def history(cfg: ModelConfig, s: State) -> list[Lemma]:
    """What honest RtSolPrs and PrRtAdvs in the network history look like."""
    def rts(q: dict[str, Any]) -> Any:
        return and_(
            in_range(q["src"], 0, cfg.n_mn), q["hkepk"] == q["src"],
            q["nonce"] >= 1, q["nonce"] < s.fresh, in_range(q["dst"], 0, cfg.n_routers),
            q["at"] >= cfg.mn_pref_at, q["at"] <= AT_MAX,
            _slot_of(cfg, s, q["src"], q["nonce"], lambda j: and_(
                sel2(s.sl_dst, q["src"], j) == q["dst"], sel2(s.sl_at, q["src"], j) == q["at"])),
        )

    def prr(p: dict[str, Any]) -> Any:
        parts = [
            in_range(p["src"], 0, cfg.n_ar), p["iss"] == p["src"], p["own"] == p["dst"],
            in_range(p["dst"], 0, cfg.n_cga), p["gen"] >= 1, p["gen"] < s.fresh,
            p["nonce"] >= 0, p["nonce"] < s.fresh, in_range(p["at"], AT_MIN, AT_MAX + 1),
            implies(p["dst"] < cfg.n_mn, p["enc"] == p["dst"]),
            implies(p["dst"] < cfg.n_mn, _slot_of(
                cfg, s, p["dst"], p["nonce"], lambda j: sel2(s.sl_dst, p["dst"], j) == p["src"])),
        ]
        if cfg.interp.at_choice is AlgorithmTypeChoice.STRONGEST_SUPPORTED:
            parts.append(p["at"] == AT_MAX)
        return and_(*parts)

    def key(k: dict[str, Any]) -> Any:
        return and_(in_range(k["iss"], 0, cfg.n_ar), k["own"] == cfg.att_cga,
                    k["gen"] >= 1, k["gen"] < s.fresh)

    def fbu(f: dict[str, Any]) -> Any:
        return and_(in_range(f["par"], 0, cfg.n_routers), in_range(f["hoa"], 0, cfg.n_mn),
                    f["seq"] >= 0, in_range(f["ncoa"], 1, cfg.n_ncoa + 1))

    return [("history-rtsolpr", forall_in(s, "h_rts", rts)),
            ("history-prrtadv", forall_in(s, "h_prr", prr)),
            ("history-fbu", forall_in(s, "h_fbu", fbu)),
            ("attacker-knows-only-its-own-keys", forall_in(s, "known", key))]


def accepted_answers(cfg: ModelConfig, s: State) -> list[Lemma]:
    """An accepted PrRtAdv cannot match a live nonce again (per nonce_retention)."""
    retention = cfg.interp.nonce_retention

    def acc(x: dict[str, Any]) -> Any:
        if retention is NonceRetention.SINGLE_ANSWER:
            tail = _slot_of(cfg, s, x["dst"], x["nonce"], lambda j: False)
        else:
            tail = _slot_of(cfg, s, x["dst"], x["nonce"],
                            lambda j: sel(sel2(s.sl_ans, x["dst"], j), x["src"]))
        return and_(in_range(x["dst"], 0, cfg.n_mn), in_range(x["src"], 0, cfg.n_routers),
                    x["nonce"] < s.fresh, tail)

    return [("accepted-answers-consumed", forall_in(s, "g_prr_acc", acc))]


def applied_fbus(cfg: ModelConfig, s: State) -> list[Lemma]:
    """An applied FBU is not newer than the PAR's sequence number while its key lives."""
    def app(f: dict[str, Any]) -> Any:
        return and_(
            in_range(f["par"], 0, cfg.n_ar), in_range(f["hoa"], 0, cfg.n_cga),
            f["gen"] >= 1, f["gen"] < s.fresh,
            implies(sel2(s.ar_gen, f["par"], f["hoa"]) == f["gen"],
                    f["seq"] <= sel2(s.par_seq, f["par"], f["hoa"])),
        )
    return [("applied-fbus-not-newer", forall_in(s, "g_fbu_app", app))]


def mn_keys_honest(cfg: ModelConfig, s: State) -> list[Lemma]:
    """Keys an MN holds for an honest router were made by an honest AR for that MN."""
    out: list[Lemma] = []
    for m in range(cfg.n_mn):
        for r in range(cfg.n_ar):
            out.append((f"mn-key-honest-{m}-{r}", implies(s.mk_gen[m][r] != 0, and_(
                in_range(s.mk_iss[m][r], 0, cfg.n_ar), s.mk_own[m][r] == m,
                not_(known_key(cfg, s, s.mk_iss[m][r], s.mk_own[m][r], s.mk_gen[m][r]))))))
    return out


def key_agreement(cfg: ModelConfig, s: State) -> list[Lemma]:
    """MN keys and in-flight answers never outlive the AR's record (for property P5)."""
    out: list[Lemma] = []
    for m in range(cfg.n_mn):
        for r in range(cfg.n_ar):
            valid = and_(s.mk_gen[m][r] != 0, s.now < s.mk_exp[m][r])
            out.append((f"mn-key-agrees-{m}-{r}", implies(valid, and_(
                s.mk_iss[m][r] == r, s.mk_own[m][r] == m, s.mk_gen[m][r] == s.ar_gen[r][m],
                s.mk_exp[m][r] <= s.ar_exp[r][m]))))

    def prr(p: dict[str, Any]) -> Any:
        return implies(p["dst"] < cfg.n_mn, _slot_of(
            cfg, s, p["dst"], p["nonce"], lambda j: implies(
                sel2(s.sl_time, p["dst"], j) + p["life"] > s.now,
                and_(sel2(s.ar_gen, p["src"], p["dst"]) == p["gen"],
                     sel2(s.sl_time, p["dst"], j) + p["life"]
                     <= sel2(s.ar_exp, p["src"], p["dst"])))))

    out.append(("in-flight-answers-within-record", forall_in(s, "h_prr", prr)))
    return out
