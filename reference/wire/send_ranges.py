"""The octets a SEND signature covers (RFC 3971 §5.2, items 1-6), read from received bytes.

:func:`signed_portion` cuts an ICMPv6 message as it arrived, without
re-encoding anything, so a verifier checks exactly what was on the wire.
Items 1-3 (CGA Message Type tag, source and destination addresses) come from
the packet and are added by the SEND layer.
"""

from __future__ import annotations

from dataclasses import dataclass

from rfc5269.errors import DecodeError
from rfc5269.wire.ndopt import OptionSpan, RsaSignatureOption, option_spans

REF = "RFC 3971 §5.2"
# Octets between the checksum and the first option, by ICMPv6 type (and FMIP subtype).
_HEADER_AFTER_CHECKSUM: dict[int, int] = {148: 4, 149: 8, 154: 4}
# Neighbor Discovery messages (RFC 4861 §4.1-§4.5), for completeness.
_HEADER_AFTER_CHECKSUM.update({133: 4, 134: 12, 135: 20, 136: 20, 137: 36})


@dataclass(frozen=True)
class SignedPortion:
    """The parts of an ICMPv6 message named by RFC 3971 §5.2 items 4-6."""

    type: int
    code: int
    checksum: int  # as received
    header_after_checksum: bytes  # item 5
    options_before_signature: bytes  # item 6
    signature_offset: int | None  # offset of the first RSA Signature option in the message
    icmp: bytes

    @property
    def prefix_without_signature(self) -> bytes:
        """The message cut at the first RSA Signature option (all of it if there is none)."""
        if self.signature_offset is None:
            return self.icmp
        return self.icmp[:self.signature_offset]

    @property
    def items_4_to_6(self) -> bytes:
        """Type, Code and Checksum as received, then items 5 and 6."""
        return (self.icmp[:4] + self.header_after_checksum + self.options_before_signature)


def header_length(icmp_type: int) -> int:
    """Octets from the checksum's end to the first option for ``icmp_type``."""
    try:
        return _HEADER_AFTER_CHECKSUM[icmp_type]
    except KeyError:
        raise DecodeError("signed_portion.type", f"ICMPv6 type {icmp_type} carries no ND "
                          "options this codec knows", REF) from None


def framed_options(icmp: bytes) -> tuple[int, tuple[OptionSpan, ...]]:
    """Where the options of ``icmp`` start, and every option's span (offsets from there).

    The header must be as long as its ICMPv6 type says (RFC 4443 §2.1) and
    the options area is walked with the same TLV checks as the decoder (RFC
    4861 §4.6).
    """
    if len(icmp) < 4:
        raise DecodeError("signed_portion", "ICMPv6 message shorter than 4 octets",
                          "RFC 4443 §2.1")
    start = 4 + header_length(icmp[0])
    if len(icmp) < start:
        raise DecodeError("signed_portion", f"message shorter than its {start}-octet header",
                          REF)
    return start, option_spans(icmp[start:])


def signed_portion(icmp: bytes) -> SignedPortion:
    """Split a received ICMPv6 message into the pieces RFC 3971 §5.2 signs.

    The message is framed by :func:`framed_options`.
    """
    icmp = bytes(icmp)
    start, spans = framed_options(icmp)
    sig_offset: int | None = None
    for span in spans:
        if span.type == RsaSignatureOption.TYPE:
            sig_offset = start + span.offset
            break
    end = len(icmp) if sig_offset is None else sig_offset
    return SignedPortion(icmp[0], icmp[1], int.from_bytes(icmp[2:4], "big"), icmp[4:start],
                         icmp[start:end], sig_offset, icmp)
