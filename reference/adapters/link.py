"""Any :class:`~rfc5269.adapters.base.NodeUnderTest` as a node of the in-memory link.

:class:`AdapterOnLink` speaks the link's node protocol (``name``,
``addresses()``, ``handle(event, now)``) and turns the adapter's
:class:`~rfc5269.adapters.base.StepOutcome` back into output events, so that
the link, its adversary hook and the property suites drive a foreign
implementation exactly as they drive the reference.
"""

from __future__ import annotations

from ipaddress import IPv6Address

from rfc5269.adapters.base import NodeUnderTest, StepOutcome
from rfc5269.nodes.events import (
    Input,
    Output,
    PacketReceived,
    RequestHandoverKey,
    SendPacket,
    StartHandover,
    TimerFired,
    TimerRequest,
)


class AdapterOnLink:
    """Put an adapter on :class:`~rfc5269.io.memlink.InMemoryLink`."""

    def __init__(self, adapter: NodeUnderTest) -> None:
        self.adapter = adapter
        self.name = adapter.name

    def addresses(self) -> frozenset[IPv6Address]:
        return self.adapter.addresses()

    def handle(self, event: Input, now: float) -> list[Output]:
        if isinstance(event, PacketReceived):
            outcome = self.adapter.receive(event.packet, now)
        elif isinstance(event, TimerFired):
            outcome = self.adapter.fire_timer(event.name, event.subject, now)
        elif isinstance(event, RequestHandoverKey):
            outcome = self.adapter.request_key(event.router, event.new_ap, now)
        elif isinstance(event, StartHandover):
            outcome = self.adapter.start_handover(event.par, event.ncoa, event.from_par_link,
                                                  now)
        else:  # pragma: no cover - Input is a closed union
            outcome = StepOutcome()
        outputs: list[Output] = [SendPacket(p, f"{self.name} packet") for p in outcome.sent]
        outputs += [TimerRequest(t.at, t.name, t.subject) for t in outcome.timers]
        return outputs
