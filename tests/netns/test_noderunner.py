"""The loop that drives a node over a link: timers, filtering, sends (no privileges).

A fake link stands in for the raw socket; the node is a real MN and AR pair
joined through two fake links, so the exchange runs through the loop exactly
as it does over an interface, only without the kernel.
"""

from __future__ import annotations

import socket
import time
from ipaddress import IPv6Address

from rfc5269.io.rawlink import Frame, NodeRunner
from rfc5269.nodes.events import (
    KeyInstalled,
    Output,
    PacketReceived,
    RequestHandoverKey,
    TimerFired,
    TimerRequest,
)
from rfc5269.scenario import NEW_AP, make_exchange


class FakeLink:
    """Two of these form a wire: what one sends, the other receives."""

    def __init__(self) -> None:
        self.reader, self.writer = socket.socketpair()
        self.reader.setblocking(False)
        self.peer: FakeLink | None = None
        self.sent: list[bytes] = []
        self.inbox: list[bytes] = []
        self.assigned: set[IPv6Address] = set()

    def fileno(self) -> int:
        return self.reader.fileno()

    def add_addresses(self, addresses) -> None:
        self.assigned |= set(addresses)

    def send(self, packet: bytes) -> None:
        self.sent.append(packet)
        assert self.peer is not None
        self.peer.inbox.append(packet)
        self.peer.writer.send(b"x")

    def receive(self) -> list[Frame]:
        try:
            self.reader.recv(4096)
        except BlockingIOError:
            pass
        frames = [Frame(time.time(), p, bytes(6), False) for p in self.inbox]
        self.inbox.clear()
        return frames


class StubNode:
    """Asks for timers and records what fires."""

    name = "stub"

    def __init__(self) -> None:
        self.fired: list[str] = []

    def addresses(self) -> frozenset[IPv6Address]:
        return frozenset({IPv6Address("2001:db8::1")})

    def handle(self, event, now: float) -> list[Output]:
        if isinstance(event, TimerFired):
            self.fired.append(event.name)
            return []
        return [TimerRequest(now + 0.06, "late", "s"), TimerRequest(now + 0.02, "early", "s"),
                TimerRequest(now + 0.04, "replaced", "s"),
                TimerRequest(now + 0.08, "replaced", "s")]


def test_timers_fire_in_order_and_replacements_win() -> None:
    node, link = StubNode(), FakeLink()
    link.peer = FakeLink()
    runner = NodeRunner(node, link, router=False)
    runner.give(RequestHandoverKey(IPv6Address("ff02::2")))
    runner.run(time.time() + 2.0, lambda outputs: len(node.fired) >= 3)
    assert node.fired == ["early", "late", "replaced"]
    assert link.assigned == node.addresses()


def test_exchange_through_the_loop() -> None:
    ex = make_exchange()
    ar_link, mn_link = FakeLink(), FakeLink()
    ar_link.peer, mn_link.peer = mn_link, ar_link
    ar = NodeRunner(ex.ar, ar_link, router=True)
    mn = NodeRunner(ex.mn, mn_link, router=False)
    installed: list[KeyInstalled] = []
    mn.give(RequestHandoverKey(ex.ar.address, NEW_AP))
    deadline = time.time() + 5.0
    while time.time() < deadline and not installed:
        for runner in (ar, mn):
            outputs = runner.step(time.time() + 0.01)
            installed += [o for o in outputs if isinstance(o, KeyInstalled) and runner is mn]
    assert installed, "the MN installed a key through the loop"
    assert ex.ar.keys.get(ex.mn.address) is not None
    assert ar_link.assigned >= {ex.ar.address} and mn_link.assigned >= {ex.mn.address}


def test_unwanted_packets_never_reach_the_node() -> None:
    ex = make_exchange()
    link = FakeLink()
    link.peer = FakeLink()
    runner = NodeRunner(ex.ar, link, router=True)
    seen = len(ex.log)
    # An ICMPv6 echo request to the AR: not a message of this protocol.
    echo = bytes.fromhex("6000000000083aff") + IPv6Address("fe80::9").packed + \
        ex.ar.address.packed + bytes.fromhex("8000000000000000")
    link.inbox.append(echo)
    link.writer.send(b"x")
    runner.step(time.time() + 0.05)
    assert len(ex.log) == seen
    # Handed to the AR directly, the same packet would have left a trace: the
    # assertion above can fail.
    ex.ar.handle(PacketReceived(echo), time.time())
    assert len(ex.log) > seen
