"""The adapter interface: JSON forms round-trip, and the reference runs through it."""

from __future__ import annotations

from ipaddress import IPv6Address

from rfc5269.adapters import (
    BindingView,
    KeyView,
    Observation,
    ReferenceNode,
    Role,
    StepOutcome,
    TimerSet,
)

from .harness import NCOA, build_world


def test_json_forms_round_trip() -> None:
    a = IPv6Address("2001:db8::1")
    obs = Observation((KeyView(a, a, b"\x01" * 20, 1, 5.5),), (BindingView(a, a, 7.0, 9),),
                      {"key_records": (1, 4)})
    assert Observation.from_json(obs.to_json()) == obs
    step = StepOutcome((b"\x60\x00",), (TimerSet(1.5, "key-expiry", str(a)),), ("x: y",))
    assert StepOutcome.from_json(step.to_json()) == step


def test_reference_exchange_and_handover_through_the_adapter() -> None:
    world = build_world()
    ar, mn = world.ar, world.mn
    assert isinstance(ar, ReferenceNode) and ar.role is Role.AR and mn.role is Role.MN
    now = world.link.now
    out = mn.request_key(ar.node.address, b"\x02\xaa\xbb\xcc\xdd\xee", now)
    queue = list(out.sent)
    for _ in range(20):
        if not queue:
            break
        packet = queue.pop(0)
        dst = IPv6Address(packet[24:40])
        for node in (ar, mn):
            if dst in node.addresses() or dst.is_multicast:
                queue += node.receive(packet, now).sent
    ar_keys = ar.observe(now).keys
    mn_keys = mn.observe(now).keys
    assert len(ar_keys) == 1 and len(mn_keys) == 1 and ar_keys[0].key == mn_keys[0].key
    fbu = mn.start_handover(ar.node.address, NCOA, True, now).sent
    assert len(fbu) == 1
    ar.receive(fbu[0], now)
    assert [b.ncoa for b in ar.observe(now).forwarding] == [NCOA]
    assert ar.request_key(ar.node.address, b"", now) == StepOutcome()
