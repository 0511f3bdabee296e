"""The step relation: one rule per processing paragraph of RFC 5269 §3.

Each rule takes the configuration, a state and an event record and returns
an :class:`Outcome`: whether the event can happen at all in that state
(``enabled``: for a delivery, the network/attacker can produce the message),
the honest node's checks in the order it performs them (name, condition),
and the state after the node accepts. A rejected input leaves the state
unchanged (RFC 5269 §3.2: an unvalidated RtSolPr must not change any key
record; §3.3 and §3.5 drop the message).

The rules are written with :mod:`rfc5269.model.terms`, so they run on concrete
values (conformance) and on Z3 terms (the prover) alike.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rfc5269.interpretations import (
    AlgorithmTypeChoice,
    CertificateRequirement,
    ExistingKeyLifetime,
    KeyIndexAddress,
    NonceRetention,
)
from rfc5269.model.config import AT_MAX, AT_MIN, LifetimeAnchor, ModelConfig
from rfc5269.model.events import EventRecord, Kind
from rfc5269.model.state import State
from rfc5269.model.terms import (
    Term,
    add,
    and_,
    eq,
    in_range,
    ite,
    member,
    not_,
    or_,
    sel,
    sel2,
    upd,
    upd2,
)


@dataclass(frozen=True)
class Outcome:
    """What a rule says about one (state, event)."""

    enabled: Term
    checks: tuple[tuple[str, Term], ...]
    after: State

    @property
    def accepted(self) -> Term:
        """All checks pass."""
        return and_(*(c for _, c in self.checks))


# ---------------------------------------------------------------- helpers


def certified(cfg: ModelConfig, signer: Term) -> Term:
    """The signer holds a SEND router certificate under the MN's trust anchors (RFC 3971 §6).

    CPS/CPA (RFC 5269 §3.3) is abstracted as a static table: the MN can always
    obtain the path of a certified router and never of an uncertified one.
    """
    honest = in_range(signer, 0, cfg.n_ar)
    if cfg.compromised_router:
        return or_(honest, eq(signer, cfg.compromised))
    return honest


def attacker_signs_as_router(cfg: ModelConfig, signer: Term) -> Term:
    """Router keys the attacker holds: the rogue router, and the compromised one in its scenario."""
    if cfg.compromised_router:
        return or_(eq(signer, cfg.rogue), eq(signer, cfg.compromised))
    return eq(signer, cfg.rogue)


def known_key(cfg: ModelConfig, s: State, iss: Term, own: Term, gen: Term) -> Term:
    """The attacker knows the key (iss, own, gen).

    It knows the keys its own routers generate and the keys an honest AR sent
    encrypted under the attacker's HKEPK (``known``); it cannot decrypt anything else.
    """
    attacker_made = and_(
        or_(eq(iss, cfg.rogue), eq(iss, cfg.compromised)), in_range(own, 0, cfg.n_cga),
        gen >= 1, gen <= s.fresh,
    )
    return or_(attacker_made, member(s.known, (iss, own, gen)))


def ar_choose_at(cfg: ModelConfig, requested: Term) -> Term:
    """The AT an honest AR records for a new key (RFC 5269 §3.2; switch at_choice, CL-04)."""
    if cfg.interp.at_choice is AlgorithmTypeChoice.STRONGEST_SUPPORTED:
        return AT_MAX
    return requested


def record_valid(s: State, r: Term, c: Term) -> Term:
    """AR ``r`` holds a key record for CGA ``c`` that has not expired."""
    return and_(sel2(s.ar_gen, r, c) != 0, s.now < sel2(s.ar_exp, r, c))


def mn_key_valid(s: State, m: Term, rho: Term) -> Term:
    """MN ``m`` holds a key for router ``rho`` that has not expired."""
    return and_(sel2(s.mk_gen, m, rho) != 0, s.now < sel2(s.mk_exp, m, rho))


def slot_live(cfg: ModelConfig, s: State, m: Term, j: int) -> Term:
    """Slot ``j`` of MN ``m`` holds an unexpired nonce."""
    return and_(
        sel2(s.sl_nonce, m, j) != 0, s.now < sel2(s.sl_time, m, j) + cfg.nonce_ttl,
    )


def matching_slot(cfg: ModelConfig, s: State, m: Term, nonce: Term) -> tuple[Term, Term]:
    """(found, index) of the first live slot of ``m`` holding ``nonce``."""
    found: Term = False
    idx: Term = 0
    for j in reversed(range(cfg.n_slots)):
        hit = and_(slot_live(cfg, s, m, j), eq(sel2(s.sl_nonce, m, j), nonce))
        found = or_(hit, found)
        idx = ite(hit, j, idx)
    return found, idx


def free_slot(cfg: ModelConfig, s: State, m: Term) -> tuple[Term, Term]:
    """(found, index) of the slot a new RtSolPr uses (switch multiple_outstanding_rtsolpr)."""
    if not cfg.interp.multiple_outstanding_rtsolpr:
        return True, 0  # the single slot is overwritten: the old nonce is forgotten
    found: Term = False
    idx: Term = 0
    for j in reversed(range(cfg.n_slots)):
        free = not_(slot_live(cfg, s, m, j))
        found = or_(free, found)
        idx = ite(free, j, idx)
    return found, idx


# ---------------------------------------------------------------- rules


def mn_sends_rtsolpr(cfg: ModelConfig, s: State, e: EventRecord) -> Outcome:
    """RFC 5269 §3.1: signed RtSolPr with the HKEPK, the preferred AT and a new nonce.

    The MN never asks for less than it asked for before (§3.3, last paragraph):
    ``mn_at`` is the strongest AT it has requested so far (initially its preference).
    """
    m, rho, at, nonce = e.mn, e.router, e.at, e.nonce
    found, j = free_slot(cfg, s, m)
    enabled = and_(
        in_range(m, 0, cfg.n_mn), in_range(rho, 0, cfg.n_routers),
        at >= sel(s.mn_at, m), at <= AT_MAX, eq(nonce, s.fresh), found,
    )
    no_answers = tuple(False for _ in range(cfg.n_routers))
    after = s.replace(
        fresh=s.fresh + 1,
        mn_at=upd(s.mn_at, m, at),
        sl_nonce=upd2(s.sl_nonce, m, j, nonce),
        sl_dst=upd2(s.sl_dst, m, j, rho),
        sl_at=upd2(s.sl_at, m, j, at),
        sl_time=upd2(s.sl_time, m, j, s.now),
        sl_ans=upd2(s.sl_ans, m, j, no_answers),
        h_rts=add(s.h_rts, (m, rho, nonce, m, at)),
    )
    return Outcome(enabled, (), after)


def ar_receives_rtsolpr(cfg: ModelConfig, s: State, e: EventRecord) -> Outcome:
    """RFC 5269 §3.2: validate with SEND first; then return the existing key or create one."""
    r, src, signer, nonce, hkepk, at = e.ar, e.src, e.signer, e.nonce, e.hkepk, e.at
    honest_copy = and_(
        eq(signer, src), in_range(src, 0, cfg.n_mn), member(s.h_rts, (src, r, nonce, hkepk, at)),
    )
    attacker_built = and_(
        eq(signer, cfg.att_cga), in_range(src, 0, cfg.n_cga), in_range(at, AT_MIN, AT_MAX + 1),
        in_range(hkepk, 0, cfg.n_cga), nonce >= 0, nonce < s.fresh,
    )
    enabled = and_(in_range(r, 0, cfg.n_ar), or_(honest_copy, attacker_built))
    checks = (("send_signature_valid", eq(signer, src)),)

    existing = record_valid(s, r, src)
    old_gen, old_at, old_exp = (sel2(t, r, src) for t in (s.ar_gen, s.ar_at, s.ar_exp))
    gen = ite(existing, old_gen, s.fresh)
    rec_at = ite(existing, old_at, ar_choose_at(cfg, at))
    new_exp = s.now + cfg.hk_lifetime
    policy = cfg.interp.existing_key_lifetime
    if policy is ExistingKeyLifetime.FULL_REFRESH:
        exp = new_exp
    else:
        exp = ite(existing, old_exp, new_exp)
    if policy is ExistingKeyLifetime.REMAINING:
        life = exp - s.now
    else:
        life = cfg.hk_lifetime
    par_seq = ite(existing, sel2(s.par_seq, r, src), -1)
    reply = (r, src, nonce, r, src, gen, hkepk, rec_at, life)
    after = s.replace(
        fresh=ite(existing, s.fresh, s.fresh + 1),
        ar_gen=upd2(s.ar_gen, r, src, gen),
        ar_at=upd2(s.ar_at, r, src, rec_at),
        ar_exp=upd2(s.ar_exp, r, src, exp),
        par_seq=upd2(s.par_seq, r, src, par_seq),
        known=ite(eq(hkepk, cfg.att_cga), add(s.known, (r, src, gen)), s.known),
        h_prr=add(s.h_prr, reply),
    )
    return Outcome(enabled, checks, after)


def mn_receives_prrtadv(cfg: ModelConfig, s: State, e: EventRecord) -> Outcome:
    """RFC 5269 §3.3: SEND validation, certified router key, nonce match, decrypt, store."""
    m, src, signer, nonce = e.mn, e.src, e.signer, e.nonce
    iss, own, gen, enc, at, life = e.iss, e.own, e.gen, e.enc, e.at, e.life
    msg = (src, m, nonce, iss, own, gen, enc, at, life)
    honest_copy = and_(eq(signer, src), in_range(src, 0, cfg.n_ar), member(s.h_prr, msg))
    attacker_built = and_(
        attacker_signs_as_router(cfg, signer), in_range(src, 0, cfg.n_routers),
        known_key(cfg, s, iss, own, gen), in_range(enc, 0, cfg.n_cga),
        in_range(at, AT_MIN, AT_MAX + 1), life >= 1, life <= cfg.hk_lifetime,
        nonce >= 0, nonce < s.fresh,
    )
    enabled = and_(in_range(m, 0, cfg.n_mn), or_(honest_copy, attacker_built))

    found, j = matching_slot(cfg, s, m, nonce)
    retention = cfg.interp.nonce_retention
    checks: list[tuple[str, Term]] = [("send_signature_valid", eq(signer, src))]
    if cfg.interp.certificate_requirement is CertificateRequirement.RFC:
        checks.append(("router_certified", certified(cfg, signer)))
    checks.append(("nonce_matches_outstanding", found))
    checks.append(("decrypts_with_own_hkepk", eq(enc, m)))
    answered = sel(sel2(s.sl_ans, m, j), src)
    if retention is NonceRetention.ONE_PER_ROUTER:
        checks.append(("first_answer_from_router", not_(answered)))

    if cfg.interp.key_index_address is KeyIndexAddress.CONFIGURED_PAR_ADDRESS:
        rho = sel2(s.sl_dst, m, j)
    else:
        rho = src
    anchor = s.now if cfg.mn_lifetime_anchor is LifetimeAnchor.RECEIPT else sel2(s.sl_time, m, j)
    ans_row = upd(sel2(s.sl_ans, m, j), src, True)
    sl_nonce = s.sl_nonce
    if retention is NonceRetention.SINGLE_ANSWER:
        sl_nonce = upd2(sl_nonce, m, j, 0)
    after = s.replace(
        mk_iss=upd2(s.mk_iss, m, rho, iss),
        mk_own=upd2(s.mk_own, m, rho, own),
        mk_gen=upd2(s.mk_gen, m, rho, gen),
        mk_at=upd2(s.mk_at, m, rho, at),
        mk_exp=upd2(s.mk_exp, m, rho, anchor + life),
        sl_ans=upd2(s.sl_ans, m, j, ans_row),
        sl_nonce=sl_nonce,
        g_prr_acc=add(s.g_prr_acc, msg),
    )
    return Outcome(enabled, tuple(checks), after)


def mn_sends_fbu(cfg: ModelConfig, s: State, e: EventRecord) -> Outcome:
    """RFC 5269 §3.4: FBU to the PAR with the PCoA in the Home Address option and a BADF MAC."""
    m, rho, ncoa = e.mn, e.router, e.ncoa
    enabled = and_(
        in_range(m, 0, cfg.n_mn), in_range(rho, 0, cfg.n_routers),
        in_range(ncoa, 1, cfg.n_ncoa + 1), mn_key_valid(s, m, rho),
    )
    seq = sel(s.mn_seq, m)
    key = tuple(sel2(t, m, rho) for t in (s.mk_iss, s.mk_own, s.mk_gen))
    fbu = (rho, m, ncoa, seq, *key, sel2(s.mk_at, m, rho))
    after = s.replace(mn_seq=upd(s.mn_seq, m, seq + 1), h_fbu=add(s.h_fbu, fbu))
    return Outcome(enabled, (), after)


def par_receives_fbu(cfg: ModelConfig, s: State, e: EventRecord) -> Outcome:
    """RFC 5269 §3.5 with RFC 5568 §6.4.5: find the key by the PCoA, verify the MAC, forward."""
    r, hoa, ncoa, seq, iss, own, gen, at = e.ar, e.cga, e.ncoa, e.seq, e.iss, e.own, e.gen, e.at
    msg = (r, hoa, ncoa, seq, iss, own, gen, at)
    attacker_built = and_(
        known_key(cfg, s, iss, own, gen), in_range(hoa, 0, cfg.n_cga),
        in_range(ncoa, 1, cfg.n_ncoa + 1), seq >= 0, seq <= s.fresh,
        in_range(at, AT_MIN, AT_MAX + 1),
    )
    enabled = and_(
        in_range(r, 0, cfg.n_ar), in_range(hoa, 0, cfg.n_cga),
        or_(member(s.h_fbu, msg), attacker_built),
    )
    checks: list[tuple[str, Term]] = [
        ("key_record_found", record_valid(s, r, hoa)),
        ("authenticator_valid", and_(
            eq(iss, r), eq(own, hoa), eq(gen, sel2(s.ar_gen, r, hoa)),
            eq(at, sel2(s.ar_at, r, hoa)))),
    ]
    if cfg.par_checks_fbu_sequence:
        checks.append(("sequence_number_newer", seq > sel2(s.par_seq, r, hoa)))
    after = s.replace(
        fwd=upd2(s.fwd, r, hoa, ncoa),
        fwd_until=upd2(s.fwd_until, r, hoa, s.now + cfg.forwarding_time),
        par_seq=upd2(s.par_seq, r, hoa, seq),
        g_fbu_app=add(s.g_fbu_app, msg),
    )
    return Outcome(enabled, tuple(checks), after)


def _cleared(s: State, r: Term, c: Term) -> State:
    return s.replace(
        ar_gen=upd2(s.ar_gen, r, c, 0),
        ar_at=upd2(s.ar_at, r, c, 0),
        ar_exp=upd2(s.ar_exp, r, c, 0),
        par_seq=upd2(s.par_seq, r, c, -1),
    )


def ar_key_expires(cfg: ModelConfig, s: State, e: EventRecord) -> Outcome:
    """RFC 5269 §3.6: the PAR discards the key when HK-LIFETIME expires."""
    r, c = e.ar, e.cga
    enabled = and_(
        in_range(r, 0, cfg.n_ar), in_range(c, 0, cfg.n_cga),
        sel2(s.ar_gen, r, c) != 0, s.now >= sel2(s.ar_exp, r, c),
    )
    return Outcome(enabled, (), _cleared(s, r, c))


def forwarding_times_out(cfg: ModelConfig, s: State, e: EventRecord) -> Outcome:
    """RFC 5269 §3.6: forwarding ends, and the key with it unless the switch says keep (CL-11)."""
    r, c = e.ar, e.cga
    enabled = and_(
        in_range(r, 0, cfg.n_ar), in_range(c, 0, cfg.n_cga),
        sel2(s.fwd, r, c) != 0, s.now >= sel2(s.fwd_until, r, c),
    )
    base = _cleared(s, r, c) if cfg.interp.par_discards_key_at_forwarding_timeout else s
    after = base.replace(fwd=upd2(s.fwd, r, c, 0), fwd_until=upd2(s.fwd_until, r, c, 0))
    return Outcome(enabled, (), after)


def time_passes(cfg: ModelConfig, s: State, e: EventRecord) -> Outcome:
    """The clock advances."""
    enabled = in_range(e.delta, 1, cfg.max_tick + 1)
    return Outcome(enabled, (), s.replace(now=s.now + e.delta))


Rule = Callable[[ModelConfig, State, EventRecord], Outcome]

RULES: dict[Kind, Rule] = {
    Kind.MN_SENDS_RTSOLPR: mn_sends_rtsolpr,
    Kind.AR_RECEIVES_RTSOLPR: ar_receives_rtsolpr,
    Kind.MN_RECEIVES_PRRTADV: mn_receives_prrtadv,
    Kind.MN_SENDS_FBU: mn_sends_fbu,
    Kind.PAR_RECEIVES_FBU: par_receives_fbu,
    Kind.AR_KEY_EXPIRES: ar_key_expires,
    Kind.FORWARDING_TIMES_OUT: forwarding_times_out,
    Kind.TIME_PASSES: time_passes,
}
"""One rule per event kind."""


def merge(c: Term, a: State, b: State) -> State:
    """Field-wise ``ite(c, a, b)`` over two states."""
    fa, fb = a.fields(), b.fields()
    return State(**{k: (fa[k] if fa[k] is fb[k] else ite(c, fa[k], fb[k])) for k in fa})

