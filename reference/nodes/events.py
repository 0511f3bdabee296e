"""Input and output events of the sans-IO nodes.

A node never reads a socket or a clock. It is handed one input event and the
current time, and returns the output events its decision produced. The I/O
adapters (:mod:`rfc5269.io`) turn packets and timers into input events and
output events into packets.
"""

from __future__ import annotations

from dataclasses import dataclass
from ipaddress import IPv6Address

from rfc5269.wire.describe import fast_init

# ---------------------------------------------------------------- inputs


@dataclass(frozen=True)
class PacketReceived:
    """A whole IPv6 packet (header included) arrived on the node's link."""

    packet: bytes


@dataclass(frozen=True)
class TimerFired:
    """A timer the node asked for (:class:`TimerRequest`) expired."""

    name: str
    subject: str


@dataclass(frozen=True)
class RequestHandoverKey:
    """MN application: obtain a handover key from the router ``router`` (RFC 5269 §3.1).

    ``router`` is the AR's address the RtSolPr goes to (its link-local CGA or
    the all-routers multicast address); ``new_ap`` the New Access Point
    link-layer address the RtSolPr names (RFC 5568 §6.1.1).
    """

    router: IPv6Address
    new_ap: bytes = b"\x00\x00\x00\x00\x00\x00"


@dataclass(frozen=True)
class StartHandover:
    """MN application: move to the NAR and send the FBU to the PAR (RFC 5269 §3.4).

    ``par`` is the PAR's address the FBU is sent to, ``ncoa`` the new care-of
    address, ``from_par_link`` whether the FBU leaves from the PAR's link
    (predictive mode, RFC 5568 §3.1) or from the NAR's link (reactive mode).
    """

    par: IPv6Address
    ncoa: IPv6Address
    from_par_link: bool = True


Input = PacketReceived | TimerFired | RequestHandoverKey | StartHandover

# ---------------------------------------------------------------- outputs


@fast_init
@dataclass(frozen=True)
class SendPacket:
    """Transmit this whole IPv6 packet on the node's link."""

    packet: bytes
    description: str


@fast_init
@dataclass(frozen=True)
class TimerRequest:
    """Call back with :class:`TimerFired` at time ``at`` (replaces an earlier one of that name)."""

    at: float
    name: str
    subject: str


@fast_init
@dataclass(frozen=True)
class KeyInstalled:
    """A handover key record was created or re-issued.

    ``key_id`` is a short fingerprint of the key (never the key itself).
    """

    owner: IPv6Address
    peer: IPv6Address
    key_id: str
    algorithm: str
    expires: float


@fast_init
@dataclass(frozen=True)
class KeyDiscarded:
    """A handover key record was removed, and why."""

    owner: IPv6Address
    peer: IPv6Address
    key_id: str
    why: str


@fast_init
@dataclass(frozen=True)
class ForwardingChanged:
    """The PAR now forwards traffic for ``pcoa`` to ``ncoa`` (RFC 5568 §3.1), or stopped (None)."""

    pcoa: IPv6Address
    ncoa: IPv6Address | None
    until: float


@fast_init
@dataclass(frozen=True)
class Rejected:
    """An input was rejected; ``reason`` names the failed check, ``requirement`` its ID."""

    what: str
    reason: str
    requirement: str


Output = SendPacket | TimerRequest | KeyInstalled | KeyDiscarded | ForwardingChanged | Rejected
