"""The reference implementation behind the adapter interface.

:class:`ReferenceNode` wraps an :class:`~rfc5269.nodes.ar.AccessRouter` or a
:class:`~rfc5269.nodes.mn.MobileNode` — or any subclass of them, which is how
the bug-zoo variants of the test suite are tested with the same suites.
"""

from __future__ import annotations

from ipaddress import IPv6Address

from rfc5269.adapters.base import (
    BindingView,
    KeyView,
    NodeUnderTest,
    Observation,
    Role,
    StepOutcome,
    TimerSet,
)
from rfc5269.nodes.ar import AccessRouter
from rfc5269.nodes.events import (
    Input,
    Output,
    PacketReceived,
    Rejected,
    RequestHandoverKey,
    SendPacket,
    StartHandover,
    TimerFired,
    TimerRequest,
)
from rfc5269.nodes.mn import MobileNode


def outcome_of(outputs: list[Output]) -> StepOutcome:
    """The adapter view of a node's output events."""
    return StepOutcome(
        tuple(o.packet for o in outputs if isinstance(o, SendPacket)),
        tuple(TimerSet(o.at, o.name, o.subject) for o in outputs
              if isinstance(o, TimerRequest)),
        tuple(f"{o.what}: {o.reason}" for o in outputs if isinstance(o, Rejected)))


class ReferenceNode(NodeUnderTest):
    """Adapter for the reference's sans-IO nodes (and their subclasses)."""

    def __init__(self, node: AccessRouter | MobileNode) -> None:
        self.node = node
        self.name = node.name
        self.role = Role.AR if isinstance(node, AccessRouter) else Role.MN
        self.last_outputs: list[Output] = []

    def addresses(self) -> frozenset[IPv6Address]:
        return self.node.addresses()

    def _handle(self, event: Input, now: float) -> StepOutcome:
        self.last_outputs = self.node.handle(event, now)
        return outcome_of(self.last_outputs)

    def receive(self, packet: bytes, now: float) -> StepOutcome:
        return self._handle(PacketReceived(packet), now)

    def fire_timer(self, name: str, subject: str, now: float) -> StepOutcome:
        return self._handle(TimerFired(name, subject), now)

    def request_key(self, router: IPv6Address, new_ap: bytes, now: float) -> StepOutcome:
        if self.role is not Role.MN:
            return StepOutcome()
        return self._handle(RequestHandoverKey(router, new_ap), now)

    def start_handover(self, par: IPv6Address, ncoa: IPv6Address, from_par_link: bool,
                       now: float) -> StepOutcome:
        if self.role is not Role.MN:
            return StepOutcome()
        return self._handle(StartHandover(par, ncoa, from_par_link), now)

    def observe(self, now: float) -> Observation:
        node = self.node
        if isinstance(node, AccessRouter):
            limits = node.config.limits
            keys = tuple(KeyView(r.cga, node.address, r.key, r.at, r.expires)
                         for r in node.keys.values())
            forwarding = tuple(BindingView(b.pcoa, b.ncoa, b.until, b.last_sequence)
                               for b in node.bindings.values() if b.until > now)
            bounds = {
                "key_records": (len(node.keys), limits.max_key_records),
                "bindings": (len(node.bindings), limits.max_bindings),
                "timestamp_cache": (len(node.send.timestamps),
                                    node.send.timestamps.policy.capacity),
                "rate_limited_sources": (len(node.per_source), limits.max_tracked_sources),
            }
            return Observation(keys, forwarding, bounds)
        mn_keys = tuple(KeyView(r.cga, r.ar, r.key, r.at, r.expires)
                        for r in node.keys.values())
        return Observation(mn_keys, (), {
            "nonce_store": (len(node.send.nonces), node.send.nonces.max_outstanding),
        }, decryption_attempts(node))


DECRYPTION_REQUIREMENT = "RFC5269-3.3-M7"
"""The requirement a check implements when it decrypts a Handover Key Reply's key."""


def decryption_attempts(node: MobileNode) -> int:
    """How many key decryptions the MN's trace shows (the optional observation).

    Read from the node's decision trace: every check the MN performed that
    implements :data:`DECRYPTION_REQUIREMENT` (RFC 5269 §3.3, decrypt the key)
    is one attempt, whether it passed or not, and whichever transition ran it.
    """
    return sum(1 for event in node.log
               if event.actor == "MN" and event.node == node.name
               for check in event.checks if DECRYPTION_REQUIREMENT in check.requirements)
