"""The stateful attack: honest MN and AR, an on-link attacker, invariants after every step.

:class:`AttackMachine` is a hypothesis ``RuleBasedStateMachine``. The attacker
holds back every packet the nodes send; rules deliver, drop, reorder, delay,
replay (to the same or another node), alter (flip bits, strip, truncate or
corrupt the RSA Signature option, swap the Handover Key Encryption Public
Key, append options after the signature), re-sign with its own CGA keys,
answer as a rogue router (uncertified, or certified for other prefixes),
replay and forge FBUs, flood, and advance the clock past lifetimes and
timestamp windows. After every step the :class:`~harness.Oracle` checks the
invariants of :data:`harness.INVARIANTS`.

:func:`machine_for` builds the same machine for bug-zoo variants.
"""

from __future__ import annotations

from ipaddress import IPv6Address
from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from rfc5269.attacker import flip_bit, strip_signature
from rfc5269.nodes.events import RequestHandoverKey, StartHandover
from rfc5269.scenario import NEW_AP, seeded_rng
from rfc5269.wire.fmip import PrRtAdv, RtSolPr
from rfc5269.wire.ndopt import HandoverKeyReply, HandoverKeyRequest, NonceOption

from . import harness as h

ADVANCES = (0.5, 2.0, 11.0, 61.0, 130.0, 400.0)
REPLAY_DELAYS = (0.0, 1.0, 130.0, 400.0)
TAMPER_KINDS = ("flip-bit", "strip-signature", "truncate-signature", "corrupt-signature",
                "truncate-packet")
FBU_ATTACKS = ("replay", "replay-later", "strip-badf", "tamper-authenticator", "own-key-hijack",
               "garbage-badf")


class AttackMachine(RuleBasedStateMachine):
    """Attack one AR (also PAR) and one MN; check the invariants after every step."""

    classes: h.Classes = h.Classes()
    steps_taken = 0  # across all runs of this class (for the zoo's step counts)
    first_failure_at: int | None = None  # steps_taken when an invariant first failed

    def __init__(self) -> None:
        super().__init__()
        self.world = h.build_world(self.classes)
        self.oracle = h.Oracle(self.world)
        self.pending: list[tuple[str, bytes]] = []
        self.seen: list[tuple[str, bytes]] = []
        self.world.link.adversary = h.capture_hook(self.world, self.oracle, self.pending,
                                                   self.seen)
        self.rng = seeded_rng(0, "attacker-encryption")
        self.counter = 0

    # ------------------------------------------------------------ helpers

    @property
    def now(self) -> float:
        return self.world.link.now

    @property
    def ar(self) -> Any:
        return self.world.ar

    @property
    def mn(self) -> Any:
        return self.world.mn

    def inject(self, packet: bytes) -> None:
        self.world.link.inject(packet, sender="attacker")

    def deliver_pending(self, limit: int = 40) -> None:
        for _ in range(limit):
            if not self.pending:
                return
            _, packet = self.pending.pop(0)
            self.inject(packet)

    def seen_of(self, kind: type, sender: str | None = None) -> list[bytes]:
        out = []
        for s, p in self.seen:
            r = h.decoded(p)
            if r is not None and isinstance(r.message, kind) and (sender is None or s == sender):
                out.append(p)
        return out

    def fbus(self) -> list[bytes]:
        return [p for s, p in self.seen if s == self.mn.name and h.fbu_id(p) is not None]

    # ------------------------------------------------------------ honest traffic

    @initialize()
    def start(self) -> None:
        self.oracle.check(self.now)

    @rule()
    def honest_round(self) -> None:
        """An unattacked key exchange (time passes first so rate limits refill).

        Whatever the attacker still holds back is dropped before time passes,
        so that retransmissions the nodes' timers send meanwhile (a CPS retry,
        RFC 3971 §6.4.1) are part of the unattacked round, not lost with it.
        """
        self.pending.clear()
        self.world.link.advance(5.0)
        self.oracle.check(self.now)
        self.world.link.give(self.mn.name, RequestHandoverKey(self.ar.node.address, NEW_AP))
        self.deliver_pending()
        self.oracle.check(self.now)
        ar_obs = self.ar.observe(self.now)
        mn_cga = self.mn.node.address
        room = len(ar_obs.keys) < h.LIMITS.max_key_records or \
            any(k.owner == mn_cga for k in ar_obs.keys)
        if not room:
            return
        ar_key = next((k for k in ar_obs.keys if k.owner == mn_cga and k.expires > self.now),
                      None)
        mn_key = next((k for k in self.mn.observe(self.now).keys
                       if k.peer == self.ar.node.address and k.expires > self.now), None)
        if ar_key is None or mn_key is None or ar_key.key != mn_key.key:
            raise h.Violation("honest-liveness", "an unattacked exchange left the MN without "
                                                 "the AR's key")

    @rule(from_par_link=st.booleans(), then=st.sampled_from((None, *FBU_ATTACKS)))
    def honest_handover(self, from_par_link: bool, then: str | None = None) -> None:
        """An unattacked FBU when both sides hold the key (then, maybe, an attack on it)."""
        mn_key = next((k for k in self.mn.observe(self.now).keys
                       if k.peer == self.ar.node.address and k.expires > self.now), None)
        ar_key = next((k for k in self.ar.observe(self.now).keys
                       if k.owner == self.mn.node.address and k.expires > self.now), None)
        self.pending.clear()
        self.world.link.give(self.mn.name, StartHandover(self.ar.node.address, h.NCOA,
                                                         from_par_link))
        self.deliver_pending()
        if mn_key is None or ar_key is None or mn_key.key != ar_key.key:
            return
        self.oracle.check(self.now)
        forwarding = {b.pcoa: b.ncoa for b in self.ar.observe(self.now).forwarding}
        if forwarding.get(self.mn.node.address) != h.NCOA:
            raise h.Violation("honest-liveness", "an unattacked FBU did not change forwarding")
        if then is not None:
            self.fbu_attack(then, len(self.fbus()) - 1, 0)

    @rule()
    def request_key_held_back(self) -> None:
        """The MN asks for a key; the attacker holds the RtSolPr."""
        self.world.link.give(self.mn.name, RequestHandoverKey(self.ar.node.address, NEW_AP))

    # ------------------------------------------------------------ delivery control

    @precondition(lambda self: bool(self.pending))
    @rule(i=st.integers(0, 20))
    def deliver(self, i: int) -> None:
        """Deliver one held packet (any order: reordering)."""
        _, packet = self.pending.pop(i % len(self.pending))
        self.inject(packet)

    @rule()
    def deliver_all(self) -> None:
        self.deliver_pending()

    @precondition(lambda self: bool(self.pending))
    @rule(i=st.integers(0, 20))
    def drop(self, i: int) -> None:
        self.pending.pop(i % len(self.pending))

    @rule(seconds=st.sampled_from(ADVANCES))
    def advance(self, seconds: float) -> None:
        """Delay: let time pass (timers fire; their packets are held)."""
        self.world.link.advance(seconds)
        self.oracle.check(self.now)

    # ------------------------------------------------------------ replay and alteration

    @precondition(lambda self: bool(self.seen))
    @rule(i=st.integers(0, 200), redirect=st.booleans(), delay=st.sampled_from(REPLAY_DELAYS))
    def replay(self, i: int, redirect: bool, delay: float = 0.0) -> None:
        """Replay any earlier packet (at once or later; to its destination or the other node)."""
        if delay:
            self.world.link.advance(delay)
            self.oracle.check(self.now)
        sender, packet = self.seen[i % len(self.seen)]
        if redirect:
            other = self.ar if sender == self.mn.name else self.mn
            packet = packet[:24] + other.node.address.packed + packet[40:]
        self.inject(packet)

    @rule(delay=st.sampled_from(REPLAY_DELAYS))
    def replay_key_answer(self, delay: float) -> None:
        """Replay the AR's latest PrRtAdv carrying a key to the MN, at once or later."""
        answers = [p for p in self.seen_of(PrRtAdv, self.ar.name)
                   if any(isinstance(o, HandoverKeyReply) for o in h.signed_options(p))]
        if not answers:
            return
        if delay:
            self.world.link.advance(delay)
            self.oracle.check(self.now)
        self.inject(answers[-1])

    @precondition(lambda self: bool(self.seen))
    @rule(i=st.integers(0, 200), kind=st.sampled_from(TAMPER_KINDS), bit=st.integers(0, 10**6),
          in_flight=st.booleans())
    def tamper(self, i: int, kind: str, bit: int, in_flight: bool) -> None:
        """Alter a packet (held in flight, or an earlier one) and deliver it."""
        if in_flight and self.pending:
            _, packet = self.pending.pop(i % len(self.pending))
        else:
            _, packet = self.seen[i % len(self.seen)]
        altered = tampered(packet, kind, bit)
        if altered is not None:
            self.inject(altered)

    @precondition(lambda self: bool(self.seen_of(RtSolPr)))
    @rule(i=st.integers(0, 50), strip=st.booleans())
    def swap_hkepk(self, i: int, strip: bool) -> None:
        """Replace the Handover Key Encryption Public Key of an RtSolPr by the attacker's."""
        packets = self.seen_of(RtSolPr, self.mn.name)
        if not packets:
            return
        packet = packets[i % len(packets)]
        r = h.decoded(packet)
        assert r is not None
        from rfc5269.send.keys import public_key_der

        own = public_key_der(self.world.attacker_hkepk)
        options = tuple(HandoverKeyRequest(o.algorithm_type, own)
                        if isinstance(o, HandoverKeyRequest) else o for o in r.message.options)
        nonce = h.nonce_of(r.message)
        if nonce is not None:
            self.oracle.attacker_nonces.add(nonce)
        altered = h.reencode_icmp(packet, options)
        if strip:
            altered = strip_signature(altered)
        self.inject(altered)

    # ------------------------------------------------------------ the attacker's own keys

    @rule(who=st.integers(0, h.N_ATTACKER_CGAS - 1), spoof_mn=st.booleans(),
          at=st.sampled_from((0, 1)))
    def resign_own(self, who: int, spoof_mn: bool, at: int) -> None:
        """An RtSolPr signed with the attacker's own CGA key (from its CGA, or spoofing the MN)."""
        identity = self.world.attackers[who]
        self.counter += 1
        nonce = h.counter_key(self.counter, 6)
        self.oracle.attacker_nonces.add(nonce)
        packet = h.rtsolpr_from(identity, self.ar.node.address, self.world.attacker_hkepk, at,
                                nonce, self.now, src=self.mn.node.address if spoof_mn else None)
        self.oracle.attacker_made(packet, f"attacker:{identity.address}", self.now)
        self.inject(packet)

    @rule(n=st.integers(1, h.N_ATTACKER_CGAS))
    def flood(self, n: int) -> None:
        """Validly signed RtSolPrs from ``n`` attacker CGAs at once (state depletion)."""
        for who in range(n):
            self.resign_own(who, False, 0)
        self.deliver_pending()

    @precondition(lambda self: bool(self.seen_of(RtSolPr)))
    @rule(i=st.integers(0, 50), certified=st.booleans(), at=st.sampled_from((0, 1)),
          copy_nonce=st.booleans())
    def rogue_router(self, i: int, certified: bool, at: int, copy_nonce: bool) -> None:
        """Answer an MN RtSolPr as a rogue router (uncertified, or certified for other prefixes)."""
        packets = self.seen_of(RtSolPr, self.mn.name)
        if not packets:
            return
        rtsolpr = packets[i % len(packets)]
        r = h.decoded(rtsolpr)
        assert r is not None
        self.counter += 1
        key_len = 32 if at == 1 else 20
        key = h.counter_key(self.counter, key_len)
        nonce = h.nonce_of(r.message) if copy_nonce else h.counter_key(self.counter, 6)
        assert nonce is not None
        identity = self.world.rogue_certified if certified else self.world.rogue_uncertified
        packet = h.prrtadv_from(identity, rtsolpr, key, at, nonce, self.now, self.rng)
        producer = "rogue-certified" if certified else "rogue-uncertified"
        self.oracle.attacker_made(packet, producer, self.now)
        self.oracle.attacker_known.add(key)
        if certified:
            self.oracle.rogue_keys.add(key)
        mark = len(self.pending)
        self.inject(packet)
        for _, cps in list(self.pending[mark:]):
            if cps[24:40] != identity.address.packed:
                continue
            self.pending.remove((self.mn.name, cps))
            if certified:
                cpas = h.cps_answer(cps, self.world.rogue_certified_path, identity.address)
            else:
                from rfc5269.attacker import untrusted_path_answer

                cpas = untrusted_path_answer(cps, self.world.rogue_pki, identity.address)
            for cpa in cpas:
                self.inject(cpa)

    @precondition(lambda self: bool(self.seen_of(PrRtAdv)))
    @rule(i=st.integers(0, 50))
    def append_unsigned_reply(self, i: int) -> None:
        """Append a Handover Key Reply of the attacker's choosing after a PrRtAdv's signature."""
        packets = [p for p in self.seen_of(PrRtAdv, self.ar.name)]
        if not packets:
            return
        packet = packets[i % len(packets)]
        r = h.decoded(packet)
        assert r is not None
        nonce = h.nonce_of(r.message)
        rtsolprs = [p for p in self.seen_of(RtSolPr, self.mn.name)
                    if h.nonce_of(h.decoded(p).message) == nonce] or \
            self.seen_of(RtSolPr, self.mn.name)
        if not rtsolprs:
            return
        self.counter += 1
        key = h.counter_key(self.counter, 32)
        self.oracle.attacker_known.add(key)
        forged = h.prrtadv_from(self.world.rogue_uncertified, rtsolprs[-1], key, 1,
                                nonce or b"\0" * 6, self.now, self.rng)
        reply = next(o for o in h.decoded(forged).message.options
                     if isinstance(o, HandoverKeyReply))
        kept = tuple(o for o in r.message.options if not isinstance(o, HandoverKeyReply))
        self.inject(h.reencode_icmp(packet, (*kept, reply)))

    @rule()
    def keyless_answer_attack(self) -> None:
        """Compound: corrupt the MN's RtSolPr in flight so the AR answers without a key, then
        append a reply of the attacker's choosing after that answer's signature."""
        self.world.link.advance(5.0)
        self.oracle.check(self.now)
        self.pending.clear()
        self.world.link.give(self.mn.name, RequestHandoverKey(self.ar.node.address, NEW_AP))
        held = [p for s, p in self.pending if s == self.mn.name]
        self.pending.clear()
        for p in held:
            altered = tampered(p, "corrupt-signature", 0)
            if altered is not None:
                self.inject(altered)
        answers = [p for s, p in self.pending if s == self.ar.name]
        self.pending.clear()
        if answers:
            self.append_unsigned_reply(len(self.seen_of(PrRtAdv, self.ar.name)) - 1)
        self.deliver_pending()

    # ------------------------------------------------------------ FBUs

    @rule(kind=st.sampled_from(FBU_ATTACKS), i=st.integers(0, 20), seq=st.integers(0, 0xFFFF))
    def fbu_attack(self, kind: str, i: int, seq: int) -> None:
        """Replay, strip, tamper or forge FBUs for the MN's PCoA."""
        fbus = self.fbus()
        pcoa = self.mn.node.address
        par = self.ar.node.address
        packet: bytes | None = None
        if kind in ("replay", "replay-later") and fbus:
            packet = fbus[i % len(fbus)]
            if kind == "replay-later":
                self.world.link.advance(1.0)
                self.oracle.check(self.now)
        elif kind == "strip-badf" and fbus:
            packet = h.strip_badf(fbus[i % len(fbus)], h.ATTACKER_NCOA)
        elif kind == "tamper-authenticator" and fbus:
            from rfc5269.attacker import tamper_authenticator

            packet = tamper_authenticator(fbus[i % len(fbus)], bit=i)
        elif kind == "own-key-hijack" and self.oracle.attacker_keys:
            src, (key, at) = sorted(self.oracle.attacker_keys.items())[
                i % len(self.oracle.attacker_keys)]
            packet = h.fbu_packet(key, at, src, par, pcoa, h.ATTACKER_NCOA, seq)
        elif kind == "garbage-badf":
            packet = h.fbu_packet(h.counter_key(seq, 32), 1, h.ATTACKER_NCOA, par, pcoa,
                                  h.ATTACKER_NCOA, seq)
        if packet is not None:
            self.inject(packet)

    # ------------------------------------------------------------ invariants

    @invariant()
    def invariants_hold(self) -> None:
        cls = type(self)
        cls.steps_taken += 1
        try:
            self.oracle.check(self.now)
        except AssertionError:
            if cls.first_failure_at is None:
                cls.first_failure_at = cls.steps_taken
            raise


def tampered(packet: bytes, kind: str, bit: int) -> bytes | None:
    """``packet`` altered one way (None when the alteration does not apply)."""
    if kind == "flip-bit":
        return flip_bit(packet, bit % (len(packet) * 8))
    if kind == "truncate-packet":
        return packet[:max(40, len(packet) - 1 - bit % 64)]
    r = h.decoded(packet)
    if r is None or not isinstance(r.message, RtSolPr | PrRtAdv):
        return None
    if kind == "strip-signature":
        return strip_signature(packet)
    from rfc5269.wire.ndopt import RsaSignatureOption

    sig = next((o for o in r.message.options if isinstance(o, RsaSignatureOption)), None)
    if sig is None:
        return None
    if kind == "truncate-signature":
        short = RsaSignatureOption(sig.key_hash, sig.signature[:-8 * (1 + bit % 4)])
        options = tuple(short if o is sig else o for o in r.message.options)
    else:  # corrupt-signature: one bit of the signature, checksum recomputed
        s = bytearray(sig.signature)
        s[bit % len(s)] ^= 1
        bad = RsaSignatureOption(sig.key_hash, bytes(s))
        options = tuple(bad if o is sig else o for o in r.message.options)
    return h.reencode_icmp(packet, options)


def machine_for(ar: Any = None, mn: Any = None, name: str = "Variant") -> type[AttackMachine]:
    """The same machine over other node classes (bug-zoo variants)."""
    classes = h.Classes(ar or h.AccessRouter, mn or h.MobileNode)
    return type(name, (AttackMachine,), {"classes": classes, "steps_taken": 0,
                                         "first_failure_at": None})


__all__ = ["AttackMachine", "IPv6Address", "NonceOption", "machine_for", "tampered"]
