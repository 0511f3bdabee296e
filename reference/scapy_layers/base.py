"""Building blocks shared by the derived scapy layers.

:func:`make_layer` creates a scapy ``Packet`` class from a codec class's
description (:func:`rfc5269.scapy_layers.derive.derive_fields`) and one of
the mixins below, which compute the derived fields when they are left as
``None``:

* :class:`NdOptionMixin` — ND options (RFC 4861 §4.6): zero padding to a
  multiple of 8 octets, Pad Length, Length in units of 8 octets;
* :class:`CountedMixin` — structures whose Length counts octets after a
  fixed header (mobility options, CGA extension fields);
* :class:`Icmpv6Mixin` — ICMPv6 messages: checksum (RFC 4443 §2.3);
* :class:`MobilityHeaderMixin` — Mobility Header: Header Len and checksum
  (RFC 3775 §6.1.1 with Next Header 135, see interop-facts.md).

Checksums use the home address as the pseudo-header source when any
Destination Options header below the layer carries a Home Address option
(RFC 3775 §11.3.1). scapy's own ``in6_chksum`` only does so when the
Home Address option is the header's only option, which is never the case
after dissection (the PadN that aligns it is kept): see finding SCAPY-07.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Mapping
from typing import Any

from rfc5269.scapy_layers.derive import FieldMap, derive_fields
from rfc5269.wire.describe import Kind
from scapy.compat import raw
from scapy.fields import StrField
from scapy.layers.inet6 import HAO, IPv6, IPv6ExtHdrDestOpt, in6_pseudoheader
from scapy.utils import checksum

PAYLOAD = "payload"  # tail marker: this OPTIONS field is the scapy payload chain


def home_address(layer: Any) -> str | None:
    """The Home Address option's address in a Destination Options header below ``layer``."""
    u = layer.underlayer
    while u is not None and not isinstance(u, IPv6):
        if isinstance(u, IPv6ExtHdrDestOpt):
            for o in u.options:
                if isinstance(o, HAO):
                    return str(o.hoa)
        u = u.underlayer
    return None


def upper_layer_checksum(layer: Any, next_header: int, data: bytes) -> int:
    """Checksum of ``data`` under the IPv6 pseudo-header of ``layer``'s packet.

    Returns 0 when the layer has no IPv6 underlayer (scapy's convention).
    """
    ph = in6_pseudoheader(next_header, layer, len(data))
    if ph is None:
        return 0
    hoa = home_address(layer)
    if hoa is not None:
        ph.src = hoa
    return int(checksum(raw(ph) + data))


def _field_value(pkt: Any, fmap: FieldMap, kind: Kind) -> tuple[str, Any] | None:
    for key, k in fmap.kinds.items():
        if k is kind:
            name = fmap.scapy_name[key]
            return name, pkt.getfieldval(name)
    return None


def _patch(p: bytes, offset: int, width: int, value: int) -> bytes:
    fmt = {1: "!B", 2: "!H"}[width]
    return p[:offset] + struct.pack(fmt, value) + p[offset + width:]


def _offset_of(fmap: FieldMap, kind: Kind) -> int:
    for key, k in fmap.kinds.items():
        if k is kind:
            return fmap.offset[key]
    raise KeyError(kind)


class NdOptionMixin:
    """post_build for ND options: pad to 8 octets, then Pad Length and Length."""

    field_map: FieldMap

    def post_build(self, p: bytes, pay: bytes) -> bytes:
        pkt: Any = self
        fmap = self.field_map
        padding = _field_value(pkt, fmap, Kind.PADDING)
        pad = 0
        if padding is None or padding[1] is None:
            pad = -len(p) % 8
            p += bytes(pad)
        else:
            pad = len(padding[1])
        pad_len = _field_value(pkt, fmap, Kind.PAD_LENGTH)
        if pad_len is not None and pad_len[1] is None:
            p = _patch(p, _offset_of(fmap, Kind.PAD_LENGTH), 1, pad)
        length = _field_value(pkt, fmap, Kind.LENGTH)
        if length is not None and length[1] is None:
            p = _patch(p, 1, 1, min((len(p) + 7) // 8, 255))
        return p + pay


class CountedMixin:
    """post_build for a Length counting the octets after a header of ``counted_from`` octets."""

    field_map: FieldMap
    counted_from: int = 2

    def post_build(self, p: bytes, pay: bytes) -> bytes:
        pkt: Any = self
        fmap = self.field_map
        length = _field_value(pkt, fmap, Kind.LENGTH)
        if length is not None and length[1] is None:
            off = _offset_of(fmap, Kind.LENGTH)
            width = 2 if _bits_of(fmap, Kind.LENGTH) == 16 else 1
            p = _patch(p, off, width, len(p) - self.counted_from)
        return p + pay

    def extract_padding(self, s: bytes) -> tuple[bytes, bytes]:
        return b"", s


def _bits_of(fmap: FieldMap, kind: Kind) -> int | None:
    for key, k in fmap.kinds.items():
        if k is kind:
            return fmap.bits[key]
    return None


class Icmpv6Mixin:
    """post_build for ICMPv6 messages: the checksum over the message and its options."""

    field_map: FieldMap

    def post_build(self, p: bytes, pay: bytes) -> bytes:
        pkt: Any = self
        p += pay
        cks = _field_value(pkt, self.field_map, Kind.CHECKSUM)
        if cks is not None and cks[1] is None:
            value = upper_layer_checksum(pkt, 58, p)
            p = _patch(p, _offset_of(self.field_map, Kind.CHECKSUM), 2, value)
        return p


class MobilityHeaderMixin:
    """post_build for Mobility Headers: Header Len, then the checksum (Next Header 135)."""

    field_map: FieldMap

    def post_build(self, p: bytes, pay: bytes) -> bytes:
        pkt: Any = self
        fmap = self.field_map
        length = _field_value(pkt, fmap, Kind.LENGTH)
        if length is not None and length[1] is None:
            p = _patch(p, _offset_of(fmap, Kind.LENGTH), 1, max(len(p) // 8 - 1, 0))
        cks = _field_value(pkt, fmap, Kind.CHECKSUM)
        if cks is not None and cks[1] is None:
            value = upper_layer_checksum(pkt, 135, p)
            p = _patch(p, _offset_of(fmap, Kind.CHECKSUM), 2, value)
        return p + pay


def make_layer(class_name: str, codec_class: type, bases: tuple[type, ...],
               tails: Mapping[str, Any], title: str, **attributes: Any) -> Any:
    """A scapy Packet class derived from ``codec_class.FIELDS``.

    The class carries ``codec_class`` and ``field_map`` so that conversions
    (:mod:`rfc5269.scapy_layers.convert`) and the tests can walk the same
    description. A tail equal to :data:`PAYLOAD` marks the options field
    that scapy carries as the payload chain (ND options after an ICMPv6
    message), so it adds no field.
    """
    fields: tuple[Any, ...] = codec_class.FIELDS  # type: ignore[attr-defined]
    real_tails = {k: v for k, v in tails.items() if v is not PAYLOAD}
    payload_keys = {k for k, v in tails.items() if v is PAYLOAD}
    described = tuple(f for f in fields if f.name not in payload_keys)
    fields_desc, fmap = derive_fields(codec_class.__name__, described, real_tails)
    kinds = dict(fmap.kinds)
    for k in payload_keys:
        kinds[k] = Kind.OPTIONS
    fmap = FieldMap(dict(fmap.scapy_name) | {k: PAYLOAD for k in payload_keys}, fmap.offset,
                    kinds, dict(fmap.bits) | {k: None for k in payload_keys})
    namespace: dict[str, Any] = {
        "name": title,
        "fields_desc": fields_desc,
        "codec_class": codec_class,
        "field_map": fmap,
        "__doc__": f"scapy layer for :class:`{codec_class.__module__}.{codec_class.__name__}`, "
                   "derived from its FIELDS.",
        "__module__": attributes.pop("module", __name__),
    }
    namespace.update(attributes)
    meta = type(bases[-1])
    return meta(class_name, bases, namespace)


class DerOrRestField(StrField):
    """Octets whose extent is a DER element's own header, else everything available.

    ``available(pkt)`` gives the octets the enclosing structure leaves for
    the field; ``use_der(pkt)`` says whether the extent comes from the DER
    header (e.g. only for Certificate option Cert Type 1). A malformed DER
    header makes the field take everything available: a dissector shows
    what is there, the strict codec is the one that rejects.
    """

    __slots__ = ["available", "use_der"]

    def __init__(self, name: str, default: bytes | None,
                 available: Callable[[Any], int | None],
                 use_der: Callable[[Any], bool] = lambda pkt: True) -> None:
        super().__init__(name, default)
        self.available = available
        self.use_der = use_der

    def getfield(self, pkt: Any, s: bytes) -> tuple[bytes, bytes]:
        from rfc5269.errors import DecodeError
        from rfc5269.wire.der import der_element_length

        avail = self.available(pkt)
        if avail is None or avail > len(s) or avail < 0:
            avail = len(s)
        n = avail
        if self.use_der(pkt):
            try:
                n = der_element_length(s[:avail], 0, self.name, "")
            except DecodeError:
                n = avail
        return s[n:], s[:n]
