"""scapy layers for the ND options of :mod:`rfc5269.wire.ndopt` and the CGA Parameters.

Each class is derived from the codec class's ``FIELDS``; the tails below
give the extent of each variable-length field in scapy terms (the codec's
description states them in words: ``length_from``).

When building, a ``None`` Length, Pad Length or Padding is computed: the
option is zero-padded to a multiple of 8 octets (RFC 4861 §4.6), which for
options without a Pad Length (Nonce, Link-Layer Address, unknown) extends
the last field with zero octets, as the codec's ``for_address`` helpers do.
"""

from __future__ import annotations

from typing import Any

from rfc5269.scapy_layers.base import CountedMixin, DerOrRestField, NdOptionMixin, make_layer
from rfc5269.wire import cga_params, ndopt
from scapy.fields import PacketLenField, PacketListField, StrLenField
from scapy.layers.inet6 import _ICMPv6NDGuessPayload
from scapy.packet import Packet


def _opt_len(pkt: Any) -> int:
    """Octets in the option as its Length says (at least 2, so a bad Length cannot loop)."""
    return max(int(pkt.length or 0), 1) * 8


def _pad(pkt: Any) -> int:
    return int(pkt.pad_length or 0)


# scapy's type hints want a value; None means "computed when built" (see base.NdOptionMixin).
_DERIVED: Any = None

_ND_BASES = (NdOptionMixin, _ICMPv6NDGuessPayload, Packet)


def _nd(class_name: str, codec_class: type, title: str, tails: dict[str, Any]) -> Any:
    return make_layer(class_name, codec_class, _ND_BASES, tails, title, module=__name__)


# ----------------------------------------------------------------- CGA Parameters (RFC 3972 §3)

CgaExtensionField = make_layer(
    "CgaExtensionField", cga_params.ExtensionField, (CountedMixin, Packet),
    {"value": StrLenField("value", b"", length_from=lambda pkt: pkt.length)},
    "CGA extension field (RFC 4581 §3)", module=__name__, counted_from=4)

CgaParametersLayer = make_layer(
    "CgaParametersLayer", cga_params.CgaParameters, (Packet,),
    {
        "public_key": DerOrRestField("public_key", b"", available=lambda pkt: None),
        "extension_fields": PacketListField("extension_fields", [], CgaExtensionField),
    },
    "CGA Parameters (RFC 3972 §3)", module=__name__)

# ----------------------------------------------------------------- options

ICMPv6NDOptSourceLinkLayerAddress = _nd(
    "ICMPv6NDOptSourceLinkLayerAddress", ndopt.SourceLinkLayerAddress,
    "ND Source Link-Layer Address (RFC 4861 §4.6.1, any link layer)",
    {"link_layer_address": StrLenField("link_layer_address", b"",
                                       length_from=lambda pkt: _opt_len(pkt) - 2)})

ICMPv6NDOptTargetLinkLayerAddress = _nd(
    "ICMPv6NDOptTargetLinkLayerAddress", ndopt.TargetLinkLayerAddress,
    "ND Target Link-Layer Address (RFC 4861 §4.6.1, any link layer)",
    {"link_layer_address": StrLenField("link_layer_address", b"",
                                       length_from=lambda pkt: _opt_len(pkt) - 2)})

ICMPv6NDOptCGA = _nd(
    "ICMPv6NDOptCGA", ndopt.CgaOption, "SEND CGA option (RFC 3971 §5.1)",
    {"parameters": PacketLenField("parameters", _DERIVED, CgaParametersLayer,
                                  length_from=lambda pkt: _opt_len(pkt) - 4 - _pad(pkt)),
     "padding": StrLenField("padding", _DERIVED, length_from=_pad)})

ICMPv6NDOptRsaSignature = _nd(
    "ICMPv6NDOptRsaSignature", ndopt.RsaSignatureOption,
    "SEND RSA Signature option (RFC 3971 §5.2)",
    # As in the codec: with no length for the signature in the option, a
    # dissector keeps signature and padding together in ``signature``.
    {"signature": StrLenField("signature", b"", length_from=lambda pkt: _opt_len(pkt) - 20),
     "padding": StrLenField("padding", _DERIVED, length_from=lambda pkt: 0)})

ICMPv6NDOptTimestamp = _nd(
    "ICMPv6NDOptTimestamp", ndopt.TimestampOption,
    "SEND Timestamp option (RFC 3971 §5.3.1), 48.16 fixed point", {})

ICMPv6NDOptNonce = _nd(
    "ICMPv6NDOptNonce", ndopt.NonceOption, "SEND Nonce option (RFC 3971 §5.3.2)",
    {"nonce": StrLenField("nonce", b"", length_from=lambda pkt: _opt_len(pkt) - 2)})

ICMPv6NDOptTrustAnchor = _nd(
    "ICMPv6NDOptTrustAnchor", ndopt.TrustAnchorOption,
    "SEND Trust Anchor option (RFC 3971 §6.4.3)",
    {"name": StrLenField("name_", b"", length_from=lambda pkt: _opt_len(pkt) - 4 - _pad(pkt)),
     "padding": StrLenField("padding", _DERIVED, length_from=_pad)})


def _cert_available(pkt: Any) -> int:
    return _opt_len(pkt) - 4


ICMPv6NDOptCertificate = _nd(
    "ICMPv6NDOptCertificate", ndopt.CertificateOption,
    "SEND Certificate option (RFC 3971 §6.4.4)",
    {"certificate": DerOrRestField("certificate", b"", available=_cert_available,
                                   use_der=lambda pkt: pkt.cert_type == ndopt.CERT_TYPE_X509),
     "padding": StrLenField("padding", _DERIVED,
                            length_from=lambda pkt: _cert_available(pkt) - len(pkt.certificate))})

ICMPv6NDOptIpAddressPrefix = _nd(
    "ICMPv6NDOptIpAddressPrefix", ndopt.IpAddressPrefixOption,
    "FMIPv6 IP Address/Prefix option (RFC 5568 §6.4.1)", {})

ICMPv6NDOptFmipLLA = _nd(
    "ICMPv6NDOptFmipLLA", ndopt.FmipLinkLayerAddressOption,
    "FMIPv6 Link-Layer Address option (RFC 5568 §6.4.3)",
    {"link_layer_address": StrLenField("link_layer_address", b"",
                                       length_from=lambda pkt: _opt_len(pkt) - 3)})

ICMPv6NDOptHandoverKeyRequest = _nd(
    "ICMPv6NDOptHandoverKeyRequest", ndopt.HandoverKeyRequest,
    "Handover Key Request option (RFC 5269 §4.1)",
    {"public_key": StrLenField("public_key", b"",
                               length_from=lambda pkt: _opt_len(pkt) - 4 - _pad(pkt)),
     "padding": StrLenField("padding", _DERIVED, length_from=_pad)})

ICMPv6NDOptHandoverKeyReply = _nd(
    "ICMPv6NDOptHandoverKeyReply", ndopt.HandoverKeyReply,
    "Handover Key Reply option (RFC 5269 §4.2)",
    {"encrypted_key": StrLenField("encrypted_key", b"",
                                  length_from=lambda pkt: _opt_len(pkt) - 6 - _pad(pkt)),
     "padding": StrLenField("padding", _DERIVED, length_from=_pad)})

ICMPv6NDOptUnknownOption = _nd(
    "ICMPv6NDOptUnknownOption", ndopt.UnknownOption, "ND option not interpreted (RFC 4861 §4.6)",
    {"body": StrLenField("body", b"", length_from=lambda pkt: _opt_len(pkt) - 2)})

# Codec class -> derived layer, for every ND option the codec describes.
ND_OPTION_LAYERS: dict[type, Any] = {
    ndopt.SourceLinkLayerAddress: ICMPv6NDOptSourceLinkLayerAddress,
    ndopt.TargetLinkLayerAddress: ICMPv6NDOptTargetLinkLayerAddress,
    ndopt.CgaOption: ICMPv6NDOptCGA,
    ndopt.RsaSignatureOption: ICMPv6NDOptRsaSignature,
    ndopt.TimestampOption: ICMPv6NDOptTimestamp,
    ndopt.NonceOption: ICMPv6NDOptNonce,
    ndopt.TrustAnchorOption: ICMPv6NDOptTrustAnchor,
    ndopt.CertificateOption: ICMPv6NDOptCertificate,
    ndopt.IpAddressPrefixOption: ICMPv6NDOptIpAddressPrefix,
    ndopt.FmipLinkLayerAddressOption: ICMPv6NDOptFmipLLA,
    ndopt.HandoverKeyRequest: ICMPv6NDOptHandoverKeyRequest,
    ndopt.HandoverKeyReply: ICMPv6NDOptHandoverKeyReply,
    ndopt.UnknownOption: ICMPv6NDOptUnknownOption,
}
STRUCT_LAYERS: dict[type, Any] = {
    cga_params.CgaParameters: CgaParametersLayer,
    cga_params.ExtensionField: CgaExtensionField,
}
