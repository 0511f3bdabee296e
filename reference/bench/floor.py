"""The least Python any implementation runs on the benchmarked paths (issue 9 floors).

The exchange goal (each node at most 1.15 times its cryptographic baseline)
and the rejection goal (an invalid RtSolPr at most 2 % of a valid exchange)
compare the reference with the work the protocol cannot avoid. The functions
here do that work as barely as Python allows, on the octets the reference
handles, so that a floor above its goal names the obstacle exactly:

* :func:`ar_exchange` — the AR's part of RFC 5269 §3.2 from the received
  RtSolPr to the signed PrRtAdv octets: IPv6 fields, ICMPv6 checksum
  (RFC 4443 §2.3), option walk up to the RSA Signature option, CGA check
  (RFC 3972 §5, Sec 0), Key Hash, signature (RFC 3971 §5.2.2), timestamp
  window, HKEPK fit (RFC 5269 §4.1), key generation and encryption, the
  answer's options, signature and checksums;
* :func:`mn_exchange` — the MN's part of RFC 5269 §3.3, from the PrRtAdv to
  the stored key: the same receive checks against a cached certified router
  key, the nonce of an outstanding RtSolPr, the AT, the decryption and its
  length;
* :func:`rtsolpr_rejection` — what rejecting an invalid RtSolPr takes at
  the least: IPv6 next header, ICMPv6 type and subtype, a walk over the
  option TLVs (a zero Length is malformed, no option of type 12 is unsigned)
  and, for a signed one, the Key Hash against the CGA key (RFC 3971 §5.2.2).

They are measuring instruments, not a second implementation: they accept
exactly the packets the benchmarks send (Sec 0 CGAs, no CGA extension
fields, the signed checksum of :class:`SignedChecksum.BEFORE_SIGNATURE_OPTION`,
RSA keys parsed once into a cache) and leave out what the reference adds on
top of the protocol's work: the strict decoder's complete validation and
typed errors, the trace records, the rate limits and the interpretation
switches. Each raises :class:`FloorReject` where the reference rejects.
:func:`self_check` shows, before anything is timed, that their outputs are
what the reference produces and accepts.
"""

from __future__ import annotations

import hashlib
import os
import struct
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from rfc5269.send.signature import CGA_MESSAGE_TYPE_TAG

_PKCS1 = padding.PKCS1v15()
_SHA1 = hashes.SHA1()  # noqa: S303 (RFC 3971 §5.2 fixes SHA-1)
_ICMPV6 = 58
_FMIP = 154  # RFC 5568 §6.1: ICMPv6 type of RtSolPr (subtype 2) and PrRtAdv (subtype 3)
_TS_ONE_SECOND = 1 << 16  # RFC 3971 §5.3.1: 48.16 fixed point
_IID_HASH_BITS = 0x1C  # first interface-ID octet without Sec and the u, g bits (RFC 3972 §5)
_ALL_ROUTERS = bytes.fromhex("ff020000000000000000000000000002")
KEY_LENGTHS = {0: 20, 1: 32}
"""Handover key octets by AT under the default code points (HMAC-SHA1-96, HMAC-SHA256-128)."""


class FloorReject(Exception):  # noqa: N818 (the reason is the message)
    """The floor found the packet invalid (the message says why)."""


def _sha1(data: bytes) -> bytes:
    return hashlib.sha1(data).digest()  # noqa: S324 (RFC 3971/3972 fix SHA-1)


def _checksum(src: bytes, dst: bytes, icmp: bytes) -> int:
    """ICMPv6 checksum of ``icmp`` as it stands (RFC 4443 §2.3; 0 when a set one is right).

    The one's complement sum of 16-bit words is the big-endian integer of the
    octets modulo 0xFFFF (2**16 is 1 modulo 0xFFFF), 0xFFFF standing for a
    non-zero multiple.
    """
    data = src + dst + len(icmp).to_bytes(4, "big") + b"\x00\x00\x00\x3a" + icmp
    if len(data) % 2:
        data += b"\x00"
    value = int.from_bytes(data, "big")
    total = value % 0xFFFF or (0xFFFF if value else 0)
    return 0xFFFF - total


def _options(icmp: bytes) -> tuple[dict[int, int], int]:
    """First offset of each option type before the RSA Signature option, and its offset (-1).

    An FMIPv6 LLA option (type 19) is also found under ``19 << 8 | its Option-Code``.
    """
    first: dict[int, int] = {}
    offset, end = 8, len(icmp)
    while offset < end:
        if offset + 2 > end:
            raise FloorReject("malformed")
        length = icmp[offset + 1] * 8
        if length == 0 or offset + length > end:
            raise FloorReject("malformed")
        kind = icmp[offset]
        if kind == 12:
            return first, offset
        first.setdefault(kind, offset)
        if kind == 19:
            first.setdefault(19 << 8 | icmp[offset + 2], offset)
        offset += length
    return first, -1


def _padded(icmp: bytes, offset: int, fixed: int) -> bytes:
    """The variable field of a Pad Length option: after ``fixed`` octets, before the padding."""
    end = offset + icmp[offset + 1] * 8 - icmp[offset + 2]
    if end < offset + fixed:
        raise FloorReject("malformed")
    return icmp[offset + fixed:end]


def _open(packet: bytes, subtype: int) -> tuple[bytes, bytes, bytes]:
    """(src, dst, ICMPv6 message) of a checksummed FMIPv6 message sent on-link."""
    if len(packet) < 48 or packet[0] >> 4 != 6 or packet[6] != _ICMPV6 or packet[7] != 255:
        raise FloorReject("not an on-link ICMPv6 packet")
    length = int.from_bytes(packet[4:6], "big")
    icmp = packet[40:]
    if len(icmp) != length:
        raise FloorReject("malformed")
    src, dst = packet[8:24], packet[24:40]
    if _checksum(src, dst, icmp) != 0:
        raise FloorReject("checksum")
    if icmp[0] != _FMIP or icmp[4] != subtype:
        raise FloorReject("not the expected FMIPv6 message")
    return src, dst, icmp


def _cga_key(icmp: bytes, options: dict[int, int], src: bytes) -> bytes:
    """The public key DER of a Sec 0 CGA option that verifies for ``src`` (RFC 3972 §5)."""
    offset = options.get(11)
    if offset is None:
        raise FloorReject("no CGA option")
    params = _padded(icmp, offset, 4)
    key = params[25:]
    if _der_length(key) != len(key):
        raise FloorReject("CGA parameters with extension fields")
    if params[16:24] != src[:8] or params[24] > 2 or src[8] >> 5 != 0:
        raise FloorReject("cga")
    hash1 = _sha1(params)
    if hash1[0] & _IID_HASH_BITS != src[8] & _IID_HASH_BITS or hash1[1:8] != src[9:16]:
        raise FloorReject("cga")
    return key


def _der_length(der: bytes) -> int:
    """Octets of the DER element at the start of ``der`` (header included)."""
    if len(der) < 2:
        raise FloorReject("malformed")
    first = der[1]
    if first < 0x80:
        return 2 + first
    count = first & 0x7F
    return 2 + count + int.from_bytes(der[2:2 + count], "big")


def _signed_data(src: bytes, dst: bytes, prefix: bytes) -> bytes:
    """RFC 3971 §5.2 items 1-6, the checksum taken over the message cut at the signature."""
    zeroed = prefix[:2] + b"\x00\x00" + prefix[4:]
    checksum = _checksum(src, dst, zeroed)
    return CGA_MESSAGE_TYPE_TAG + src + dst + prefix[:2] + checksum.to_bytes(2, "big") + prefix[4:]


def _verify(icmp: bytes, sig: int, src: bytes, dst: bytes, key: rsa.RSAPublicKey) -> None:
    length = key.key_size // 8
    signature = icmp[sig + 20:sig + 20 + length]
    try:
        key.verify(signature, _signed_data(src, dst, icmp[:sig]), _PKCS1, _SHA1)
    except Exception as exc:  # InvalidSignature
        raise FloorReject("signature") from exc


def _timestamp(icmp: bytes, options: dict[int, int]) -> float:
    offset = options.get(13)
    if offset is None:
        raise FloorReject("no timestamp")
    return int.from_bytes(icmp[offset + 8:offset + 16], "big") / _TS_ONE_SECOND


def _nonce_option(icmp: bytes, options: dict[int, int]) -> bytes:
    offset = options.get(14)
    if offset is None:
        raise FloorReject("no nonce")
    return icmp[offset:offset + icmp[offset + 1] * 8]


def _with_pad(kind: int, fixed: bytes, content: bytes) -> bytes:
    n = 3 + len(fixed) + len(content)
    pad = -n % 8
    return bytes((kind, (n + pad) // 8, pad)) + fixed + content + bytes(pad)


@dataclass
class ArFloor:
    """What the AR floor keeps: its identity and options, caches, key records."""

    address: bytes  # the AR's CGA, packed
    router_key: rsa.RSAPrivateKey
    router_key_hash: bytes  # RFC 3971 §5.2: 128 leftmost bits of SHA-1 of its key
    cga_option: bytes  # the AR's CGA option, encoded once
    source_lla: bytes  # the AR's own LLA option
    neighbours: dict[bytes, bytes]  # access point LLA -> the options describing its NAR
    known_keys: dict[bytes, rsa.RSAPublicKey]  # CGA key DER -> parsed key
    key_lengths: dict[int, int] = field(default_factory=lambda: dict(KEY_LENGTHS))
    lifetime: int = 43200
    delta: float = 300.0
    fuzz: float = 1.0  # RFC 3971 §10.2 TIMESTAMP_FUZZ
    drift: float = 0.01  # RFC 3971 §10.2 TIMESTAMP_DRIFT
    timestamps: dict[bytes, tuple[float, float]] = field(default_factory=dict)
    records: dict[bytes, tuple[bytes, int, float]] = field(default_factory=dict)
    in_use: set[bytes] = field(default_factory=set)


def ar_exchange(s: ArFloor, packet: bytes, now: float) -> bytes:
    """Handle a valid RtSolPr with a Handover Key Request; return the PrRtAdv packet."""
    src, dst, icmp = _open(packet, 2)
    if dst != s.address and dst != _ALL_ROUTERS:
        raise FloorReject("not for this AR")
    options, sig = _options(icmp)
    if sig < 0:
        raise FloorReject("unsigned")
    key_der = _cga_key(icmp, options, src)
    if _sha1(key_der)[:16] != icmp[sig + 4:sig + 20]:
        raise FloorReject("key-mismatch")
    cga_key = s.known_keys[key_der]
    _verify(icmp, sig, src, dst, cga_key)
    timestamp = _timestamp(icmp, options)
    last = s.timestamps.get(src)
    if last is None:
        if abs(timestamp - now) > s.delta:
            raise FloorReject("timestamp")
    elif timestamp + s.fuzz <= last[0] + (now - last[1]) * (1 - s.drift) - s.fuzz:
        raise FloorReject("timestamp")  # RFC 3971 §5.3.4.2 for a known peer
    nonce_option = _nonce_option(icmp, options)
    request = options.get(27)
    if request is None:
        raise FloorReject("no key request")
    hkepk = serialization.load_der_public_key(_padded(icmp, request, 4))
    if not isinstance(hkepk, rsa.RSAPublicKey) or hkepk.key_size != cga_key.key_size:
        raise FloorReject("hkepk")
    hk_numbers, cga_numbers = hkepk.public_numbers(), cga_key.public_numbers()
    if hk_numbers.e != cga_numbers.e or hk_numbers.n == cga_numbers.n:
        raise FloorReject("hkepk")
    at = icmp[request + 3] >> 4
    length = s.key_lengths.get(at)
    if length is None:
        raise FloorReject("at")
    asked = options.get(19 << 8 | 1)  # the New Access Point LLA option
    if asked is None:
        raise FloorReject("no access point named")
    neighbour = s.neighbours.get(icmp[asked + 3:asked + 9])
    if neighbour is None:
        raise FloorReject("unknown access point")
    key = os.urandom(length)
    if key in s.in_use:  # RFC 5269 §3.6: a separate key for every CGA
        raise FloorReject("key in use")
    s.in_use.add(key)
    s.records[src] = (key, at, now + s.lifetime)
    s.timestamps[src] = (timestamp, now)
    reply = _with_pad(28, bytes((at << 4,)) + s.lifetime.to_bytes(2, "big"),
                      hkepk.encrypt(key, _PKCS1))
    own_timestamp = b"\x0d\x02" + bytes(6) + int(now * _TS_ONE_SECOND).to_bytes(8, "big")
    body = (bytes((_FMIP, 0, 0, 0, 3, 0)) + icmp[6:8] + s.source_lla + neighbour + reply
            + s.cga_option + own_timestamp + nonce_option)
    signature = s.router_key.sign(_signed_data(s.address, src, body), _PKCS1, _SHA1)
    n = 20 + len(signature)
    pad = -n % 8
    message = bytearray(body + bytes((12, (n + pad) // 8, 0, 0)) + s.router_key_hash
                        + signature + bytes(pad))
    message[2:4] = _checksum(s.address, src, bytes(message)).to_bytes(2, "big")
    return struct.pack("!IHBB16s16s", 0x60000000, len(message), _ICMPV6, 255, s.address,
                       src) + bytes(message)


@dataclass
class MnFloor:
    """What the MN floor keeps: certified router keys, outstanding nonces, stored keys."""

    router_keys: dict[bytes, tuple[bytes, rsa.RSAPublicKey]]  # Key Hash -> (DER, key)
    solicitations: dict[bytes, tuple[rsa.RSAPrivateKey, int]]  # nonce -> (HKEPK, asked AT)
    key_lengths: dict[int, int] = field(default_factory=lambda: dict(KEY_LENGTHS))
    strength: dict[int, int] = field(default_factory=lambda: {0: 96, 1: 128})  # AT -> bits
    keys: dict[tuple[bytes, bytes], tuple[bytes, int, float]] = field(default_factory=dict)


def mn_exchange(s: MnFloor, packet: bytes, now: float) -> bytes:
    """Handle a PrRtAdv with a Handover Key Reply; store and return the key."""
    src, dst, icmp = _open(packet, 3)
    options, sig = _options(icmp)
    if sig < 0:
        raise FloorReject("unsigned")
    router = s.router_keys.get(icmp[sig + 4:sig + 20])
    if router is None:
        raise FloorReject("not-certified")
    key_der, router_key = router
    if _cga_key(icmp, options, src) != key_der or _sha1(key_der)[:16] != icmp[sig + 4:sig + 20]:
        raise FloorReject("key-mismatch")
    _verify(icmp, sig, src, dst, router_key)
    _timestamp(icmp, options)  # recorded, not judged, for a solicited advertisement
    nonce_option = _nonce_option(icmp, options)
    solicitation = s.solicitations.get(nonce_option[2:])
    if solicitation is None:
        raise FloorReject("nonce")
    hkepk, asked = solicitation
    reply = options.get(28)
    if reply is None:
        raise FloorReject("no key reply")
    at = icmp[reply + 3] >> 4
    if at not in s.key_lengths or s.strength[at] < s.strength.get(asked, 0):
        raise FloorReject("at")
    lifetime = int.from_bytes(icmp[reply + 4:reply + 6], "big")
    key = hkepk.decrypt(_padded(icmp, reply, 6), _PKCS1)
    if len(key) != s.key_lengths[at]:
        raise FloorReject("key length")
    s.keys[(src, dst)] = (key, at, now + lifetime)
    return key


def rtsolpr_rejection(packet: bytes) -> str | None:
    """The reason the least work finds to reject an RtSolPr, or None when it finds none.

    IPv6 next header and length, ICMPv6 type and subtype, the option TLVs
    walked to the RSA Signature option (a zero or overlong Length is
    malformed, no type 12 unsigned), then the Key Hash against the SHA-1 of
    the CGA option's key. No checksum, no CGA check, no signature.
    """
    if len(packet) < 48 or packet[6] != _ICMPV6 or len(packet) - 40 != int.from_bytes(
            packet[4:6], "big"):
        return "malformed"
    icmp = packet[40:]
    if icmp[0] != _FMIP or icmp[4] != 2:
        return "malformed"
    try:
        options, sig = _options(icmp)
        if sig < 0:
            return "unsigned"
        cga = options.get(11)
        if cga is None:
            return "key-hash-unknown"
        key = _padded(icmp, cga, 4)[25:]
    except FloorReject as exc:
        return str(exc)
    if _sha1(key[:_der_length(key)])[:16] != icmp[sig + 4:sig + 20]:
        return "key-mismatch"
    return None


def self_check(ar_state: ArFloor, request: bytes, mn_state: MnFloor, answer: bytes,
               answer_key: bytes, now: float, verify_answer: Any) -> None:
    """Show that the floors do the real work before they are timed.

    The AR floor's PrRtAdv must pass ``verify_answer`` (the reference's
    strict decoder and SEND check) and carry the key the floor recorded; the
    MN floor must recover ``answer_key`` from the reference AR's PrRtAdv.
    """
    produced = ar_exchange(ar_state, request, now)
    verify_answer(produced)
    src = request[8:24]
    key, _, _ = ar_state.records[src]
    if mn_exchange(mn_state, produced, now) != key:
        raise AssertionError("the AR floor's PrRtAdv does not carry the recorded key")
    if mn_exchange(mn_state, answer, now) != answer_key:
        raise AssertionError("the MN floor did not recover the reference AR's key")
