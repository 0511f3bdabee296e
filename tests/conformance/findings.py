"""Scenarios where trace conformance found the reference disagreeing with the model.

Both findings are fixed in the reference; the scenarios are kept as regression
tests (tests/conformance/test_conformance.py::test_finding_*).

F-conf-1 (reference, MN): the MN's SEND check commits the PrRtAdv's nonce as
answered by the signing router (RFC 3971 §5.3.4.1 bookkeeping, switch CL-09
``one-per-router``) inside ``send_valid``, before the later checks of the same
transition (``reply_signed``, ``at_supported``, ``at_not_weaker``,
``key_decrypts``) have passed. An on-link attacker who holds the MN's RtSolPr
can make the AR answer a corrupted copy without a key (RFC 5269 §3.2: an
invalid request is still answered, with the RtSolPr's nonce), append a
Handover Key Reply after that answer's signature and deliver it: the MN rejects
it (``reply-not-signed``) but the nonce is now spent for the AR, so the AR's
genuine answer is rejected as ``nonce-already-answered``. The model commits a
nonce only when the whole PrRtAdv is accepted, and accepts the genuine answer:
:class:`~rfc5269.conformance.ConformanceMismatch`. (A retransmission of the
RtSolPr re-arms the nonce, so the denial lasts until the next retransmission.)
"""

from __future__ import annotations

from rfc5269.io.memlink import Delivery
from rfc5269.nodes.events import RequestHandoverKey
from rfc5269.scenario import NEW_AP, seeded_rng
from rfc5269.wire.fmip import PrRtAdv
from rfc5269.wire.ndopt import HandoverKeyReply

from tests.adversarial import harness as h
from tests.adversarial.machine import tampered


def nonce_spent_by_rejected_answer(world: h.World) -> None:
    """F-conf-1: the genuine answer is refused after a rejected one spent the nonce."""
    world.link.give(world.mn.name, RequestHandoverKey(world.ar.node.address, NEW_AP))
    world.link.advance(5.0)  # the first exchange is done; the router's path is cached
    held: list[Delivery] = []

    def hold(d: Delivery) -> list[bytes] | None:
        if d.sender.startswith("attacker"):
            return None
        held.append(d)
        return []

    world.link.adversary = hold
    world.link.give(world.mn.name, RequestHandoverKey(world.ar.node.address, NEW_AP))
    rtsolpr = held.pop().packet
    corrupted = tampered(rtsolpr, "corrupt-signature", 0)
    assert corrupted is not None
    world.link.inject(corrupted)  # the AR answers without a key, with the MN's nonce
    keyless = held.pop().packet
    world.link.inject(rtsolpr)  # the AR answers with the key
    genuine = held.pop().packet
    r = h.decoded(keyless)
    assert r is not None and isinstance(r.message, PrRtAdv)
    forged = h.prrtadv_from(world.rogue_uncertified, rtsolpr, h.counter_key(5, 32), 1,
                            h.nonce_of(r.message) or b"\0" * 6, world.link.now,
                            seeded_rng(0, "finding"))
    f = h.decoded(forged)
    assert f is not None
    reply = next(o for o in f.message.options if isinstance(o, HandoverKeyReply))
    kept = tuple(o for o in r.message.options if not isinstance(o, HandoverKeyReply))
    world.link.inject(h.reencode_icmp(keyless, (*kept, reply)))  # rejected, nonce spent
    world.link.inject(genuine)  # refused: nonce-already-answered
    world.link.adversary = None


SINGLE_RTSOLPR = h.INTERP.replace(multiple_outstanding_rtsolpr=False)


def superseded_rtsolpr_answered(world: h.World) -> None:
    """F-conf-2: with one outstanding RtSolPr, the answer to a superseded one is still taken.

    Under ``multiple_outstanding_rtsolpr = False`` (CL-12) the MN forgets its
    earlier solicitation when it sends a new one (``MobileNode.solicitations``
    is cleared), but the SEND nonce store keeps the old nonce with the old
    solicitation as context, so a PrRtAdv answering the superseded RtSolPr is
    accepted. The model's single slot is overwritten: it rejects that answer
    (``nonce_matches_outstanding``). Build ``world`` with :data:`SINGLE_RTSOLPR`.
    """
    world.link.give(world.mn.name, RequestHandoverKey(world.ar.node.address, NEW_AP))
    world.link.advance(3.0)  # a first exchange: the router's path is cached
    held: list[Delivery] = []

    def hold(d: Delivery) -> list[bytes] | None:
        if d.sender.startswith("attacker"):
            return None
        held.append(d)
        return []

    world.link.adversary = hold
    world.link.give(world.mn.name, RequestHandoverKey(world.ar.node.address, NEW_AP))
    superseded = held.pop().packet
    world.link.advance(0.05)
    world.link.give(world.mn.name, RequestHandoverKey(world.ar.node.address, NEW_AP))
    held.clear()
    world.link.inject(superseded)  # the AR answers the superseded RtSolPr
    answer = held.pop().packet
    world.link.inject(answer)
    world.link.adversary = None
