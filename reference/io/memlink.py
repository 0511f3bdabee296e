"""The embedded in-memory link: nodes, a simulated clock and an optional adversary.

Packets sent by a node are queued on the link and delivered to every node that
owns the destination address (or to every other node for multicast
destinations), in order. Time only moves when :meth:`InMemoryLink.advance` or
:meth:`InMemoryLink.run` fires timers, so every run is reproducible. An
adversary hook sees every packet before delivery and may pass, drop or
replace it, and may inject packets of its own; that is how the demo and the
property tests attack the nodes.
"""

from __future__ import annotations

import heapq
import struct
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from ipaddress import IPv6Address
from typing import Protocol

from rfc5269.nodes.events import (
    Input,
    Output,
    PacketReceived,
    SendPacket,
    TimerFired,
    TimerRequest,
)


class LinkNode(Protocol):
    """What the link needs from a node."""

    name: str

    def addresses(self) -> frozenset[IPv6Address]:
        """Unicast addresses the node receives on."""
        ...

    def handle(self, event: Input, now: float) -> list[Output]:
        """Process one input at time ``now``."""
        ...


@dataclass(frozen=True)
class Delivery:
    """A packet on the wire: who sent it, when, and who received it."""

    time: float
    sender: str
    packet: bytes
    description: str
    receivers: tuple[str, ...]
    dropped: bool = False


Adversary = Callable[[Delivery], list[bytes] | None]
"""Sees each packet before delivery; returns None to pass it, or the list of
packets to deliver instead (empty to drop)."""


def _destination(packet: bytes) -> IPv6Address | None:
    if len(packet) < 40:
        return None
    return IPv6Address(packet[24:40])


@dataclass(order=True)
class _Timer:
    at: float
    seq: int
    node: str = field(compare=False)
    name: str = field(compare=False)
    subject: str = field(compare=False)


class InMemoryLink:
    """A single broadcast link with a simulated clock."""

    def __init__(self, start_time: float = 0.0) -> None:
        self.now = start_time
        self.nodes: dict[str, LinkNode] = {}
        self.wire: list[Delivery] = []
        self.outputs: list[tuple[float, str, Output]] = []
        self.adversary: Adversary | None = None
        self._queue: list[tuple[str, bytes, str]] = []
        self._timers: list[_Timer] = []
        self._timer_seq = 0
        self._live_timers: dict[tuple[str, str, str], int] = {}

    def attach(self, node: LinkNode) -> None:
        """Connect a node to the link."""
        self.nodes[node.name] = node

    # -------------------------------------------------------------- inputs

    def give(self, node: str, event: Input) -> list[Output]:
        """Hand an application input to a node and deliver what it sends."""
        outputs = self._dispatch(node, event)
        self.flush()
        return outputs

    def inject(self, packet: bytes, sender: str = "attacker", description: str = "") -> None:
        """Put a packet on the wire as if ``sender`` had sent it, and deliver it."""
        self._queue.append((sender, packet, description or "injected"))
        self.flush()

    def advance(self, seconds: float) -> None:
        """Let time pass, firing every timer due by then in order."""
        self.run_until(self.now + seconds)

    def run_until(self, t: float) -> None:
        """Fire timers due by ``t`` and set the clock to ``t``."""
        while self._timers and self._timers[0].at <= t:
            timer = heapq.heappop(self._timers)
            key = (timer.node, timer.name, timer.subject)
            if self._live_timers.get(key) != timer.seq:
                continue
            del self._live_timers[key]
            self.now = max(self.now, timer.at)
            self._dispatch(timer.node, TimerFired(timer.name, timer.subject))
            self.flush()
        self.now = max(self.now, t)

    # -------------------------------------------------------------- delivery

    def flush(self, max_packets: int = 10_000) -> None:
        """Deliver queued packets until the link is quiet."""
        count = 0
        while self._queue:
            count += 1
            if count > max_packets:
                raise RuntimeError("link did not become quiet (packet storm)")
            sender, packet, description = self._queue.pop(0)
            receivers = self._receivers(sender, packet)
            delivery = Delivery(self.now, sender, packet, description, receivers)
            if self.adversary is not None:
                replacement = self.adversary(delivery)
                if replacement is not None:
                    self.wire.append(
                        Delivery(self.now, sender, packet, description, (), dropped=True)
                    )
                    for p in replacement:
                        self._deliver(Delivery(
                            self.now, "attacker", p, "adversary",
                            self._receivers("attacker", p),
                        ))
                    continue
            self._deliver(delivery)

    def _deliver(self, delivery: Delivery) -> None:
        self.wire.append(delivery)
        for name in delivery.receivers:
            self._dispatch(name, PacketReceived(delivery.packet))

    def _receivers(self, sender: str, packet: bytes) -> tuple[str, ...]:
        dst = _destination(packet)
        if dst is None:
            return ()
        if dst.is_multicast:
            return tuple(n for n in self.nodes if n != sender)
        return tuple(n for n, node in self.nodes.items() if dst in node.addresses())

    def _dispatch(self, name: str, event: Input) -> list[Output]:
        node = self.nodes[name]
        outputs = node.handle(event, self.now)
        for out in outputs:
            self.outputs.append((self.now, name, out))
            if isinstance(out, SendPacket):
                self._queue.append((name, out.packet, out.description))
            elif isinstance(out, TimerRequest):
                self._timer_seq += 1
                key = (name, out.name, out.subject)
                self._live_timers[key] = self._timer_seq
                heapq.heappush(
                    self._timers, _Timer(out.at, self._timer_seq, name, out.name, out.subject)
                )
        return outputs

    # -------------------------------------------------------------- capture

    def packets(self) -> Iterable[Delivery]:
        """Every packet put on the wire, dropped ones included."""
        return iter(self.wire)


def write_pcap(path: str, deliveries: Iterable[Delivery]) -> int:
    """Write delivered packets to a classic pcap file (link type 229, raw IPv6).

    Returns the number of packets written.
    """
    count = 0
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 229))
        for d in deliveries:
            if d.dropped:
                continue
            sec = int(d.time)
            usec = round((d.time - sec) * 1_000_000)
            f.write(struct.pack("<IIII", sec, usec, len(d.packet), len(d.packet)))
            f.write(d.packet)
            count += 1
    return count
