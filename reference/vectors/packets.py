"""Packet builders for the corpus: every knob a vector needs to turn, one at a time.

The nodes' own builders (:mod:`rfc5269.nodes.packets`) only make correct
packets; vectors also need packets that are wrong in exactly one way. These
builders assemble an RtSolPr, a PrRtAdv or an FBU from its parts with that
one part changed — an option left out, a field set to an illegal value, the
signature made over other bytes — and then sign and checksum the result as a
real sender would, so that only the intended check can fail.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from ipaddress import IPv6Address
from typing import Any

from cryptography.hazmat.primitives.asymmetric import rsa
from rfc5269.constants import IPPROTO_ICMPV6
from rfc5269.handover.algorithms import algorithm_for_at
from rfc5269.handover.authenticator import compute_authenticator
from rfc5269.handover.encryption import encrypt_handover_key
from rfc5269.interpretations import (
    AlgorithmTypeCodepoints,
    AuthenticatorCareOfAddress,
    BadfLength,
    SignedChecksum,
)
from rfc5269.send.cga import CgaParameterFields
from rfc5269.send.sender import SendIdentity, wire_parameters
from rfc5269.send.signature import sign_message
from rfc5269.send.timestamps import timestamp_now
from rfc5269.wire.icmpv6 import icmpv6_checksum
from rfc5269.wire.ipv6 import (
    DestinationOptionsHeader,
    HomeAddressOption,
    IPv6Header,
    IPv6Packet,
    RawPayload,
)
from rfc5269.wire.mobility import (
    AlternateCareOfAddress,
    BindingAuthorizationDataFmip,
    FastBindingUpdate,
    MobilityOption,
    mh_checksum,
    mh_data_for_authenticator,
)
from rfc5269.wire.ndopt import (
    CgaOption,
    NdOption,
    NonceOption,
    TimestampOption,
)

Mutation = Callable[[bytes], bytes]


def seeded(label: str) -> Callable[[int], bytes]:
    """A deterministic byte source named by ``label`` (test material only)."""
    return random.Random(f"rfc5269-vectors/{label}").randbytes


def ipv6_packet(src: IPv6Address, dst: IPv6Address, icmp: bytes, hop_limit: int = 255) -> bytes:
    """An IPv6 packet carrying ICMPv6 bytes as they are (checksum untouched)."""
    return IPv6Packet(IPv6Header(src, dst, hop_limit=hop_limit),
                      payload=RawPayload(IPPROTO_ICMPV6, icmp)).encode()


def with_checksum(icmp: bytes, src: IPv6Address, dst: IPv6Address) -> bytes:
    """``icmp`` with its ICMPv6 checksum recomputed (RFC 4443 §2.3)."""
    data = bytearray(icmp)
    data[2:4] = b"\x00\x00"
    data[2:4] = icmpv6_checksum(src, dst, bytes(data)).to_bytes(2, "big")
    return bytes(data)


def option_offsets(icmp: bytes, start: int = 8) -> list[tuple[int, int, int]]:
    """(type, offset, length in octets) of each ND option from ``start`` (RFC 4861 §4.6)."""
    out = []
    at = start
    while at + 2 <= len(icmp) and icmp[at + 1]:
        out.append((icmp[at], at, icmp[at + 1] * 8))
        at += icmp[at + 1] * 8
    return out


def find_option(icmp: bytes, option_type: int, start: int = 8) -> tuple[int, int]:
    """(offset, length) of the first option of ``option_type``."""
    for kind, at, length in option_offsets(icmp, start):
        if kind == option_type:
            return at, length
    raise LookupError(option_type)


def set_octet(option_type: int, index: int, value: int | Callable[[int], int]) -> Mutation:
    """A mutation setting octet ``index`` of the first option of ``option_type``."""

    def mutate(icmp: bytes) -> bytes:
        at, _ = find_option(icmp, option_type)
        data = bytearray(icmp)
        data[at + index] = value(data[at + index]) if callable(value) else value
        return bytes(data)

    return mutate


def set_last_octet(option_type: int, value: int) -> Mutation:
    """A mutation setting the last octet of the first option of ``option_type`` (padding)."""

    def mutate(icmp: bytes) -> bytes:
        at, length = find_option(icmp, option_type)
        data = bytearray(icmp)
        data[at + length - 1] = value
        return bytes(data)

    return mutate


def set_icmp_octet(index: int, value: int) -> Mutation:
    """A mutation setting one octet of the ICMPv6 message itself."""

    def mutate(icmp: bytes) -> bytes:
        data = bytearray(icmp)
        data[index] = value
        return bytes(data)

    return mutate


def drop_option(option_type: int) -> Mutation:
    """A mutation removing the first option of ``option_type``."""

    def mutate(icmp: bytes) -> bytes:
        at, length = find_option(icmp, option_type)
        return icmp[:at] + icmp[at + length:]

    return mutate


def append_bytes(extra: bytes) -> Mutation:
    """A mutation appending octets (an option, or garbage) to the message."""
    return lambda icmp: icmp + extra


@dataclass(frozen=True)
class SendParts:
    """The SEND options of one message (RFC 3971 §5): which, in what order, with what values."""

    cga: CgaParameterFields | None
    timestamp: int | None  # ticks (RFC 3971 §5.3.1), None: no Timestamp option
    nonce: bytes | None
    nonce_first: bool = False

    def options(self) -> tuple[NdOption, ...]:
        out: list[NdOption] = []
        if self.cga is not None:
            out.append(CgaOption(wire_parameters(self.cga)))
        stamp: list[NdOption] = [TimestampOption(self.timestamp)] \
            if self.timestamp is not None else []
        nonce: list[NdOption] = [NonceOption(self.nonce)] if self.nonce is not None else []
        out += (nonce + stamp) if self.nonce_first else (stamp + nonce)
        return tuple(out)


def ticks(now: float | Fraction) -> int:
    """A Timestamp value for ``now`` (RFC 3971 §5.3.1)."""
    return timestamp_now(now)


def signed_icmp(
    encode: Callable[[tuple[NdOption, ...]], bytes],
    body_options: Sequence[NdOption],
    send: SendParts,
    src: IPv6Address,
    dst: IPv6Address,
    signer: rsa.RSAPrivateKey | None,
    *,
    before_signing: Sequence[Mutation] = (),
    after_signing: Sequence[Mutation] = (),
    signed_checksum: SignedChecksum = SignedChecksum.BEFORE_SIGNATURE_OPTION,
    keep_checksum: bool = False,
) -> bytes:
    """An ICMPv6 message with SEND options, optionally signed, mutated before or after signing.

    ``encode(options)`` encodes the message with its options; the mutations
    act on ICMPv6 octets. After ``after_signing`` the checksum is recomputed
    unless ``keep_checksum`` (a wrong-checksum vector).
    """
    icmp = encode((*body_options, *send.options()))
    for m in before_signing:
        icmp = m(icmp)
    if signer is not None:
        icmp = sign_message(icmp, src, dst, signer, signed_checksum=signed_checksum)
    else:
        icmp = with_checksum(icmp, src, dst)
    for m in after_signing:
        icmp = m(icmp)
    if after_signing and not keep_checksum:
        icmp = with_checksum(icmp, src, dst)
    return icmp


def send_parts(identity: SendIdentity | None, now: float | Fraction, nonce: bytes | None, /,
               **changes: object) -> SendParts:
    """The SEND options a correct sender puts in (CGA, Timestamp at ``now``, Nonce)."""
    parts = SendParts(identity.cga.parameters if identity is not None else None, ticks(now),
                      nonce)
    if changes:
        from dataclasses import replace

        parts = replace(parts, **changes)  # type: ignore[arg-type]
    return parts


def encrypted_key(key: bytes, hkepk: rsa.RSAPublicKey, label: str) -> bytes:
    """The handover key under RSAES-PKCS1-v1_5 with seeded padding (RFC 5269 §3.2)."""
    return encrypt_handover_key(key, hkepk, seeded(label))


# ------------------------------------------------------------------ FBU


def fbu_packet(
    key: bytes,
    at: int,
    par: IPv6Address,
    pcoa: IPv6Address,
    ncoa: IPv6Address,
    sequence: int,
    *,
    from_par_link: bool = False,
    coa_reading: AuthenticatorCareOfAddress = AuthenticatorCareOfAddress.NCOA,
    badf_length: BadfLength = BadfLength.OPTION_DATA,
    codepoints: AlgorithmTypeCodepoints = AlgorithmTypeCodepoints.ZERO_IS_DEFAULT,
    spi: int = 0,
    badf: bool = True,
    extra_options: tuple[MobilityOption, ...] = (),
    home_address: IPv6Address | bool = True,
    alternate_coa: IPv6Address | None = None,
    lifetime: int = 10,
    flags: dict[str, bool] | None = None,
    tamper_bit: int | None = None,
    after: Sequence[Mutation] = (),
    fix_checksum: bool = True,
    covered: Sequence[Mutation] = (),
) -> bytes:
    """An FBU (RFC 5568 §6.2.2) with HAO = PCoA and a BADF under ``key`` (RFC 5269 §3.4).

    From the PAR's link the source is the PCoA and an Alternate CoA option
    carries the NCoA; from the new link the source is the NCoA. The
    authenticator's care-of address follows ``coa_reading`` (switch CL-06),
    ``covered`` mutations change the message before the authenticator is
    computed over it (so the authenticator stays valid),
    the BADF Option Length ``badf_length`` (CL-07). ``after`` mutates the
    Mobility Header octets once built; the MH checksum is then recomputed
    (unless ``fix_checksum`` is False).
    """
    algorithm = algorithm_for_at(at, codepoints)
    assert algorithm is not None
    src = pcoa if from_par_link else ncoa
    options: tuple[MobilityOption, ...] = extra_options
    alt = alternate_coa if alternate_coa is not None else (ncoa if from_par_link else None)
    if alt is not None:
        options = (AlternateCareOfAddress(alt), *options)
    flag_values: dict[str, Any] = {"a": True, "h": True, **(flags or {})}
    coa = {AuthenticatorCareOfAddress.NCOA: alt if alt is not None else src,
           AuthenticatorCareOfAddress.PCOA: pcoa,
           AuthenticatorCareOfAddress.PACKET_SOURCE: src}[coa_reading]
    placeholder = FastBindingUpdate(sequence, lifetime, (
        *options, BindingAuthorizationDataFmip(spi, bytes(algorithm.mac_length))),
        **flag_values)
    placeholder_mh = placeholder.encode(badf_length=badf_length)
    for m in covered:
        placeholder_mh = m(placeholder_mh)
    tag = compute_authenticator(key, algorithm, coa, par,
                                mh_data_for_authenticator(placeholder_mh, badf_length))
    if tamper_bit is not None:
        tag = bytes([tag[0] ^ (0x80 >> tamper_bit)]) + tag[1:]
    options = (*options, BindingAuthorizationDataFmip(spi, tag))
    fbu = FastBindingUpdate(sequence, lifetime, options, **flag_values)
    ext = (DestinationOptionsHeader((HomeAddressOption(pcoa),)),)
    packet = IPv6Packet(IPv6Header(src, par, hop_limit=64), ext, fbu).encode(badf_length)
    if home_address is False:
        packet = strip_home_address(packet)
    elif isinstance(home_address, IPv6Address):
        packet = replace_home_address(packet, home_address)
    after = (*covered, *after)
    if not badf:
        after = (strip_badf, *after)
    if not after:
        return packet
    return mutate_mobility_header(packet, after, fix_checksum)


def strip_home_address(packet: bytes) -> bytes:
    """``packet`` without its Destination Options header (MH checksum over the source)."""
    length = (packet[41] + 1) * 8
    head = bytearray(packet[:40])
    head[6] = packet[40]
    head[4:6] = (len(packet) - 40 - length).to_bytes(2, "big")
    return mutate_mobility_header(bytes(head) + packet[40 + length:], ())


def replace_home_address(packet: bytes, home: IPv6Address) -> bytes:
    """``packet`` with the Home Address option's address replaced (MH checksum refreshed)."""
    data = bytearray(packet)
    at = data.index(0xC9, 42)  # the Home Address option (RFC 3775 §6.3)
    data[at + 2:at + 18] = home.packed
    return mutate_mobility_header(bytes(data), ())


def strip_badf(mh: bytes) -> bytes:
    """The Mobility Header without its BADF option, re-padded to 8 octets (RFC 3775 §6.1.1).

    The codec's encoder refuses an FBU without BADF (RFC 5568 §6.2.2), so
    the vector for that case removes it from the octets.
    """
    at = 12  # after the FBU's fixed part (RFC 5568 §6.2.2)
    while at < len(mh) and mh[at] != 21:
        at += 1 if mh[at] == 0 else 2 + mh[at + 1]
    body = mh[:at]
    pad = (-len(body)) % 8
    if pad == 1:
        body += b"\x00"
    elif pad:
        body += bytes((1, pad - 2)) + bytes(pad - 2)
    data = bytearray(body)
    data[1] = len(data) // 8 - 1
    return bytes(data)


def mutate_mobility_header(packet: bytes, mutations: Sequence[Mutation],
                           fix_checksum: bool = True) -> bytes:
    """Apply mutations to the Mobility Header of ``packet`` and refresh its checksum.

    The checksum's pseudo-header carries the Home Address as source when a
    Home Address option is present (RFC 3775 §6.1.1, §9.3.1).
    """
    src, dst = IPv6Address(packet[8:24]), IPv6Address(packet[24:40])
    at = 40
    home = src
    if packet[6] == 60:  # Destination Options header
        length = (packet[41] + 1) * 8
        opts = packet[42:40 + length]
        i = 0
        while i < len(opts):
            if opts[i] == 0:
                i += 1
                continue
            if opts[i] == 0xC9:
                home = IPv6Address(opts[i + 2:i + 18])
            i += 2 + opts[i + 1]
        at = 40 + length
    mh = packet[at:]
    for m in mutations:
        mh = m(mh)
    if fix_checksum:
        data = bytearray(mh)
        data[4:6] = b"\x00\x00"
        data[4:6] = mh_checksum(home, dst, bytes(data)).to_bytes(2, "big")
        mh = bytes(data)
    head = bytearray(packet[:at])
    head[4:6] = (len(head) - 40 + len(mh)).to_bytes(2, "big")
    return bytes(head) + mh
