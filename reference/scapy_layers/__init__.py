"""rfc5269.scapy_layers — scapy layers for every message and option of the wire codec.

``import rfc5269.scapy_layers`` registers the layers with scapy's
dissectors, so ``IPv6(raw_bytes)`` shows RtSolPr / PrRtAdv (ICMPv6 154),
CPS / CPA (148 / 149), the SEND and FMIPv6 ND options (11-17, 19, 27, 28)
and FBU / FBack (Mobility Header 8 / 9) with the MH-LLA (7) and BADF (21)
options. Every layer is derived from the codec's declarative ``FIELDS``
(:mod:`rfc5269.scapy_layers.derive`) and checked against the codec by the
tests in ``tests/scapy``.

What the registration replaces, and why (see :mod:`rfc5269.findings`):

* ND options 11-14: ``scapy.contrib.send`` builds Timestamp, RSA Signature
  and Nonce options that disagree with RFC 3971 §5 on the wire and does not
  model CGA extension fields (SCAPY-01..04). It is imported first so that
  a later import of it cannot undo the registration.
* ND option 19 and mobility option 7: scapy's RFC 4068 layers disagree
  with RFC 5568 §6.4.3-§6.4.4 (SCAPY-05, SCAPY-06).

Everything else scapy already dissects as the RFCs say (options 1 and 2 for
Ethernet addresses, 17, mobility option 3, the Home Address option) is left
to scapy's own layers; derived layers for them exist too
(:data:`LAYERS`), e.g. for link-layer addresses other than Ethernet
(SCAPY-08). Checksums computed by these layers use the home address when a
Home Address option is present anywhere in a Destination Options header
(SCAPY-07).
"""

from __future__ import annotations

from typing import Any

import scapy.contrib.send  # noqa: F401  (registers its 11-14 first, so ours win)
from rfc5269.interpretations import BadfLength
from rfc5269.scapy_layers.convert import (
    LAYERS,
    NATIVE,
    codec_values,
    from_codec,
    layer_values,
    option_chain,
    packet_from_codec,
)
from rfc5269.scapy_layers.messages import (
    ICMPv6CPA,
    ICMPv6CPS,
    ICMPv6FMIP,
    ICMPv6PrRtAdv,
    ICMPv6RtSolPr,
)
from rfc5269.scapy_layers.mobility import (
    BADF_LAYERS,
    MIP6MH_FBU,
    MIP6MH_FBack,
    MIP6OptBADF,
    MIP6OptBADFAuthenticatorOnly,
    MIP6OptMobilityHeaderLla,
)
from rfc5269.scapy_layers.ndopts import (
    ICMPv6NDOptCertificate,
    ICMPv6NDOptCGA,
    ICMPv6NDOptFmipLLA,
    ICMPv6NDOptHandoverKeyReply,
    ICMPv6NDOptHandoverKeyRequest,
    ICMPv6NDOptIpAddressPrefix,
    ICMPv6NDOptNonce,
    ICMPv6NDOptRsaSignature,
    ICMPv6NDOptTimestamp,
    ICMPv6NDOptTrustAnchor,
)
from scapy.layers import inet6

# ND option type -> layer registered in scapy's ND option dispatch.
ND_OPTIONS_REGISTERED: dict[int, Any] = {
    11: ICMPv6NDOptCGA,
    12: ICMPv6NDOptRsaSignature,
    13: ICMPv6NDOptTimestamp,
    14: ICMPv6NDOptNonce,
    15: ICMPv6NDOptTrustAnchor,
    16: ICMPv6NDOptCertificate,
    19: ICMPv6NDOptFmipLLA,
    27: ICMPv6NDOptHandoverKeyRequest,
    28: ICMPv6NDOptHandoverKeyReply,
}
ICMPV6_REGISTERED: dict[int, Any] = {148: ICMPv6CPS, 149: ICMPv6CPA, 154: ICMPv6FMIP}
ICMPV6_MIN_LENGTH: dict[int, int] = {148: 8, 149: 12, 154: 8}
MH_REGISTERED: dict[int, Any] = {8: MIP6MH_FBU, 9: MIP6MH_FBack}
MOBILITY_OPTIONS_REGISTERED: dict[int, Any] = {7: MIP6OptMobilityHeaderLla, 21: MIP6OptBADF}

_NAMES_ND = {15: "Trust Anchor Option", 16: "Certificate Option",
             27: "Handover Key Request Option", 28: "Handover Key Reply Option"}


def register() -> None:
    """Bind the layers into scapy's dispatch tables (done on import; idempotent)."""
    inet6.icmp6ndoptscls.update(ND_OPTIONS_REGISTERED)
    inet6.icmp6typescls.update(ICMPV6_REGISTERED)
    inet6.icmp6typesminhdrlen.update(ICMPV6_MIN_LENGTH)
    inet6.icmp6types.setdefault(154, "FMIPv6 Messages")
    for k, v in _NAMES_ND.items():
        inet6.icmp6ndopts.setdefault(k, v)
    inet6._mip6_mhtype2cls.update(MH_REGISTERED)
    inet6.moboptcls.update(MOBILITY_OPTIONS_REGISTERED)
    inet6._mobopttypes.setdefault(21, "Binding Authorization Data for FMIPv6 (RFC5568)")


def use_badf_length(reading: BadfLength) -> None:
    """Dissect mobility option 21 under ``reading`` (see BadfLength, clarification CL-07)."""
    MOBILITY_OPTIONS_REGISTERED[21] = BADF_LAYERS[reading]
    inet6.moboptcls[21] = BADF_LAYERS[reading]


register()

__all__ = [
    "ICMPV6_REGISTERED",
    "LAYERS",
    "MH_REGISTERED",
    "MIP6MH_FBU",
    "MOBILITY_OPTIONS_REGISTERED",
    "NATIVE",
    "ND_OPTIONS_REGISTERED",
    "ICMPv6CPA",
    "ICMPv6CPS",
    "ICMPv6FMIP",
    "ICMPv6NDOptCGA",
    "ICMPv6NDOptCertificate",
    "ICMPv6NDOptFmipLLA",
    "ICMPv6NDOptHandoverKeyReply",
    "ICMPv6NDOptHandoverKeyRequest",
    "ICMPv6NDOptIpAddressPrefix",
    "ICMPv6NDOptNonce",
    "ICMPv6NDOptRsaSignature",
    "ICMPv6NDOptTimestamp",
    "ICMPv6NDOptTrustAnchor",
    "ICMPv6PrRtAdv",
    "ICMPv6RtSolPr",
    "MIP6MH_FBack",
    "MIP6OptBADF",
    "MIP6OptBADFAuthenticatorOnly",
    "MIP6OptMobilityHeaderLla",
    "codec_values",
    "from_codec",
    "layer_values",
    "option_chain",
    "packet_from_codec",
    "register",
    "use_badf_length",
]
