"""The raw-socket link's packet filter and helpers (no privileges needed).

The filter decides what a node on a real interface is handed: the messages of
this protocol (ICMPv6 148/149/154, Mobility Header) addressed to it. The
packets come from a real exchange on the in-memory link, so the filter is
checked against exactly what the nodes send.
"""

from __future__ import annotations

from ipaddress import IPv6Address

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rfc5269.errors import ConfigurationError
from rfc5269.io.rawlink import (
    listens_to,
    multicast_mac,
    parse_mac,
    trim,
    upper_layer,
    wanted,
)
from rfc5269.nodes.events import RequestHandoverKey, StartHandover
from rfc5269.nodes.packets import ALL_NODES, ALL_ROUTERS, solicited_node
from rfc5269.scenario import NEW_AP, make_exchange


@pytest.fixture(scope="module")
def wire() -> tuple[dict[str, frozenset[IPv6Address]], list[tuple[str, bytes, tuple[str, ...]]]]:
    ex = make_exchange()
    ex.link.give("MN", RequestHandoverKey(ex.ar.address, NEW_AP))
    ex.link.give("MN", StartHandover(ex.ar.address, IPv6Address("2001:db8:b::1234")))
    addresses = {"AR": ex.ar.addresses(), "MN": ex.mn.addresses()}
    packets = [(d.sender, d.packet, d.receivers) for d in ex.link.wire if not d.dropped]
    return addresses, packets


def _kinds(packets: list[tuple[str, bytes, tuple[str, ...]]]) -> set[int]:
    kinds = set()
    for _, packet, _ in packets:
        found = upper_layer(packet)
        assert found is not None
        kinds.add(found[0])
    return kinds


def test_every_message_reaches_its_receiver_only(wire) -> None:
    addresses, packets = wire
    assert len(packets) >= 6
    assert _kinds(packets) == {58, 135}  # ICMPv6 and Mobility Header both exercised
    for sender, packet, receivers in packets:
        assert receivers, "the in-memory link delivered it to someone"
        for name in receivers:
            assert wanted(packet, addresses[name], router=name == "AR")
        # the sender is never a receiver of its own unicast or solicited-node packet
        assert not wanted(packet, addresses[sender], router=sender == "AR")


def test_fbu_with_destination_options_is_found(wire) -> None:
    _, packets = wire
    fbu = next(p for s, p, _ in packets if s == "MN" and p[6] == 60)
    assert upper_layer(fbu) == (135, 40 + (fbu[41] + 1) * 8)


def test_other_icmpv6_types_are_not_wanted(wire) -> None:
    addresses, packets = wire
    _, packet, _ = next(x for x in packets if x[0] == "AR" and x[1][6] == 58)
    assert wanted(packet, addresses["MN"], router=False)
    for icmp_type in (1, 128, 133, 134, 135, 136, 147, 150, 153, 155):
        changed = bytearray(packet)
        changed[40] = icmp_type
        assert not wanted(bytes(changed), addresses["MN"], router=False), icmp_type


def test_other_protocols_are_not_wanted(wire) -> None:
    addresses, packets = wire
    _, packet, _ = next(x for x in packets if x[0] == "AR" and x[1][6] == 58)
    for protocol in (6, 17, 44, 59):  # TCP, UDP, a fragment header, no next header
        changed = bytearray(packet)
        changed[6] = protocol
        assert not wanted(bytes(changed), addresses["MN"], router=False), protocol


def test_another_destination_is_not_wanted(wire) -> None:
    addresses, packets = wire
    _, packet, _ = next(x for x in packets if x[0] == "AR" and x[1][6] == 58)
    changed = bytearray(packet)
    changed[39] ^= 0x01
    assert not wanted(bytes(changed), addresses["MN"], router=False)


def test_malformed_packets_are_not_wanted_and_do_not_raise(wire) -> None:
    addresses, packets = wire
    fbu = next(p for s, p, _ in packets if s == "MN" and p[6] == 60)
    for cut in (0, 1, 39, 40, 41):
        assert not wanted(fbu[:cut], addresses["AR"], router=True)
    not_v6 = bytes([0x45]) + fbu[1:]
    assert upper_layer(not_v6) is None
    loop = bytearray(fbu[:48])
    loop[40] = 60  # destination options header claiming another one, beyond the end
    assert upper_layer(bytes(loop)) is None


def test_multicast_groups() -> None:
    own = [IPv6Address("2001:db8:a::1:2345")]
    assert listens_to(ALL_NODES, own, router=False)
    assert listens_to(solicited_node(own[0]), own, router=False)
    assert not listens_to(solicited_node(IPv6Address("2001:db8:a::99")), own, router=False)
    assert listens_to(ALL_ROUTERS, own, router=True)
    assert not listens_to(ALL_ROUTERS, own, router=False)
    assert not listens_to(IPv6Address("ff02::16"), own, router=True)


def test_trim_removes_link_padding(wire) -> None:
    _, packets = wire
    packet = packets[-1][1]
    assert trim(packet + bytes(7)) == packet
    assert trim(packet) == packet


def test_multicast_mac_and_parse_mac() -> None:
    assert multicast_mac(IPv6Address("ff02::1:ff12:3456")) == bytes.fromhex("3333ff123456")
    assert parse_mac("02:aa:BB:cc:dd:ee") == bytes.fromhex("02aabbccddee")
    assert parse_mac("02aabbccddee") == bytes.fromhex("02aabbccddee")
    for bad in ("02:aa:bb", "zz:aa:bb:cc:dd:ee", "02:aa:bb:cc:dd:ee:ff"):
        with pytest.raises(ConfigurationError):
            parse_mac(bad)


@settings(derandomize=True, max_examples=300, deadline=None)
@given(st.binary(max_size=120))
def test_filter_never_raises_on_arbitrary_bytes(data: bytes) -> None:
    own = [IPv6Address("2001:db8:a::1")]
    packet = b"\x60" + data  # mostly version 6, so the header walk is exercised
    for candidate in (data, packet):
        found = upper_layer(candidate)
        assert found is None or found[1] >= 40
        assert wanted(candidate, own, router=True) in (True, False)
        assert len(trim(candidate)) <= len(candidate)


@pytest.mark.netns
def test_learned_neighbours_are_bounded() -> None:
    """Strangers' source addresses cannot grow the MAC table without limit (needs root)."""
    from rfc5269.io.rawlink import RawLink

    link = RawLink("lo", assign=False, max_neighbours=4)
    try:
        for i in range(10):
            link._learn(IPv6Address(f"2001:db8::{i + 1:x}"), bytes([2, 0, 0, 0, 0, i]))
        assert len(link.neighbours) == 4
        assert IPv6Address("2001:db8::a") in link.neighbours  # the newest is kept
        assert IPv6Address("2001:db8::1") not in link.neighbours
        link._learn(IPv6Address("::"), bytes(6))
        link._learn(IPv6Address("ff02::1"), bytes(6))
        assert IPv6Address("::") not in link.neighbours
        assert IPv6Address("ff02::1") not in link.neighbours
    finally:
        link.close()
