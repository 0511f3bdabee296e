"""SEND RSA signatures over raw ICMPv6 messages (RFC 3971 §5.1-§5.2).

Works on the ICMPv6 octets plus the IPv6 source and destination, so any
message type can be signed and verified (RtSolPr, PrRtAdv, CPS, CPA, ...).

The signed data (RFC 3971 §5.2, items 1-6) is::

    CGA Message Type tag | source | destination | type, code, checksum |
    header after the checksum | options preceding the RSA Signature option

Which value stands for the checksum is the CL-08 switch
:class:`rfc5269.interpretations.SignedChecksum`:

* ``BEFORE_SIGNATURE_OPTION`` (default; what sendd, NDprotector and veripy
  do, interop-facts.md): the ICMPv6 checksum of the message cut at the RSA
  Signature option, with the pseudo-header length of the cut message;
* ``ZERO``: the checksum field taken as zero;
* ``TRANSMITTED``: the checksum as transmitted. The literal reading is
  circular (the checksum covers the signature), so a signer can only satisfy
  it by choosing the checksum first and then forcing the final checksum to
  that value through two octets of the option's padding — which
  :func:`sign_message` does. Verification uses the received checksum.

Verification (:func:`verify_signature`), RFC 3971 §5.1.2, §5.2.2:

1. the message's own ICMPv6 checksum is right (RFC 4443 §2.3) and the
   options up to the first RSA Signature option decode (RFC 4861 §4.6);
   options after it are ignored, neither decoded nor signed;
2. without an RSA Signature option the message is *unsecured*;
3. with a CGA option: its key passes the key checks (RFC 3971 §5.1.3), the
   CGA verifies for ``cga_address`` (RFC 3972 §5), and the Key Hash names
   that key (RFC 3971 §5.1: two different keys are discarded);
   without one: the Key Hash must name a key known by other means (e.g. a
   router's certified key);
4. the Digital Signature (as long as the key's modulus; the rest of the
   option is padding) verifies with RSASSA-PKCS1-v1_5 and SHA-1 over the
   received octets.

A receiver that has decoded the message strictly already (as the nodes do)
calls :func:`check_decoded_signature` with the decoded options: step 1 was
the decoder's, and steps 2-4 are the same code as :func:`check_signature`'s.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from rfc5269.errors import DecodeError, EncodeError
from rfc5269.interpretations import CgaSecRange, SignedChecksum
from rfc5269.send.cga import CgaVerified, cga_check
from rfc5269.send.keys import DEFAULT_KEY_POLICY, KeyPolicy, check_public_key, key_hash
from rfc5269.send.keys import public_key_der as _public_key_der
from rfc5269.send.verdict import Reason, Verdict
from rfc5269.wire.describe import fast_init
from rfc5269.wire.icmpv6 import (
    Address,
    checksum_extended,
    icmpv6_checksum,
    ones_complement_checksum,
    pseudo_header,
)
from rfc5269.wire.ndopt import (
    CgaOption,
    NdOption,
    OptionSpan,
    RsaSignatureOption,
    decode_options,
)
from rfc5269.wire.send_ranges import framed_options, header_length
from rfc5269.wire.send_ranges import signed_portion as signed_portion  # re-exported

CGA_MESSAGE_TYPE_TAG = bytes.fromhex("086FCA5E10B200C99C8CE00164277C08")
"""The 128-bit CGA Message Type tag for SEND (RFC 3971 §5.2 item 1)."""

DEFAULT_SIGNED_CHECKSUM = SignedChecksum.BEFORE_SIGNATURE_OPTION
_PKCS1 = padding.PKCS1v15()
_SHA1 = hashes.SHA1()  # noqa: S303 (RFC 3971 §5.2 fixes SHA-1)

OptionT = TypeVar("OptionT", bound=NdOption)
_SIGNATURE_TYPE = RsaSignatureOption.TYPE
_CGA_TYPE = CgaOption.TYPE


def _zero_checksum(icmp: bytes) -> bytes:
    return icmp[:2] + b"\x00\x00" + icmp[4:]


def signed_checksum_value(prefix: bytes, src: Address, dst: Address, received: int,
                          reading: SignedChecksum) -> int:
    """The checksum value that enters the signed data under ``reading`` (CL-08).

    ``prefix`` is the message cut at the RSA Signature option; ``received``
    the checksum field as transmitted.
    """
    if reading is SignedChecksum.BEFORE_SIGNATURE_OPTION:
        return icmpv6_checksum(src, dst, prefix)
    if reading is SignedChecksum.ZERO:
        return 0
    return received


def signed_data(prefix: bytes, src: Address, dst: Address, checksum: int) -> bytes:
    """The octets the signature covers (RFC 3971 §5.2 items 1-6).

    ``prefix`` is the ICMPv6 message up to (not including) the first RSA
    Signature option; ``checksum`` replaces its checksum field. Addresses
    may be given as their 16 octets.
    """
    if isinstance(src, ipaddress.IPv6Address):
        src = src.packed
    if isinstance(dst, ipaddress.IPv6Address):
        dst = dst.packed
    return (CGA_MESSAGE_TYPE_TAG + src + dst + prefix[:2]
            + checksum.to_bytes(2, "big") + prefix[4:])


def _force_checksum(msg: bytearray, src: ipaddress.IPv6Address, dst: ipaddress.IPv6Address,
                    target: int, pad_at: int) -> None:
    """Set the two octets at ``pad_at`` so that the message's checksum becomes ``target``."""
    msg[2:4] = b"\x00\x00"
    msg[pad_at:pad_at + 2] = b"\x00\x00"
    # checksum = ~S; we want ~(S + w) = target, i.e. w = ~target - S (one's complement).
    current = ones_complement_checksum(pseudo_header(src, dst, len(msg), 58) + bytes(msg))
    s = (~current) & 0xFFFF
    w = ((~target) & 0xFFFF) + ((~s) & 0xFFFF)
    w = (w & 0xFFFF) + (w >> 16)
    msg[pad_at:pad_at + 2] = w.to_bytes(2, "big")
    msg[2:4] = icmpv6_checksum(src, dst, bytes(msg)).to_bytes(2, "big")


def sign_message(
    icmp: bytes,
    src: ipaddress.IPv6Address,
    dst: ipaddress.IPv6Address,
    private_key: rsa.RSAPrivateKey,
    *,
    signed_checksum: SignedChecksum = DEFAULT_SIGNED_CHECKSUM,
    signer_key_hash: bytes | None = None,
) -> bytes:
    """Append the RSA Signature option to a complete ICMPv6 message (RFC 3971 §5.2.1).

    ``icmp`` is the whole message without the signature (its checksum field
    is ignored); the result carries the option last and a correct checksum.
    ``signer_key_hash`` is the Key Hash of ``private_key``'s public key
    (RFC 3971 §5.2) when the caller holds it (:class:`rfc5269.send.sender.SendIdentity`
    derives it once); it is derived from the key otherwise.
    """
    icmp = bytes(icmp)
    src_octets, dst_octets = src.packed, dst.packed
    # The checksum of the message without the option, its field taken as zero: the value
    # signed under the deployed CL-08 reading, and a convenient one for TRANSMITTED.
    prefix_checksum = icmpv6_checksum(src_octets, dst_octets, icmp)
    value = 0 if signed_checksum is SignedChecksum.ZERO else prefix_checksum
    signature = private_key.sign(signed_data(icmp, src_octets, dst_octets, value), _PKCS1, _SHA1)
    if signer_key_hash is None:
        signer_key_hash = key_hash(_public_key_der(private_key))
    option = RsaSignatureOption.create(signer_key_hash, signature).encode()
    if signed_checksum is SignedChecksum.TRANSMITTED:
        msg = bytearray(_zero_checksum(icmp) + option)
        pad_at = len(icmp) + 20 + len(signature)
        if len(msg) - pad_at < 2 or pad_at % 2:
            raise EncodeError("RsaSignatureOption.padding",
                              "the transmitted-checksum reading needs two aligned padding "
                              "octets", "RFC 3971 §5.2")
        _force_checksum(msg, src, dst, value, pad_at)
        if int.from_bytes(msg[2:4], "big") != value:  # pragma: no cover - arithmetic guard
            raise EncodeError("checksum", "could not force the transmitted checksum",
                              "RFC 3971 §5.2")
        return bytes(msg)
    # The whole message's checksum, from the prefix's (see rfc5269.wire.icmpv6.checksum_extended).
    whole = checksum_extended(prefix_checksum, option) if len(icmp) % 2 == 0 else \
        icmpv6_checksum(src_octets, dst_octets, icmp + option)
    return icmp[:2] + whole.to_bytes(2, "big") + icmp[4:] + option


@fast_init
@dataclass(frozen=True)
class SignedMessage:
    """What a verified signature establishes about a message.

    The options preceding the RSA Signature option (the signed ones) are
    decoded on demand: :meth:`first` decodes only the option asked for,
    :attr:`options` all of them (raising :class:`rfc5269.errors.DecodeError`
    if one is malformed). When the caller had decoded them already
    (:func:`check_decoded_signature`), ``signed_options`` holds them and
    ``spans`` is empty.
    """

    public_key_der: bytes
    key_hash: bytes
    cga: CgaVerified | None  # None when the key was known by other means
    options_area: bytes  # the options preceding the RSA Signature option, as received
    spans: tuple[OptionSpan, ...]
    signature_offset: int
    signed_options: tuple[NdOption, ...] | None = None

    @property
    def sec(self) -> int:
        """The sender's CGA Sec (0 when no CGA was verified)."""
        return self.cga.sec if self.cga is not None else 0

    @property
    def options(self) -> tuple[NdOption, ...]:
        """Every signed option, decoded."""
        if self.signed_options is not None:
            return self.signed_options
        return decode_options(self.options_area)

    def first(self, cls: type[OptionT]) -> OptionT | None:
        """The first signed option of type ``cls``, if any (DecodeError if malformed)."""
        if self.signed_options is not None:
            for option in self.signed_options:
                if isinstance(option, cls):
                    return option
            return None
        for span in self.spans:
            if span.type == cls.TYPE:  # framing checked when the message was verified
                return cls.decode_framed(self.options_area[span.offset:span.offset + span.length])
        return None


def verify_signature(
    icmp: bytes,
    src: ipaddress.IPv6Address,
    dst: ipaddress.IPv6Address,
    *,
    cga_address: ipaddress.IPv6Address | None = None,
    known_keys: Mapping[bytes, bytes] | None = None,
    key_policy: KeyPolicy = DEFAULT_KEY_POLICY,
    sec_range: CgaSecRange = CgaSecRange.RFC3972,
    signed_checksum: SignedChecksum = DEFAULT_SIGNED_CHECKSUM,
) -> Verdict[SignedMessage]:
    """Check the CGA and RSA Signature options of a received message (RFC 3971 §5.1.2, §5.2.2).

    ``cga_address`` is the address the CGA option must prove (default the
    source, right for RtSolPr, PrRtAdv, CPS and CPA); ``known_keys`` maps Key
    Hash to DER public key for keys known by other means (RFC 3971 §5.2.2).
    """
    result = check_signature(icmp, src, dst, cga_address=cga_address, known_keys=known_keys,
                             key_policy=key_policy, sec_range=sec_range,
                             signed_checksum=signed_checksum)
    if isinstance(result, Verdict):
        return result
    return Verdict.accept(result)


def check_signature(
    icmp: bytes,
    src: ipaddress.IPv6Address,
    dst: ipaddress.IPv6Address,
    *,
    cga_address: ipaddress.IPv6Address | None = None,
    known_keys: Mapping[bytes, bytes] | None = None,
    key_policy: KeyPolicy = DEFAULT_KEY_POLICY,
    sec_range: CgaSecRange = CgaSecRange.RFC3972,
    signed_checksum: SignedChecksum = DEFAULT_SIGNED_CHECKSUM,
) -> SignedMessage | Verdict[Any]:
    """:func:`verify_signature` answering the :class:`SignedMessage` itself on acceptance.

    Any other outcome is the failing (or unsecured) verdict. The checks run
    in the order of the module docstring; the receiver's path
    (:meth:`rfc5269.send.receiver.SendReceiver.verify`) calls this form to
    build one verdict per message instead of one per layer.
    """
    icmp = bytes(icmp)
    src_octets, dst_octets = src.packed, dst.packed
    # 1. Framing (RFC 4443 §2.1, RFC 4861 §4.6).
    try:
        start, spans = framed_options(icmp)
    except DecodeError as exc:
        return Verdict.reject(Reason.MALFORMED, str(exc))
    # Where the first RSA Signature option is, and the first CGA option before it.
    sig_span: OptionSpan | None = None
    cga_span: OptionSpan | None = None
    for span in spans:
        if span.type == _SIGNATURE_TYPE:
            sig_span = span
            break
        if span.type == _CGA_TYPE and cga_span is None:
            cga_span = span
    offset = None if sig_span is None else start + sig_span.offset
    checked = _check_checksum(icmp, offset, src_octets, dst_octets, signed_checksum)
    if isinstance(checked, Verdict):
        return checked
    # 2. Unsigned?
    if sig_span is None or offset is None:
        return Verdict.unsecured(Reason.UNSIGNED)
    spans = spans[:spans.index(sig_span)]  # offsets relative to the area, which starts at `start`
    area = icmp[start:offset]
    # The first CGA option and the RSA Signature option must decode (their framing
    # was checked by the walk).
    try:
        sig_option = RsaSignatureOption.decode_framed(icmp[offset:offset + sig_span.length])
        cga_option = None if cga_span is None else CgaOption.decode_framed(
            area[cga_span.offset:cga_span.offset + cga_span.length])
    except DecodeError as exc:
        return Verdict.reject(Reason.MALFORMED, str(exc))
    key = _check_key_and_signature(
        icmp[:offset], src, src_octets, dst_octets, checked, sig_option, cga_option,
        cga_address=cga_address, known_keys=known_keys, key_policy=key_policy,
        sec_range=sec_range, signed_checksum=signed_checksum)
    if isinstance(key, Verdict):
        return key
    der, cga_info = key
    return SignedMessage(der, sig_option.key_hash, cga_info, area, spans, offset)


def check_decoded_signature(
    icmp: bytes,
    src: ipaddress.IPv6Address,
    dst: ipaddress.IPv6Address,
    options: Sequence[NdOption],
    signature_index: int,
    *,
    checksum_verified: bool,
    cga_address: ipaddress.IPv6Address | None = None,
    known_keys: Mapping[bytes, bytes] | None = None,
    key_policy: KeyPolicy = DEFAULT_KEY_POLICY,
    sec_range: CgaSecRange = CgaSecRange.RFC3972,
    signed_checksum: SignedChecksum = DEFAULT_SIGNED_CHECKSUM,
) -> SignedMessage | Verdict[Any]:
    """:func:`check_signature` for a message the caller has already decoded strictly.

    ``options`` are every option of ``icmp`` (the octets as received), decoded
    in wire order by the codec (:mod:`rfc5269.wire`), whose framing checks are
    step 1 of the module docstring; ``signature_index`` is the index of the
    first RSA Signature option among them (``len(options)`` when there is
    none); ``checksum_verified`` says whether the decoder verified the
    message's ICMPv6 checksum (RFC 4443 §2.3) — if not, it is checked here.
    The options are not walked or decoded a second time; the signature is
    still verified over ``icmp`` itself (RFC 3971 §5.2). Steps 2-4 are the
    same code as :func:`check_signature`'s, so both answer the same verdict
    for the same octets.
    """
    icmp = bytes(icmp)
    src_octets, dst_octets = src.packed, dst.packed
    signed = signature_index < len(options)
    offset: int | None = None
    if signed:
        # The decoder checked every option's framing: step over the Length
        # octets of those before the signature (RFC 4861 §4.6).
        offset = 4 + header_length(icmp[0])
        for _ in range(signature_index):
            if offset + 2 > len(icmp):
                break
            offset += icmp[offset + 1] * 8
        if offset + 2 > len(icmp) or icmp[offset] != _SIGNATURE_TYPE:
            raise ValueError("the options were not decoded from these octets")
    if checksum_verified:
        checked: int | None = None
        if offset is not None and signed_checksum is SignedChecksum.BEFORE_SIGNATURE_OPTION:
            checked = icmpv6_checksum(src_octets, dst_octets, icmp[:offset])
    else:
        result = _check_checksum(icmp, offset, src_octets, dst_octets, signed_checksum)
        if isinstance(result, Verdict):
            return result
        checked = result
    # 2. Unsigned?
    if offset is None:
        return Verdict.unsecured(Reason.UNSIGNED)
    sig_option = options[signature_index]
    if not isinstance(sig_option, RsaSignatureOption):
        raise ValueError("signature_index does not name an RSA Signature option")
    signed_options = tuple(options[:signature_index])
    cga_option = next((o for o in signed_options if isinstance(o, CgaOption)), None)
    key = _check_key_and_signature(
        icmp[:offset], src, src_octets, dst_octets, checked, sig_option, cga_option,
        cga_address=cga_address, known_keys=known_keys, key_policy=key_policy,
        sec_range=sec_range, signed_checksum=signed_checksum)
    if isinstance(key, Verdict):
        return key
    der, cga_info = key
    return SignedMessage(der, sig_option.key_hash, cga_info,
                         icmp[4 + header_length(icmp[0]):offset], (), offset, signed_options)


def _check_checksum(icmp: bytes, offset: int | None, src: bytes, dst: bytes,
                    reading: SignedChecksum) -> int | Verdict[Any] | None:
    """Step 1's checksum check (RFC 4443 §2.3) of ``icmp``, whose first RSA Signature
    option (if any) starts at ``offset``.

    Answers the reject verdict, or — under the deployed CL-08 reading, for a
    signed message — the checksum of the message cut at the signature (the
    value the signature covers, from which the whole message's checksum
    follows by :func:`rfc5269.wire.icmpv6.checksum_extended`), else None.
    """
    received = int.from_bytes(icmp[2:4], "big")
    prefix_checksum: int | None = None
    if offset is not None and reading is SignedChecksum.BEFORE_SIGNATURE_OPTION:
        prefix_checksum = icmpv6_checksum(src, dst, icmp[:offset])
        whole = checksum_extended(prefix_checksum, icmp[offset:])
    else:
        whole = icmpv6_checksum(src, dst, icmp)
    if whole != received:
        return Verdict.reject(Reason.CHECKSUM_INVALID)
    return prefix_checksum


def _check_key_and_signature(
    prefix: bytes,
    src: ipaddress.IPv6Address,
    src_octets: bytes,
    dst_octets: bytes,
    prefix_checksum: int | None,
    sig_option: RsaSignatureOption,
    cga_option: CgaOption | None,
    *,
    cga_address: ipaddress.IPv6Address | None,
    known_keys: Mapping[bytes, bytes] | None,
    key_policy: KeyPolicy,
    sec_range: CgaSecRange,
    signed_checksum: SignedChecksum,
) -> tuple[bytes, CgaVerified | None] | Verdict[Any]:
    """Steps 3-4 of the module docstring, shared by both entry points.

    ``prefix`` is the message cut at its first RSA Signature option,
    ``prefix_checksum`` its checksum when already computed. Answers the
    signer's DER public key and the CGA verification (None for a key known
    by other means), or the failing verdict.
    """
    # 3. Which key: the CGA option's, or one known by other means.
    cga_info: CgaVerified | None = None
    if cga_option is not None:
        params = cga_option.parameters
        der = params.public_key
        key_verdict = check_public_key(der, key_policy)
        if not key_verdict.accepted:
            return key_verdict.relay()
        proved = cga_address or src
        sec = cga_check(proved.packed if cga_address is not None else src_octets,
                        params.raw, len(der), sec_range)  # hashed as received
        if isinstance(sec, Verdict):
            return sec
        cga_info = CgaVerified(proved, sec, der)
        if sig_option.key_hash != key_hash(der):
            return Verdict.reject(Reason.KEY_MISMATCH)
    else:
        known = (known_keys or {}).get(sig_option.key_hash)
        if known is None:
            return Verdict.reject(Reason.KEY_HASH_UNKNOWN)
        der = known
        key_verdict = check_public_key(der, key_policy)
        if not key_verdict.accepted:
            return key_verdict.relay()
    public_key = key_verdict.info
    assert public_key is not None
    # 4. The Digital Signature: as long as the modulus; the rest of the option is padding.
    sig_len = (public_key.key_size + 7) // 8
    field = sig_option.signature + sig_option.padding
    if sig_len > len(field):
        return Verdict.reject(Reason.SIGNATURE_MALFORMED,
                              f"a {sig_len}-octet signature does not fit in the option")
    received = int.from_bytes(prefix[2:4], "big")
    checksum = prefix_checksum if prefix_checksum is not None else \
        signed_checksum_value(prefix, src_octets, dst_octets, received, signed_checksum)
    try:
        public_key.verify(field[:sig_len], signed_data(prefix, src_octets, dst_octets, checksum),
                          _PKCS1, _SHA1)
    except InvalidSignature:
        return Verdict.reject(Reason.SIGNATURE_INVALID)
    return der, cga_info
