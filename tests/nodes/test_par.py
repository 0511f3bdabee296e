"""Unit tests of PAR_TRANSITIONS (RFC 5269 §3.5-§3.6, RFC 5568 §6.2.2-§6.4.5, RFC 3775 §9.5.1).

The PAR is the AR that provisioned the key. Every FBU check is negated on its own;
the outcome asserted is the one that matters: no ForwardingChanged, no FBack, and
the binding's state (sequence number, care-of address) left as it was.
"""

from __future__ import annotations

from ipaddress import IPv6Address

import pytest
from rfc5269.handover.algorithms import algorithm_for_at
from rfc5269.handover.authenticator import verify_authenticator
from rfc5269.interpretations import DEFAULT
from rfc5269.nodes import par as par_module
from rfc5269.nodes.events import KeyDiscarded, PacketReceived, SendPacket, TimerFired
from rfc5269.nodes.packets import Received, mobility_packet, open_packet
from rfc5269.nodes.records import sequence_newer
from rfc5269.wire.ipv6 import DestinationOptionsHeader, HomeAddressOption, IPv6Header, IPv6Packet
from rfc5269.wire.mobility import (
    AlternateCareOfAddress,
    BindingAuthorizationDataFmip,
    FastBindingAck,
    FastBindingUpdate,
    UnknownMobilityOption,
    mh_data_for_authenticator,
)

from .helpers import (
    NCOA,
    OPT,
    assert_rejected_by,
    badf,
    fbacks,
    fbu_packet,
    forwarding,
    keyed,
    last_event,
    rejected,
    sent,
)


def _ctx(**kw):
    ex = keyed(**kw)
    now = ex.link.now
    record = ex.mn.key_for(ex.ar.address, now)
    assert record is not None
    return ex, ex.ar, ex.mn.address, record, now


def _fbu(ex, record, **kw):
    kw.setdefault("pcoa", ex.mn.address)
    kw.setdefault("par", ex.ar.address)
    return fbu_packet(record.key, record.at, **kw)


def _binding_state(ar, pcoa):
    b = ar.bindings.get(pcoa)
    return None if b is None else (b.ncoa, b.last_sequence, b.until)


# ====================================================================== KEYED: FBU accepted


def test_authenticated_fbu_starts_forwarding_and_is_acknowledged():
    """A valid FBU changes forwarding to the NCoA and gets an FBack with a BADF.

    RFC5269-3.5-M1 RFC5269-3.5-M2 RFC5568-6.2.2-M10 RFC5568-10-M1 RFC5568-10-M2
    RFC5568-6.2.3-M4 RFC5568-6.4.5-M1 RFC3775-9.5.1-M1 RFC3775-9.5.1-M3
    RFC3775-9.5.1-M21 RFC3775-9.5.1-M22 RFC5568-6.2.2-M8 RFC3775-9.3.1-M5
    RFC3775-9.3.1-M7 RFC5568-6.2.3-M1 RFC5568-6.2.3-M2 RFC3775-6.1.8-M1 RFC3775-6.1.8-M2
    """
    ex, ar, pcoa, record, now = _ctx()
    out = ar.handle(PacketReceived(_fbu(ex, record, sequence=0x7000)), now)
    event = last_event(ar.log, "AR")
    assert event.transition == "authenticated FBU starts forwarding"
    assert event.verdict == "accepted" and [c.name for c in event.checks] == list(
        par_module.PAR_TRANSITIONS[1].checks)
    (change,) = forwarding(out)
    assert change.pcoa == pcoa and change.ncoa == NCOA  # the Alternate CoA, not the source
    assert ar.state_of(pcoa, now) == "FORWARDING"
    assert _binding_state(ar, pcoa)[:2] == (NCOA, 0x7000)
    (fback_rx,) = [r for r in sent(out) if isinstance(r.message, FastBindingAck)]
    fback = fback_rx.message
    assert fback_rx.src == ar.address and fback_rx.dst == pcoa
    assert fback.status == 0 and fback.sequence == 0x7000 and not fback.k
    assert fback_rx.upper_layer[3] == 0 and fback_rx.upper_layer[7] & 0x7F == 0  # Reserved
    b = badf(fback)
    assert b.spi == 0 and isinstance(fback.options[-1], BindingAuthorizationDataFmip)
    algorithm = algorithm_for_at(record.at)
    mh_data = mh_data_for_authenticator(fback_rx.upper_layer, OPT)
    assert verify_authenticator(record.key, algorithm, NCOA, ar.address, mh_data,
                                b.authenticator)


def test_fbu_from_the_new_link_uses_the_source_as_care_of_address():
    """Without an Alternate CoA option the NCoA is the packet source (RFC 3775 §9.5.1).

    The MH checksum of such an FBU is computed with the Home Address (the PCoA) in
    place of the source (the NCoA), and the PAR verifies it that way.
    RFC3775-9.5.1-M21 RFC3775-9.5.1-M22 RFC3775-9.3.1-M7
    """
    ex, ar, pcoa, record, now = _ctx()
    out = ar.handle(PacketReceived(_fbu(ex, record, from_par_link=False)), now)
    (change,) = forwarding(out)
    assert change.pcoa == pcoa and change.ncoa == NCOA


def test_fbu_with_a_flag_gets_exactly_one_fback():
    """The A flag asks for an FBack: exactly one is sent (the codec requires A on FBUs)."""
    ex, ar, _pcoa, record, now = _ctx()
    packet = _fbu(ex, record)
    out = ar.handle(PacketReceived(packet), now)
    assert len(fbacks(out)) == 1


def test_unknown_mobility_options_are_skipped():
    """An FBU carrying a mobility option the PAR does not know is still processed.

    RFC3775-6.1.7-M10 RFC3775-6.2.1-M1 RFC3775-6.2.1-M2
    """
    _ex, ar, pcoa, record, now = _ctx()
    algorithm = algorithm_for_at(record.at)
    options = (UnknownMobilityOption(200, b"\x01\x02"), AlternateCareOfAddress(NCOA))
    placeholder = FastBindingUpdate(5, 10, (*options, BindingAuthorizationDataFmip(
        0, bytes(algorithm.mac_length))))
    from rfc5269.handover.authenticator import compute_authenticator
    tag = compute_authenticator(record.key, algorithm, NCOA, ar.address,
                                mh_data_for_authenticator(placeholder, OPT))
    fbu = FastBindingUpdate(5, 10, (*options, BindingAuthorizationDataFmip(0, tag)))
    out = ar.handle(PacketReceived(mobility_packet(fbu, pcoa, ar.address, pcoa, OPT)), now)
    assert len(forwarding(out)) == 1


def test_fbu_k_flag_and_reserved_are_ignored():
    """The PAR ignores K and the Reserved bits of an FBU (they are covered by the MAC).

    RFC3775-6.1.7-M4 RFC3775-6.1.7-M6
    """
    _ex, ar, pcoa, record, now = _ctx()
    algorithm = algorithm_for_at(record.at)
    options = (AlternateCareOfAddress(NCOA),)
    placeholder = FastBindingUpdate(9, 10, (*options, BindingAuthorizationDataFmip(
        0, bytes(algorithm.mac_length))), k=True)
    mh = bytearray(placeholder.encode(badf_length=OPT))
    mh[9] |= 0x01  # a Reserved bit (the FBU's flags and Reserved are octets 8-9)
    from rfc5269.handover.authenticator import compute_authenticator
    mh_data = bytes(mh[:4]) + b"\x00\x00" + bytes(mh[6:len(mh) - algorithm.mac_length])
    tag = compute_authenticator(record.key, algorithm, NCOA, ar.address, mh_data)
    mh[len(mh) - algorithm.mac_length:] = tag
    from rfc5269.wire.mobility import mh_checksum
    mh[4:6] = b"\x00\x00"
    mh[4:6] = mh_checksum(pcoa, ar.address, bytes(mh)).to_bytes(2, "big")
    hdr = DestinationOptionsHeader((HomeAddressOption(pcoa),), 135).encode()
    payload = hdr + bytes(mh)
    packet = IPv6Header(pcoa, ar.address, hop_limit=64, next_header=60,
                        payload_length=len(payload)).encode() + payload
    out = ar.handle(PacketReceived(packet), now)
    assert last_event(ar.log, "AR").verdict == "accepted"
    assert len(forwarding(out)) == 1


# ====================================================================== NO_KEY: FBU rejected


def test_fbu_without_key_leaves_forwarding_unchanged():
    """No key for the PCoA: no forwarding change, nothing sent (RFC 5269 §3.5).

    RFC5269-3.5-M1 RFC5269-3.5-M3 RFC3775-9.5.1-M18 RFC3775-6.3-M6 RFC3775-6.3-M7
    """
    _ex, ar, pcoa, record, now = _ctx()
    stranger = IPv6Address("2001:db8:a::99")
    packet = fbu_packet(record.key, record.at, pcoa=stranger, par=ar.address)
    out = ar.handle(PacketReceived(packet), now)
    event = last_event(ar.log, "AR")
    assert event.transition == "FBU for a PCoA without a key"
    assert_rejected_by(event, "key_found", "no-handover-key")
    assert forwarding(out) == [] and sent(out) == [] and ar.bindings.get(stranger) is None
    assert ar.state_of(pcoa, now) == "KEYED"  # the real MN's state is untouched


def test_fbu_after_key_expiry_is_rejected():
    """A key past HK-LIFETIME no longer authorises FBUs (RFC 5269 §3.6).

    RFC5269-3.6-M4 RFC5269-3.5-M3
    """
    ex, ar, _pcoa, record, now = _ctx(hk_lifetime=100)
    later = now + 100
    out = ar.handle(PacketReceived(_fbu(ex, record)), later)
    assert_rejected_by(last_event(ar.log, "AR"), "key_found", "no-handover-key")
    assert forwarding(out) == []


# ====================================================================== KEYED: each check negated


def test_keyed_fbu_rejected_spi_not_zero():
    """RFC5568-6.2.2-M10"""
    ex, ar, pcoa, record, now = _ctx()
    out = ar.handle(PacketReceived(_fbu(ex, record, spi=1)), now)
    event = last_event(ar.log, "AR")
    assert event.transition == "authenticated FBU starts forwarding"
    assert_rejected_by(event, "spi_zero", "spi-not-zero")
    assert forwarding(out) == [] and sent(out) == [] and ar.bindings.get(pcoa) is None


@pytest.mark.parametrize("how", ["flipped", "other-key", "truncated", "other-coa", "other-par"])
def test_keyed_fbu_rejected_wrong_authenticator(how):
    """A wrong authenticator changes nothing (constant-time comparison of the whole tag).

    RFC5269-3.5-M2 RFC5568-10-M1 RFC5568-6.2.2-M10
    """
    ex, ar, pcoa, record, now = _ctx()
    if how == "flipped":
        packet = _fbu(ex, record, corrupt=True)
    elif how == "other-key":
        packet = fbu_packet(bytes(20), record.at, pcoa=pcoa, par=ar.address)
    elif how == "truncated":
        good = _fbu(ex, record)
        tag = badf(open_packet(good, OPT).message).authenticator
        packet = _fbu(ex, record, tag=tag[:8])
    elif how == "other-coa":  # MAC computed for another care-of address than the one sent
        mac_for = fbu_packet(record.key, record.at, pcoa=pcoa, par=ar.address,
                             ncoa=IPv6Address("2001:db8:b::7"))
        tag = badf(open_packet(mac_for, OPT).message).authenticator
        packet = _fbu(ex, record, tag=tag)
    else:  # MAC for another PAR address
        mac_for = fbu_packet(record.key, record.at, pcoa=pcoa, par=IPv6Address("fe80::1"))
        tag = badf(open_packet(mac_for, OPT).message).authenticator
        packet = _fbu(ex, record, tag=tag)
    out = ar.handle(PacketReceived(packet), now)
    assert_rejected_by(last_event(ar.log, "AR"), "authenticator_valid", "authenticator-mismatch")
    assert forwarding(out) == [] and sent(out) == [] and ar.bindings.get(pcoa) is None
    assert [r.reason for r in rejected(out)] == ["authenticator-mismatch"]


def test_keyed_fbu_rejected_replayed_sequence_after_forwarding_ended_key_kept():
    """With the key kept past forwarding (CL-11 reading), an old FBU replayed is refused.

    RFC3775-9.5.1-M4 RFC3775-9.5.1-M18
    """
    interp = DEFAULT.replace(par_discards_key_at_forwarding_timeout=False)
    ex, ar, pcoa, record, now = _ctx(interpretations=interp)
    packet = _fbu(ex, record, sequence=40)
    assert len(forwarding(ar.handle(PacketReceived(packet), now))) == 1
    until = ar.bindings.get(pcoa).until
    out = ar.handle(TimerFired("forwarding-timeout", str(pcoa)), until)
    assert [c.ncoa for c in forwarding(out)] == [None]
    assert ar.state_of(pcoa, until) == "KEYED" and pcoa in ar.keys
    before = _binding_state(ar, pcoa)
    out = ar.handle(PacketReceived(packet), until + 1)
    event = last_event(ar.log, "AR")
    assert event.transition == "authenticated FBU starts forwarding"
    assert_rejected_by(event, "sequence_fresh", "sequence-not-newer")
    assert forwarding(out) == [] and _binding_state(ar, pcoa) == before
    _assert_status_135(ex, record, out, 40, NCOA)


# ====================================================================== FORWARDING


def test_forwarding_updated_by_newer_fbu():
    """A newer authenticated FBU moves forwarding; the key stays usable (RFC 5269 §3.6).

    RFC5269-3.5-M2 RFC3775-9.5.1-M4
    """
    ex, ar, pcoa, record, now = _ctx()
    ar.handle(PacketReceived(_fbu(ex, record, sequence=1)), now)
    other = IPv6Address("2001:db8:b::5678")
    out = ar.handle(PacketReceived(_fbu(ex, record, sequence=2, ncoa=other)), now + 1)
    event = last_event(ar.log, "AR")
    assert event.transition == "authenticated FBU updates forwarding"
    assert event.verdict == "accepted"
    assert [c.ncoa for c in forwarding(out)] == [other]
    assert _binding_state(ar, pcoa)[:2] == (other, 2)


@pytest.mark.parametrize("sequence", [5, 4, 5 - 0x7FFF & 0xFFFF])
def test_forwarding_rejects_replayed_or_older_sequence(sequence):
    """A replayed FBU (same or older number, modulo 2**16) changes nothing; status 135 answers.

    RFC3775-9.5.1-M4 RFC3775-9.5.1-M14
    """
    ex, ar, pcoa, record, now = _ctx()
    ar.handle(PacketReceived(_fbu(ex, record, sequence=5)), now)
    before = _binding_state(ar, pcoa)
    out = ar.handle(PacketReceived(_fbu(ex, record, sequence=sequence,
                                        ncoa=IPv6Address("2001:db8:b::66"))), now + 1)
    event = last_event(ar.log, "AR")
    assert event.transition == "authenticated FBU updates forwarding"
    assert_rejected_by(event, "sequence_fresh", "sequence-not-newer")
    assert forwarding(out) == [] and _binding_state(ar, pcoa) == before
    _assert_status_135(ex, record, out, 5, IPv6Address("2001:db8:b::66"))


def _assert_status_135(ex, record, out, last_accepted, coa):
    """RFC 3775 §9.5.1: the answer to a stale number is status 135 with the last accepted one."""
    (rx,) = [r for r in sent(out) if isinstance(r.message, FastBindingAck)]
    fback = rx.message
    assert fback.status == 135 and fback.sequence == last_accepted
    algorithm = algorithm_for_at(record.at)
    mh_data = mh_data_for_authenticator(rx.upper_layer, OPT)
    assert rx.dst == ex.mn.address and fback.lifetime == 0
    assert verify_authenticator(record.key, algorithm, coa, ex.ar.address, mh_data,
                                badf(fback).authenticator)


def test_sequence_wraps_modulo_2_16():
    """0 is newer than 65535; 32768 ahead is not newer (RFC 3775 §9.5.1).

    RFC3775-9.5.1-M4
    """
    assert sequence_newer(0, 0xFFFF) and sequence_newer(0x7FFF, 0)
    assert not sequence_newer(0x8000, 0) and not sequence_newer(7, 7)
    ex, ar, _pcoa, record, now = _ctx()
    ar.handle(PacketReceived(_fbu(ex, record, sequence=0xFFFF)), now)
    out = ar.handle(PacketReceived(_fbu(ex, record, sequence=0)), now + 1)
    assert len(forwarding(out)) == 1


def test_forwarding_rejects_spi_and_authenticator():
    """In FORWARDING too, a wrong SPI or MAC changes nothing."""
    ex, ar, pcoa, record, now = _ctx()
    ar.handle(PacketReceived(_fbu(ex, record, sequence=10)), now)
    before = _binding_state(ar, pcoa)
    ar.handle(PacketReceived(_fbu(ex, record, sequence=11, spi=7)), now)
    assert_rejected_by(last_event(ar.log, "AR"), "spi_zero", "spi-not-zero")
    ar.handle(PacketReceived(_fbu(ex, record, sequence=11, corrupt=True)), now)
    event = last_event(ar.log, "AR")
    assert event.transition == "authenticated FBU updates forwarding"
    assert_rejected_by(event, "authenticator_valid", "authenticator-mismatch")
    assert _binding_state(ar, pcoa) == before


# ====================================================================== forwarding timeout


def test_forwarding_timeout_stops_forwarding_and_discards_key():
    """The key goes when forwarding for the PCoA ends (RFC 5269 §3.6, CL-11 default).

    RFC5269-3.6-M4 RFC3775-6.1.7-M7
    """
    ex, ar, pcoa, record, now = _ctx()
    out = ar.handle(PacketReceived(_fbu(ex, record)), now)
    (change,) = forwarding(out)
    assert ar.handle(TimerFired("forwarding-timeout", str(pcoa)), change.until - 1) == []
    out = ar.handle(TimerFired("forwarding-timeout", str(pcoa)), change.until)
    event = last_event(ar.log, "AR")
    assert event.transition == "forwarding times out" and event.verdict == "accepted"
    assert [c.ncoa for c in forwarding(out)] == [None]
    assert [d.why for d in out if isinstance(d, KeyDiscarded)] == ["FMIPv6 forwarding timed out"]
    assert pcoa not in ar.keys and ar.bindings.get(pcoa) is None
    assert ar.state_of(pcoa, change.until) == "NO_KEY"
    # and the FBU no longer authenticates
    out = ar.handle(PacketReceived(_fbu(ex, record, sequence=500)), change.until + 1)
    assert_rejected_by(last_event(ar.log, "AR"), "key_found", "no-handover-key")


def test_key_expiry_timer_does_not_discard_a_key_in_use_for_forwarding():
    """While forwarding, the HK-LIFETIME timer defers to the forwarding timeout."""
    ex, ar, pcoa, record, now = _ctx(hk_lifetime=5)
    ar.handle(PacketReceived(_fbu(ex, record)), now)
    ar.handle(TimerFired("key-expiry", str(pcoa)), now + 5)
    assert pcoa in ar.keys


# ====================================================================== the unreachable check


def test_badf_present_check_guards_a_bfdless_fbu():
    """badf_present names the failure when an FBU without BADF reaches the PAR row.

    The strict codec already refuses such an FBU (so over the wire it is traced as
    malformed, tested below); this drives the row directly to show the check itself.
    RFC5568-6.4.5-M1 RFC5568-6.2.2-M10
    """
    _ex, ar, pcoa, _record, now = _ctx()
    fbu = FastBindingUpdate(3, 10, (AlternateCareOfAddress(NCOA),))
    header = IPv6Header(pcoa, ar.address, hop_limit=64)
    packet = IPv6Packet(header, (DestinationOptionsHeader((HomeAddressOption(pcoa),)),), fbu)
    ar._ctx.received = Received(packet, pcoa, ar.address, 64, fbu, b"")
    ar._out = []
    ar._run(par_module.PAR_TRANSITIONS, "FBU", pcoa, now)
    assert_rejected_by(last_event(ar.log, "AR"), "badf_present", "badf-missing")
    assert forwarding(ar._out) == [] and ar.bindings.get(pcoa) is None


def test_fbu_without_badf_on_the_wire_is_malformed():
    """RFC5568-6.4.5-M1 RFC5568-6.2.2-M6"""
    ex, ar, _pcoa, record, now = _ctx()
    good = bytearray(_fbu(ex, record))
    # rewrite the BADF option type (21) into an unknown type: the FBU then has no BADF
    mh_start = 40 + 24
    pos = mh_start + 12
    while good[pos] != 21:
        pos += 1 if good[pos] == 0 else good[pos + 1] + 2
    good[pos] = 200
    out = ar.handle(PacketReceived(bytes(good)), now)
    assert last_event(ar.log, "AR").input_kind == "malformed"
    assert forwarding(out) == [] and not [o for o in out if isinstance(o, SendPacket)]


@pytest.mark.parametrize("coa", ["ff02::1", "fe80::5", "::1", "::"])
def test_keyed_fbu_rejected_care_of_address_not_routable(coa):
    """An authentic FBU naming a multicast, link-local, loopback or unspecified CoA is dropped.

    RFC3775-6.1.7-M13
    """
    ex, ar, pcoa, record, now = _ctx()
    out = ar.handle(PacketReceived(_fbu(ex, record, ncoa=IPv6Address(coa))), now)
    event = last_event(ar.log, "AR")
    assert event.transition == "authenticated FBU starts forwarding"
    assert_rejected_by(event, "coa_routable", "coa-not-routable")
    assert forwarding(out) == [] and sent(out) == [] and ar.bindings.get(pcoa) is None


@pytest.mark.parametrize("knobs,check,reason", [
    (dict(ncoa=IPv6Address("ff02::1")), "coa_routable", "coa-not-routable"),
    (dict(spi=3), "spi_zero", "spi-not-zero"),
])
def test_no_key_row_earlier_checks(knobs, check, reason):
    """In NO_KEY the checks before key_found fail on their own too; nothing changes."""
    _ex, ar, _pcoa, record, now = _ctx()
    stranger = IPv6Address("2001:db8:a::99")
    packet = fbu_packet(record.key, record.at, pcoa=stranger, par=ar.address, **knobs)
    out = ar.handle(PacketReceived(packet), now)
    event = last_event(ar.log, "AR")
    assert event.transition == "FBU for a PCoA without a key"
    assert_rejected_by(event, check, reason)
    assert forwarding(out) == [] and sent(out) == [] and ar.bindings.get(stranger) is None


def test_forwarding_row_rejects_unroutable_care_of_address():
    """RFC3775-6.1.7-M13"""
    ex, ar, pcoa, record, now = _ctx()
    ar.handle(PacketReceived(_fbu(ex, record, sequence=20)), now)
    before = _binding_state(ar, pcoa)
    out = ar.handle(PacketReceived(_fbu(ex, record, sequence=21, ncoa=IPv6Address("fe80::9"))),
                    now + 1)
    event = last_event(ar.log, "AR")
    assert event.transition == "authenticated FBU updates forwarding"
    assert_rejected_by(event, "coa_routable", "coa-not-routable")
    assert forwarding(out) == [] and _binding_state(ar, pcoa) == before


def test_forwarding_row_rejects_fbu_once_hk_lifetime_ran_out():
    """While still forwarding, a key past HK-LIFETIME no longer authorises FBUs.

    RFC5269-3.6-M4
    """
    ex, ar, pcoa, record, now = _ctx(hk_lifetime=5)
    ar.handle(PacketReceived(_fbu(ex, record, sequence=1)), now)
    assert ar.config.forwarding_lifetime > 6
    before = _binding_state(ar, pcoa)
    out = ar.handle(PacketReceived(_fbu(ex, record, sequence=2,
                                        ncoa=IPv6Address("2001:db8:b::77"))), now + 6)
    event = last_event(ar.log, "AR")
    assert event.transition == "authenticated FBU updates forwarding"
    assert_rejected_by(event, "key_found", "no-handover-key")
    assert forwarding(out) == [] and _binding_state(ar, pcoa) == before
