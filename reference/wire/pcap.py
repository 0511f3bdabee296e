"""A small reader and writer for classic pcap files (not pcapng).

Link types: Ethernet (1, with 802.1Q tags), raw IP (101), raw IPv6 (229) and
Linux cooked capture (113). :func:`ipv6_of` returns a frame's IPv6 packet,
cut to the IPv6 Payload Length so Ethernet padding does not reach the codec.
Malformed files raise :class:`rfc5269.errors.DecodeError`.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from rfc5269.errors import DecodeError

LINKTYPE_ETHERNET = 1
LINKTYPE_RAW = 101
LINKTYPE_LINUX_SLL = 113
LINKTYPE_IPV6 = 229
ETHERTYPE_IPV6 = 0x86DD
_VLAN_TAGS = (0x8100, 0x88A8)
_MAGIC = {
    b"\xd4\xc3\xb2\xa1": ("<", 1_000_000), b"\xa1\xb2\xc3\xd4": (">", 1_000_000),
    b"\x4d\x3c\xb2\xa1": ("<", 1_000_000_000), b"\xa1\xb2\x3c\x4d": (">", 1_000_000_000),
}
REF = "pcap file format (draft-ietf-opsawg-pcap)"


@dataclass(frozen=True)
class PcapRecord:
    """One captured frame."""

    index: int  # 1-based frame number
    seconds: int
    fraction: int  # micro- or nanoseconds, see ``resolution``
    resolution: int
    link_type: int
    data: bytes
    original_length: int

    @property
    def timestamp(self) -> float:
        return self.seconds + self.fraction / self.resolution


def read_pcap(data: bytes) -> Iterator[PcapRecord]:
    """The records of a classic pcap file held in ``data``."""
    if len(data) < 24:
        raise DecodeError("pcap.header", "file shorter than the 24-octet global header", REF)
    try:
        endian, resolution = _MAGIC[data[:4]]
    except KeyError:
        raise DecodeError("pcap.magic", "not a classic pcap file", REF) from None
    link_type = struct.unpack_from(endian + "I", data, 20)[0] & 0x0FFFFFFF
    pos, index = 24, 0
    while pos < len(data):
        if len(data) - pos < 16:
            raise DecodeError("pcap.record", f"truncated record header at octet {pos}", REF)
        sec, frac, incl, orig = struct.unpack_from(endian + "IIII", data, pos)
        pos += 16
        if incl > len(data) - pos:
            raise DecodeError("pcap.record", f"record {index + 1} overruns the file", REF)
        index += 1
        yield PcapRecord(index, sec, frac, resolution, link_type, data[pos:pos + incl], orig)
        pos += incl


def ipv6_of(record: PcapRecord) -> bytes | None:
    """The IPv6 packet in a frame, or None if the frame carries something else."""
    d = record.data
    if record.link_type == LINKTYPE_ETHERNET:
        if len(d) < 14:
            return None
        pos, ethertype = 14, int.from_bytes(d[12:14], "big")
        while ethertype in _VLAN_TAGS and len(d) >= pos + 4:
            ethertype = int.from_bytes(d[pos + 2:pos + 4], "big")
            pos += 4
        packet = d[pos:] if ethertype == ETHERTYPE_IPV6 else None
    elif record.link_type == LINKTYPE_LINUX_SLL:
        packet = d[16:] if len(d) >= 16 and d[14:16] == b"\x86\xdd" else None
    elif record.link_type in (LINKTYPE_RAW, LINKTYPE_IPV6):
        packet = d
    else:
        raise DecodeError("pcap.link_type", f"link type {record.link_type} is not supported",
                          REF)
    if packet is None or len(packet) < 1 or packet[0] >> 4 != 6:
        return None
    if len(packet) >= 40:
        end = 40 + int.from_bytes(packet[4:6], "big")
        if len(packet) > end:
            packet = packet[:end]
    return packet


def _mac_for(ipv6: bytes, offset: int, fallback: bytes) -> bytes:
    addr = ipv6[offset:offset + 16]
    if len(addr) == 16 and addr[0] == 0xFF:
        return b"\x33\x33" + addr[12:]
    return fallback


def ethernet_frame(ipv6: bytes, src_mac: bytes = bytes.fromhex("020000000001"),
                   dst_mac: bytes = bytes.fromhex("020000000002")) -> bytes:
    """``ipv6`` in an Ethernet II frame (multicast destinations get 33:33:xx MACs)."""
    return _mac_for(ipv6, 24, dst_mac) + src_mac + b"\x86\xdd" + ipv6


def write_pcap(out: BinaryIO, frames: Iterable[tuple[float, bytes]],
               link_type: int = LINKTYPE_ETHERNET) -> None:
    """Write ``(timestamp, frame)`` pairs as a little-endian, microsecond pcap file."""
    out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, link_type))
    for ts, frame in frames:
        usec_total = round(ts * 1_000_000)
        sec, usec = divmod(usec_total, 1_000_000)
        out.write(struct.pack("<IIII", sec, usec, len(frame), len(frame)))
        out.write(frame)
