"""Two checked lower bounds for decoding the signed sample PrRtAdv, for ``bench_codec.py``.

Both make every check ``IPv6Packet.decode`` makes on these octets and build
the same result: the same frozen dataclasses, equal to the codec's, with the
same canonical proof recorded (so ``encode()`` works on them as on the
codec's). They know only the option types of the sample (FMIPv6 LLA, IP
Address/Prefix, Handover Key Reply, CGA, Timestamp, Nonce, RSA Signature) and
do not describe anything: they exist to be timed.

* :func:`per_class_decode`: one decoder function per option class, reading
  the option at its offset in the message (no slice of its own) and appending
  the option it builds to the message's list; one dispatch per option; the
  message's option-combination rule (RFC 5568 §6.1.2) over the Type and
  Option-Code pairs the loop collects. This is the structure a readable codec
  needs (one place per option type), with nothing else: no field tables, no
  generated readers, no error texts naming the rule, no other options, no
  other messages.
* :func:`inlined_decode`: the same checks written out inline, every option
  type a branch of one loop in one function: the shape the project's codec
  does not take (each option's layout and rules written a second time, in a
  loop that knows them all), measured to show what it would buy.

Both share the IPv6 header and checksum step, which takes the pseudo-header
sum from the residue of the whole packet.

:func:`self_check` proves on each run that both do the work: equal results
and canonical proof on the sample and on a non-canonical variant, and a
:class:`DecodeError` on every mutation in :data:`MUTATIONS`, each of which
the codec also rejects.
"""

from __future__ import annotations

import ipaddress
import struct
from collections.abc import Callable
from typing import Any

from rfc5269.errors import DecodeError
from rfc5269.wire.cga_params import CgaParameters, decode_extension_fields
from rfc5269.wire.der import der_element_length
from rfc5269.wire.describe import remember_canonical
from rfc5269.wire.fmip import PrRtAdv
from rfc5269.wire.icmpv6 import with_icmpv6_checksum
from rfc5269.wire.ipv6 import IPv6Header, IPv6Packet
from rfc5269.wire.mobility import DEFAULT_BADF_LENGTH
from rfc5269.wire.ndopt import (
    CgaOption,
    FmipLinkLayerAddressOption,
    HandoverKeyReply,
    IpAddressPrefixOption,
    NdOption,
    NonceOption,
    RsaSignatureOption,
    TimestampOption,
    UnknownOption,
)

_IPV6 = struct.Struct("!IHBB16s16s")
_PRRTADV = struct.Struct("!BBHBBH")
_IP_PREFIX = struct.Struct("!2xBBI16s")
_CGA = struct.Struct("!4x16s8sB")
_TIMESTAMP = struct.Struct("!2x6sQ")
_SIGNATURE = struct.Struct("!2xH16s")
_ZEROS = tuple(bytes(n) for n in range(8))
_NEW_ACCESS_POINT = (1, 5, 6, 7)
_Address = ipaddress.IPv6Address
_from_bytes = int.from_bytes


def _reject() -> None:
    raise DecodeError("floor", "rejected", "")


def _key_end(data: bytes, at: int, end: int) -> int:
    """End of the CGA Parameters' DER public key at ``data[at:]``, which must lie within
    ``end`` (the codec's own DER reading, rfc5269.wire.der)."""
    key_end = at + der_element_length(data, at, "floor", "")
    if key_end > end:
        _reject()
    return key_end


def _checksum_and_header(data: bytes) -> tuple[IPv6Header, bytes, int, int, int, int]:
    """IPv6 header checks and object, ICMPv6 checksum, PrRtAdv fixed-part checks."""
    word, length, next_header, hop_limit, src, dst = _IPV6.unpack_from(data)
    if word >> 28 != 6 or length != len(data) - 40 or next_header != 58 or length < 8:
        _reject()
    header = IPv6Header(_Address(_from_bytes(src, "big")), _Address(_from_bytes(dst, "big")),
                        hop_limit, (word >> 20) & 0xFF, word & 0xFFFFF, next_header, length)
    icmp = data[40:]
    kind, code, checksum, subtype, reserved, identifier = _PRRTADV.unpack_from(icmp)
    # the pseudo-header sum from the whole packet's: its first 8 octets out, Next Header 58
    # in, the checksum field out (residues modulo 0xFFFF, as rfc5269.wire.icmpv6 explains)
    residue = (_from_bytes(data, "big") % 0xFFFF - (word >> 16) - (word & 0xFFFF)
               - (next_header << 8 | hop_limit) + 58 - checksum) % 0xFFFF
    if (0xFFFF - residue if residue else 0) != checksum:  # a zero residue: 0 (never all zero)
        _reject()
    if kind != 154 or subtype != 3 or code > 5:
        _reject()
    return header, icmp, code, checksum, identifier, reserved


def _packet(data: bytes, header: IPv6Header, icmp: bytes, code: int, checksum: int,
            identifier: int, options: tuple[NdOption, ...], canonical: bool) -> IPv6Packet:
    message = PrRtAdv(code, identifier, options, checksum, icmp)
    remember_canonical(message, icmp, canonical)
    packet = IPv6Packet(header, (), message, data)
    packet.__dict__["_received"] = (data, 40, DEFAULT_BADF_LENGTH)
    return packet


# --------------------------------------------------------------------------- one decoder a class


def _lla(d: bytes, pos: int, end: int, out: list[NdOption]) -> bool:
    code = d[pos + 2]
    if code > 7:
        _reject()
    out.append(FmipLinkLayerAddressOption(code, d[pos + 3:end]))
    return True


def _ip_prefix(d: bytes, pos: int, end: int, out: list[NdOption]) -> bool:
    if end - pos != 24:
        _reject()
    code, prefix_length, reserved, octets = _IP_PREFIX.unpack_from(d, pos)
    if not 1 <= code <= 4 or prefix_length > 128:
        _reject()
    value = kept = _from_bytes(octets, "big")
    if code == 4:
        kept = value & ~((1 << (128 - prefix_length)) - 1)
    out.append(IpAddressPrefixOption(code, prefix_length, _Address(kept)))
    return not reserved and kept == value


def _hk_reply(d: bytes, pos: int, end: int, out: list[NdOption]) -> bool:
    pad = d[pos + 2]
    if pad > end - pos - 6 or pad >= 8 or end - pos - 6 - pad == 0:
        _reject()
    octet = d[pos + 3]
    out.append(HandoverKeyReply(octet >> 4, d[pos + 4] << 8 | d[pos + 5], d[pos + 6:end - pad]))
    return not octet & 15 and d[end - pad:end] == _ZEROS[pad]


def _cga(d: bytes, pos: int, end: int, out: list[NdOption]) -> bool:
    pad = d[pos + 2]
    if pad > end - pos - 4 or pad >= 8 or end - pad - pos - 4 < 25:
        _reject()
    modifier, prefix, collisions = _CGA.unpack_from(d, pos)
    key = pos + 29
    key_end = _key_end(d, key, end - pad)
    extensions = decode_extension_fields(d[key_end:end - pad]) if key_end < end - pad else ()
    out.append(CgaOption(CgaParameters(modifier, prefix, collisions, d[key:key_end], extensions,
                                       d[pos + 4:end - pad])))
    return not d[pos + 3] and d[end - pad:end] == _ZEROS[pad]


def _timestamp(d: bytes, pos: int, end: int, out: list[NdOption]) -> bool:
    if end - pos != 16:
        _reject()
    reserved, value = _TIMESTAMP.unpack_from(d, pos)
    out.append(TimestampOption(value))
    return reserved == _ZEROS[6]


def _nonce(d: bytes, pos: int, end: int, out: list[NdOption]) -> bool:
    out.append(NonceOption(d[pos + 2:end]))
    return True


def _signature(d: bytes, pos: int, end: int, out: list[NdOption]) -> bool:
    reserved, key_hash = _SIGNATURE.unpack_from(d, pos)
    out.append(RsaSignatureOption(key_hash, d[pos + 20:end]))
    return not reserved


# each appends its option to ``out`` and says whether the octets were canonical
_DECODERS: dict[int, Callable[[bytes, int, int, list[NdOption]], bool]] = {
    19: _lla, 17: _ip_prefix, 28: _hk_reply, 11: _cga, 13: _timestamp, 14: _nonce,
    12: _signature,
}


_NEW_ACCESS_POINT_LLA = frozenset(19 << 8 | c for c in _NEW_ACCESS_POINT)
_NAR_LLA, _NAR_ADDRESS = 19 << 8 | 3, 17 << 8 | 3


def _combination(code: int, seen: set[int]) -> None:
    """RFC 5568 §6.1.2 over ``Type << 8 | Option-Code`` of the LLA and IP Address/Prefix
    options before the signature."""
    if _NEW_ACCESS_POINT_LLA.isdisjoint(seen) or (
            code <= 1 and (_NAR_LLA not in seen or _NAR_ADDRESS not in seen)):
        _reject()


def per_class_decode(data: bytes) -> IPv6Packet:
    """The sample's decode with one decoder function per option class."""
    header, icmp, code, checksum, identifier, reserved = _checksum_and_header(data)
    out: list[NdOption] = []
    seen: set[int] = set()
    canonical = not reserved
    signed = False
    pos, n = 8, len(icmp)
    while pos < n:
        size = icmp[pos + 1] * 8 if n - pos >= 2 else 0
        if not size or pos + size > n:
            _reject()
        end = pos + size
        kind = icmp[pos]
        decoder = _DECODERS.get(kind)
        if decoder is None:
            _reject()  # not in the sample: the floor knows only its option types
        elif signed:  # after the signature: kept as octets when it does not decode
            try:
                decoder(icmp, pos, end, out)
            except DecodeError:
                out.append(UnknownOption(kind, icmp[pos + 2:end]))
        else:
            if not decoder(icmp, pos, end, out):
                canonical = False
            if kind == 19 or kind == 17:
                seen.add(kind << 8 | icmp[pos + 2])
            elif kind == 12:
                signed = True
        pos = end
    _combination(code, seen)
    return _packet(data, header, icmp, code, checksum, identifier, tuple(out), canonical)


# --------------------------------------------------------------------------- one inlined loop


def inlined_decode(data: bytes) -> IPv6Packet:
    """The sample's decode with every option type a branch of one loop."""
    header, icmp, code, checksum, identifier, reserved = _checksum_and_header(data)
    out: list[NdOption] = []
    canonical = not reserved
    signed = False
    new_access_point = nar_lla = nar_ip = False
    pos, n = 8, len(icmp)
    while pos < n:
        kind = icmp[pos]
        size = icmp[pos + 1] * 8 if n - pos >= 2 else 0
        if not size or pos + size > n:
            _reject()
        end = pos + size
        if signed:  # after the signature: the per-class path's handling, rarely taken
            decoder = _DECODERS.get(kind)
            if decoder is None:
                _reject()
            try:
                decoder(icmp, pos, end, out)
            except DecodeError:
                out.append(UnknownOption(kind, icmp[pos + 2:end]))
        elif kind == 19:
            option_code = icmp[pos + 2]
            if option_code > 7:
                _reject()
            if option_code in _NEW_ACCESS_POINT:
                new_access_point = True
            elif option_code == 3:
                nar_lla = True
            out.append(FmipLinkLayerAddressOption(option_code, icmp[pos + 3:end]))
        elif kind == 17:
            if size != 24:
                _reject()
            option_code, prefix_length, rsv, octets = _IP_PREFIX.unpack_from(icmp, pos)
            if not 1 <= option_code <= 4 or prefix_length > 128:
                _reject()
            value = kept = _from_bytes(octets, "big")
            if option_code == 4:
                kept = value & ~((1 << (128 - prefix_length)) - 1)
            elif option_code == 3:
                nar_ip = True
            out.append(IpAddressPrefixOption(option_code, prefix_length, _Address(kept)))
            if rsv or kept != value:
                canonical = False
        elif kind == 28:
            pad = icmp[pos + 2]
            if pad > size - 6 or pad >= 8 or size - 6 - pad == 0:
                _reject()
            octet = icmp[pos + 3]
            out.append(HandoverKeyReply(octet >> 4, icmp[pos + 4] << 8 | icmp[pos + 5],
                                        icmp[pos + 6:end - pad]))
            if octet & 15 or icmp[end - pad:end] != _ZEROS[pad]:
                canonical = False
        elif kind == 11:
            pad = icmp[pos + 2]
            if pad > size - 4 or pad >= 8 or size - 4 - pad < 25:
                _reject()
            modifier, prefix, collisions = _CGA.unpack_from(icmp, pos)
            key = pos + 29
            key_end = _key_end(icmp, key, end - pad)
            extensions = (decode_extension_fields(icmp[key_end:end - pad])
                          if key_end < end - pad else ())
            out.append(CgaOption(CgaParameters(modifier, prefix, collisions, icmp[key:key_end],
                                               extensions, icmp[pos + 4:end - pad])))
            if icmp[pos + 3] or icmp[end - pad:end] != _ZEROS[pad]:
                canonical = False
        elif kind == 13:
            if size != 16:
                _reject()
            rsv6, value = _TIMESTAMP.unpack_from(icmp, pos)
            out.append(TimestampOption(value))
            if rsv6 != _ZEROS[6]:
                canonical = False
        elif kind == 14:
            out.append(NonceOption(icmp[pos + 2:end]))
        elif kind == 12:
            rsv, key_hash = _SIGNATURE.unpack_from(icmp, pos)
            out.append(RsaSignatureOption(key_hash, icmp[pos + 20:end]))
            if rsv:
                canonical = False
            signed = True
        else:
            _reject()  # not in the sample
        pos = end
    if not new_access_point or (code <= 1 and not (nar_lla and nar_ip)):
        _reject()
    return _packet(data, header, icmp, code, checksum, identifier, tuple(out), canonical)


# --------------------------------------------------------------------------- self-check


def _option_at(icmp: bytes, kind: int, option_code: int | None = None) -> int:
    """Offset in ``icmp`` of the first option of ``kind`` (and Option-Code)."""
    pos = 8
    while pos < len(icmp):
        if icmp[pos] == kind and (option_code is None or icmp[pos + 2] == option_code):
            return pos
        pos += icmp[pos + 1] * 8
    raise ValueError(f"no option {kind} in the sample")


def _edit(data: bytes, edit: Callable[[bytearray, int], None], fix_checksum: bool = True,
          ) -> bytes:
    """``data`` with ``edit(message, offset)`` applied to its ICMPv6 message, the checksum
    made right again unless ``fix_checksum`` is false."""
    icmp = bytearray(data[40:])
    edit(icmp, 0)
    body = bytes(icmp)
    if fix_checksum:
        body = with_icmpv6_checksum(body, data[8:24], data[24:40])
    return data[:40] + body


def _set(at: Callable[[bytes], int], offset: int, value: int) -> Callable[[bytearray, int], None]:
    def edit(icmp: bytearray, _: int) -> None:
        icmp[at(bytes(icmp)) + offset] = value
    return edit


MUTATIONS: dict[str, Callable[[bytes], bytes]] = {
    "wrong checksum": lambda d: _edit(d, _set(lambda m: 0, 3, d[43] ^ 1), fix_checksum=False),
    "IPv6 version 5": lambda d: bytes([0x50 | d[0] & 0x0F]) + d[1:],
    "Payload Length one short": lambda d: d[:5] + bytes([d[5] - 1]) + d[6:],
    "PrRtAdv Code 6": lambda d: _edit(d, _set(lambda m: 0, 1, 6)),
    "LLA Option-Code 8": lambda d: _edit(d, _set(lambda m: _option_at(m, 19), 2, 8)),
    "no NAR LLA under Code 0": lambda d: _edit(d, _set(lambda m: _option_at(m, 19, 3), 2, 2)),
    "no New Access Point LLA": lambda d: _edit(d, _set(lambda m: _option_at(m, 19, 1), 2, 2)),
    "IP Option-Code 5": lambda d: _edit(d, _set(lambda m: _option_at(m, 17), 2, 5)),
    "IP Prefix Length 129": lambda d: _edit(d, _set(lambda m: _option_at(m, 17), 3, 129)),
    "Handover Key Reply Pad Length 8": lambda d: _edit(d, _set(lambda m: _option_at(m, 28),
                                                                2, 8)),
    "CGA key not a SEQUENCE": lambda d: _edit(d, _set(lambda m: _option_at(m, 11), 29, 0x31)),
    "CGA Pad Length 8": lambda d: _edit(d, _set(lambda m: _option_at(m, 11), 2, 8)),
    "option Length 0": lambda d: _edit(d, _set(lambda m: _option_at(m, 14), 1, 0)),
}


def non_canonical(data: bytes) -> bytes:
    """The sample with a Reserved bit of its RSA Signature option set: accepted, not canonical."""
    return _edit(data, _set(lambda m: _option_at(m, 12), 3, 1))


def self_check(data: bytes) -> None:
    """Fail unless both floors build the codec's result, with its canonical proof, and reject
    every mutation the codec rejects."""
    floors: tuple[Callable[[bytes], Any], ...] = (per_class_decode, inlined_decode)
    for octets in (data, non_canonical(data)):
        codec = IPv6Packet.decode(octets)
        for floor in floors:
            got = floor(octets)
            assert got == codec, floor.__name__
            assert got.received_is_canonical == codec.received_is_canonical, floor.__name__
            assert got.encode() == codec.encode(), floor.__name__
    assert not IPv6Packet.decode(non_canonical(data)).received_is_canonical
    for name, mutate in MUTATIONS.items():
        bad = mutate(data)
        for decode in (IPv6Packet.decode, *floors):
            try:
                decode(bad)
            except DecodeError:
                continue
            raise AssertionError(f"{getattr(decode, '__name__', decode)} accepts: {name}")
