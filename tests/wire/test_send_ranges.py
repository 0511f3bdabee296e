"""The octets RFC 3971 §5.2 signs, cut from received bytes without re-encoding."""

from __future__ import annotations

from pathlib import Path

import pytest
from rfc5269.errors import DecodeError
from rfc5269.wire.icmpv6 import decode_icmpv6
from rfc5269.wire.ndopt import NonceOption, RsaSignatureOption, encode_options, option_spans
from rfc5269.wire.pcap import ipv6_of, read_pcap
from rfc5269.wire.send_ranges import signed_portion

ROOT = Path(__file__).resolve().parents[2]


def sample_icmp(name: str) -> bytes:
    (record,) = read_pcap((ROOT / "samples" / "pcap" / f"{name}.pcap").read_bytes())
    packet = ipv6_of(record)
    assert packet is not None
    return packet[40:]


def test_signed_rtsolpr_is_cut_at_the_signature_option() -> None:
    icmp = sample_icmp("rtsolpr")
    portion = signed_portion(icmp)
    spans = option_spans(icmp[8:], base=8)
    assert spans[-1].type == RsaSignatureOption.TYPE
    assert portion.signature_offset == spans[-1].offset
    assert (portion.type, portion.code) == (154, 0)
    assert portion.checksum == int.from_bytes(icmp[2:4], "big")
    assert portion.header_after_checksum == icmp[4:8]
    assert portion.options_before_signature == icmp[8:spans[-1].offset]
    assert portion.prefix_without_signature == icmp[:spans[-1].offset]
    assert portion.items_4_to_6 == icmp[:spans[-1].offset]


def test_options_after_the_first_signature_are_not_signed() -> None:
    icmp = sample_icmp("rtsolpr")
    extra = icmp + encode_options((NonceOption(bytes(6)), RsaSignatureOption(bytes(16), bytes(4))))
    assert signed_portion(extra).signature_offset == signed_portion(icmp).signature_offset


def test_received_octets_are_kept_as_they_are() -> None:
    icmp = bytearray(sample_icmp("prrtadv"))
    icmp[5] = 0xEE  # Reserved: ignored by the decoder, but signed as received
    portion = signed_portion(bytes(icmp))
    assert portion.header_after_checksum[1] == 0xEE
    message = decode_icmpv6(bytes(icmp), verify_checksum=False)
    assert message.raw == bytes(icmp)
    assert message.encode()[5] == 0


def test_unsigned_message_has_no_signature_offset() -> None:
    icmp = sample_icmp("cps")
    portion = signed_portion(icmp)
    assert portion.signature_offset is None
    assert portion.prefix_without_signature == icmp
    assert portion.header_after_checksum == icmp[4:8]


def test_unknown_icmp_type_and_short_messages_are_rejected() -> None:
    with pytest.raises(DecodeError):
        signed_portion(bytes((1, 0, 0, 0, 0, 0, 0, 0)))
    with pytest.raises(DecodeError):
        signed_portion(bytes((154, 0, 0, 0, 3)))
