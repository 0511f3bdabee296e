"""Implementations under test: the adapter interface and the reference adapter.

An implementation of the AR (with its PAR role) or of the MN is tested
through :class:`~rfc5269.adapters.base.NodeUnderTest`: it is handed received
packets, expired timers and (for an MN) application requests, each with the
current time, and answers with the packets it sends and the timers it wants;
:meth:`~rfc5269.adapters.base.NodeUnderTest.observe` reports the state a
tester may judge (AR key records, MN keys, PAR forwarding, table sizes).

Every value crossing the interface has a JSON form
(:mod:`rfc5269.adapters.base`), so a subprocess speaking JSON lines can
implement the same interface for an implementation in another language.
:class:`~rfc5269.adapters.reference.ReferenceNode` adapts the reference's
:class:`~rfc5269.nodes.ar.AccessRouter` and
:class:`~rfc5269.nodes.mn.MobileNode` (and any subclass, such as the bug-zoo
variants of the test suite); :class:`~rfc5269.adapters.link.LinkNode`
puts any adapter on the in-memory link.
"""

from rfc5269.adapters.base import (
    BindingView,
    KeyView,
    NodeUnderTest,
    Observation,
    Role,
    StepOutcome,
    TimerSet,
)
from rfc5269.adapters.link import AdapterOnLink
from rfc5269.adapters.reference import ReferenceNode

__all__ = [
    "AdapterOnLink",
    "BindingView",
    "KeyView",
    "NodeUnderTest",
    "Observation",
    "ReferenceNode",
    "Role",
    "StepOutcome",
    "TimerSet",
]
