"""The two entry points of SEND verification agree (RFC 3971 §5.1.2, §5.2.2, §5.3.4).

:func:`rfc5269.send.signature.check_signature` walks and decodes the octets
itself; :func:`~rfc5269.send.signature.check_decoded_signature` (and
:meth:`~rfc5269.send.receiver.SendReceiver.verify_decoded`) take the options
the strict codec already decoded. Both run the same checks; these tests feed
both the same (tampered) octets and require the same outcome and Reason.
"""

from __future__ import annotations

import ipaddress
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rfc5269.errors import DecodeError
from rfc5269.interpretations import DEFAULT, CertificateRequirement, SignedChecksum
from rfc5269.send import keys, pkix, signature
from rfc5269.send.receiver import MessageKind, SendReceiver, utc
from rfc5269.send.verdict import Outcome, Reason, Verdict
from rfc5269.wire.fmip import RtSolPr
from rfc5269.wire.icmpv6 import decode_icmpv6
from rfc5269.wire.ndopt import (
    CgaOption,
    NdOption,
    NonceOption,
    RsaSignatureOption,
    TimestampOption,
    UnknownOption,
)

from .helpers import NOW, PKI, ar, identity, mn, new_ap_lla, prrtadv, rechecksum, rtsolpr

DST = ipaddress.IPv6Address("fe80::1")
NONCE = b"\x01\x02\x03\x04\x05\x06"


def decoded(icmp: bytes, src: ipaddress.IPv6Address, dst: ipaddress.IPv6Address,
            verify_checksum: bool = True) -> tuple[tuple[NdOption, ...], int]:
    """The strict codec's options of ``icmp`` and the index of the first RSA Signature option."""
    message = decode_icmpv6(icmp, src, dst, verify_checksum)
    if not hasattr(message, "options"):  # a type without ND options (e.g. a flipped Type)
        raise DecodeError("options", "not a message with ND options", "RFC 4861 §4.6")
    options = tuple(message.options)
    index = next((i for i, o in enumerate(options) if isinstance(o, RsaSignatureOption)),
                 len(options))
    return options, index


def _summary(result: Any) -> tuple[Any, ...]:
    """What must agree: the outcome and Reason, or what an accepted signature established."""
    if isinstance(result, Verdict):
        return (result.outcome, result.reason)
    assert isinstance(result, signature.SignedMessage)
    return (Outcome.ACCEPTED, result.public_key_der, result.key_hash, result.cga,
            result.options_area, result.signature_offset, result.options,
            result.first(TimestampOption), result.first(NonceOption))


def both(icmp: bytes, src: ipaddress.IPv6Address, dst: ipaddress.IPv6Address = DST,
         **kw: Any) -> tuple[Any, ...]:
    """Run both entry points (the decoded one with and without the codec's checksum check)
    and answer their common summary; fails if they differ."""
    by_bytes = _summary(signature.check_signature(icmp, src, dst, **kw))
    options, index = decoded(icmp, src, dst, verify_checksum=False)
    unchecked = _summary(signature.check_decoded_signature(
        icmp, src, dst, options, index, checksum_verified=False, **kw))
    assert unchecked == by_bytes
    try:
        options, index = decoded(icmp, src, dst)
    except DecodeError:
        assert by_bytes[1] is Reason.CHECKSUM_INVALID
        return by_bytes
    checked = _summary(signature.check_decoded_signature(
        icmp, src, dst, options, index, checksum_verified=True, **kw))
    assert checked == by_bytes
    return by_bytes


@pytest.fixture(scope="module")
def signed() -> bytes:
    return rtsolpr(mn(), DST, NOW, NONCE)


def test_accepted_alike(signed: bytes) -> None:
    summary = both(signed, mn().address)
    assert summary[0] is Outcome.ACCEPTED


def test_decoded_path_does_not_decode_again(signed: bytes) -> None:
    """The SignedMessage of the decoded path hands back the caller's option objects."""
    options, index = decoded(signed, mn().address, DST)
    result = signature.check_decoded_signature(signed, mn().address, DST, options, index,
                                               checksum_verified=True)
    assert isinstance(result, signature.SignedMessage)
    nonce = result.first(NonceOption)
    assert nonce is not None and any(nonce is o for o in options[:index])


def test_checksum_invalid_alike(signed: bytes) -> None:
    bad = signed[:2] + bytes([signed[2] ^ 0x40]) + signed[3:]
    assert both(bad, mn().address)[1] is Reason.CHECKSUM_INVALID


def test_unsigned_alike() -> None:
    msg = RtSolPr(1, (new_ap_lla(), *mn().options(NOW, NONCE))).encode(mn().address, DST)
    assert both(msg, mn().address)[:2] == (Outcome.UNSECURED, Reason.UNSIGNED)


def test_key_hash_unknown_and_known_keys_alike() -> None:
    router = ar()
    opts = (new_ap_lla(), TimestampOption(NOW << 16), NonceOption(NONCE))
    s = router.sign(RtSolPr(1, opts).encode(router.address, DST), DST)
    assert both(s, router.address)[1] is Reason.KEY_HASH_UNKNOWN
    der = router.cga.parameters.public_key
    summary = both(s, router.address, known_keys={keys.key_hash(der): der})
    assert summary[0] is Outcome.ACCEPTED and summary[3] is None


def test_key_mismatch_alike() -> None:
    owner, signer = mn(), identity(6)
    msg = RtSolPr(1, (new_ap_lla(), *owner.options(NOW, NONCE))).encode(owner.address, DST)
    s = signature.sign_message(msg, owner.address, DST, signer.private_key)
    assert both(s, owner.address)[1] is Reason.KEY_MISMATCH


def _with_signature_option(signed: bytes, option: RsaSignatureOption) -> bytes:
    off = signature.signed_portion(signed).signature_offset
    assert off is not None
    return rechecksum(signed[:off] + option.encode(), mn().address, DST)


def test_signature_malformed_and_invalid_alike(signed: bytes) -> None:
    off = signature.signed_portion(signed).signature_offset
    assert off is not None
    opt = RsaSignatureOption.decode(signed[off:])
    short = RsaSignatureOption.create(opt.key_hash, opt.signature[:64])
    assert both(_with_signature_option(signed, short), mn().address)[1] is \
        Reason.SIGNATURE_MALFORMED
    flipped = RsaSignatureOption(opt.key_hash, bytes([opt.signature[0] ^ 1]) + opt.signature[1:])
    assert both(_with_signature_option(signed, flipped), mn().address)[1] is \
        Reason.SIGNATURE_INVALID


def test_cga_and_key_policy_failures_alike(signed: bytes) -> None:
    other = ipaddress.IPv6Address("fe80::2")
    assert both(signed, mn().address, cga_address=other)[1] is Reason.CGA_HASH1_MISMATCH
    assert both(signed, mn().address, key_policy=keys.KeyPolicy(min_bits=2048))[1] is \
        Reason.KEY_TOO_SHORT


def test_options_after_the_signature_ignored_alike(signed: bytes) -> None:
    extra = UnknownOption(200, bytes(6)).encode() + TimestampOption(0).encode()
    s = rechecksum(signed + extra, mn().address, DST)
    summary = both(s, mn().address)
    assert summary[0] is Outcome.ACCEPTED and summary[7] != TimestampOption(0)


@pytest.mark.parametrize("reading", list(SignedChecksum))
def test_each_checksum_reading_alike(reading: SignedChecksum) -> None:
    sender = mn()
    opts = (new_ap_lla(), *sender.options(NOW, NONCE))
    s = sender.sign(RtSolPr(3, opts).encode(sender.address, DST), DST, signed_checksum=reading)
    assert both(s, sender.address, signed_checksum=reading)[0] is Outcome.ACCEPTED
    others = {r: both(s, sender.address, signed_checksum=r)[0] for r in SignedChecksum
              if r is not reading}
    # (see test_signature.test_each_checksum_reading_round_trips for which readings accept)
    assert Outcome.REJECTED in others.values()


def _ignored_octets(signed: bytes) -> set[int]:
    off = signature.signed_portion(signed).signature_offset
    assert off is not None
    return set(range(off + 2, off + 4)) | set(range(off + 20 + 128, len(signed)))


@settings(derandomize=True, max_examples=120, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_any_bit_flip_gets_the_same_verdict(signed: bytes, data: st.DataObject) -> None:
    """Flip one bit of src | dst | message (checksum fixed): both paths judge it alike."""
    ignored = _ignored_octets(signed)
    bit = data.draw(st.integers(0, 8 * (32 + len(signed)) - 1).filter(
        lambda b: (b // 8) - 32 not in ignored and (b // 8) - 32 not in (2, 3)))
    whole = bytearray(mn().address.packed + DST.packed + signed)
    whole[bit // 8] ^= 0x80 >> (bit % 8)
    src = ipaddress.IPv6Address(bytes(whole[:16]))
    dst = ipaddress.IPv6Address(bytes(whole[16:32]))
    icmp = rechecksum(bytes(whole[32:]), src, dst)
    try:
        decoded(icmp, src, dst)
    except DecodeError:
        return  # the strict codec refuses it: the decoded path never sees it
    assert both(icmp, src, dst)[0] is not Outcome.ACCEPTED


# -- the receiver ---------------------------------------------------------------

def _receive_both(make: Any, icmp: bytes, src: ipaddress.IPv6Address,
                  dst: ipaddress.IPv6Address, now: float, kind: MessageKind,
                  **kw: Any) -> tuple[Outcome, Reason | None]:
    """Two receivers made alike judge the same octets, one through each entry point."""
    by_bytes = make().verify(icmp, src, dst, now, kind, **kw)
    options, index = decoded(icmp, src, dst)
    by_options = make().verify_decoded(icmp, options, index, src, dst, now, kind,
                                       checksum_verified=True, **kw)
    assert (by_options.outcome, by_options.reason) == (by_bytes.outcome, by_bytes.reason)
    if by_bytes.accepted:
        assert by_bytes.info is not None and by_options.info is not None
        assert (by_options.info.timestamp, by_options.info.nonce,
                by_options.info.nonce_context, by_options.info.public_key_der) == \
            (by_bytes.info.timestamp, by_bytes.info.nonce, by_bytes.info.nonce_context,
             by_bytes.info.public_key_der)
    return by_bytes.outcome, by_bytes.reason


def _mn_receiver(interp: Any = DEFAULT) -> SendReceiver:
    rx = SendReceiver(interp)
    auth = pkix.validate_router_path(PKI.path, [PKI.trust_anchor()], utc(NOW))
    assert auth.info is not None
    rx.router_keys.add(auth.info)
    rx.remember_nonce(NONCE, NOW, context="hk-key")
    return rx


def test_receiver_solicitation_checks_alike() -> None:
    solicitation = MessageKind.SOLICITATION
    no_ts = mn().sign(RtSolPr(1, (new_ap_lla(), CgaOption(mn().parameters),
                                  NonceOption(NONCE))).encode(mn().address, DST), DST)
    assert _receive_both(SendReceiver, no_ts, mn().address, DST, NOW, solicitation)[1] is \
        Reason.TIMESTAMP_MISSING
    no_nonce = rtsolpr(mn(), DST, NOW, None)
    assert _receive_both(SendReceiver, no_nonce, mn().address, DST, NOW, solicitation)[1] is \
        Reason.NONCE_MISSING
    s = rtsolpr(mn(), DST, NOW, NONCE)
    assert _receive_both(SendReceiver, s, mn().address, DST, NOW + 1, solicitation)[0] is \
        Outcome.ACCEPTED
    assert _receive_both(SendReceiver, s, mn().address, DST, NOW + 400, solicitation)[1] is \
        Reason.TIMESTAMP_OUTSIDE_WINDOW

    def seen() -> SendReceiver:  # a receiver that has accepted ``s`` already
        rx = SendReceiver()
        assert rx.verify(s, mn().address, DST, NOW + 1, solicitation).accepted
        return rx
    assert _receive_both(seen, s, mn().address, DST, NOW + 30, solicitation)[1] is \
        Reason.TIMESTAMP_NOT_FRESH


def test_receiver_advertisement_checks_alike() -> None:
    kind = MessageKind.ADVERTISEMENT
    adv = prrtadv(ar(), mn().address, NOW, NONCE)
    args = (ar().address, mn().address, NOW + 1, kind)
    assert _receive_both(_mn_receiver, adv, *args, from_router=True,
                         require_nonce=True)[0] is Outcome.ACCEPTED
    stray = prrtadv(ar(), mn().address, NOW, b"\x09" * 6)
    assert _receive_both(_mn_receiver, stray, *args, from_router=True)[1] is \
        Reason.NONCE_UNKNOWN
    no_nonce = prrtadv(ar(), mn().address, NOW, None)
    assert _receive_both(_mn_receiver, no_nonce, *args, require_nonce=True)[1] is \
        Reason.NONCE_MISSING
    wrong_prefix = [ipaddress.IPv6Network("2001:db8:b::/64")]
    assert _receive_both(_mn_receiver, adv, *args, from_router=True,
                         authorized_prefixes=wrong_prefix)[1] is \
        Reason.CERT_PREFIX_NOT_AUTHORIZED
    rogue = identity(8)
    forged = prrtadv(rogue, mn().address, NOW, NONCE)
    assert _receive_both(_mn_receiver, forged, rogue.address, mn().address, NOW + 1, kind,
                         from_router=True)[1] is Reason.NOT_CERTIFIED
    draft = DEFAULT.replace(certificate_requirement=CertificateRequirement.DRAFT)
    assert _receive_both(lambda: _mn_receiver(draft), forged, rogue.address, mn().address,
                         NOW + 1, kind, from_router=True)[0] is Outcome.ACCEPTED


def test_signature_index_must_name_a_signature_option(signed: bytes) -> None:
    options, index = decoded(signed, mn().address, DST)
    with pytest.raises(ValueError, match=r"RSA Signature|not decoded from these octets"):
        signature.check_decoded_signature(signed, mn().address, DST, options, index - 1,
                                          checksum_verified=True)


def test_router_key_known_by_other_means_alike() -> None:
    """A PrRtAdv without a CGA option verifies with the certified router key (RFC 3971
    §5.2.2), which the receiver looks up only for such a message; another signer's is
    unknown."""
    kind = MessageKind.ADVERTISEMENT

    def without_cga(sender: Any, sent: int = NOW) -> bytes:
        opts = (new_ap_lla(), TimestampOption(sent << 16), NonceOption(NONCE))
        return sender.sign(RtSolPr(1, opts).encode(sender.address, mn().address), mn().address)
    certified = without_cga(ar())
    assert _receive_both(_mn_receiver, certified, ar().address, mn().address, NOW + 1, kind,
                         from_router=True)[0] is Outcome.ACCEPTED
    rogue = identity(8)
    assert _receive_both(_mn_receiver, without_cga(rogue), rogue.address, mn().address,
                         NOW + 1, kind, from_router=True)[1] is Reason.KEY_HASH_UNKNOWN
    # Past the path's validity the key is no longer known.
    late = NOW + 10 * 365 * 86400
    assert _receive_both(_mn_receiver, without_cga(ar(), late), ar().address, mn().address,
                         late, kind, from_router=True)[1] is Reason.KEY_HASH_UNKNOWN


def test_options_of_other_octets_are_refused(signed: bytes) -> None:
    """A caller's mistake (options not decoded from ``icmp``) is a ValueError, never a
    verdict on octets that were not checked."""
    options, index = decoded(signed, mn().address, DST)
    other = rtsolpr(mn(), DST, NOW, None)  # no Nonce option: the signature sits earlier
    with pytest.raises(ValueError, match="not decoded from these octets"):
        signature.check_decoded_signature(other, mn().address, DST, options, index,
                                          checksum_verified=True)


def test_unsolicited_advertisement_needs_no_nonce_by_default_alike() -> None:
    """Without ``require_nonce`` an advertisement carrying no Nonce is judged as
    unsolicited (RFC 3971 §5.3.4.2), on both entry points' defaults."""
    no_nonce = prrtadv(ar(), mn().address, NOW, None)
    assert _receive_both(_mn_receiver, no_nonce, ar().address, mn().address, NOW + 1,
                         MessageKind.ADVERTISEMENT)[0] is Outcome.ACCEPTED


def test_known_keys_view_is_the_router_key_cache() -> None:
    """The lazily built view of keys known by other means (RFC 3971 §5.2.2) holds exactly
    what the router-key cache knows at that instant."""
    from rfc5269.send.receiver import _KnownKeys

    rx = _mn_receiver()
    when = utc(NOW + 1)
    view = _KnownKeys(rx.router_keys, when)
    expected = rx.router_keys.known_keys(when)
    assert expected and dict(view) == expected and len(view) == len(expected)
    assert list(view) == list(expected)
