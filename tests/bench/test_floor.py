"""``rfc5269.bench.floor``: the floors do the protocol's work and refuse what the reference refuses.

A floor that skipped a check would make the goals look harder than they are;
these tests hold each floor to the reference on one RSA-1024 exchange and
show that each check it claims to make can fail.
"""

from __future__ import annotations

import random
from dataclasses import replace
from ipaddress import IPv6Address

import pytest
from rfc5269.attacker import strip_signature
from rfc5269.bench import exchange, floor, rejection
from rfc5269.bench.rig import make_rig
from rfc5269.wire.icmpv6 import icmpv6_checksum


@pytest.fixture(scope="module")
def setup():
    rig = make_rig(1024, limits=exchange.UNLIMITED)
    now = rig.now + 1.0
    rtsolpr, prrtadv = exchange.exchange_round(rig, now)
    # floors() runs floor.self_check: the AR floor's PrRtAdv passes the reference's strict
    # decoder and SEND check and carries its key; the MN floor recovers the reference's key.
    ar_state, mn_state = exchange.floors(rig, exchange.SignedParts(rtsolpr, 1024),
                                         exchange.SignedParts(prrtadv, 1024), now)
    return ar_state, mn_state, rtsolpr, prrtadv, now


def _rechecksummed(packet: bytes, icmp: bytearray) -> bytes:
    src, dst = IPv6Address(packet[8:24]), IPv6Address(packet[24:40])
    icmp[2:4] = b"\x00\x00"
    icmp[2:4] = icmpv6_checksum(src, dst, bytes(icmp)).to_bytes(2, "big")
    return packet[:40] + bytes(icmp)


def _signature_flipped(packet: bytes) -> bytes:
    icmp = bytearray(packet[40:])
    icmp[-20] ^= 0x01  # inside the RSA Signature option's signature or padding-free tail
    return _rechecksummed(packet, icmp)


def test_ar_floor_answers_a_valid_request(setup):
    ar_state, mn_state, rtsolpr, _prrtadv, now = setup
    answer = floor.ar_exchange(ar_state, rtsolpr, now)
    assert floor.mn_exchange(mn_state, answer, now) == ar_state.records[rtsolpr[8:24]][0]


@pytest.mark.parametrize("case,reason", [
    ("unsigned", "unsigned"),
    ("wrong key hash", "key-mismatch"),
    ("malformed", "malformed"),
    ("checksum", "checksum"),
    ("signature", "signature"),
    ("stale", "timestamp"),
])
def test_ar_floor_refuses(setup, case, reason):
    ar_state, _mn_state, rtsolpr, _prrtadv, now = setup
    state = replace(ar_state, timestamps={}, records={}, in_use=set())
    packet = {
        "unsigned": lambda: strip_signature(rtsolpr),
        "wrong key hash": lambda: rejection.wrong_key_hash(rtsolpr),
        "malformed": lambda: rejection.malformed(rtsolpr),
        "checksum": lambda: rtsolpr[:-1] + bytes([rtsolpr[-1] ^ 0x01]),
        "signature": lambda: _signature_flipped(rtsolpr),
        "stale": lambda: rtsolpr,
    }[case]()
    with pytest.raises(floor.FloorReject, match=reason):
        floor.ar_exchange(state, packet, now + 3600 if case == "stale" else now)
    assert state.records == {}


def test_mn_floor_refuses_unknown_nonce_and_uncertified_router(setup):
    _ar_state, mn_state, _rtsolpr, prrtadv, now = setup
    with pytest.raises(floor.FloorReject, match="nonce"):
        floor.mn_exchange(replace(mn_state, solicitations={}, keys={}), prrtadv, now)
    with pytest.raises(floor.FloorReject, match="not-certified"):
        floor.mn_exchange(replace(mn_state, router_keys={}, keys={}), prrtadv, now)
    with pytest.raises(floor.FloorReject, match="signature"):
        floor.mn_exchange(replace(mn_state, keys={}), _signature_flipped(prrtadv), now)


def test_rejection_floor_names_each_kind(setup):
    _ar_state, _mn_state, rtsolpr, _prrtadv, _now = setup
    assert floor.rtsolpr_rejection(rtsolpr) is None
    for kind, make in rejection.KINDS.items():
        assert floor.rtsolpr_rejection(make(rtsolpr)) == rejection.EXPECTED_REASON[kind]


def test_floor_checksum_is_the_codecs():
    rng = random.Random(5269)
    for n in [4, 5, 6, 7, *(rng.randrange(4, 1500) for _ in range(300))]:
        src, dst = rng.randbytes(16), rng.randbytes(16)
        data = bytearray(rng.randbytes(n) if rng.random() < 0.9 else bytes(n))
        data[2:4] = b"\x00\x00"
        expected = icmpv6_checksum(IPv6Address(src), IPv6Address(dst), bytes(data))
        assert floor._checksum(src, dst, bytes(data)) == expected
        data[2:4] = expected.to_bytes(2, "big")
        assert floor._checksum(src, dst, bytes(data)) == 0

