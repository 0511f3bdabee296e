"""RFC 3779 IP address delegation extension, as SEND router certificates use it.

The extension (id-pe-ipAddrBlocks, 1.3.6.1.5.5.7.1.7) is decoded and encoded
with pyasn1-modules' ``rfc3779`` ASN.1 definitions; this module only turns the
decoded BIT STRINGs into integer intervals of the IPv6 address space and back.

An :class:`AddressSet` is a normalized tuple of closed intervals
``(low, high)`` of 128-bit integers. ``None`` in place of a set means
*unconstrained* (RFC 3971 §6.3.1: no prefix information further up the path).

Reading of one certificate's IPv6 entry, RFC 3779 §2.2.3 and RFC 3971 §6.3.1:

* ``inherit`` — the issuer's set;
* ``addressesOrRanges`` — the listed prefixes and ranges, except that the
  null prefix ``::/0`` stands for the issuer's set (RFC 3971 §6.3.1: a missing
  or null prefix means the parent prefix or range is used).
"""

from __future__ import annotations

import enum
import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass

from pyasn1.codec.der import decoder as der_decoder
from pyasn1.codec.der import encoder as der_encoder
from pyasn1.error import PyAsn1Error
from pyasn1.type import univ
from pyasn1_modules import rfc3779
from rfc5269.errors import Rfc5269Error

OID_IP_ADDR_BLOCKS = "1.3.6.1.5.5.7.1.7"
AFI_IPV6 = b"\x00\x02"
_BITS = 128
_MAX = (1 << _BITS) - 1


@dataclass(frozen=True)
class AddressSet:
    """A set of IPv6 addresses as sorted, disjoint, non-adjacent closed intervals."""

    intervals: tuple[tuple[int, int], ...]

    @staticmethod
    def of(intervals: Iterable[tuple[int, int]]) -> AddressSet:
        """Normalize: sort and merge overlapping or adjacent intervals."""
        merged: list[tuple[int, int]] = []
        for lo, hi in sorted(intervals):
            if lo > hi:
                continue
            if merged and lo <= merged[-1][1] + 1:
                merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
            else:
                merged.append((lo, hi))
        return AddressSet(tuple(merged))

    @staticmethod
    def from_networks(networks: Iterable[ipaddress.IPv6Network | str]) -> AddressSet:
        """The union of some IPv6 prefixes."""
        out = []
        for n in networks:
            net = ipaddress.IPv6Network(n)
            out.append((int(net.network_address), int(net.broadcast_address)))
        return AddressSet.of(out)

    def is_empty(self) -> bool:
        return not self.intervals

    def contains_interval(self, lo: int, hi: int) -> bool:
        """Is every address of [lo, hi] in the set? (intervals are merged, so one must hold it)"""
        return any(a <= lo and hi <= b for a, b in self.intervals)

    def contains_network(self, network: ipaddress.IPv6Network) -> bool:
        return self.contains_interval(int(network.network_address),
                                      int(network.broadcast_address))

    def issubset(self, other: AddressSet) -> bool:
        return all(other.contains_interval(lo, hi) for lo, hi in self.intervals)

    def intersection(self, other: AddressSet) -> AddressSet:
        out = []
        for a, b in self.intervals:
            for c, d in other.intervals:
                lo, hi = max(a, c), min(b, d)
                if lo <= hi:
                    out.append((lo, hi))
        return AddressSet.of(out)

    def __str__(self) -> str:
        parts: list[str] = []
        for lo, hi in self.intervals:
            nets = ipaddress.summarize_address_range(ipaddress.IPv6Address(lo),
                                                     ipaddress.IPv6Address(hi))
            parts.extend(str(n) for n in nets)
        return ", ".join(parts) if parts else "(empty)"


class Inherit(enum.Enum):
    """The ``inherit`` choice of RFC 3779 §2.2.3.5."""

    INHERIT = "inherit"


INHERIT = Inherit.INHERIT


@dataclass(frozen=True)
class IPv6Blocks:
    """The IPv6 content of one certificate's extension.

    ``entries`` is INHERIT or the listed set; ``null_prefix`` is True when
    ``::/0`` was among the listed prefixes (RFC 3971 §6.3.1 reads it as
    "use the parent's").
    """

    entries: AddressSet | Inherit
    null_prefix: bool = False


class AddressBlocksError(Rfc5269Error, ValueError):
    """The extension value does not decode, or carries no usable IPv6 entry.

    One of the project's typed errors (untrusted certificate bytes never raise
    anything else); also a ValueError for callers that catch that.
    """


def _bits_to_interval(bits: univ.BitString, pad_ones: bool) -> tuple[int, int]:
    n = len(bits)
    if n > _BITS:
        raise AddressBlocksError("IPv6 address with more than 128 bits")
    value = int(bits) if n else 0
    low = value << (_BITS - n)
    fill = (1 << (_BITS - n)) - 1
    return (low | fill, n) if pad_ones else (low, n)


def decode_ipv6_blocks(extension_value: bytes) -> IPv6Blocks:
    """Decode an id-pe-ipAddrBlocks value (RFC 3779 §2.2.3) and keep its IPv6 part.

    Raises :class:`AddressBlocksError` for undecodable DER, trailing bytes, or
    an extension without an IPv6 (AFI 2) family (RFC 3971 §6.3.1 requires one).
    """
    try:
        return _decode_ipv6_blocks(extension_value)
    except (PyAsn1Error, TypeError, OverflowError) as exc:
        # pyasn1 can raise these lazily, e.g. OverflowError for a BIT STRING
        # whose length does not fit (found by `rfc5269 fuzz ip-addr-blocks`).
        raise AddressBlocksError(f"undecodable IPAddrBlocks: {exc}") from None


def _decode_ipv6_blocks(extension_value: bytes) -> IPv6Blocks:
    try:
        decoded, rest = der_decoder.decode(extension_value, asn1Spec=rfc3779.IPAddrBlocks())
    except (PyAsn1Error, ValueError, TypeError) as exc:
        raise AddressBlocksError(f"undecodable IPAddrBlocks: {exc}") from None
    if rest:
        raise AddressBlocksError("trailing octets after IPAddrBlocks")
    intervals: list[tuple[int, int]] = []
    inherit = False
    null_prefix = False
    found = False
    for family in decoded:
        afi = bytes(family["addressFamily"])
        if afi[:2] != AFI_IPV6:
            continue
        found = True
        choice = family["ipAddressChoice"]
        if choice.getName() == "inherit":
            inherit = True
            continue
        entries = choice["addressesOrRanges"]
        if len(entries) == 0:
            raise AddressBlocksError("addressesOrRanges is empty (RFC 3971 §6.3.1)")
        for item in entries:
            if item.getName() == "addressPrefix":
                low, n = _bits_to_interval(item["addressPrefix"], pad_ones=False)
                high, _ = _bits_to_interval(item["addressPrefix"], pad_ones=True)
                null_prefix = null_prefix or n == 0
                intervals.append((low, high))
            else:
                rng = item["addressRange"]
                low, _ = _bits_to_interval(rng["min"], pad_ones=False)
                high, _ = _bits_to_interval(rng["max"], pad_ones=True)
                if low > high:
                    raise AddressBlocksError("addressRange with min above max")
                intervals.append((low, high))
    if not found:
        raise AddressBlocksError("no IPv6 address family (RFC 3971 §6.3.1)")
    if inherit:
        if intervals:
            raise AddressBlocksError("IPv6 listed both as inherit and with addresses")
        return IPv6Blocks(INHERIT)
    return IPv6Blocks(AddressSet.of(intervals), null_prefix)


def _prefix_bits(network: ipaddress.IPv6Network) -> rfc3779.IPAddress:
    n = network.prefixlen
    value = int(network.network_address) >> (_BITS - n) if n else 0
    return rfc3779.IPAddress(binValue=format(value, f"0{n}b") if n else "")


def _range_bound(value: int, trailing: str) -> rfc3779.IPAddress:
    bits = format(value, f"0{_BITS}b").rstrip(trailing)
    return rfc3779.IPAddress(binValue=bits)


def encode_ipv6_blocks(
    entries: Iterable[ipaddress.IPv6Network | str | tuple[int, int]] | Inherit,
) -> bytes:
    """DER id-pe-ipAddrBlocks value with one IPv6 family (RFC 3779 §2.2.3).

    ``entries`` lists prefixes (networks) and ranges (int pairs), or is
    INHERIT. Used by the test PKI; encoding is done by pyasn1.
    """
    family = rfc3779.IPAddressFamily()
    family["addressFamily"] = AFI_IPV6
    choice = rfc3779.IPAddressChoice()
    if isinstance(entries, Inherit):
        choice["inherit"] = univ.Null("")
    else:
        seq = choice["addressesOrRanges"]
        for i, entry in enumerate(entries):
            item = rfc3779.IPAddressOrRange()
            if isinstance(entry, tuple):
                r = rfc3779.IPAddressRange()
                r["min"] = _range_bound(entry[0], "0")
                r["max"] = _range_bound(entry[1], "1")
                item["addressRange"] = r
            else:
                item["addressPrefix"] = _prefix_bits(ipaddress.IPv6Network(entry))
            seq[i] = item
    family["ipAddressChoice"] = choice
    blocks = rfc3779.IPAddrBlocks()
    blocks[0] = family
    encoded: bytes = der_encoder.encode(blocks)
    return encoded


class DelegationPolicy(enum.Enum):
    """What to do when a certificate lists addresses its issuer does not hold.

    RFC 3971 §6.3.1 first allows taking the intersection (MAY; reject only if
    it is empty), then says the addresses MUST be a subset of the issuer's;
    RFC 3779 §2.3 makes such a certificate invalid. ``SUBSET`` (default)
    follows the MUST; ``INTERSECT`` the MAY.
    """

    SUBSET = "subset"
    INTERSECT = "intersect"


def delegate(parent: AddressSet | None, own: IPv6Blocks | None,
             policy: DelegationPolicy = DelegationPolicy.SUBSET) -> AddressSet | None:
    """The set a certificate may speak for, given its issuer's (RFC 3971 §6.3.1-§6.3.2).

    ``parent`` None means unconstrained; ``own`` None means the certificate
    has no extension (an identity certificate: the issuer's set applies).
    Raises :class:`AddressBlocksError` when the delegation is not allowed.
    """
    if own is None or isinstance(own.entries, Inherit):
        return parent
    listed = own.entries
    if own.null_prefix:
        # RFC 3971 §6.3.1: the null prefix means "the parent's prefixes".
        return parent
    if parent is None or listed.issubset(parent):
        return listed
    if policy is DelegationPolicy.SUBSET:
        raise AddressBlocksError(f"{listed} is not within the issuer's {parent}")
    inter = listed.intersection(parent)
    if inter.is_empty():
        raise AddressBlocksError(f"{listed} does not intersect the issuer's {parent}")
    return inter
