"""Building and opening the packets the nodes exchange.

Thin, readable glue between the nodes and the codec/SEND layers:

* :func:`signed_icmpv6_packet` — an ICMPv6 message with the SEND options
  (CGA, Timestamp, Nonce) added and the RSA Signature option appended last
  (RFC 3971 §5.1.1, §5.2.1, §5.3.3), wrapped in an IPv6 header with Hop
  Limit 255 (RFC 5568 §6.1, RFC 4861 §6.1).
* :func:`icmpv6_packet` — the same without SEND (CPS/CPA).
* :func:`mobility_packet` — a Mobility Header message with a Home Address
  option (RFC 3775 §6.3, RFC 5269 §3.4).
* :func:`open_packet` — strict decoding of a received packet into a
  :class:`Received`; never raises anything but :class:`DecodeError`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache
from ipaddress import IPv6Address
from typing import Any, TypeVar

from rfc5269.constants import IPPROTO_ICMPV6
from rfc5269.errors import EncodeError
from rfc5269.interpretations import BadfLength, SignedChecksum
from rfc5269.send.sender import SendIdentity
from rfc5269.wire.cert_path import (
    CertificationPathAdvertisement,
    CertificationPathSolicitation,
)
from rfc5269.wire.fmip import PrRtAdv, RtSolPr
from rfc5269.wire.ipv6 import (
    DestinationOptionsHeader,
    HomeAddressOption,
    IPv6Header,
    IPv6Packet,
)
from rfc5269.wire.mobility import BindingAuthorizationDataFmip, FastBindingAck, FastBindingUpdate
from rfc5269.wire.ndopt import NonceOption, RsaSignatureOption

OptionT = TypeVar("OptionT")

ALL_ROUTERS = IPv6Address("ff02::2")
ALL_NODES = IPv6Address("ff02::1")


@lru_cache(maxsize=1024)
def address_text(address: IPv6Address) -> str:
    """``str(address)`` for the trace facts, remembered for the last 1024 addresses.

    Formatting an address (RFC 5952 compression) costs more than the rest of
    a trace event; a node names the same few peers again and again. The
    cache is bounded and holds only what ``str`` answers for immutable keys.
    """
    return str(address)


def solicited_node(address: IPv6Address) -> IPv6Address:
    """The solicited-node multicast address of ``address`` (RFC 4291 §2.7.1)."""
    return IPv6Address(IPv6Address("ff02::1:ff00:0").packed[:13] + address.packed[13:])


def signed_icmpv6_packet(
    message: RtSolPr | PrRtAdv,
    identity: SendIdentity,
    dst: IPv6Address,
    now: float | Fraction,
    nonce: bytes | None,
    signed_checksum: SignedChecksum,
) -> bytes:
    """The whole IPv6 packet carrying ``message`` SEND-signed by ``identity``."""
    # The SEND options follow the message's own (RFC 3971 §5.1.1, §5.3.3); the
    # checksum is sign_message's to compute.
    unsigned = message.encode() + identity.option_octets(now, nonce)
    icmp = identity.sign(unsigned, dst, signed_checksum=signed_checksum)
    return _ipv6(identity.address, dst, icmp)


def icmpv6_packet(
    message: CertificationPathSolicitation | CertificationPathAdvertisement | RtSolPr | PrRtAdv,
    src: IPv6Address,
    dst: IPv6Address,
) -> bytes:
    """The whole IPv6 packet carrying ``message`` without SEND options."""
    return _ipv6(src, dst, message.encode(src, dst))


def _ipv6(src: IPv6Address, dst: IPv6Address, icmp: bytes) -> bytes:
    """The IPv6 header (Hop Limit 255, RFC 4861 §6.1) followed by the ICMPv6 message."""
    if len(icmp) > 0xFFFF:
        raise EncodeError("IPv6Header.payload_length", "payload over 65535 octets",
                          "RFC 2460 §3")
    return IPv6Header(src, dst, hop_limit=255, next_header=IPPROTO_ICMPV6,
                      payload_length=len(icmp)).encode() + icmp


def mobility_packet(
    message: FastBindingUpdate | FastBindingAck,
    src: IPv6Address,
    dst: IPv6Address,
    home_address: IPv6Address | None,
    badf_length: BadfLength,
) -> bytes:
    """The whole IPv6 packet carrying a Mobility Header message.

    With ``home_address`` the packet carries a Destination Options header with
    the Home Address option (RFC 3775 §6.3), as an FBU must (RFC 5269 §3.4).
    """
    ext: tuple[DestinationOptionsHeader, ...] = ()
    if home_address is not None:
        ext = (DestinationOptionsHeader((HomeAddressOption(home_address),)),)
    return IPv6Packet(IPv6Header(src, dst, hop_limit=64), ext, message).encode(badf_length)


@dataclass(frozen=True)
class Received:
    """A decoded packet: its header fields, the upper-layer message and the raw octets.

    ``options`` are the message's options in wire order (none for a message
    without options); ``signature_index`` is the index among them of the first
    RSA Signature option (their number when there is none): RFC 3971 §5.2
    signs the options before it and §5.2.2 has the receiver ignore those
    after it.
    """

    packet: IPv6Packet
    src: IPv6Address
    dst: IPv6Address
    hop_limit: int
    message: Any
    upper_layer: bytes
    options: tuple[Any, ...] = field(init=False, repr=False, compare=False)
    signature_index: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        options = tuple(getattr(self.message, "options", ()))
        index = len(options)
        for i, option in enumerate(options):
            if isinstance(option, RsaSignatureOption):
                index = i
                break
        object.__setattr__(self, "options", options)
        object.__setattr__(self, "signature_index", index)

    @property
    def kind(self) -> str:
        """The message's class name (``"RtSolPr"``, ``"FastBindingUpdate"``, ...)."""
        return type(self.message).__name__

    @property
    def is_signed(self) -> bool:
        """Whether the message carries an RSA Signature option (RFC 3971 §5.2)."""
        return self.signature_index < len(self.options)

    @property
    def signed_options(self) -> tuple[Any, ...]:
        """The options a SEND signature covers: those before the first RSA Signature option."""
        return self.options[:self.signature_index]

    def first(self, cls: type[OptionT], *, signed: bool = False) -> OptionT | None:
        """The first option of type ``cls`` (among the signed ones with ``signed``), if any."""
        options = self.options
        for i in range(self.signature_index if signed else len(options)):
            option = options[i]
            if isinstance(option, cls):
                return option
        return None


def open_packet(data: bytes, badf_length: BadfLength) -> Received:
    """Strictly decode a received IPv6 packet (raises only :class:`DecodeError`)."""
    packet = IPv6Packet.decode(data, badf_length=badf_length)
    raw_upper = getattr(packet.payload, "raw", b"") or b""
    return Received(packet, packet.header.src, packet.header.dst, packet.header.hop_limit,
                    packet.payload, bytes(raw_upper))


def packet_facts(received: Received, src_text: str | None = None,
                 dst_text: str | None = None) -> dict[str, Any]:
    """What a trace event records of a received packet (no key material).

    Addresses, the message kind, the Key Hash of the first RSA Signature
    option (whether or not it verifies), the nonce, the identifier, and for
    Mobility Header messages the PCoA, Sequence Number and BADF SPI. The
    model's conformance checker maps these onto its abstract events.
    ``src_text`` and ``dst_text``, when the caller has them, are the
    addresses' text (``str`` of each; :func:`address_text` otherwise).
    """
    facts: dict[str, Any] = {"src": src_text or address_text(received.src),
                             "dst": dst_text or address_text(received.dst),
                             "message": received.kind, "hop_limit": received.hop_limit}
    message = received.message
    for option in received.options:
        if isinstance(option, RsaSignatureOption):
            if "signer_key_hash" not in facts:
                facts["signer_key_hash"] = option.key_hash.hex()
        elif isinstance(option, NonceOption):
            if "nonce" not in facts:
                facts["nonce"] = option.nonce.hex()
        elif isinstance(option, BindingAuthorizationDataFmip):
            facts["spi"] = option.spi
    if hasattr(message, "identifier"):
        facts["identifier"] = message.identifier
    if isinstance(message, (FastBindingUpdate, FastBindingAck)):
        facts["sequence"] = message.sequence
        home = received.packet.home_address
        if home is not None:
            facts["pcoa"] = str(home)
    return facts
