"""The step relation: one rule per processing paragraph of RFC 5269 §3.

Each rule takes the configuration, a state and an event record and returns
an :class:`Outcome`: whether the event can happen at all in that state
(``enabled``: for a delivery, the network/attacker can produce the message),
the honest node's checks in the order it performs them (name, condition),
and the state after the node accepts. A rejected input leaves the state
unchanged (RFC 5269 §3.2: an unvalidated RtSolPr must not change any key
record; §3.3 and §3.5 drop the message) — except under a bug-zoo fault that
changes state on rejection (``after_reject``).

Faults and refinements (:mod:`rfc5269.model.faults`) are read from the
configuration here, next to the honest rule they change; with none switched
on, the rules are the honest ones.

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
from rfc5269.model.faults import NO_SIGNER, Fault, Refinement
from rfc5269.model.state import State
from rfc5269.model.terms import (
    Term,
    add,
    and_,
    eq,
    in_range,
    ite,
    member,
    member_match,
    not_,
    or_,
    sel,
    sel2,
    sum_,
    upd,
    upd2,
)


@dataclass(frozen=True)
class Outcome:
    """What a rule says about one (state, event).

    ``after_reject`` is the state after a rejection when a fault makes it
    differ from the state before (None: unchanged); ``sent`` is the message a
    node sends on acceptance, as its history tuple (the AR's PrRtAdv).
    """

    enabled: Term
    checks: tuple[tuple[str, Term], ...]
    after: State
    after_reject: State | None = None
    sent: tuple[Term, ...] | None = None

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
    if cfg.has(Refinement.SEND_TIMESTAMPS):
        after = after.replace(h_rts_ts=add(s.h_rts_ts, (nonce, s.now)))
    return Outcome(enabled, (), after)


def record_count(cfg: ModelConfig, s: State, r: Term) -> Term:
    """How many key records (expired ones not yet purged included) AR ``r`` holds."""
    return sum_(*(ite(sel2(s.ar_gen, r, c) != 0, 1, 0) for c in range(cfg.n_cga)))


def has_room(cfg: ModelConfig, s: State, r: Term, c: Term) -> Term:
    """AR ``r`` can hold a record for ``c``: it has one, or fewer than ``ar_capacity``."""
    return or_(sel2(s.ar_gen, r, c) != 0, record_count(cfg, s, r) < cfg.ar_capacity)


def _installed_early(cfg: ModelConfig, s: State, r: Term, c: Term) -> State:
    """Fault ar-installs-key-before-validation: a weakest-AT record for ``c`` if it has none."""
    cond = sel2(s.ar_gen, r, c) == 0
    if cfg.has(Refinement.RECORD_CAPACITY):
        cond = and_(cond, has_room(cfg, s, r, c))
    installed = s.replace(
        fresh=s.fresh + 1,
        ar_gen=upd2(s.ar_gen, r, c, s.fresh),
        ar_at=upd2(s.ar_at, r, c, AT_MIN),
        ar_exp=upd2(s.ar_exp, r, c, s.now + cfg.hk_lifetime),
        par_seq=upd2(s.par_seq, r, c, -1),
    )
    return merge(cond, installed, s)


def ar_receives_rtsolpr(cfg: ModelConfig, s: State, e: EventRecord) -> Outcome:
    """RFC 5269 §3.2: validate with SEND first; then return the existing key or create one."""
    r, src, signer, nonce, hkepk, at, ts = e.ar, e.src, e.signer, e.nonce, e.hkepk, e.at, e.ts
    stamps = cfg.has(Refinement.SEND_TIMESTAMPS)
    unauth = cfg.has(Refinement.UNAUTHENTICATED_PARTS)
    honest_copy = and_(
        eq(signer, src), in_range(src, 0, cfg.n_mn), member(s.h_rts, (src, r, nonce, hkepk, at)),
        member(s.h_rts_ts, (nonce, ts)) if stamps else eq(ts, 0),
    )
    att_signer = or_(eq(signer, cfg.att_cga), eq(signer, NO_SIGNER)) if unauth else eq(
        signer, cfg.att_cga)
    attacker_built = and_(
        att_signer, in_range(src, 0, cfg.n_cga), in_range(at, AT_MIN, AT_MAX + 1),
        in_range(hkepk, 0, cfg.n_cga), nonce >= 0, nonce < s.fresh,
        True if stamps else eq(ts, 0),
    )
    enabled = and_(in_range(r, 0, cfg.n_ar), or_(honest_copy, attacker_built))

    if cfg.has(Fault.AR_SKIPS_SIGNATURE_CHECK):
        signature_ok: Term = True
    elif cfg.has(Fault.AR_SKIPS_CGA_CHECK):
        signature_ok = in_range(signer, 0, cfg.n_cga)  # some CGA key signed it, any
    else:
        signature_ok = eq(signer, src)
    send_checks: list[tuple[str, Term]] = [("send_signature_valid", signature_ok)]
    if stamps and not cfg.has(Fault.AR_IGNORES_TIMESTAMP_WINDOW):
        send_checks.append(("timestamp_in_window",
                            and_(s.now - ts < cfg.ts_window, ts - s.now < cfg.ts_window)))

    s0 = _installed_early(cfg, s, r, src) if cfg.has(
        Fault.AR_INSTALLS_KEY_BEFORE_VALIDATION) else s
    checks = list(send_checks)
    if cfg.has(Refinement.RECORD_CAPACITY) and not cfg.has(Fault.AR_UNBOUNDED_KEY_RECORDS):
        checks.append(("record_capacity", has_room(cfg, s0, r, src)))

    existing = record_valid(s0, r, src)
    if cfg.has(Fault.AR_NEW_KEY_ON_EVERY_REQUEST):
        existing = False
    old_gen, old_at, old_exp = (sel2(t, r, src) for t in (s0.ar_gen, s0.ar_at, s0.ar_exp))
    gen = ite(existing, old_gen, s0.fresh)
    new_at = AT_MIN if cfg.has(Fault.AR_ANSWERS_WEAKER_ALGORITHM) else ar_choose_at(cfg, at)
    rec_at = ite(existing, old_at, new_at)
    new_exp = s0.now + cfg.hk_lifetime
    policy = cfg.interp.existing_key_lifetime
    if policy is ExistingKeyLifetime.FULL_REFRESH:
        exp = new_exp
    else:
        exp = ite(existing, old_exp, new_exp)
    if policy is ExistingKeyLifetime.REMAINING:
        life = exp - s0.now
    else:
        life = cfg.hk_lifetime
    par_seq = ite(existing, sel2(s0.par_seq, r, src), -1)
    reply_nonce = 0 if cfg.has(Fault.AR_OMITS_NONCE) else nonce
    reply = (r, src, reply_nonce, r, src, gen, hkepk, rec_at, life)
    after = s0.replace(
        fresh=ite(existing, s0.fresh, s0.fresh + 1),
        ar_gen=upd2(s0.ar_gen, r, src, gen),
        ar_at=upd2(s0.ar_at, r, src, rec_at),
        ar_exp=upd2(s0.ar_exp, r, src, exp),
        par_seq=upd2(s0.par_seq, r, src, par_seq),
        known=ite(eq(hkepk, cfg.att_cga), add(s0.known, (r, src, gen)), s0.known),
        h_prr=add(s0.h_prr, reply),
    )
    rejected = s0
    if cfg.has(Fault.AR_OVERWRITES_KEY_ON_INVALID_REQUEST):
        send_failed = not_(and_(*(c for _, c in send_checks)))
        cond = and_(send_failed, sel2(s0.ar_gen, r, src) != 0)
        rejected = merge(cond, s0.replace(fresh=s0.fresh + 1,
                                          ar_gen=upd2(s0.ar_gen, r, src, s0.fresh)), s0)
    return Outcome(enabled, tuple(checks), after,
                   after_reject=None if rejected is s else rejected, sent=reply)


def latest_live_slot(cfg: ModelConfig, s: State, m: Term) -> tuple[Term, Term]:
    """(found, index) of the live slot of ``m`` sent last (fault mn-skips-nonce-match)."""
    found: Term = False
    idx: Term = 0
    best: Term = -1
    for j in range(cfg.n_slots):
        take = and_(slot_live(cfg, s, m, j), sel2(s.sl_time, m, j) >= best)
        found = or_(found, take)
        idx = ite(take, j, idx)
        best = ite(take, sel2(s.sl_time, m, j), best)
    return found, idx


def mn_receives_prrtadv(cfg: ModelConfig, s: State, e: EventRecord) -> Outcome:
    """RFC 5269 §3.3: SEND validation, certified router key, nonce match, decrypt, store."""
    m, src, signer, nonce = e.mn, e.src, e.signer, e.nonce
    iss, own, gen, enc, at, life = e.iss, e.own, e.gen, e.enc, e.at, e.life
    unauth = cfg.has(Refinement.UNAUTHENTICATED_PARTS)
    msg = (src, m, nonce, iss, own, gen, enc, at, life)
    whole = eq(e.appended, 0)
    honest_copy = and_(eq(signer, src), in_range(src, 0, cfg.n_ar), member(s.h_prr, msg), whole)
    attacker_reply = and_(
        known_key(cfg, s, iss, own, gen), in_range(enc, 0, cfg.n_cga),
        in_range(at, AT_MIN, AT_MAX + 1), life >= 1, life <= cfg.hk_lifetime,
    )
    attacker_built = and_(
        attacker_signs_as_router(cfg, signer), in_range(src, 0, cfg.n_routers), attacker_reply,
        nonce >= 0, nonce < s.fresh, whole,
    )
    delivered = [honest_copy, attacker_built]
    if unauth:  # an honest router's signed PrRtAdv with the attacker's reply appended
        delivered.append(and_(
            eq(e.appended, 1), eq(signer, src), in_range(src, 0, cfg.n_ar),
            member_match(s.h_prr, {0: src, 1: m, 2: nonce}), attacker_reply))
    enabled = and_(in_range(m, 0, cfg.n_mn), or_(*delivered))

    found, j = matching_slot(cfg, s, m, nonce)
    if cfg.has(Fault.MN_SKIPS_NONCE_MATCH):
        any_live, latest = latest_live_slot(cfg, s, m)
        j = ite(found, j, latest)
        found = or_(found, any_live)
    retention = cfg.interp.nonce_retention
    reaccepts = cfg.has(Fault.MN_REACCEPTS_ANSWERED_NONCE)
    send_checks: list[tuple[str, Term]] = [("send_signature_valid", eq(signer, src))]
    if cfg.interp.certificate_requirement is CertificateRequirement.RFC:
        send_checks.append(("router_certified", certified(cfg, signer)))
    if unauth:
        send_checks.append(("reply_signed", whole))
    send_valid = and_(*(c for _, c in send_checks))
    send_checks = [(n, c) for n, c in send_checks if not (
        (n == "router_certified" and cfg.has(Fault.MN_ACCEPTS_UNCERTIFIED_ROUTER))
        or (n == "reply_signed" and cfg.has(Fault.MN_PROCESSES_OPTIONS_AFTER_SIGNATURE)))]
    nonce_check = ("nonce_matches_outstanding", found)
    decrypt_check = ("decrypts_with_own_hkepk", eq(enc, m))
    if cfg.has(Fault.MN_DECRYPTS_BEFORE_VERIFYING):
        before_decrypt = [nonce_check]
        checks = [nonce_check, decrypt_check, *send_checks]
    else:
        before_decrypt = [*send_checks, nonce_check]
        checks = [*send_checks, nonce_check, decrypt_check]
    decrypted = and_(*(c for _, c in before_decrypt))  # the HKEPK private key is used
    answered = sel(sel2(s.sl_ans, m, j), src)
    if retention is NonceRetention.ONE_PER_ROUTER and not reaccepts:
        checks.append(("first_answer_from_router", not_(answered)))
    if cfg.has(Refinement.MN_AT_NOT_WEAKER) and not cfg.has(Fault.MN_ACCEPTS_WEAKER_ALGORITHM):
        checks.append(("at_not_weaker", at >= sel2(s.sl_at, m, j)))

    if cfg.interp.key_index_address is KeyIndexAddress.CONFIGURED_PAR_ADDRESS:
        rho = sel2(s.sl_dst, m, j)
    else:
        rho = src
    anchor = s.now if cfg.mn_lifetime_anchor is LifetimeAnchor.RECEIPT else sel2(s.sl_time, m, j)
    ans_row = upd(sel2(s.sl_ans, m, j), src, True)
    sl_nonce = s.sl_nonce
    if retention is NonceRetention.SINGLE_ANSWER and not reaccepts:
        sl_nonce = upd2(sl_nonce, m, j, 0)
    base = s
    if cfg.has(Refinement.DECRYPTION_ORACLE):
        leak = and_(decrypted, not_(send_valid))
        base = s.replace(mn_oracle=upd(s.mn_oracle, m, or_(sel(s.mn_oracle, m), leak)))
    after = base.replace(
        mk_iss=upd2(s.mk_iss, m, rho, iss),
        mk_own=upd2(s.mk_own, m, rho, own),
        mk_gen=upd2(s.mk_gen, m, rho, gen),
        mk_at=upd2(s.mk_at, m, rho, at),
        mk_exp=upd2(s.mk_exp, m, rho, anchor + life),
        sl_ans=upd2(s.sl_ans, m, j, ans_row),
        sl_nonce=sl_nonce,
        g_prr_acc=add(s.g_prr_acc, msg),
    )
    return Outcome(enabled, tuple(checks), after,
                   after_reject=None if base is s else base)


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
    spi, src = e.spi, e.src
    unauth = cfg.has(Refinement.UNAUTHENTICATED_PARTS)
    msg = (r, hoa, ncoa, seq, iss, own, gen, at)
    fields_ok = and_(in_range(hoa, 0, cfg.n_cga), in_range(ncoa, 1, cfg.n_ncoa + 1),
                     seq >= 0, seq <= s.fresh, in_range(at, AT_MIN, AT_MAX + 1),
                     in_range(src, 0, cfg.n_cga))
    attacker_built = and_(known_key(cfg, s, iss, own, gen), fields_ok, eq(spi, 0))
    delivered = [and_(member(s.h_fbu, msg), eq(src, hoa), eq(spi, 0)), attacker_built]
    if unauth:  # a BADF under another security association: no handover key involved
        delivered.append(and_(fields_ok, eq(spi, 1), eq(iss, 0), eq(own, 0), eq(gen, 0)))
    enabled = and_(in_range(r, 0, cfg.n_ar), in_range(hoa, 0, cfg.n_cga), or_(*delivered))

    k = src if cfg.has(Fault.PAR_LOOKS_UP_KEY_BY_SOURCE) else hoa
    key_found = record_valid(s, r, k)
    mac_ok = and_(eq(iss, r), eq(own, k), eq(gen, sel2(s.ar_gen, r, k)),
                  eq(at, sel2(s.ar_at, r, k)))
    if cfg.has(Fault.PAR_FORWARDS_WITHOUT_KEY):
        mac_ok = or_(not_(key_found), mac_ok)
        key_found = True
    checks: list[tuple[str, Term]] = []
    if unauth:
        if cfg.has(Fault.PAR_ACCEPTS_FBU_WITHOUT_HANDOVER_KEY_BADF):
            mac_ok = or_(spi != 0, mac_ok)
        else:
            checks.append(("spi_is_handover_key", eq(spi, 0)))
    checks += [("key_record_found", key_found), ("authenticator_valid", mac_ok)]
    if cfg.par_checks_fbu_sequence and not cfg.has(Fault.PAR_IGNORES_SEQUENCE_NUMBER):
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

