"""MN behaviour that surviving mutants of ``rfc5269.nodes.mn`` showed untested.

RFC 5269 §3.3, RFC 5568 §6.1.1, RFC 3971 §5.3.4.1. Each test names the
mutants it kills (reference/data/mutation_results.json).
"""

from __future__ import annotations

import dataclasses
from ipaddress import IPv6Address, IPv6Network
from typing import Any

import pytest
from rfc5269.errors import DecodeError
from rfc5269.handover.algorithms import algorithm_for_at
from rfc5269.handover.authenticator import compute_authenticator
from rfc5269.interpretations import DEFAULT, KeyIndexAddress, NonceRetention
from rfc5269.nodes import mn as mn_module
from rfc5269.nodes.config import make_identity
from rfc5269.nodes.events import (
    KeyDiscarded,
    PacketReceived,
    Rejected,
    RequestHandoverKey,
    StartHandover,
    TimerRequest,
)
from rfc5269.nodes.packets import ALL_ROUTERS, mobility_packet, open_packet
from rfc5269.scenario import NEW_AP, seeded_rng
from rfc5269.send.testpki import pool_key
from rfc5269.wire.mobility import (
    BindingAuthorizationDataFmip,
    FastBindingAck,
    mh_data_for_authenticator,
)
from rfc5269.wire.ndopt import HandoverKeyRequest, NonceOption

from tests.nodes.helpers import (
    NCOA,
    OPT,
    OTHER_KEY,
    deliver,
    encrypted_reply,
    exchange,
    installed,
    keyed,
    last_event,
    mn_request,
    prrtadv_packet,
)


def _answer_to_last_retransmission() -> tuple[Any, Any, float]:
    """A keyed MN asks again; every PrRtAdv is held back.

    Returns (exchange, the PrRtAdv answering the last copy, time of that copy).
    How many copies go out depends on the back-off and on MAX_RTSOLPR_RATE;
    at least one retransmission does.
    """
    ex = keyed()
    t1 = ex.link.now
    held: list[Any] = []

    def hold(delivery: Any) -> list[bytes] | None:
        if "PrRtAdv" in delivery.description:
            held.append(delivery)
            return []
        return None

    ex.link.adversary = hold
    ex.link.give("MN", RequestHandoverKey(ex.ar.address, NEW_AP))
    ex.link.advance(5)
    copies = [d.time for d in ex.link.wire
              if d.time >= t1 and "RtSolPr retransmission" in d.description]
    assert copies and held[-1].time == copies[-1]
    return ex, held[-1], copies[-1]


def test_retransmission_renews_the_nonce_lifetime() -> None:
    """The nonce lives 10 s from the latest retransmission, not from the first RtSolPr.

    RFC3971-5.3.4.1-M1 (a solicited advertisement answers a recent
    solicitation) and RFC 5568 §6.1.1 (a retransmission is the same
    solicitation). The answer to the last copy, sent at ``last``, is accepted
    at ``last + 9.99`` s (more than 10 s after the first RtSolPr) and refused
    at ``last + 10.01`` s. Kills the removed ``self.send.remember_nonce(...)``
    in ``act_retransmit``.
    """
    ex, held, last = _answer_to_last_retransmission()
    first = min(d.time for d in ex.link.wire if "RtSolPr with" in d.description
                and d.time >= last - 5)
    assert last + 9.99 > first + 10  # only the renewed nonce is still alive then
    out = deliver(ex.mn, held.packet, last + 9.99)
    event = last_event(ex.log, "MN")
    assert event.transition == "accept a handover key" and event.verdict == "accepted"
    assert len(installed(out)) == 1

    ex, held, last = _answer_to_last_retransmission()
    out = deliver(ex.mn, held.packet, last + 10.01)
    event = last_event(ex.log, "MN")
    assert event.verdict == "rejected" and event.reason == "nonce-unknown"
    assert installed(out) == []


def test_rtsolpr_trace_names_nonce_and_requested_algorithm() -> None:
    """The MN's trace of an RtSolPr carries its nonce and requested AT, and state snapshots.

    The model's conformance checker matches later PrRtAdvs against these
    facts (RFC5269-3.3-M4: the reply must answer the MN's own nonce;
    RFC5269-3.3-S2: the AT asked for). Kills the removed
    ``self._ctx.facts.update(nonce=..., requested_at=...)`` in
    ``act_send_rtsolpr`` and ``return {...}`` -> ``return None`` in
    ``_snapshot``.
    """
    ex = exchange()
    ex.link.give("MN", RequestHandoverKey(ex.ar.address, NEW_AP))
    event = last_event(ex.log, "MN", "request a handover key")
    rtsolpr = next(d for d in ex.link.wire if "RtSolPr" in d.description)
    message = open_packet(rtsolpr.packet, OPT).message
    (nonce,) = [o.nonce for o in message.options if isinstance(o, NonceOption)]
    assert event.facts["nonce"] == nonce.hex()
    assert event.facts["requested_at"] == ex.mn.config.preferred_at
    assert event.state_before["state"] == "NO_KEY" and event.state_before["keys_held"] == 0
    assert nonce.hex() in event.state_after["outstanding_nonces"]
    accepted = last_event(ex.log, "MN", "accept a handover key")
    record = ex.mn.key_for(ex.ar.address, ex.link.now)
    assert record is not None
    assert accepted.state_after["state"] == "KEYED" and accepted.state_after["keys_held"] == 1
    assert accepted.state_after["at"] == record.at


def _hold_cpas(ex: Any) -> None:
    ex.link.adversary = lambda d: [] if "CPA" in d.description else None


def test_state_is_soliciting_while_the_rtsolpr_is_unanswered() -> None:
    """Between RtSolPr and an accepted PrRtAdv the MN is SOLICITING towards that AR.

    RFC5269-3.3-M4 (only an answer to an outstanding RtSolPr is accepted).
    Kills ``return SOLICITING`` -> ``return None`` in ``state_of``.
    """
    ex = exchange()
    ex.link.adversary = lambda d: [] if "PrRtAdv" in d.description else None
    ex.link.give("MN", RequestHandoverKey(ex.ar.address, NEW_AP))
    assert ex.mn.state_of(ex.ar.address, ex.link.now) == "SOLICITING"
    event = last_event(ex.log, "MN", "request a handover key")
    assert event.state_after["state"] == "SOLICITING"


def test_prrtadv_trace_carries_packet_facts() -> None:
    """The MN's trace of a PrRtAdv names its source, destination and kind.

    RFC5269-3.3-M1 (the MN judges the PrRtAdv it received; the model's
    conformance checker reads these facts). Kills the removed
    ``facts.update(packet_facts(...))`` in ``MobileNode._run``.
    """
    ex = keyed()
    event = last_event(ex.log, "MN", "accept a handover key")
    assert event.facts["src"] == str(ex.ar.address)
    assert event.facts["dst"] == str(ex.mn.address)
    assert event.facts["message"] == "PrRtAdv"


def test_no_retransmission_while_the_answer_waits_for_the_path() -> None:
    """An RtSolPr whose answer is held for the router's certification path is not resent.

    RFC5568-6.1.1-S2 (retransmit only while unanswered): the answer has
    come, it waits for the CPAs (RFC 5269 §3.3, RFC 3971 §6.4.6). Kills the
    negated ``if self._ctx.facts.get("nonce")``, the removed
    ``self.awaiting_path.add(...)`` and ``facts["parked"] = True`` -> ``False``
    in ``act_fetch_path_or_drop``.
    """
    ex = exchange()
    _hold_cpas(ex)
    ex.link.give("MN", RequestHandoverKey(ex.ar.address, NEW_AP))
    ex.link.advance(1.0)
    assert [d for d in ex.link.wire if "RtSolPr retransmission" in d.description] == []
    assert len(ex.mn.awaiting_path) == 1 and ex.mn.parked
    held = [e for e in ex.log if e.node == ex.mn.name and e.input_kind == "PrRtAdv"]
    assert len(held) == 1 and held[0].reason == "not-certified" and held[0].facts["parked"] is True


def test_path_retrieval_leaves_no_state_behind() -> None:
    """Once the path completes or the retrieval is abandoned, no held nonce remains.

    Issue-6 invariant "state stays within its bounds"; RFC3971-6.4.6-M6
    (retrieval abandoned after CPS_RETRY_MAX). Kills the removed
    ``self.awaiting_path.clear()`` in ``act_abandon_path`` and in
    ``_process_parked``.
    """
    ex = exchange()
    ex.link.give("MN", RequestHandoverKey(ex.ar.address, NEW_AP))
    assert ex.mn.key_for(ex.ar.address, ex.link.now) is not None  # path fetched, key taken
    assert ex.mn.awaiting_path == set() and ex.mn.parked == {}

    ex = exchange()
    _hold_cpas(ex)
    ex.link.give("MN", RequestHandoverKey(ex.ar.address, NEW_AP))
    assert ex.mn.awaiting_path
    ex.link.advance(30)
    assert ex.mn.awaiting_path == set() and ex.mn.parked == {}


def test_fback_to_the_ncoa_reaches_the_mn() -> None:
    """After an FBU sent from the new link the MN owns its NCoA and takes the FBack there.

    RFC 5568 §6.2.3 (the FBack goes to the FBU's
    source), RFC5269-3.5-M2 (the FBack is authenticated). Kills the removed
    ``self.extra_addresses.add(handover.ncoa)`` in ``act_send_fbu``.
    """
    ex = keyed()
    ex.link.give("MN", StartHandover(ex.ar.address, NCOA, from_par_link=False))
    assert NCOA in ex.mn.addresses()
    event = last_event(ex.log, "MN", "FBack acknowledges the FBU")
    assert event.verdict == "accepted"
    assert ex.mn.state_of(ex.ar.address, ex.link.now) == "KEYED"


def _hkepk_of_last_rtsolpr(ex: Any) -> bytes:
    d = [d for d in ex.link.wire if "RtSolPr" in d.description][-1]
    message = open_packet(d.packet, OPT).message
    (request,) = [o for o in message.options if isinstance(o, HandoverKeyRequest)]
    return bytes(request.public_key)


def test_hkepk_is_replaced_after_hkepk_handovers() -> None:
    """The HKE key pair is retired after HKEPK-HANDOVERS handovers (RFC 5269 §3.1).

    RFC5269-3.1-S1 (retire the pair after HKEPK-HANDOVERS handovers); here it is 1:
    after one FBU the next Handover Key Request carries a new public key.
    Kills the removed ``self.hkepk.note_handover()`` in ``act_send_fbu``.
    """
    ex = keyed()
    first = _hkepk_of_last_rtsolpr(ex)
    ex.mn.hkepk.max_handovers = 1
    ex.link.give("MN", StartHandover(ex.ar.address, NCOA, from_par_link=True))
    ex.link.advance(1.0)
    ex.link.give("MN", RequestHandoverKey(ex.ar.address, NEW_AP))
    assert _hkepk_of_last_rtsolpr(ex) != first


def test_fbu_trace_names_sequence_ncoa_and_key() -> None:
    """The MN's trace of an FBU carries its Sequence Number, NCoA and key id.

    RFC5269-3.4-M3 (the FBU is authenticated with the handover key; the
    model matches FBU and FBack by these facts). Kills the removed
    ``self._ctx.facts.update(sequence=..., ncoa=..., key_id=...)``.
    """
    ex = keyed()
    out = ex.mn.handle(StartHandover(ex.ar.address, NCOA, from_par_link=True), ex.link.now)
    (fbu,) = [open_packet(o.packet, OPT).message for o in out if hasattr(o, "packet")]
    event = last_event(ex.log, "MN", "send an authenticated FBU")
    assert event.facts["sequence"] == fbu.sequence
    assert event.facts["ncoa"] == str(NCOA)
    record = ex.mn.key_for(ex.ar.address, ex.link.now)
    assert record is not None and event.facts["key_id"] and record.key.hex() not in repr(
        event.facts)


def _fback_for(ex: Any, *, spi: int) -> bytes:
    """An FBack answering the MN's pending FBU, with a correct MAC, under BADF SPI ``spi``."""
    pending = ex.mn.pending_fbu[ex.ar.address]
    record = ex.mn.key_for(ex.ar.address, ex.link.now)
    algorithm = algorithm_for_at(record.at)
    assert algorithm is not None
    placeholder = FastBindingAck(0, pending.sequence, 10, (
        BindingAuthorizationDataFmip(spi, bytes(algorithm.mac_length)),))
    mh_data = mh_data_for_authenticator(placeholder, OPT)
    tag = compute_authenticator(record.key, algorithm, pending.coa, ex.ar.address, mh_data)
    fback = FastBindingAck(0, pending.sequence, 10, (BindingAuthorizationDataFmip(spi, tag),))
    return mobility_packet(fback, ex.ar.address, ex.mn.address, None, OPT)


def test_fback_with_a_nonzero_spi_is_refused_even_with_the_right_mac() -> None:
    """Only SPI 0 names the RFC 5269 handover key; another SPI is not this key's BADF.

    RFC5568-6.2.2-M10 / RFC 5568 §6.4.5 (SPI 0 for the SEND-distributed
    key), RFC5269-3.5-M2. The positive twin with SPI 0 is accepted. Kills
    ``return CheckResult.fail("badf-missing")`` -> ``return None`` and the
    ``or`` -> ``and`` swap in ``check_fback_authentic``.
    """
    for spi, verdict in ((1, "rejected"), (0, "accepted")):
        ex = keyed()
        ex.link.adversary = lambda d: [] if "FBack" in d.description else None
        ex.link.give("MN", StartHandover(ex.ar.address, NCOA, from_par_link=True))
        assert ex.mn.state_of(ex.ar.address, ex.link.now) == "HANDOVER"
        deliver(ex.mn, _fback_for(ex, spi=spi), ex.link.now)
        event = last_event(ex.log, "MN", "FBack acknowledges the FBU")
        assert event.verdict == verdict, spi
        if spi:
            assert event.reason == "badf-missing"
            assert ex.mn.state_of(ex.ar.address, ex.link.now) == "HANDOVER"


def test_single_outstanding_rtsolpr_reading_forgets_the_older_one() -> None:
    """CL-12 reading "one outstanding RtSolPr": a new request replaces the previous one.

    RFC 5269 §3.3, RFC 5568 §6.1.1 (clarification CL-12). The default keeps
    both. Kills the removed ``self.solicitations.clear()``.
    """
    held = lambda d: [] if "PrRtAdv" in d.description else None  # noqa: E731
    for multiple, expected in ((False, 1), (True, 2)):
        ex = exchange(interpretations=DEFAULT.replace(multiple_outstanding_rtsolpr=multiple))
        ex.link.adversary = held
        ex.link.give("MN", RequestHandoverKey(ex.ar.address, NEW_AP))
        ex.link.give("MN", RequestHandoverKey(ex.ar.address, NEW_AP))
        assert len(ex.mn.solicitations) == expected


def test_never_bid_down_after_a_stronger_request() -> None:
    """After asking for a stronger AT, a later request never asks for a weaker one.

    RFC5269-3.3-S2. The MN asked for AT 1 (HMAC-SHA256); its preference is
    then lowered to AT 0; the next Handover Key Request still asks for AT 1.
    Kills ``self.strongest_requested is not None`` -> ``is None``.
    """
    ex = exchange(mn_preferred_at=1)
    ex.link.give("MN", RequestHandoverKey(ex.ar.address, NEW_AP))
    assert _request_of_last_rtsolpr(ex).algorithm_type == 1
    ex.mn.config = dataclasses.replace(ex.mn.config, preferred_at=0)
    ex.link.give("MN", RequestHandoverKey(ex.ar.address, NEW_AP))
    assert _request_of_last_rtsolpr(ex).algorithm_type == 1


def _request_of_last_rtsolpr(ex: Any) -> HandoverKeyRequest:
    d = [d for d in ex.link.wire if "RtSolPr" in d.description][-1]
    message = open_packet(d.packet, OPT).message
    (request,) = [o for o in message.options if isinstance(o, HandoverKeyRequest)]
    return request


def test_identifiers_come_from_the_random_source() -> None:
    """RtSolPr and CPS Identifiers are drawn at random, never 0 (RFC 3971 §6.4.1, RFC 5568 §6.1.1).

    RFC3971-6.4.1-M1, RFC3971-6.4.1-S1. Kills ``int.from_bytes(rng(2)) or 1``
    -> ``and 1`` for the RtSolPr and for the CPS.
    """
    ex = exchange()
    _hold_cpas(ex)
    ex.link.give("MN", RequestHandoverKey(ex.ar.address, NEW_AP))
    ex.link.advance(30)
    ex.link.give("MN", RequestHandoverKey(ex.ar.address, NEW_AP))
    rtsolprs = [open_packet(d.packet, OPT).message.identifier for d in ex.link.wire
                if d.description.startswith("RtSolPr with")]
    cpss = [open_packet(d.packet, OPT).message.identifier for d in ex.link.wire
            if d.description.startswith("CPS")]
    assert len(rtsolprs) == 2 and len(set(rtsolprs)) == 2 and 0 not in rtsolprs
    assert len(cpss) >= 3 and len(set(cpss)) == len(cpss) and 0 not in cpss


def test_single_answer_reading_closes_the_solicitation() -> None:
    """Under the CL-09 single-answer reading an answered RtSolPr is no longer outstanding.

    RFC 5269 §3.3, RFC3971-5.3.4.1-M1. Kills the removed
    ``self.solicitations.pop(s.nonce, None)`` in ``act_store_key``.
    """
    interp = DEFAULT.replace(nonce_retention=NonceRetention.SINGLE_ANSWER)
    ex = keyed(interpretations=interp)
    assert ex.mn.solicitations == {}
    ex = keyed()
    assert len(ex.mn.solicitations) == 1  # the default keeps it (other routers may answer)


@pytest.mark.parametrize("reading", list(KeyIndexAddress))
def test_key_is_named_by_the_cl05_address(reading: KeyIndexAddress) -> None:
    """CL-05: the key is named by the PrRtAdv's source, or by the address the RtSolPr went to.

    RFC 5269 §3.3-§3.4 (clarification CL-05). The AR is asked at its global
    address and answers from its link-local CGA; a request to all-routers is
    named by the answer's source under both readings. Kills ``return
    s.router`` -> ``return None``, the ``and``/``or`` swap, ``is`` -> ``is not``
    and the removed ``not`` in ``_key_name``.
    """
    ex = exchange(interpretations=DEFAULT.replace(key_index_address=reading))
    global_address = IPv6Address("2001:db8:1::1")
    ex.ar.config = dataclasses.replace(ex.ar.config, global_address=global_address)
    ex.link.give("MN", RequestHandoverKey(global_address, NEW_AP))
    named = global_address if reading is KeyIndexAddress.CONFIGURED_PAR_ADDRESS \
        else ex.ar.address
    other = ex.ar.address if named == global_address else global_address
    assert ex.mn.key_for(named, ex.link.now) is not None
    assert ex.mn.key_for(other, ex.link.now) is None

    ex = exchange(interpretations=DEFAULT.replace(key_index_address=reading))
    ex.link.give("MN", RequestHandoverKey(ALL_ROUTERS, NEW_AP))
    assert ex.mn.key_for(ex.ar.address, ex.link.now) is not None
    assert ex.mn.key_for(ALL_ROUTERS, ex.link.now) is None


def test_malformed_packet_is_reported_with_its_rule() -> None:
    """The MN reports a packet its codec refuses, naming the rule's RFC reference.

    RFC5269-4.2-M1 (discard malformed). Kills the removed
    ``self._out.append(Rejected("packet", "malformed", ...))`` and the
    trace's failed ``decodes`` check recorded as passed.
    """
    ex = keyed()
    bad = _fback_bytes_truncated(ex)
    with pytest.raises(DecodeError) as caught:
        open_packet(bad, OPT)
    out = ex.mn.handle(PacketReceived(bad), ex.link.now)
    assert [(r.reason, r.requirement) for r in out if isinstance(r, Rejected)] == [
        ("malformed", caught.value.ref or caught.value.field)]
    event = last_event(ex.log, "MN")
    assert event.verdict == "rejected" and [c.passed for c in event.checks] == [False]


def _fback_bytes_truncated(ex: Any) -> bytes:
    rtsolpr = next(d for d in ex.link.wire if "PrRtAdv" in d.description)
    return rtsolpr.packet[:-5]


def test_fback_without_a_pending_fbu_is_ignored_and_traced() -> None:
    """An FBack when no FBU is outstanding has no row: it is recorded as ignored.

    RFC 3775 §11.7.3 (an acknowledgement must answer an outstanding update).
    Kills the removed ``self.log.record(ignored_event(...))`` in ``_run``.
    """
    ex = keyed()
    ex.link.give("MN", StartHandover(ex.ar.address, NCOA, from_par_link=True))
    fback = next(d for d in ex.link.wire if "FBack" in d.description)
    assert ex.mn.state_of(ex.ar.address, ex.link.now) == "KEYED"
    before = len(ex.log)
    out = deliver(ex.mn, fback.packet, ex.link.now)
    assert out == [] and len(ex.log) == before + 1
    event = last_event(ex.log, "MN")
    assert event.verdict == "ignored" and event.input_kind == "FBack"


def test_rtsolpr_backoff_doubles_each_time() -> None:
    """Retransmission timeouts double: 0.1, 0.2, 0.4, 0.8 s (RFC 5568 §6.1.1).

    RFC5568-6.1.1-S2. With four retries the fourth copy goes out at 1.5 s.
    Kills ``2 ** s.retransmissions`` -> ``2 * s.retransmissions``.
    """
    ex = exchange()
    ex.mn.config = dataclasses.replace(ex.mn.config, rtsolpr_retries=4)
    ex.link.adversary = lambda d: [] if "PrRtAdv" in d.description else None
    t0 = ex.link.now
    ex.link.give("MN", RequestHandoverKey(ex.ar.address, NEW_AP))
    ex.link.advance(5)
    times = [round(d.time - t0, 3) for d in ex.link.wire if "RtSolPr" in d.description]
    assert times == [0, 0.1, 0.3, 0.7, 1.5]


def test_answer_to_a_superseded_rtsolpr_is_refused() -> None:
    """Under the single-outstanding reading an answer to the replaced RtSolPr is unknown.

    CL-12 reading (RFC 5269 §3.3, RFC 5568 §6.1.1), RFC3971-5.3.4.1-M2.
    The answer to the first RtSolPr is held back and delivered after the
    second was sent. Kills the removed ``self._nonces.pop`` in
    ``NonceStore.forget`` as the MN uses it.
    """
    ex = keyed(interpretations=DEFAULT.replace(multiple_outstanding_rtsolpr=False))
    held: list[Any] = []
    ex.link.adversary = lambda d: (held.append(d) or []) if "PrRtAdv" in d.description \
        else None
    ex.link.give("MN", RequestHandoverKey(ex.ar.address, NEW_AP))
    first = held[-1]
    ex.link.give("MN", RequestHandoverKey(ex.ar.address, NEW_AP))
    out = deliver(ex.mn, first.packet, ex.link.now)
    event = last_event(ex.log, "MN")
    assert event.verdict == "rejected" and event.reason == "nonce-unknown"
    assert installed(out) == []
    out = deliver(ex.mn, held[-1].packet, ex.link.now)  # the current one still works
    assert len(installed(out)) == 1


def test_mn_key_is_not_used_at_its_expiry_instant() -> None:
    """At ``expires`` the MN's key is gone: HK-LIFETIME has run out (RFC 5269 §3.6).

    RFC5269-3.6-M4 (the key is discarded when its lifetime ends) as the MN
    applies it; no FBU can be sent with it then. Kills ``record.expires >
    now`` -> ``>=`` in ``key_for``.
    """
    ex = keyed()
    record = ex.mn.keys[(ex.ar.address, ex.mn.address)]
    assert ex.mn.key_for(ex.ar.address, record.expires - 0.5) is record
    assert ex.mn.key_for(ex.ar.address, record.expires) is None
    out = ex.mn.handle(StartHandover(ex.ar.address, NCOA), record.expires)
    assert [o for o in out if hasattr(o, "packet")] == []


def test_prrtadv_without_nonce_is_refused_and_names_its_requirement() -> None:
    """A PrRtAdv carrying a key must answer the MN's nonce; without one it is refused.

    RFC5269-3.3-M4 / RFC3971-5.3.4.1-M1 (a solicited advertisement carries
    the solicitation's nonce): the MN verifies with ``require_nonce``. The
    positive twin (same PrRtAdv with the nonce) is accepted; the Rejected
    output names the failed check's first requirement. Kills
    ``require_nonce=True`` -> ``False`` in ``check_send_valid`` and the
    negated ``reqs[0] if reqs else ""`` in ``_reject``.
    """
    for with_nonce in (False, True):
        ex = keyed()
        request = mn_request(ex)
        reply = encrypted_reply(bytes(range(20)), request.hkepk, at=0)
        packet = prrtadv_packet(ex.ar.config.identity, ex.mn.address, ex.link.now,
                                nonce=request.nonce if with_nonce else None,
                                identifier=request.identifier, reply=reply)
        out = deliver(ex.mn, packet, ex.link.now)
        event = last_event(ex.log, "MN", "accept a handover key")
        if with_nonce:
            assert event.verdict == "accepted" and len(installed(out)) == 1
        else:
            assert event.verdict == "rejected" and event.reason == "nonce-missing"
            assert installed(out) == []
            (rejected,) = [o for o in out if isinstance(o, Rejected)]
            assert rejected.requirement == mn_module.CHECKS["send_valid"].requirements[0]


def test_held_prrtadvs_are_reprocessed_only_when_a_path_completes() -> None:
    """A CPA that completes no path does not release held PrRtAdvs (RFC 3971 §6.4.6).

    RFC3971-6.4.6-M5, RFC3971-6.4.6-M1; RFC 5269 §3.3. After a normal
    exchange (whose path completion resumed held messages once), a rogue
    router's uncertified PrRtAdv is held; replaying the AR's first CPA
    (an incomplete path) sends nothing, the second (completing) CPA makes the
    MN look at the held PrRtAdv again. Kills ``self._resume = False`` ->
    ``True`` in ``_on_packet``.
    """
    ex = exchange()
    ex.link.give("MN", RequestHandoverKey(ex.ar.address, NEW_AP))
    cpas = [d for d in ex.link.wire if "CPA" in d.description]
    assert [d.description for d in cpas] == ["CPA component 1", "CPA component 0"]
    rogue = make_identity(pool_key(OTHER_KEY), IPv6Network("fe80::/64"), seeded_rng(5, "rogue"))
    request = mn_request(ex)
    packet = prrtadv_packet(rogue, ex.mn.address, ex.link.now, nonce=request.nonce,
                            identifier=request.identifier,
                            reply=encrypted_reply(bytes(20), request.hkepk))
    deliver(ex.mn, packet, ex.link.now)
    assert rogue.address in ex.mn.parked
    out = deliver(ex.mn, cpas[0].packet, ex.link.now)
    assert [o for o in out if hasattr(o, "packet")] == []
    out = deliver(ex.mn, cpas[1].packet, ex.link.now)
    assert [o.description for o in out if hasattr(o, "packet")] == [
        "CPS for the router's certification path"]  # the held PrRtAdv was looked at again


def test_prrtadv_rejected_after_send_does_not_spend_the_nonce() -> None:
    """A PrRtAdv that passes SEND but fails a later check leaves the nonce unanswered.

    RFC3971-5.3.4.1-M1 and RFC 5269 §3.3 (the nonce is spent only by an
    accepted answer; finding F-conf-1). The first answer carries a key
    encrypted to another key pair (key_decrypts fails); the router's correct
    answer to the same nonce is then still accepted. Kills
    ``defer_commit=True`` -> ``False`` in ``check_send_valid``.
    """
    ex = keyed()
    request = mn_request(ex)
    wrong = encrypted_reply(bytes(range(20)), pool_key(OTHER_KEY).public_key(), at=0)
    bad = prrtadv_packet(ex.ar.config.identity, ex.mn.address, ex.link.now,
                         nonce=request.nonce, identifier=request.identifier, reply=wrong)
    out = deliver(ex.mn, bad, ex.link.now)
    event = last_event(ex.log, "MN", "accept a handover key")
    assert event.verdict == "rejected" and event.failed_check() is not None
    assert event.failed_check().name == "key_decrypts" and installed(out) == []
    good = prrtadv_packet(ex.ar.config.identity, ex.mn.address, ex.link.now,
                          nonce=request.nonce, identifier=request.identifier,
                          reply=encrypted_reply(bytes(range(20)), request.hkepk, at=0))
    out = deliver(ex.mn, good, ex.link.now)
    event = last_event(ex.log, "MN", "accept a handover key")
    assert event.verdict == "accepted" and len(installed(out)) == 1


def test_accepted_prrtadv_trace_names_the_nonce_it_answers() -> None:
    """The MN's trace of an accepted PrRtAdv carries the nonce of the RtSolPr it answers.

    RFC5269-3.3-M4 / RFC3971-5.3.4.1-M1: the answer is matched to the
    solicitation by its nonce; the conformance checker pairs the two events
    by this fact. Kills ``secured.nonce or b""`` -> ``and`` in
    ``MobileNode.check_send_valid``.
    """
    ex = keyed()
    rtsolpr = next(d for d in ex.link.wire if "RtSolPr" in d.description)
    message = open_packet(rtsolpr.packet, OPT).message
    (nonce,) = [o.nonce for o in message.options if isinstance(o, NonceOption)]
    event = last_event(ex.log, "MN", "accept a handover key")
    assert event.verdict == "accepted"
    assert event.facts["nonce"] == nonce.hex()


def test_key_named_by_the_configured_par_address_is_refreshed_and_discarded() -> None:
    """Under CL-05 "configured PAR address" the key's timers name that address.

    RFC 5269 §3.3 (refresh before HK-LIFETIME ends) and §3.6 (an expired key
    is discarded): the AR is asked at its global address and answers from
    its link-local CGA; the key is stored under the global address, so the
    refresh and expiry timers must name it, or they find no key and the
    expired key is never discarded. Kills ``ar == peer`` -> ``ar != peer``
    in ``MobileNode.act_store_key``.
    """
    interp = DEFAULT.replace(key_index_address=KeyIndexAddress.CONFIGURED_PAR_ADDRESS)
    ex = exchange(interpretations=interp, hk_lifetime=600)
    global_address = IPv6Address("2001:db8:1::1")
    ex.ar.config = dataclasses.replace(ex.ar.config, global_address=global_address)
    ex.link.give("MN", RequestHandoverKey(global_address, NEW_AP))
    record = ex.mn.key_for(global_address, ex.link.now)
    assert record is not None and global_address != ex.ar.address
    timers = [o for _t, node, o in ex.link.outputs if node == ex.mn.name
              and isinstance(o, TimerRequest) and o.name in ("key-refresh", "key-expiry")]
    assert {(t.name, t.subject) for t in timers} == {
        ("key-refresh", str(global_address)), ("key-expiry", str(global_address))}
    ex.link.run_until(record.expires + 1)
    gone = [o for _t, node, o in ex.link.outputs if node == ex.mn.name
            and isinstance(o, KeyDiscarded)]
    assert [(d.owner, d.peer) for d in gone] == [(ex.mn.address, global_address)]
    assert (global_address, ex.mn.address) not in ex.mn.keys
