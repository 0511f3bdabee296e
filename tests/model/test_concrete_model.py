"""The executable model: the honest exchange, and every check rejecting on its own."""

from __future__ import annotations

from rfc5269.interpretations import DEFAULT, CertificateRequirement, NonceRetention
from rfc5269.model.concrete import run, step
from rfc5269.model.config import LifetimeAnchor, ModelConfig
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
from rfc5269.model.state import State, initial_state

CFG = ModelConfig()
K = Key(0, 0, 2)  # AR0's key for MN0, generation 2 (nonce 1 took the counter's first value)

HONEST: list[Event] = [
    MnSendsRtSolPr(mn=0, router=0, at=2, nonce=1),
    ArReceivesRtSolPr(ar=0, src=0, signer=0, nonce=1, hkepk=0, at=2),
    MnReceivesPrRtAdv(mn=0, src=0, signer=0, nonce=1, key=K, enc_to=0, at=2, lifetime=6),
    MnSendsFbu(mn=0, par=0, ncoa=1),
    ParReceivesFbu(par=0, hoa=0, ncoa=1, seq=0, key=K, at=2),
]


def after(events: list[Event], cfg: ModelConfig = CFG) -> State:
    results = run(cfg, events)
    assert all(r.verdict == "accepted" for r in results), [(r.verdict, r.reason) for r in results]
    return results[-1].state


def test_honest_exchange_installs_the_same_key_on_both_sides() -> None:
    s = after(HONEST)
    assert (s.ar_gen[0][0], s.ar_at[0][0], s.ar_exp[0][0]) == (2, 2, 6)
    assert (s.mk_iss[0][0], s.mk_own[0][0], s.mk_gen[0][0], s.mk_at[0][0]) == (0, 0, 2, 2)
    assert s.fwd[0][0] == 1 and s.par_seq[0][0] == 0


def test_ar_rejects_rtsolpr_not_signed_by_the_source_cga_and_keeps_records() -> None:
    s = after(HONEST[:3])
    forged = ArReceivesRtSolPr(ar=0, src=0, signer=1, nonce=0, hkepk=1, at=1)  # attacker-signed
    res = step(CFG, s, forged)
    assert (res.verdict, res.reason) == ("rejected", "send_signature_valid")
    assert res.state == s


def test_ar_returns_existing_key_with_remaining_lifetime() -> None:
    s = after([*HONEST[:2], TimePasses(2), MnSendsRtSolPr(0, 0, 2, 3)])
    res = step(CFG, s, ArReceivesRtSolPr(0, 0, 0, 3, 0, 2))
    assert res.accepted
    assert (0, 0, 3, 0, 0, 2, 0, 2, 4) in res.state.h_prr  # same key, 4 units left


def _prrtadv(**changes: object) -> MnReceivesPrRtAdv:
    base = dict(mn=0, src=0, signer=0, nonce=1, key=K, enc_to=0, at=2, lifetime=6)
    base.update(changes)
    return MnReceivesPrRtAdv(**base)  # type: ignore[arg-type]


def test_mn_rejects_each_failed_check_alone() -> None:
    draft = ModelConfig(DEFAULT.replace(certificate_requirement=CertificateRequirement.DRAFT))
    s = after(HONEST[:2])
    # built by the rogue router (index 1), source claims AR0: signature check fails
    assert step(CFG, s, _prrtadv(signer=1, key=Key(1, 0, 1))).reason == "send_signature_valid"
    # rogue router signing as itself: only the certificate check fails
    rogue = _prrtadv(src=1, signer=1, key=Key(1, 0, 1))
    assert step(CFG, s, rogue).reason == "router_certified"
    assert step(draft, after(HONEST[:2], draft), rogue).accepted
    # unknown nonce (draft rule, so the certificate check passes)
    unknown = step(draft, after(HONEST[:2], draft), _prrtadv(src=1, signer=1, key=Key(1, 0, 1),
                                                             nonce=0))
    assert (unknown.verdict, unknown.reason) == ("rejected", "nonce_matches_outstanding")
    s_late = after([*HONEST[:2], TimePasses(2)])
    honest_late = step(CFG, s_late, HONEST[2])
    assert (honest_late.verdict, honest_late.reason) == ("rejected", "nonce_matches_outstanding")


def test_mn_rejects_reply_encrypted_to_another_key_and_second_answer() -> None:
    draft = ModelConfig(DEFAULT.replace(certificate_requirement=CertificateRequirement.DRAFT))
    s = after(HONEST[:2], draft)
    bad_enc = _prrtadv(src=1, signer=1, key=Key(1, 0, 1), enc_to=1)
    assert step(draft, s, bad_enc).reason == "decrypts_with_own_hkepk"
    s2 = after(HONEST[:3])
    again = step(CFG, s2, HONEST[2])
    assert (again.verdict, again.reason) == ("rejected", "first_answer_from_router")
    unlimited = ModelConfig(DEFAULT.replace(nonce_retention=NonceRetention.UNLIMITED))
    assert step(unlimited, after(HONEST[:3], unlimited), HONEST[2]).accepted


def test_par_rejects_each_failed_check_alone() -> None:
    s = after(HONEST[:4])
    no_record = ParReceivesFbu(par=0, hoa=1, ncoa=1, seq=0, key=Key(1, 1, 1), at=2)
    assert step(CFG, s, no_record).reason == "key_record_found"
    s_att = after([*HONEST[:4], ArReceivesRtSolPr(0, 1, 1, 0, 1, 2)])  # attacker's own record
    wrong_key = ParReceivesFbu(par=0, hoa=0, ncoa=1, seq=0, key=Key(0, 1, 3), at=2)
    assert step(CFG, s_att, wrong_key).reason == "authenticator_valid"
    s_done = after(HONEST)
    replay = step(CFG, s_done, HONEST[4])
    assert (replay.verdict, replay.reason) == ("rejected", "sequence_number_newer")
    unchecked = ModelConfig(par_checks_fbu_sequence=False)
    assert step(unchecked, after(HONEST, unchecked), HONEST[4]).accepted


def test_network_cannot_deliver_what_nobody_sent_or_could_build() -> None:
    s = initial_state(CFG)
    # an AR0-signed PrRtAdv that AR0 never sent
    res = step(CFG, s, _prrtadv(nonce=0))
    assert res.verdict == "disabled"
    # an FBU under a key the attacker does not know
    res = step(CFG, after(HONEST[:3]), ParReceivesFbu(0, 0, 1, 5, K, 2))
    assert res.verdict == "disabled"
    assert step(CFG, s, TimePasses(0)).verdict == "disabled"
    assert step(CFG, s, MnSendsRtSolPr(0, 0, 2, 7)).verdict == "disabled"  # nonce not fresh
    assert step(CFG, s, ArKeyExpires(5, 0)).verdict == "disabled"  # outside the domain


def test_forwarding_timeout_discards_key_per_switch() -> None:
    events = [*HONEST, TimePasses(3), ForwardingTimesOut(0, 0)]
    assert after(events).ar_gen[0][0] == 0
    keep = ModelConfig(DEFAULT.replace(par_discards_key_at_forwarding_timeout=False))
    assert after(events, keep).ar_gen[0][0] == 2


def test_lifetime_anchor_switch() -> None:
    delayed = [*HONEST[:2], TimePasses(1), HONEST[2]]
    assert after(delayed).mk_exp[0][0] == 7
    anchored = ModelConfig(mn_lifetime_anchor=LifetimeAnchor.SOLICITATION)
    assert after(delayed, anchored).mk_exp[0][0] == 6
