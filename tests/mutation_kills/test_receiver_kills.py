"""SEND receiver rules that surviving mutants of ``rfc5269.send.receiver`` showed untested.

RFC 3971 §5.2.2 (keys known by other means: a certified router key),
§5.3.4 (an advertisement without a nonce is processed as unsolicited).
Each test names the mutants it kills (reference/data/mutation_results.json).
"""

from __future__ import annotations

from ipaddress import IPv6Address

from rfc5269.scenario import NEW_AP
from rfc5269.send.receiver import MessageKind, SendReceiver
from rfc5269.send.sender import send_options
from rfc5269.send.signature import sign_message
from rfc5269.send.timestamps import to_ticks
from rfc5269.send.verdict import Reason
from rfc5269.wire.fmip import PrRtAdv
from rfc5269.wire.ndopt import (
    IP_NAR_ADDRESS,
    LLA_NAR,
    LLA_NEW_ACCESS_POINT,
    FmipLinkLayerAddressOption,
    IpAddressPrefixOption,
)

from tests.nodes.helpers import exchange, icmp_of, keyed, prrtadv_packet


def test_unsolicited_advertisement_is_accepted_by_default() -> None:
    """A signed advertisement without a Nonce is judged by its timestamp (unsolicited).

    RFC3971-5.3.4-S1 / RFC3971-5.3.4.1-Y1: ``require_nonce`` is off unless
    the caller asks (the MN does for PrRtAdvs carrying keys). Kills the
    default ``require_nonce: bool = False`` -> ``True``.
    """
    ex = exchange()
    identity = ex.ar.config.identity
    now = ex.link.now
    packet = prrtadv_packet(identity, ex.mn.address, now, nonce=None, identifier=5, reply=None)
    receiver = SendReceiver()
    verdict = receiver.verify(icmp_of(packet), identity.address, ex.mn.address, now,
                              MessageKind.ADVERTISEMENT)
    assert verdict.accepted and verdict.info is not None and verdict.info.nonce is None
    strict = SendReceiver().verify(icmp_of(packet), identity.address, ex.mn.address, now,
                                   MessageKind.ADVERTISEMENT, require_nonce=True)
    assert strict.reason is Reason.NONCE_MISSING


def test_certified_router_key_verifies_a_message_without_cga_option() -> None:
    """From a router, a key learnt from its certification path is a key known by other means.

    RFC 3971 §5.2.2 (the key may come from a certificate instead of a CGA
    option), RFC5269-3.2-M14/M15. With ``from_router`` the MN's receiver
    offers its validated router keys; without it, the same message has no
    usable key. Kills ``when is not None`` -> ``when is None`` in ``verify``.
    """
    ex = keyed()
    identity = ex.ar.config.identity
    now = ex.link.now + 1
    options = (FmipLinkLayerAddressOption.for_address(LLA_NEW_ACCESS_POINT, NEW_AP),
               FmipLinkLayerAddressOption.for_address(LLA_NAR, bytes.fromhex("020000000009")),
               IpAddressPrefixOption(IP_NAR_ADDRESS, 128, IPv6Address("2001:db8:b::1")))
    unsigned = PrRtAdv(0, 6, (*options, *send_options(now, None))).encode(identity.address,
                                                                        ex.mn.address)
    icmp = sign_message(unsigned, identity.address, ex.mn.address, identity.private_key)
    receiver = ex.mn.send
    verdict = receiver.verify(icmp, identity.address, ex.mn.address, now,
                              MessageKind.ADVERTISEMENT, from_router=True)
    assert verdict.accepted and verdict.info is not None and verdict.info.router is not None
    plain = receiver.verify(icmp, identity.address, ex.mn.address, now,
                            MessageKind.ADVERTISEMENT)
    assert plain.reason is Reason.KEY_HASH_UNKNOWN


def test_solicited_advertisement_timestamp_is_stored() -> None:
    """An accepted solicited advertisement's timestamp and receive time are kept for the peer.

    RFC3971-5.3.4.1-S1 (store RDlast/TSlast on accepting a solicited
    advertisement; its timestamp is not judged, §5.3.4.1). Kills the negated
    ``tv.info if tv.accepted else None`` in ``verify``.
    """
    ex = keyed()
    accepted = [e for e in ex.log if e.node == ex.mn.name
                and e.transition == "accept a handover key" and e.verdict == "accepted"]
    assert accepted
    last = ex.mn.send.timestamps.last(ex.ar.address)
    assert last is not None
    ts_last, rd_last = last
    assert rd_last == to_ticks(accepted[-1].time)
    assert abs(ts_last - rd_last) < to_ticks(1)  # the AR stamped it when it sent it
