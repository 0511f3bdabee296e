"""SEND signing/verification paths that surviving mutants of ``rfc5269.send.signature`` showed.

RFC 3971 §5.2 (the signed data and its checksum, clarification CL-08),
§5.1.3 (key bounds), §5.2.2 (keys known by other means). Each test names
the mutants it kills (reference/data/mutation_results.json).
"""

from __future__ import annotations

from functools import cache
from ipaddress import IPv6Address

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from rfc5269.errors import EncodeError
from rfc5269.interpretations import SignedChecksum
from rfc5269.send.keys import KeyPolicy, key_hash, public_key_der
from rfc5269.send.signature import (
    CGA_MESSAGE_TYPE_TAG,
    check_decoded_signature,
    check_signature,
    sign_message,
    signed_checksum_value,
    verify_signature,
)
from rfc5269.send.verdict import Outcome, Reason, Verdict
from rfc5269.wire.icmpv6 import icmpv6_checksum
from rfc5269.wire.ndopt import NdOption, RsaSignatureOption, decode_options

from tests.nodes.helpers import RtSolPrSpec, exchange, icmp_of, rtsolpr_packet


@cache
def _rsa(bits: int) -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


def _unsigned() -> tuple[bytes, IPv6Address, IPv6Address, bytes]:
    """An unsigned RtSolPr (no CGA option) from the scenario MN to its AR."""
    ex = exchange()
    identity = ex.mn.config.identity
    packet = rtsolpr_packet(identity, ex.ar.address, 1000.0,
                            RtSolPrSpec(sign=False, with_cga=False))
    return icmp_of(packet), identity.address, ex.ar.address, b""


def test_zero_reading_signs_a_zero_checksum() -> None:
    """CL-08 reading ZERO: the signed data carries 0 in the checksum field (RFC 3971 §5.2 item 4).

    Checked against the signed data written out by hand, not through the
    module's own verifier (a mutant would change signer and verifier alike).
    Kills ``return 0`` -> ``return 1`` in ``signed_checksum_value``.
    """
    icmp, src, dst, _ = _unsigned()
    assert signed_checksum_value(icmp, src, dst, 0x1234, SignedChecksum.ZERO) == 0
    key = _rsa(1024)
    signed = sign_message(icmp, src, dst, key, signed_checksum=SignedChecksum.ZERO)
    prefix = signed[:len(icmp)]
    signature_option = signed[len(icmp):]
    signature = signature_option[20:20 + 128]
    by_hand = CGA_MESSAGE_TYPE_TAG + src.packed + dst.packed + prefix[:2] + b"\x00\x00" + \
        prefix[4:]
    key.public_key().verify(signature, by_hand, padding.PKCS1v15(), hashes.SHA1())
    der = public_key_der(key)
    verdict = verify_signature(signed, src, dst, known_keys={key_hash(der): der},
                               signed_checksum=SignedChecksum.ZERO)
    assert verdict.accepted


@pytest.mark.parametrize("bits", [1040, 1024])
def test_transmitted_reading_signs_with_aligned_padding(bits: int) -> None:
    """CL-08 reading TRANSMITTED works whenever two aligned padding octets exist.

    A 1040-bit key leaves exactly 2 padding octets after a 130-octet
    signature (RFC 3971 §5.2 option layout); 1024 bits leave 4. Kills
    ``len(msg) - pad_at < 2`` -> ``<= 2``, ``2`` -> ``3``.
    """
    icmp, src, dst, _ = _unsigned()
    key = _rsa(bits)
    signed = sign_message(icmp, src, dst, key, signed_checksum=SignedChecksum.TRANSMITTED)
    der = public_key_der(key)
    verdict = verify_signature(signed, src, dst, known_keys={key_hash(der): der},
                               signed_checksum=SignedChecksum.TRANSMITTED)
    assert verdict.accepted


@pytest.mark.parametrize("bits", [1056, 1032])
def test_transmitted_reading_without_usable_padding_is_an_encode_error(bits: int) -> None:
    """No padding (1056-bit key) or odd-aligned padding (1032-bit): the checksum cannot be forced.

    RFC 3971 §5.2; clarification CL-08. Kills the removed ``raise
    EncodeError("RsaSignatureOption.padding", ...)``, the ``or`` -> ``and``
    swap and ``len(msg) - pad_at`` -> ``len(msg) + pad_at``.
    """
    icmp, src, dst, _ = _unsigned()
    with pytest.raises(EncodeError) as caught:
        sign_message(icmp, src, dst, _rsa(bits), signed_checksum=SignedChecksum.TRANSMITTED)
    assert caught.value.field == "RsaSignatureOption.padding"


def test_known_key_is_checked_against_the_key_policy() -> None:
    """A key known by other means must still meet the policy (RFC 3971 §5.1.3, §5.2.2).

    With a policy whose minbits is 2048, a 1024-bit known key is refused
    with the policy's reason; the default policy accepts it. Kills ``return
    key_verdict.relay()`` -> ``return None`` in the known-key branch.
    """
    icmp, src, dst, _ = _unsigned()
    key = _rsa(1024)
    signed = sign_message(icmp, src, dst, key)
    der = public_key_der(key)
    known = {key_hash(der): der}
    verdict = verify_signature(signed, src, dst, known_keys=known,
                               key_policy=KeyPolicy(min_bits=2048))
    assert verdict is not None and not verdict.accepted
    assert verdict.reason is Reason.KEY_TOO_SHORT
    assert verify_signature(signed, src, dst, known_keys=known).accepted


def test_sec_is_the_cga_sec_or_zero() -> None:
    """``SignedMessage.sec``: the verified CGA's Sec, 0 when the key was known otherwise.

    RFC 3971 §5.3.4 (Sec ranks timestamp-cache entries). Kills
    ``self.cga is not None`` -> ``is None`` and ``0`` -> ``1``.
    """
    icmp, src, dst, _ = _unsigned()
    key = _rsa(1024)
    der = public_key_der(key)
    known = verify_signature(sign_message(icmp, src, dst, key), src, dst,
                             known_keys={key_hash(der): der})
    assert known.info is not None and known.info.cga is None and known.info.sec == 0
    ex = exchange()
    identity = ex.mn.config.identity
    packet = rtsolpr_packet(identity, ex.ar.address, 1000.0)
    with_cga = verify_signature(icmp_of(packet), identity.address, ex.ar.address)
    assert with_cga.info is not None and with_cga.info.cga is not None
    sec_in_address = identity.address.packed[8] >> 5  # RFC 3972 §2: top 3 bits of the IID
    assert with_cga.info.sec == with_cga.info.cga.sec == sec_in_address


def test_before_signature_reading_signs_the_prefix_checksum() -> None:
    """CL-08 deployed reading: the signed checksum is that of the message cut at the
    RSA Signature option (RFC 3971 §5.2 item 4), as :func:`signed_checksum_value` says.

    Checked against a signature made by :func:`sign_message`, the signed data
    written out by hand. Kills ``return icmpv6_checksum(...)`` -> ``return None``
    in ``signed_checksum_value`` (the verifier itself reaches that line only
    when no checksum was computed earlier).
    """
    icmp, src, dst, _ = _unsigned()
    key = _rsa(1024)
    signed = sign_message(icmp, src, dst, key)  # the default reading
    prefix = signed[:len(icmp)]
    received = int.from_bytes(signed[2:4], "big")
    value = signed_checksum_value(prefix, src, dst, received,
                                  SignedChecksum.BEFORE_SIGNATURE_OPTION)
    assert value == icmpv6_checksum(src, dst, icmp[:2] + b"\x00\x00" + icmp[4:])
    signature = signed[len(icmp) + 20:len(icmp) + 20 + 128]
    by_hand = CGA_MESSAGE_TYPE_TAG + src.packed + dst.packed + prefix[:2] + \
        value.to_bytes(2, "big") + prefix[4:]
    key.public_key().verify(signature, by_hand, padding.PKCS1v15(), hashes.SHA1())


def _with_checksum(icmp: bytes, src: IPv6Address, dst: IPv6Address) -> bytes:
    zeroed = icmp[:2] + b"\x00\x00" + icmp[4:]
    return icmp[:2] + icmpv6_checksum(src, dst, zeroed).to_bytes(2, "big") + icmp[4:]


def test_empty_message_is_malformed_not_an_exception() -> None:
    """Untrusted octets shorter than the ICMPv6 header give the MALFORMED verdict
    (RFC 4443 §2.1), never a Python exception.

    Kills the removed ``raise DecodeError(... shorter than 4 octets ...)``
    (the walk would then index an empty message).
    """
    _, src, dst, _ = _unsigned()
    verdict = check_signature(b"", src, dst)
    assert isinstance(verdict, Verdict) and verdict.reason is Reason.MALFORMED


def test_message_is_framed_by_its_type_specific_header() -> None:
    """RtSolPr (type 154) has 4 octets after the checksum (RFC 5568 §6.1.1): 8 octets
    are a well-framed unsigned message, 7 octets are MALFORMED (RFC 3971 §5.2 item 5).

    Kills the removed ``raise DecodeError(... shorter than its header ...)`` and
    ``len(icmp) < start`` -> ``<=``.
    """
    icmp, src, dst, _ = _unsigned()
    assert icmp[0] == 154
    header_only = _with_checksum(icmp[:8], src, dst)
    verdict = check_signature(header_only, src, dst)
    assert isinstance(verdict, Verdict)
    assert verdict.outcome is Outcome.UNSECURED and verdict.reason is Reason.UNSIGNED
    short = _with_checksum(icmp[:7], src, dst)
    verdict = check_signature(short, src, dst)
    assert isinstance(verdict, Verdict) and verdict.reason is Reason.MALFORMED


def test_signature_filling_the_option_needs_no_padding() -> None:
    """A 1056-bit key's 132-octet signature fills the option exactly (20 + 132 = 152
    octets, a multiple of 8): zero octets of padding is valid (RFC 3971 §5.2: padding
    only rounds the option up to a multiple of 8). Kills ``sig_len > len(field)`` ->
    ``>=``.
    """
    icmp, src, dst, _ = _unsigned()
    key = _rsa(1056)
    signed = sign_message(icmp, src, dst, key)
    assert len(signed) - len(icmp) == 152 and signed[len(icmp) + 1] == 19
    der = public_key_der(key)
    assert verify_signature(signed, src, dst, known_keys={key_hash(der): der}).accepted


def _decoded(signed: bytes) -> tuple[list[NdOption], int]:
    options = list(decode_options(signed[8:], after_signature_ignored=True))
    index = next(i for i, o in enumerate(options) if isinstance(o, RsaSignatureOption))
    return options, index


def test_decoded_options_must_come_from_the_octets() -> None:
    """``check_decoded_signature`` verifies the octets but reports the caller's decoded
    options as the signed ones (RFC 3971 §5.2: only options before the RSA Signature
    option are protected), so options that do not match the octets are refused.

    Kills, in the walk to the signature, ``offset + 2 > len(icmp)`` -> ``>=``,
    ``offset + 2`` -> ``offset - 2``, ``2`` -> ``3``, and the removed
    ``raise ValueError('signature_index does not name ...')``.
    """
    icmp, src, dst, _ = _unsigned()
    key = _rsa(1024)
    signed = sign_message(icmp, src, dst, key)
    options, index = _decoded(signed)
    assert index >= 1
    # The octets end two octets after the header, where a Type 12 octet sits, but
    # the caller says an option precedes the signature.
    short = signed[:8] + b"\x0c\x01"
    with pytest.raises(ValueError, match="not decoded from these octets"):
        check_decoded_signature(short, src, dst, [options[0], options[index]], 1,
                                checksum_verified=True)
    # The walk steps over one 8-octet option and lands on the last octet.
    ragged = signed[:8] + b"\x01\x01" + bytes(6) + b"\x0c"
    with pytest.raises(ValueError, match="not decoded from these octets"):
        check_decoded_signature(ragged, src, dst, [options[0], options[0], options[index]],
                                2, checksum_verified=True)
    # The index names an option that is not an RSA Signature option.
    wrong = list(options)
    wrong[index] = options[0]
    with pytest.raises(ValueError, match="does not name an RSA Signature option"):
        check_decoded_signature(signed, src, dst, wrong, index, checksum_verified=True)
    # The same octets with the true options are accepted.
    der = public_key_der(key)
    ok = check_decoded_signature(signed, src, dst, options, index, checksum_verified=True,
                                 known_keys={key_hash(der): der})
    assert not isinstance(ok, Verdict)
