"""Between codec objects and scapy layers, walking the one shared description.

* :func:`from_codec` builds the scapy layer(s) for a codec object, field by
  field as ``FIELDS`` lists them (derived fields left for scapy to compute).
* :func:`layer_values` reads a dissected scapy layer back as
  ``{codec field name: value}``; :func:`codec_values` reads a codec object
  the same way. The two are equal when scapy and the codec agree.

scapy's own layers that already match the RFCs stay registered for their
types (Source/Target Link-Layer Address, IP Address/Prefix, Alternate
Care-of Address, Home Address option); :data:`NATIVE` says how their field
names map to the codec's, so dissections through them compare the same way.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from rfc5269.interpretations import BadfLength
from rfc5269.scapy_layers.base import PAYLOAD
from rfc5269.scapy_layers.derive import DERIVED_KINDS, dataclass_names, normalise
from rfc5269.scapy_layers.messages import MESSAGE_LAYERS
from rfc5269.scapy_layers.mobility import BADF_LAYERS, MH_LAYERS, MH_OPTION_LAYERS
from rfc5269.scapy_layers.ndopts import ND_OPTION_LAYERS, STRUCT_LAYERS
from rfc5269.wire import ipv6, mobility, ndopt
from rfc5269.wire.describe import Kind
from scapy.layers.inet6 import (
    HAO,
    HBHOptUnknown,
    ICMPv6NDOptDstLLAddr,
    ICMPv6NDOptIPAddr,
    ICMPv6NDOptSrcLLAddr,
    ICMPv6NDOptUnknown,
    IPv6,
    IPv6ExtHdrDestOpt,
    MIP6OptAltCoA,
    MIP6OptUnknown,
    Pad1,
    PadN,
    _ICMPv6NDGuessPayload,
    _MIP6OptAlign,
)
from scapy.packet import NoPayload, Packet, Raw

LAYERS: dict[type, Any] = {**ND_OPTION_LAYERS, **STRUCT_LAYERS, **MESSAGE_LAYERS,
                           **MH_OPTION_LAYERS, **MH_LAYERS}


def _mac_bytes(value: Any) -> bytes:
    return bytes.fromhex(str(value).replace(":", ""))


# scapy class -> (codec class, {scapy field: codec field}, {codec field: converter})
NATIVE: dict[Any, tuple[type, dict[str, str], dict[str, Any]]] = {
    ICMPv6NDOptSrcLLAddr: (ndopt.SourceLinkLayerAddress, {"lladdr": "link_layer_address"},
                           {"link_layer_address": _mac_bytes}),
    ICMPv6NDOptDstLLAddr: (ndopt.TargetLinkLayerAddress, {"lladdr": "link_layer_address"},
                           {"link_layer_address": _mac_bytes}),
    ICMPv6NDOptIPAddr: (ndopt.IpAddressPrefixOption,
                        {"optcode": "option_code", "plen": "prefix_length", "addr": "address"},
                        {}),
    ICMPv6NDOptUnknown: (ndopt.UnknownOption, {"type": "type", "data": "body"}, {}),
    MIP6OptAltCoA: (mobility.AlternateCareOfAddress, {"acoa": "address"}, {}),
    MIP6OptUnknown: (mobility.UnknownMobilityOption, {"otype": "type", "odata": "data"}, {}),
    HAO: (ipv6.HomeAddressOption, {"hoa": "home_address"}, {}),
    HBHOptUnknown: (ipv6.UnknownDestinationOption, {"otype": "option_type", "optdata": "data"},
                    {}),
}


def _convert_in(kind: Kind, value: Any, badf_length: BadfLength) -> Any:
    if kind is Kind.STRUCT:
        return from_codec(value, badf_length)
    if kind is Kind.OPTIONS:
        return [from_codec(v, badf_length) for v in value]
    if kind is Kind.IPV6:
        return str(value)
    if kind is Kind.FLAG:
        return int(value)
    return value


def from_codec(obj: Any, badf_length: BadfLength = BadfLength.OPTION_DATA) -> Any:
    """The scapy layer for a codec object (with its ND options chained as payload).

    Length, Pad Length, Checksum and (unless the object holds it) Padding are
    left for scapy to compute; a message's checksum needs an IPv6 underlayer
    (``IPv6(src=..., dst=...) / from_codec(msg)``).
    """
    cls = type(obj)
    if isinstance(obj, mobility.BindingAuthorizationDataFmip):
        layer_cls = BADF_LAYERS[badf_length]
    else:
        layer_cls = LAYERS[cls]
    fmap = layer_cls.field_map
    names = dataclass_names(obj)
    values: dict[str, Any] = {}
    chained: list[Any] = []
    for key, scapy_name in fmap.scapy_name.items():
        kind = fmap.kinds[key]
        if key not in names or kind in DERIVED_KINDS:
            continue
        value = getattr(obj, key)
        if scapy_name == PAYLOAD:
            chained = [from_codec(v, badf_length) for v in value]
            continue
        values[scapy_name] = _convert_in(kind, value, badf_length)
    layer = layer_cls(**values)
    for opt in chained:
        layer = layer / opt
    return layer


def packet_from_codec(packet: ipv6.IPv6Packet,
                      badf_length: BadfLength = BadfLength.OPTION_DATA) -> Any:
    """A whole codec packet as scapy layers: scapy's own IPv6, Destination Options header,
    Home Address option and unknown options (they agree with RFC 2460 / RFC 3775 §6.3),
    then the derived layer for the upper-layer message.
    """
    h = packet.header
    pkt = IPv6(src=str(h.src), dst=str(h.dst), hlim=h.hop_limit, tc=h.traffic_class,
               fl=h.flow_label)
    for ext in packet.extension_headers:
        options: list[Any] = []
        for o in ext.options:
            if isinstance(o, ipv6.HomeAddressOption):
                options.append(HAO(hoa=str(o.home_address)))
            elif isinstance(o, ipv6.UnknownDestinationOption):
                options.append(HBHOptUnknown(otype=o.option_type, optdata=o.data))
            else:  # Pad1 / PadN never appear in a codec object (the encoder pads)
                raise TypeError(f"no scapy counterpart for {type(o).__name__}")
        pkt = pkt / IPv6ExtHdrDestOpt(options=options)
    payload = packet.payload
    if payload is None:
        return pkt
    if isinstance(payload, ipv6.RawPayload):
        pkt.lastlayer().nh = payload.next_header
        return pkt / Raw(load=payload.data)
    return pkt / from_codec(payload, badf_length)


def _value_out(kind: Kind, value: Any) -> Any:
    if kind is Kind.STRUCT:
        return None if value is None else layer_values(value)
    if kind is Kind.OPTIONS:
        return [layer_values(v) for v in value if not isinstance(v, Pad1 | PadN)]
    return normalise(value)


def layer_values(layer: Any) -> dict[str, Any]:
    """``{codec field: value}`` of one dissected scapy layer (ours or a NATIVE one).

    Only fields the codec object also holds are given; a message's options
    chain is read into ``options``; Pad1 and PadN (dropped by the codec on
    decode) are skipped. The class of the layer is under ``"__class__"`` as
    the codec class name.
    """
    if not hasattr(type(layer), "field_map") and type(layer) not in NATIVE:
        return _uninterpreted(layer)
    if type(layer) in NATIVE:
        codec_cls, names, conv = NATIVE[type(layer)]
        out: dict[str, Any] = {"__class__": codec_cls.__name__}
        for scapy_name, codec_name in names.items():
            v = layer.getfieldval(scapy_name)
            out[codec_name] = normalise(conv.get(codec_name, lambda x: x)(v))
        return out
    fmap = layer.field_map
    codec_cls = layer.codec_class
    names_in_codec = dataclass_names(codec_cls)
    out = {"__class__": codec_cls.__name__}
    for key, scapy_name in fmap.scapy_name.items():
        kind = fmap.kinds[key]
        if key not in names_in_codec or kind in DERIVED_KINDS:
            continue
        if scapy_name == PAYLOAD:
            out[key] = [layer_values(o) for o in option_chain(layer)]
            continue
        out[key] = _value_out(kind, layer.getfieldval(scapy_name))
    return out


def _uninterpreted(layer: Any) -> dict[str, Any]:
    """An option of a type the codec does not interpret but scapy does, compared as octets."""
    whole = bytes(layer)
    own = whole[:len(whole) - len(bytes(layer.payload))]
    if isinstance(layer, _MIP6OptAlign):
        return {"__class__": "UnknownMobilityOption", "type": own[0], "data": own[2:]}
    if isinstance(layer, _ICMPv6NDGuessPayload):
        return {"__class__": "UnknownOption", "type": own[0], "body": own[2:]}
    raise TypeError(f"no codec counterpart for scapy layer {type(layer).__name__}")


def option_chain(layer: Any) -> list[Any]:
    """The ND option layers chained after a message layer, in order."""
    out: list[Any] = []
    p = layer.payload
    while not isinstance(p, NoPayload):
        out.append(p)
        p = p.payload
    return out


def codec_values(obj: Any, fields_of: Any = None) -> dict[str, Any]:
    """``{codec field: value}`` of a codec object, in the form :func:`layer_values` gives."""
    cls = type(obj)
    fields = (fields_of or cls).FIELDS
    names = dataclass_names(obj)
    out: dict[str, Any] = {"__class__": cls.__name__}
    for f in fields:
        if f.name not in names or f.kind in DERIVED_KINDS or f.name in out:
            continue
        v = getattr(obj, f.name)
        if f.kind is Kind.STRUCT:
            out[f.name] = codec_values(v)
        elif f.kind is Kind.OPTIONS:
            out[f.name] = [codec_values(o) for o in v]
        else:
            out[f.name] = normalise(v)
    return out


def is_packet(value: Any) -> bool:
    """True for scapy packets (a helper for callers without scapy types)."""
    return isinstance(value, Packet)


__all__ = ["LAYERS", "NATIVE", "codec_values", "from_codec", "ipaddress", "is_packet",
           "layer_values", "option_chain", "packet_from_codec"]
