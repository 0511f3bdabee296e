"""scapy layers for the Mobility Header messages FBU and FBack and their options.

Derived from the ``FIELDS`` of :mod:`rfc5269.wire.mobility`. The options
list uses scapy's own Mobility Header machinery (``_OptionsField``: Pad1 and
PadN inserted to meet each option's alignment, the header ended on an
8-octet boundary), so the same rules produce the same octets as the codec:
Alternate Care-of Address at 8n+6, MH-LLA unaligned, and the BADF option,
which must come last with no padding after it, aligned so that it ends on
an 8-octet boundary (RFC 5568 §6.4.5).

The BADF Option Length has two readings
(:class:`rfc5269.interpretations.BadfLength`); :class:`MIP6OptBADF` follows
the option-data reading (the default) and :class:`MIP6OptBADFAuthenticatorOnly`
the other. :func:`rfc5269.scapy_layers.use_badf_length` selects which one
dissects option type 21.
"""

from __future__ import annotations

from typing import Any, cast

from rfc5269.interpretations import BadfLength
from rfc5269.scapy_layers.base import CountedMixin, MobilityHeaderMixin, make_layer
from rfc5269.wire import mobility
from scapy.compat import raw
from scapy.fields import StrLenField
from scapy.layers.inet6 import (
    IPv6,
    IPv6ExtHdrDestOpt,
    MIP6OptUnknown,
    _MIP6OptAlign,
    _OptionsField,
    _PhantomAutoPadField,
)
from scapy.packet import Packet

_OPT_BASES = (CountedMixin, _MIP6OptAlign)


class _BadfAlignment:
    """BADF ends the options on an 8-octet boundary (the codec's rule, RFC 5568 §6.4.5)."""

    def alignment_delta(self, curpos: int) -> int:
        return -(curpos + len(raw(cast(Any, self)))) % 8


MIP6OptMobilityHeaderLla = make_layer(
    "MIP6OptMobilityHeaderLla", mobility.MobilityHeaderLla, _OPT_BASES,
    {"link_layer_address": StrLenField("link_layer_address", b"",
                                       length_from=lambda pkt: int(pkt.length or 1) - 1)},
    "MH Link-Layer Address option (RFC 5568 §6.4.4)", module=__name__, x=0, y=0)

MIP6OptAlternateCareOfAddress = make_layer(
    "MIP6OptAlternateCareOfAddress", mobility.AlternateCareOfAddress, _OPT_BASES, {},
    "Alternate Care-of Address option (RFC 3775 §6.2.5)", module=__name__, x=8, y=6)

MIP6OptBADF = make_layer(
    "MIP6OptBADF", mobility.BindingAuthorizationDataFmip, (_BadfAlignment, *_OPT_BASES),
    {"authenticator": StrLenField("authenticator", b"",
                                  length_from=lambda pkt: max(int(pkt.length or 0) - 4, 0))},
    "BADF option (RFC 5568 §6.4.5), Option Length = SPI + Authenticator",
    module=__name__, x=0, y=0, badf_length=BadfLength.OPTION_DATA)

MIP6OptBADFAuthenticatorOnly = make_layer(
    "MIP6OptBADFAuthenticatorOnly", mobility.BindingAuthorizationDataFmip,
    (_BadfAlignment, *_OPT_BASES),
    {"authenticator": StrLenField("authenticator", b"",
                                  length_from=lambda pkt: int(pkt.length or 0))},
    "BADF option (RFC 5568 §6.4.5), Option Length = Authenticator",
    module=__name__, x=0, y=0, counted_from=6, badf_length=BadfLength.AUTHENTICATOR_ONLY)

MIP6OptUnknownOption = make_layer(
    "MIP6OptUnknownOption", mobility.UnknownMobilityOption, _OPT_BASES,
    {"data": StrLenField("data", b"", length_from=lambda pkt: int(pkt.length or 0))},
    "Mobility option not interpreted (RFC 3775 §6.2.1)", module=__name__, x=0, y=0)


def _options_field() -> tuple[Any, ...]:
    return (_PhantomAutoPadField("autopad", 1),
            _OptionsField("options", [], MIP6OptUnknown, 12,  # type: ignore[no-untyped-call]
                          length_from=lambda pkt: 8 * int(pkt.header_len or 0) - 4))


class _OptionsTail(list[Any]):
    """Several scapy fields standing for one description field (the last one is named)."""

    @property
    def name(self) -> str:
        return str(self[-1].name)


_MH_BASES = (MobilityHeaderMixin, Packet)
_OVERLOAD = {IPv6: {"nh": 135}, IPv6ExtHdrDestOpt: {"nh": 135}}


def _mh(class_name: str, codec_class: type, title: str) -> Any:
    return make_layer(class_name, codec_class, _MH_BASES, {"options": _OptionsTail(
        _options_field())}, title, module=__name__, overload_fields=_OVERLOAD)


MIP6MH_FBU = _mh("MIP6MH_FBU", mobility.FastBindingUpdate, "Fast Binding Update (RFC 5568 §6.2.2)")
MIP6MH_FBack = _mh("MIP6MH_FBack", mobility.FastBindingAck,
                   "Fast Binding Acknowledgment (RFC 5568 §6.2.3)")

MH_OPTION_LAYERS: dict[type, Any] = {
    mobility.MobilityHeaderLla: MIP6OptMobilityHeaderLla,
    mobility.AlternateCareOfAddress: MIP6OptAlternateCareOfAddress,
    mobility.BindingAuthorizationDataFmip: MIP6OptBADF,
    mobility.UnknownMobilityOption: MIP6OptUnknownOption,
}
MH_LAYERS: dict[type, Any] = {
    mobility.FastBindingUpdate: MIP6MH_FBU,
    mobility.FastBindingAck: MIP6MH_FBack,
}
BADF_LAYERS: dict[BadfLength, Any] = {
    BadfLength.OPTION_DATA: MIP6OptBADF,
    BadfLength.AUTHENTICATOR_ONLY: MIP6OptBADFAuthenticatorOnly,
}

__all__ = ["BADF_LAYERS", "MH_LAYERS", "MH_OPTION_LAYERS", "MIP6MH_FBU", "MIP6MH_FBack",
           "MIP6OptAlternateCareOfAddress", "MIP6OptBADF", "MIP6OptBADFAuthenticatorOnly",
           "MIP6OptMobilityHeaderLla", "MIP6OptUnknownOption", "Packet"]
