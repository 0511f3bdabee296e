"""``benchmarks/prrtadv_floors.py``: the checked floors of the codec benchmark do the codec's work.

The benchmark reports them as the least a PrRtAdv decoder with every check
must cost; a floor that skipped a check would make the codec's goal look
further away than it is. These tests hold both floors to
``IPv6Packet.decode`` on the shipped sample and on every mutation the
benchmark's self-check lists, each of which must be rejected by the codec and
by both floors alike.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from rfc5269.errors import DecodeError
from rfc5269.wire.ipv6 import IPv6Packet
from rfc5269.wire.pcap import ipv6_of, read_pcap

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import prrtadv_floors  # a script beside the benchmark, not part of the package

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "pcap" / "prrtadv.pcap"
FLOORS: tuple[Callable[[bytes], IPv6Packet], ...] = (prrtadv_floors.per_class_decode,
                                                    prrtadv_floors.inlined_decode)


@pytest.fixture(scope="module")
def sample() -> bytes:
    (record,) = read_pcap(SAMPLE.read_bytes())
    packet = ipv6_of(record)
    assert packet is not None
    return packet


def test_self_check_passes(sample: bytes) -> None:
    prrtadv_floors.self_check(sample)


@pytest.mark.parametrize("floor", FLOORS, ids=lambda f: f.__name__)
def test_floor_builds_the_codecs_packet(sample: bytes, floor: Callable[[bytes], IPv6Packet],
                                        ) -> None:
    for octets in (sample, prrtadv_floors.non_canonical(sample)):
        codec = IPv6Packet.decode(octets)
        got = floor(octets)
        assert got == codec
        assert got.received_is_canonical is codec.received_is_canonical
        assert got.encode() == codec.encode()
    assert floor(sample).encode() == sample


@pytest.mark.parametrize("name", sorted(prrtadv_floors.MUTATIONS))
def test_every_mutation_is_rejected_by_the_codec_and_both_floors(sample: bytes, name: str,
                                                                 ) -> None:
    bad = prrtadv_floors.MUTATIONS[name](sample)
    assert bad != sample
    for decode in (IPv6Packet.decode, *FLOORS):
        with pytest.raises(DecodeError):
            decode(bad)


def test_the_non_canonical_variant_is_accepted_but_not_canonical(sample: bytes) -> None:
    packet = IPv6Packet.decode(prrtadv_floors.non_canonical(sample))
    assert not packet.received_is_canonical
    assert packet.encode() != prrtadv_floors.non_canonical(sample)
