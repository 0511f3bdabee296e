"""scapy layers for the ICMPv6 messages of the codec: RtSolPr, PrRtAdv, CPS, CPA.

Derived from the ``FIELDS`` of :mod:`rfc5269.wire.fmip` and
:mod:`rfc5269.wire.cert_path`. As in scapy's own Neighbor Discovery
layers, the ND options follow the message as its payload chain (one layer
per option), so ``pkt[ICMPv6NDOptNonce]`` works.

ICMPv6 type 154 carries several FMIPv6 messages told apart by the Subtype
octet (RFC 5568 §6.1); :class:`ICMPv6FMIP` is the class registered for type
154 and picks RtSolPr (2), PrRtAdv (3), or scapy's generic ICMPv6 layer.
"""

from __future__ import annotations

from typing import Any

from rfc5269.scapy_layers.base import PAYLOAD, Icmpv6Mixin, make_layer
from rfc5269.wire import cert_path, fmip
from scapy.layers.inet6 import ICMPv6Unknown, IPv6, IPv6ExtHdrDestOpt, _ICMPv6NDGuessPayload
from scapy.packet import Packet

_BASES = (Icmpv6Mixin, _ICMPv6NDGuessPayload, Packet)
_OVERLOAD = {IPv6: {"nh": 58}, IPv6ExtHdrDestOpt: {"nh": 58}}


def _msg(class_name: str, codec_class: type, title: str) -> Any:
    return make_layer(class_name, codec_class, _BASES, {"options": PAYLOAD}, title,
                      module=__name__, overload_fields=_OVERLOAD)


ICMPv6RtSolPr = _msg("ICMPv6RtSolPr", fmip.RtSolPr,
                     "FMIPv6 Router Solicitation for Proxy Advertisement (RFC 5568 §6.1.1)")
ICMPv6PrRtAdv = _msg("ICMPv6PrRtAdv", fmip.PrRtAdv,
                     "FMIPv6 Proxy Router Advertisement (RFC 5568 §6.1.2)")
ICMPv6CPS = _msg("ICMPv6CPS", cert_path.CertificationPathSolicitation,
                 "SEND Certification Path Solicitation (RFC 3971 §6.4.1)")
ICMPv6CPA = _msg("ICMPv6CPA", cert_path.CertificationPathAdvertisement,
                 "SEND Certification Path Advertisement (RFC 3971 §6.4.2)")

FMIP_SUBTYPES: dict[int, Any] = {2: ICMPv6RtSolPr, 3: ICMPv6PrRtAdv}


def _fmip_dispatch_hook(cls: Any, _pkt: bytes | None = None, *args: Any, **kargs: Any) -> Any:
    """The layer for an ICMPv6 type 154 message, by its Subtype octet (RFC 5568 §6.1)."""
    if _pkt is not None and len(_pkt) > 4:
        return FMIP_SUBTYPES.get(_pkt[4], ICMPv6Unknown)
    return ICMPv6RtSolPr


# scapy calls ``dispatch_hook`` only when the class itself defines it.
ICMPv6FMIP = type(ICMPv6RtSolPr)(
    "ICMPv6FMIP", (ICMPv6RtSolPr,),
    {"__module__": __name__, "__doc__": "Registered for ICMPv6 type 154; picks the subtype.",
     "name": "FMIPv6 (ICMPv6 154)", "dispatch_hook": classmethod(_fmip_dispatch_hook)})

MESSAGE_LAYERS: dict[type, Any] = {
    fmip.RtSolPr: ICMPv6RtSolPr,
    fmip.PrRtAdv: ICMPv6PrRtAdv,
    cert_path.CertificationPathSolicitation: ICMPv6CPS,
    cert_path.CertificationPathAdvertisement: ICMPv6CPA,
}
