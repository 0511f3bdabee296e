"""Shared material for the SEND tests: identities, messages, re-checksumming."""

from __future__ import annotations

import ipaddress
import random
from functools import cache

from rfc5269.send import cga, keys
from rfc5269.send.sender import SendIdentity
from rfc5269.send.testpki import make_pki, pool_key
from rfc5269.wire.fmip import PrRtAdv, RtSolPr
from rfc5269.wire.icmpv6 import icmpv6_checksum
from rfc5269.wire.ndopt import (
    IP_NAR_ADDRESS,
    LLA_NAR,
    LLA_NEW_ACCESS_POINT,
    FmipLinkLayerAddressOption,
    IpAddressPrefixOption,
    NdOption,
)

NOW = 1_795_000_000  # 2026-11-18, inside the test PKI's validity
LINK_LOCAL = bytes.fromhex("fe80000000000000")
PKI = make_pki(0)


@cache
def identity(key_index: int, sec: int = 1, prefix: bytes = LINK_LOCAL) -> SendIdentity:
    """A node whose CGA is generated from pool key ``key_index``."""
    key = pool_key(key_index)
    g = cga.cga_generate(keys.public_key_der(key), prefix, sec, random.Random(key_index).randbytes)
    return SendIdentity(key, g)


def mn() -> SendIdentity:
    return identity(5)


@cache
def ar() -> SendIdentity:
    """The access router: its CGA comes from its certified key (RFC 5269 §3.2)."""
    key = PKI.router.rsa_key
    g = cga.cga_generate(keys.public_key_der(key), LINK_LOCAL, 1, random.Random(99).randbytes)
    return SendIdentity(key, g)


def new_ap_lla() -> FmipLinkLayerAddressOption:
    return FmipLinkLayerAddressOption.for_address(LLA_NEW_ACCESS_POINT,
                                                  bytes.fromhex("020000000001"))


def rtsolpr(sender: SendIdentity, dst: ipaddress.IPv6Address, now: float, nonce: bytes | None,
            extra: tuple[NdOption, ...] = (), identifier: int = 7) -> bytes:
    """A signed RtSolPr as the MN sends it (RFC 5269 §3.1)."""
    opts = (new_ap_lla(), *sender.options(now, nonce), *extra)
    return sender.sign(RtSolPr(identifier, opts).encode(sender.address, dst), dst)


def prrtadv(sender: SendIdentity, dst: ipaddress.IPv6Address, now: float, nonce: bytes | None,
            identifier: int = 7) -> bytes:
    """A signed PrRtAdv (code 0) as the AR answers (RFC 5269 §3.2)."""
    opts: tuple[NdOption, ...] = (
        new_ap_lla(),
        FmipLinkLayerAddressOption.for_address(LLA_NAR, bytes.fromhex("020000000002")),
        IpAddressPrefixOption(IP_NAR_ADDRESS, 128, ipaddress.IPv6Address("2001:db8:a:2::1")),
        *sender.options(now, nonce),
    )
    return sender.sign(PrRtAdv(0, identifier, opts).encode(sender.address, dst), dst)


def rechecksum(icmp: bytes, src: ipaddress.IPv6Address, dst: ipaddress.IPv6Address) -> bytes:
    """``icmp`` with a correct checksum (what an attacker altering a message would do)."""
    return icmp[:2] + icmpv6_checksum(src, dst, icmp).to_bytes(2, "big") + icmp[4:]
