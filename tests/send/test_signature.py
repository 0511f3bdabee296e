"""SEND signatures (RFC 3971 §5.1-§5.2) and the receiver's combined checks (§5.3, §6)."""

from __future__ import annotations

import ipaddress

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rfc5269.interpretations import DEFAULT, CertificateRequirement, SignedChecksum
from rfc5269.send import keys, pkix, signature
from rfc5269.send.receiver import MessageKind, SendReceiver
from rfc5269.send.testpki import pool_key
from rfc5269.send.verdict import Outcome, Reason
from rfc5269.wire.fmip import RtSolPr
from rfc5269.wire.icmpv6 import checksum_extended, icmpv6_checksum
from rfc5269.wire.ndopt import (
    CgaOption,
    NonceOption,
    RsaSignatureOption,
    TimestampOption,
    UnknownOption,
    encode_options,
)

from .helpers import NOW, PKI, ar, identity, mn, new_ap_lla, prrtadv, rechecksum, rtsolpr
from .registry import covers, expect_accept, expect_reject, expect_unsecured

DST = ipaddress.IPv6Address("fe80::1")
NONCE = b"\x01\x02\x03\x04\x05\x06"


def verify(icmp: bytes, src: ipaddress.IPv6Address | None = None, **kw):
    return signature.verify_signature(icmp, src or mn().address, DST, **kw)


@pytest.fixture(scope="module")
def signed() -> bytes:
    return rtsolpr(mn(), DST, NOW, NONCE)


def test_accepted(signed: bytes) -> None:
    info = expect_accept(verify(signed))
    assert info.cga is not None and info.cga.sec == 1
    assert info.public_key_der == keys.public_key_der(pool_key(5))
    assert info.first(NonceOption) == NonceOption(NONCE)
    assert RtSolPr.decode(signed, mn().address, DST).identifier == 7  # the codec agrees


def test_check_signature_is_verify_signature_unwrapped(signed: bytes) -> None:
    """The receiver's form answers the same SignedMessage, or the very same failure."""
    assert signature.check_signature(signed, mn().address, DST) == verify(signed).info
    bad = signed[:-1] + bytes([signed[-1] ^ 1])
    assert signature.check_signature(bad, mn().address, DST) == verify(bad)
    assert verify(bad).reason is Reason.CHECKSUM_INVALID


@settings(derandomize=True, max_examples=200)
@given(st.binary(min_size=4, max_size=80), st.binary(max_size=80), st.binary(min_size=16,
       max_size=16), st.binary(min_size=16, max_size=16))
def test_checksum_extended_is_the_checksum_of_the_whole(prefix: bytes, rest: bytes,
                                                        src: bytes, dst: bytes) -> None:
    """The one's complement identity behind the single checksum pass (RFC 1071 §2)."""
    prefix = prefix[:len(prefix) & ~1]  # the cut at an option is at an even offset
    whole = icmpv6_checksum(src, dst, prefix + rest)
    assert checksum_extended(icmpv6_checksum(src, dst, prefix), rest) == whole


@pytest.mark.parametrize("target", [0, 0xFFFF, 1, 0xFFFE])
def test_checksum_extended_at_the_one_complement_edges(target: int) -> None:
    """Rest octets chosen so the whole message's residue lands on (or next to) zero."""
    src, dst = mn().address.packed, DST.packed
    prefix = bytes.fromhex("9a00abcd02000007")
    base = icmpv6_checksum(src, dst, prefix + bytes(8))
    # The last word adds its value to the sum: pick it so the checksum becomes `target`.
    word = (base - target) % 0xFFFF
    rest = bytes(6) + word.to_bytes(2, "big")
    whole = icmpv6_checksum(src, dst, prefix + rest)
    assert checksum_extended(icmpv6_checksum(src, dst, prefix), rest) == whole
    assert whole == target % 0xFFFF


def test_signed_data_takes_addresses_or_their_octets(signed: bytes) -> None:
    prefix = signed[:signature.signed_portion(signed).signature_offset]
    src = mn().address
    assert signature.signed_data(prefix, src, DST, 7) == \
        signature.signed_data(prefix, src.packed, DST.packed, 7)


@pytest.mark.parametrize("reading", list(SignedChecksum))
def test_each_checksum_reading_round_trips(reading: SignedChecksum) -> None:
    msg = RtSolPr(1, (new_ap_lla(), *mn().options(NOW, NONCE))).encode(mn().address, DST)
    s = mn().sign(msg, DST, signed_checksum=reading)
    expect_accept(verify(s, signed_checksum=reading))
    others = {o: verify(s, signed_checksum=o).reason for o in SignedChecksum if o is not reading}
    if reading is SignedChecksum.TRANSMITTED:
        # The forced transmitted checksum equals the checksum before the option was
        # appended, so such a message also satisfies the deployed reading.
        assert others == {SignedChecksum.BEFORE_SIGNATURE_OPTION: None,
                          SignedChecksum.ZERO: Reason.SIGNATURE_INVALID}
    else:
        assert set(others.values()) == {Reason.SIGNATURE_INVALID}


def test_options_after_the_signature_are_ignored(signed: bytes) -> None:
    extra = UnknownOption(200, bytes(6)).encode() + TimestampOption(0).encode()
    s = rechecksum(signed + extra, mn().address, DST)
    info = expect_accept(verify(s))
    assert all(not isinstance(o, UnknownOption) for o in info.options)
    assert info.first(TimestampOption) != TimestampOption(0)


@covers(Reason.MALFORMED)
def test_malformed(signed: bytes) -> None:
    bad = rechecksum(signed + b"\x01\x00", mn().address, DST)  # Length 0 option
    expect_reject(verify(bad), Reason.MALFORMED)
    expect_reject(verify(signed[:3]), Reason.MALFORMED)


@covers(Reason.CHECKSUM_INVALID)
def test_checksum_invalid(signed: bytes) -> None:
    bad = signed[:2] + bytes([signed[2] ^ 0x40]) + signed[3:]
    expect_reject(verify(bad), Reason.CHECKSUM_INVALID)


@covers(Reason.UNSIGNED)
def test_unsigned_is_unsecured() -> None:
    msg = RtSolPr(1, (new_ap_lla(), *mn().options(NOW, NONCE))).encode(mn().address, DST)
    expect_unsecured(verify(msg), Reason.UNSIGNED)
    assert SendReceiver().verify(msg, mn().address, DST, NOW,
                                 MessageKind.SOLICITATION).outcome is Outcome.UNSECURED


@covers(Reason.KEY_HASH_UNKNOWN)
def test_key_hash_unknown_without_cga_option() -> None:
    router = ar()
    opts = (new_ap_lla(), TimestampOption(NOW << 16), NonceOption(NONCE))
    s = router.sign(RtSolPr(1, opts).encode(router.address, DST), DST)
    expect_reject(verify(s, router.address), Reason.KEY_HASH_UNKNOWN)
    # Known by other means (e.g. a certified router key): accepted without a CGA.
    known = {keys.key_hash(router.cga.parameters.public_key): router.cga.parameters.public_key}
    info = expect_accept(verify(s, router.address, known_keys=known))
    assert info.cga is None


@covers(Reason.KEY_MISMATCH)
def test_cga_key_and_signing_key_differ() -> None:
    owner, signer = mn(), identity(6)
    msg = RtSolPr(1, (new_ap_lla(), *owner.options(NOW, NONCE))).encode(owner.address, DST)
    s = signature.sign_message(msg, owner.address, DST, signer.private_key)
    expect_reject(verify(s), Reason.KEY_MISMATCH)
    # Even when the signer's key is known by other means (RFC 3971 §5.1).
    known = {keys.key_hash(signer.cga.parameters.public_key): signer.cga.parameters.public_key}
    expect_reject(verify(s, known_keys=known), Reason.KEY_MISMATCH)


def _replace_signature_option(signed: bytes, option: RsaSignatureOption) -> bytes:
    off = signature.signed_portion(signed).signature_offset
    assert off is not None
    return rechecksum(signed[:off] + option.encode(), mn().address, DST)


@covers(Reason.SIGNATURE_MALFORMED)
def test_signature_shorter_than_modulus(signed: bytes) -> None:
    off = signature.signed_portion(signed).signature_offset
    assert off is not None
    opt = RsaSignatureOption.decode(signed[off:])
    short = RsaSignatureOption.create(opt.key_hash, opt.signature[:64])
    expect_reject(verify(_replace_signature_option(signed, short)), Reason.SIGNATURE_MALFORMED)


@covers(Reason.SIGNATURE_INVALID)
def test_signature_invalid(signed: bytes) -> None:
    off = signature.signed_portion(signed).signature_offset
    assert off is not None
    opt = RsaSignatureOption.decode(signed[off:])
    flipped = RsaSignatureOption(opt.key_hash, bytes([opt.signature[0] ^ 1]) + opt.signature[1:])
    expect_reject(verify(_replace_signature_option(signed, flipped)), Reason.SIGNATURE_INVALID)


def test_cga_failure_in_message_context(signed: bytes) -> None:
    other = ipaddress.IPv6Address("fe80::2")
    expect_reject(verify(signed, cga_address=other), Reason.CGA_HASH1_MISMATCH)


def test_weak_key_in_cga_option() -> None:
    policy = keys.KeyPolicy(min_bits=2048)
    expect_reject(verify(rtsolpr(mn(), DST, NOW, NONCE), key_policy=policy), Reason.KEY_TOO_SHORT)


# -- tampering ------------------------------------------------------------------

def _ignored_ranges(signed: bytes) -> set[int]:
    """Octets RFC 3971 lets a receiver ignore: the RSA option's Reserved field and padding."""
    off = signature.signed_portion(signed).signature_offset
    assert off is not None
    sig_len = 128  # RSA-1024 test keys
    return set(range(off + 2, off + 4)) | set(range(off + 20 + sig_len, len(signed)))


@settings(derandomize=True, max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_any_bit_flip_is_detected(signed: bytes, data: st.DataObject) -> None:
    """Flip one bit of src | dst | ICMPv6 message, fix the checksum: never accepted."""
    ignored = _ignored_ranges(signed)
    total = 32 + len(signed)
    bit = data.draw(st.integers(0, 8 * total - 1).filter(
        lambda b: (b // 8) - 32 not in ignored and (b // 8) - 32 not in (2, 3)))
    whole = bytearray(mn().address.packed + DST.packed + signed)
    whole[bit // 8] ^= 0x80 >> (bit % 8)
    src = ipaddress.IPv6Address(bytes(whole[:16]))
    dst = ipaddress.IPv6Address(bytes(whole[16:32]))
    icmp = rechecksum(bytes(whole[32:]), src, dst)
    verdict = signature.verify_signature(icmp, src, dst)
    assert not verdict.accepted, f"bit {bit} (octet {bit // 8 - 32} of the ICMPv6 message)"


@settings(derandomize=True, max_examples=40, deadline=None)
@given(st.integers(0, 8 * 4 - 1))
def test_ignored_reserved_bits_really_are_ignored(bit: int) -> None:
    """The negative twin: bits in the RSA option's Reserved field do not matter."""
    s = rtsolpr(mn(), DST, NOW, NONCE)
    off = signature.signed_portion(s).signature_offset
    assert off is not None
    b = bytearray(s)
    pos = [off + 2, off + 3, len(s) - 2, len(s) - 1][bit // 8]
    b[pos] ^= 0x80 >> (bit % 8)
    expect_accept(signature.verify_signature(rechecksum(bytes(b), mn().address, DST),
                                             mn().address, DST))


# -- the receiver: timestamps, nonces, certification ---------------------------

@covers(Reason.TIMESTAMP_MISSING)
def test_signed_without_timestamp() -> None:
    opts = (new_ap_lla(), CgaOption(mn().parameters), NonceOption(NONCE))
    s = mn().sign(RtSolPr(1, opts).encode(mn().address, DST), DST)
    expect_reject(SendReceiver().verify(s, mn().address, DST, NOW, MessageKind.SOLICITATION),
                  Reason.TIMESTAMP_MISSING)


@covers(Reason.NONCE_MISSING)
def test_signed_solicitation_without_nonce() -> None:
    s = rtsolpr(mn(), DST, NOW, None)
    expect_reject(SendReceiver().verify(s, mn().address, DST, NOW, MessageKind.SOLICITATION),
                  Reason.NONCE_MISSING)
    expect_reject(SendReceiver().verify(prrtadv(ar(), DST, NOW, None), ar().address, DST, NOW,
                                        MessageKind.ADVERTISEMENT, require_nonce=True),
                  Reason.NONCE_MISSING)


def test_receiver_solicitation_replay_and_window() -> None:
    rx = SendReceiver()
    s = rtsolpr(mn(), DST, NOW, NONCE)
    expect_accept(rx.verify(s, mn().address, DST, NOW + 1, MessageKind.SOLICITATION))
    expect_reject(rx.verify(s, mn().address, DST, NOW + 30, MessageKind.SOLICITATION),
                  Reason.TIMESTAMP_NOT_FRESH)
    expect_reject(SendReceiver().verify(s, mn().address, DST, NOW + 400,
                                        MessageKind.SOLICITATION),
                  Reason.TIMESTAMP_OUTSIDE_WINDOW)


def _mn_receiver() -> SendReceiver:
    rx = SendReceiver()
    auth = expect_accept(pkix.validate_router_path(PKI.path, [PKI.trust_anchor()],
                                                   _utc(NOW)))
    rx.router_keys.add(auth)
    rx.remember_nonce(NONCE, NOW, context="hk-key")
    return rx


def _utc(now: float):
    from rfc5269.send.receiver import utc
    return utc(now)


def test_mn_accepts_certified_prrtadv_once() -> None:
    rx = _mn_receiver()
    adv = prrtadv(ar(), mn().address, NOW, NONCE)
    info = expect_accept(rx.verify(adv, ar().address, mn().address, NOW + 1,
                                   MessageKind.ADVERTISEMENT, from_router=True,
                                   require_nonce=True))
    assert info.nonce_context == "hk-key" and info.router is not None
    # The same answer again (a replay) is refused under the default CL-09 reading.
    expect_reject(rx.verify(adv, ar().address, mn().address, NOW + 2,
                            MessageKind.ADVERTISEMENT, from_router=True, require_nonce=True),
                  Reason.NONCE_ALREADY_ANSWERED)


def test_nonce_unknown_via_receiver() -> None:
    rx = _mn_receiver()
    adv = prrtadv(ar(), mn().address, NOW, b"\x09" * 6)
    expect_reject(rx.verify(adv, ar().address, mn().address, NOW + 1, MessageKind.ADVERTISEMENT,
                            from_router=True), Reason.NONCE_UNKNOWN)


@covers(Reason.NOT_CERTIFIED)
def test_uncertified_router_key() -> None:
    rogue = identity(8)  # a valid CGA, but no certification path
    rx = _mn_receiver()
    adv = prrtadv(rogue, mn().address, NOW, NONCE)
    expect_reject(rx.verify(adv, rogue.address, mn().address, NOW + 1, MessageKind.ADVERTISEMENT,
                            from_router=True), Reason.NOT_CERTIFIED)
    # Under the draft reading (CL-01) the CGA signature suffices.
    draft = SendReceiver(DEFAULT.replace(certificate_requirement=CertificateRequirement.DRAFT))
    draft.remember_nonce(NONCE, NOW)
    expect_accept(draft.verify(adv, rogue.address, mn().address, NOW + 1,
                               MessageKind.ADVERTISEMENT, from_router=True))
    # The forged answer did not consume the nonce: the real router is still heard.
    expect_accept(rx.verify(prrtadv(ar(), mn().address, NOW, NONCE), ar().address,
                            mn().address, NOW + 1, MessageKind.ADVERTISEMENT, from_router=True))


def test_router_prefix_authorization_via_receiver() -> None:
    rx = _mn_receiver()
    adv = prrtadv(ar(), mn().address, NOW, NONCE)
    expect_reject(rx.verify(adv, ar().address, mn().address, NOW + 1, MessageKind.ADVERTISEMENT,
                            from_router=True,
                            authorized_prefixes=[ipaddress.IPv6Network("2001:db8:b::/64")]),
                  Reason.CERT_PREFIX_NOT_AUTHORIZED)
    expect_accept(rx.verify(adv, ar().address, mn().address, NOW + 1, MessageKind.ADVERTISEMENT,
                            from_router=True,
                            authorized_prefixes=[ipaddress.IPv6Network("2001:db8:a:2::/64")]))


# -- signing: what an identity derives once ----------------------------------------

def test_identity_derives_key_hash_and_cga_option_once() -> None:
    sender = mn()
    assert sender.key_hash == keys.key_hash(keys.public_key_der(sender.private_key))
    assert sender.key_hash is sender.key_hash  # derived on first use, then kept
    assert sender.cga_option_octets == CgaOption(sender.parameters).encode()
    for nonce in (None, NONCE):
        assert sender.option_octets(NOW, nonce) == encode_options(sender.options(NOW, nonce))


@pytest.mark.parametrize("reading", list(SignedChecksum))
def test_given_key_hash_signs_the_same_octets(reading: SignedChecksum) -> None:
    sender = mn()
    msg = RtSolPr(1, (new_ap_lla(), *sender.options(NOW, NONCE))).encode(sender.address, DST)
    derived = signature.sign_message(msg, sender.address, DST, sender.private_key,
                                     signed_checksum=reading)
    assert sender.sign(msg, DST, signed_checksum=reading) == derived
    assert signature.sign_message(msg, sender.address, DST, sender.private_key,
                                  signed_checksum=reading,
                                  signer_key_hash=sender.key_hash) == derived


@settings(derandomize=True, max_examples=40, deadline=None)
@given(st.binary(min_size=4, max_size=64))
def test_signed_message_checksum_is_right(body: bytes) -> None:
    """The checksum sign_message writes (extended from the prefix's) is the message's own,
    whatever the length of what it is given, odd lengths included."""
    sender = mn()
    signed = signature.sign_message(body, sender.address, DST, sender.private_key)
    assert int.from_bytes(signed[2:4], "big") == icmpv6_checksum(sender.address, DST, signed)
    assert signed[:2] == body[:2] and signed[4:len(body)] == body[4:]
