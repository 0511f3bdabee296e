"""A raw-socket link over a real IPv6 interface, and the loop that drives a node on it.

The nodes are sans-IO: they consume whole IPv6 packets and produce whole IPv6
packets (:mod:`rfc5269.nodes.events`). This module is the thin adapter that
puts those packets on a real interface and takes them off it:

* :class:`RawLink` sends and receives whole IPv6 packets with a Linux
  ``AF_PACKET`` datagram socket bound to one interface. The kernel adds the
  link-layer header from the destination MAC address we supply, so the IPv6
  header leaves exactly as the node built it (Hop Limit 255 for the ND-type
  ICMPv6 messages, RFC 5568 §6.1, RFC 3971 §5; the Destination Options header
  of an FBU, RFC 5269 §3.4). Multicast destinations map to ``33:33`` MAC
  addresses (RFC 2464 §7); unicast ones to the MAC learned from the peer's
  frames, or else to the kernel's neighbour cache (RFC 4861 §7.2). The
  learned mapping is as trustworthy as unsecured ND: it only steers frames;
  every message is still judged by the node's SEND and BADF checks.
* :func:`wanted` decides which received packets reach the node: ICMPv6 types
  148/149 (CPS/CPA, RFC 3971 §6.4) and 154 (FMIPv6, RFC 5568 §6.1), and the
  Mobility Header (RFC 3775 §6.1), addressed to one of the node's addresses
  or to a multicast group it listens on.
* :class:`NodeRunner` hands received packets and expired timers to the node
  with the real clock and sends what the node asks it to.

The node's addresses (the CGAs it generated at start-up, and the NCoA an MN
moves to) are added to the interface (``ip -6 addr add ... nodad``) so that
the kernel answers neighbour solicitations for them; they are removed again
when the link closes.

Linux only; it needs CAP_NET_RAW (and CAP_NET_ADMIN to add addresses).
"""

from __future__ import annotations

import contextlib
import heapq
import re
import select
import socket
import subprocess
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from ipaddress import IPv6Address

from rfc5269.constants import (
    ICMPV6_CPA,
    ICMPV6_CPS,
    ICMPV6_FMIP,
    IPPROTO_DSTOPTS,
    IPPROTO_ICMPV6,
    IPPROTO_MH,
)
from rfc5269.errors import ConfigurationError, Rfc5269Error
from rfc5269.io.memlink import Delivery, LinkNode, write_pcap
from rfc5269.nodes.events import (
    Input,
    Output,
    PacketReceived,
    SendPacket,
    TimerFired,
    TimerRequest,
)
from rfc5269.nodes.packets import ALL_NODES, ALL_ROUTERS, solicited_node
from rfc5269.nodes.trace import TraceEvent

ETH_P_IPV6 = 0x86DD
IPV6_HEADER_LENGTH = 40
WANTED_ICMPV6_TYPES = frozenset({ICMPV6_CPS, ICMPV6_CPA, ICMPV6_FMIP})
"""ICMPv6 types a node of this project consumes (RFC 3971 §6.4, RFC 5568 §6.1)."""

# Extension headers walked to find the upper layer (RFC 8200 §4): hop-by-hop,
# routing, destination options. A fragment header (44) stops the walk: the
# messages of this protocol are never fragmented here.
_WALKED_EXTENSIONS = frozenset({0, 43, IPPROTO_DSTOPTS})

_PACKET_HOST = 0
_PACKET_BROADCAST = 1
_PACKET_MULTICAST = 2
_PACKET_OUTGOING = 4
_SOL_PACKET = 263
_PACKET_ADD_MEMBERSHIP = 1
_PACKET_MR_ALLMULTI = 2


# ------------------------------------------------------------------ packet filter


def upper_layer(packet: bytes) -> tuple[int, int] | None:
    """``(protocol, offset)`` of the upper-layer header of an IPv6 packet, or None.

    Walks hop-by-hop, routing and destination options headers (RFC 8200 §4).
    Never raises: malformed packets give None.
    """
    if len(packet) < IPV6_HEADER_LENGTH or packet[0] >> 4 != 6:
        return None
    protocol = packet[6]
    offset = IPV6_HEADER_LENGTH
    for _ in range(8):
        if protocol not in _WALKED_EXTENSIONS:
            return protocol, offset
        if len(packet) < offset + 2:
            return None
        protocol, offset = packet[offset], offset + (packet[offset + 1] + 1) * 8
    return None


def listens_to(destination: IPv6Address, addresses: Iterable[IPv6Address],
               router: bool) -> bool:
    """Whether a node with ``addresses`` receives packets sent to ``destination``.

    Its unicast addresses, all-nodes, the solicited-node groups of its
    addresses (RFC 4291 §2.7.1), and all-routers for a router.
    """
    own = frozenset(addresses)
    if destination in own or destination == ALL_NODES:
        return True
    if router and destination == ALL_ROUTERS:
        return True
    return destination.is_multicast and destination in {solicited_node(a) for a in own}


def wanted(packet: bytes, addresses: Iterable[IPv6Address], router: bool) -> bool:
    """Whether ``packet`` is a message of this protocol for the node (never raises).

    ICMPv6 CPS/CPA/FMIPv6 (types 148, 149, 154) or a Mobility Header
    message, addressed to the node (:func:`listens_to`).
    """
    found = upper_layer(packet)
    if found is None:
        return False
    protocol, offset = found
    if protocol == IPPROTO_ICMPV6:
        if len(packet) <= offset or packet[offset] not in WANTED_ICMPV6_TYPES:
            return False
    elif protocol != IPPROTO_MH:
        return False
    return listens_to(IPv6Address(packet[24:40]), addresses, router)


def trim(packet: bytes) -> bytes:
    """The IPv6 packet without link-layer padding after its Payload Length (RFC 8200 §3)."""
    if len(packet) < IPV6_HEADER_LENGTH:
        return packet
    return packet[:IPV6_HEADER_LENGTH + int.from_bytes(packet[4:6], "big")]


def multicast_mac(address: IPv6Address) -> bytes:
    """The Ethernet address a multicast IPv6 address maps to (RFC 2464 §7)."""
    return b"\x33\x33" + address.packed[12:]


def format_mac(mac: bytes) -> str:
    """``aa:bb:cc:dd:ee:ff``."""
    return ":".join(f"{b:02x}" for b in mac)


def parse_mac(text: str) -> bytes:
    """Bytes of a MAC address written ``aa:bb:cc:dd:ee:ff`` (or without separators)."""
    digits = text.replace(":", "").replace("-", "")
    if not re.fullmatch(r"[0-9a-fA-F]{12}", digits):
        raise ConfigurationError(f"not a MAC address: {text!r}")
    return bytes.fromhex(digits)


# ------------------------------------------------------------------ the link


def interface_mac(iface: str) -> bytes:
    """The interface's hardware address (from sysfs)."""
    try:
        with open(f"/sys/class/net/{iface}/address", encoding="ascii") as f:
            return parse_mac(f.read().strip())
    except OSError as exc:
        raise ConfigurationError(f"no such interface: {iface}") from exc


def _ip(*args: str) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(["ip", *args], capture_output=True, text=True, check=False)
    except OSError as exc:
        raise ConfigurationError(f"iproute2's `ip` is needed: {exc}") from exc


def kernel_neighbour(iface: str, address: IPv6Address) -> bytes | None:
    """The link-layer address the kernel's neighbour cache holds for ``address``."""
    result = _ip("-6", "neigh", "show", "to", str(address), "dev", iface)
    match = re.search(r"lladdr ([0-9a-f:]{17})", result.stdout)
    return parse_mac(match.group(1)) if match else None


@dataclass(frozen=True)
class Frame:
    """One IPv6 packet seen on the interface."""

    time: float
    packet: bytes
    source_mac: bytes
    outgoing: bool


class RawLink:
    """Whole IPv6 packets over one Linux interface (``AF_PACKET``, ``SOCK_DGRAM``).

    ``assign`` — add the node's addresses to the interface (and remove them on
    :meth:`close`); ``resolve_timeout`` — how long to wait for the kernel to
    resolve an unknown unicast neighbour; ``capture`` — keep every packet for
    :meth:`write_pcap`; ``max_neighbours`` — bound on the learned MAC table
    (the oldest entry goes first: strangers cannot grow it without limit).
    """

    def __init__(self, iface: str, *, assign: bool = True, resolve_timeout: float = 3.0,
                 capture: bool = False, max_neighbours: int = 1024,
                 clock: Callable[[], float] = time.time) -> None:
        self.iface = iface
        self.mac = interface_mac(iface)
        self.ifindex = socket.if_nametoindex(iface)
        self.assign = assign
        self.resolve_timeout = resolve_timeout
        self.clock = clock
        self.neighbours: dict[IPv6Address, bytes] = {}
        self.capturing = capture
        self.max_neighbours = max_neighbours
        self.capture: list[Frame] = []
        self.assigned: list[IPv6Address] = []
        self.present: set[IPv6Address] = set()
        try:
            self.sock = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM,
                                      socket.htons(ETH_P_IPV6))
        except PermissionError as exc:
            raise ConfigurationError("raw sockets need CAP_NET_RAW (run as root)") from exc
        self.sock.bind((iface, ETH_P_IPV6))
        # Receive every multicast group, whatever the interface's filter holds.
        mreq = self.ifindex.to_bytes(4, "little") + _PACKET_MR_ALLMULTI.to_bytes(2, "little") \
            + bytes(10)
        self.sock.setsockopt(_SOL_PACKET, _PACKET_ADD_MEMBERSHIP, mreq)
        self.sock.setblocking(False)

    def fileno(self) -> int:
        """The socket, for ``select``."""
        return self.sock.fileno()

    # -------------------------------------------------------------- addresses

    def add_addresses(self, addresses: Iterable[IPv6Address]) -> None:
        """Add each address not yet on the interface (``ip -6 addr add A/64 nodad``).

        Addresses that were there already are left alone, also by :meth:`close`.
        """
        if not self.assign:
            return
        for address in addresses:
            if address in self.assigned or address in self.present or address.is_multicast:
                continue
            result = _ip("-6", "addr", "add", f"{address}/64", "dev", self.iface, "nodad")
            if result.returncode == 0:
                self.assigned.append(address)
            elif "exists" in result.stderr:
                self.present.add(address)
            else:
                raise ConfigurationError(
                    f"cannot add {address} to {self.iface}: {result.stderr.strip()}")

    # -------------------------------------------------------------- sending

    def link_address(self, destination: IPv6Address) -> bytes:
        """The MAC address a packet to ``destination`` goes to."""
        if destination.is_multicast:
            return multicast_mac(destination)
        known = self.neighbours.get(destination) or kernel_neighbour(self.iface, destination)
        if known is not None:
            return known
        self._provoke_resolution(destination)
        deadline = time.monotonic() + self.resolve_timeout
        while time.monotonic() < deadline:
            time.sleep(0.05)
            known = kernel_neighbour(self.iface, destination)
            if known is not None:
                self.neighbours[destination] = known
                return known
        raise ConfigurationError(f"no link-layer address for {destination} on {self.iface}")

    def _provoke_resolution(self, destination: IPv6Address) -> None:
        """Make the kernel solicit ``destination`` (RFC 4861 §7.2.2) by sending it a datagram."""
        with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as probe, \
                contextlib.suppress(OSError):
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, self.iface.encode())
            scope = self.ifindex if destination.is_link_local else 0
            probe.sendto(b"", (str(destination), 9, 0, scope))

    def send(self, packet: bytes) -> None:
        """Transmit one whole IPv6 packet unchanged."""
        if len(packet) < IPV6_HEADER_LENGTH:
            raise ConfigurationError("not an IPv6 packet")
        mac = self.link_address(IPv6Address(packet[24:40]))
        self.sock.sendto(packet, (self.iface, ETH_P_IPV6, 0, 0, mac))
        if self.capturing:  # a packet socket does not see what it sent itself
            self.capture.append(Frame(self.clock(), packet, self.mac, outgoing=True))

    # -------------------------------------------------------------- receiving

    def receive(self) -> list[Frame]:
        """Every IPv6 packet waiting on the socket."""
        frames: list[Frame] = []
        while True:
            try:
                data, address = self.sock.recvfrom(65535)
            except (BlockingIOError, InterruptedError):
                return frames
            pkttype, mac = address[2], address[4]
            if pkttype not in (_PACKET_HOST, _PACKET_BROADCAST, _PACKET_MULTICAST,
                               _PACKET_OUTGOING):
                continue  # another host's unicast seen in promiscuous mode
            packet = trim(data)
            frame = Frame(self.clock(), packet, bytes(mac), pkttype == _PACKET_OUTGOING)
            if self.capturing:
                self.capture.append(frame)
            if not frame.outgoing and len(packet) >= IPV6_HEADER_LENGTH:
                self._learn(IPv6Address(packet[8:24]), frame.source_mac)
            frames.append(frame)

    def _learn(self, source: IPv6Address, mac: bytes) -> None:
        if source.is_unspecified or source.is_multicast:
            return
        self.neighbours.pop(source, None)
        while len(self.neighbours) >= self.max_neighbours:
            del self.neighbours[next(iter(self.neighbours))]
        self.neighbours[source] = mac

    def write_pcap(self, path: str) -> int:
        """Write the packets seen so far to a pcap file (raw IPv6); returns the count."""
        return write_pcap(path, (
            Delivery(f.time, "self" if f.outgoing else format_mac(f.source_mac), f.packet,
                     "", ())
            for f in self.capture))

    def close(self) -> None:
        """Close the socket and remove the addresses this link added."""
        self.sock.close()
        for address in self.assigned:
            _ip("-6", "addr", "del", f"{address}/64", "dev", self.iface)
        self.assigned.clear()


# ------------------------------------------------------------------ the loop


@dataclass(order=True)
class _Timer:
    at: float
    seq: int
    name: str = field(compare=False)
    subject: str = field(compare=False)


class NodeRunner:
    """Drives one sans-IO node over a :class:`RawLink` with the real clock.

    ``on_output`` sees each output of the node, ``on_trace`` each trace event
    it records, ``on_error`` each packet that could not be sent.
    """

    def __init__(self, node: LinkNode, link: RawLink, *, router: bool,
                 clock: Callable[[], float] = time.time,
                 on_output: Callable[[float, Output], None] | None = None,
                 on_trace: Callable[[TraceEvent], None] | None = None,
                 on_error: Callable[[float, str], None] | None = None) -> None:
        self.node = node
        self.link = link
        self.router = router
        self.clock = clock
        self.on_output = on_output
        self.on_trace = on_trace
        self.on_error = on_error
        self._timers: list[_Timer] = []
        self._live: dict[tuple[str, str], int] = {}
        self._seq = 0
        log = getattr(node, "log", None)
        self._log: list[TraceEvent] = log.events if log is not None else []
        self._seen = len(self._log)
        link.add_addresses(node.addresses())

    def give(self, event: Input) -> list[Output]:
        """Hand one input to the node now, and act on its outputs."""
        now = self.clock()
        try:
            outputs = self.node.handle(event, now)
        except Rfc5269Error as exc:  # a typed refusal: report it, keep serving
            if self.on_error is not None:
                self.on_error(now, f"{type(event).__name__}: {exc}")
            return []
        for trace in self._log[self._seen:]:
            if self.on_trace is not None:
                self.on_trace(trace)
        self._seen = len(self._log)
        for out in outputs:
            if self.on_output is not None:
                self.on_output(now, out)
            if isinstance(out, SendPacket):
                try:
                    self.link.send(out.packet)
                except (ConfigurationError, OSError) as exc:
                    if self.on_error is not None:
                        self.on_error(now, f"{out.description}: {exc}")
            elif isinstance(out, TimerRequest):
                self._seq += 1
                self._live[(out.name, out.subject)] = self._seq
                heapq.heappush(self._timers, _Timer(out.at, self._seq, out.name, out.subject))
        self.link.add_addresses(self.node.addresses())
        return outputs

    def step(self, deadline: float) -> list[Output]:
        """Wait for a packet or a timer (at most until ``deadline``) and process it."""
        outputs: list[Output] = []
        wake = min(deadline, self._timers[0].at) if self._timers else deadline
        timeout = max(0.0, wake - self.clock())
        readable, _, _ = select.select([self.link], [], [], timeout)
        if readable:
            for frame in self.link.receive():
                if not frame.outgoing and wanted(frame.packet, self.node.addresses(),
                                                 self.router):
                    outputs += self.give(PacketReceived(frame.packet))
        now = self.clock()
        while self._timers and self._timers[0].at <= now:
            timer = heapq.heappop(self._timers)
            if self._live.get((timer.name, timer.subject)) != timer.seq:
                continue
            del self._live[(timer.name, timer.subject)]
            outputs += self.give(TimerFired(timer.name, timer.subject))
        return outputs

    def run(self, deadline: float, done: Callable[[list[Output]], bool]) -> bool:
        """Step until ``done(outputs of a step)`` holds (True) or ``deadline`` passes (False)."""
        while self.clock() < deadline:
            if done(self.step(deadline)):
                return True
        return False


def default_clock() -> float:
    """Seconds since 1970 (the SEND timestamp and certificate clock)."""
    return time.time()


__all__ = [
    "ETH_P_IPV6", "WANTED_ICMPV6_TYPES", "Frame", "NodeRunner", "RawLink", "default_clock",
    "format_mac", "interface_mac", "kernel_neighbour", "listens_to", "multicast_mac",
    "parse_mac", "trim", "upper_layer", "wanted",
]
