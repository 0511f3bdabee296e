"""The world the adversarial suites attack, the attacker's packet builders, and the oracle.

* :func:`build_world` puts an AR (also PAR) and an MN — reference classes or
  any subclass, wrapped in :class:`rfc5269.adapters.ReferenceNode` — on the
  in-memory link, with small state bounds so that flooding reaches them.
  Every packet a node sends is held back by the attacker (``pending``); the
  suites decide what is delivered, dropped, delayed, reordered or altered.
* :class:`Oracle` keeps the ground truth the implementation cannot see —
  which packets each key holder produced and when, which nonces the MN sent,
  which keys the attacker knows — and judges the adapter's observations after
  every step. A violation names the invariant (the "check" of the zoo table).

The oracle only uses what an adapter exposes (packets and
:class:`~rfc5269.adapters.Observation`), plus the optional decision trace of
the reference adapter for the check-order invariant.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from ipaddress import IPv6Address
from typing import Any

from cryptography.hazmat.primitives.asymmetric import padding, rsa
from rfc5269.adapters import AdapterOnLink, Observation, ReferenceNode
from rfc5269.constants import TIMESTAMP_DELTA, TIMESTAMP_FUZZ
from rfc5269.handover.algorithms import algorithm_for_at, is_weaker
from rfc5269.handover.authenticator import compute_authenticator
from rfc5269.handover.encryption import encrypt_handover_key
from rfc5269.interpretations import DEFAULT, BadfLength, Interpretations
from rfc5269.io.memlink import Delivery, InMemoryLink
from rfc5269.nodes.ar import AccessRouter
from rfc5269.nodes.config import ArConfig, ArLimits, MnConfig, make_identity
from rfc5269.nodes.mn import MobileNode
from rfc5269.nodes.packets import icmpv6_packet, open_packet, signed_icmpv6_packet
from rfc5269.nodes.trace import TraceLog
from rfc5269.scenario import (
    LINK_LOCAL,
    MN_CGA_KEY,
    MN_HKEPK_KEYS,
    MN_PREFIX,
    NAR,
    NEW_AP,
    START_TIME,
    pool_factory,
    seeded_rng,
)
from rfc5269.send import testpki
from rfc5269.send.certpath import HeldPath, RouterCertificates
from rfc5269.send.keys import public_key_der
from rfc5269.send.sender import SendIdentity
from rfc5269.send.testpki import pool_key
from rfc5269.wire.cert_path import CertificationPathSolicitation
from rfc5269.wire.fmip import PrRtAdv, RtSolPr
from rfc5269.wire.mobility import (
    AlternateCareOfAddress,
    BindingAuthorizationDataFmip,
    FastBindingUpdate,
    mh_checksum,
    mh_data_for_authenticator,
)
from rfc5269.wire.ndopt import (
    LLA_AP_NO_PREFIX,
    LLA_NEW_ACCESS_POINT,
    LLA_SOURCE,
    FmipLinkLayerAddressOption,
    HandoverKeyReply,
    HandoverKeyRequest,
    NonceOption,
    RsaSignatureOption,
)
from rfc5269.wire.send_ranges import signed_portion

INTERP: Interpretations = DEFAULT
LIMITS = ArLimits(max_key_records=4, max_bindings=4, max_timestamp_peers=16,
                  max_tracked_sources=16)
HK_LIFETIME = 120
MN_PREFERRED_AT = 1  # HMAC-SHA256 under the default codepoints: a reply with AT 0 is weaker
NCOA = IPv6Address("2001:db8:b::1234")
ATTACKER_NCOA = IPv6Address("2001:db8:66::66")
FRESH = TIMESTAMP_DELTA + TIMESTAMP_FUZZ
"""RFC 3971 §5.3.4.2: the most lenient age at which a solicitation may still be accepted."""

# Pool indexes (mod 12) not used by the honest PKI (0-2), the MN (8-11) or the rogue PKI (5-7).
ROGUE_CERTIFIED_KEY = 3
ATTACKER_CGA_KEY = 4
ATTACKER_HKEPK_KEY = 5
N_ATTACKER_CGAS = 6


# ====================================================================== the world


@dataclass
class World:
    """The nodes under test, the link, and what the attacker owns."""

    ar: ReferenceNode
    mn: ReferenceNode
    link: InMemoryLink
    log: TraceLog
    pki: testpki.TestPki
    attackers: list[SendIdentity]
    attacker_hkepk: rsa.RSAPrivateKey
    rogue_certified: SendIdentity
    rogue_certified_path: RouterCertificates
    rogue_uncertified: SendIdentity
    rogue_pki: testpki.TestPki


@dataclass
class Classes:
    """The node classes to test: the reference, or bug-zoo variants."""

    ar: Callable[..., AccessRouter] = AccessRouter
    mn: Callable[..., MobileNode] = MobileNode


def build_world(classes: Classes | None = None, seed: int = 0) -> World:
    """An AR and an MN (of ``classes``) on a link, a test PKI, and the attacker's material."""
    classes = classes or Classes()
    pki = testpki.make_pki(seed)
    log = TraceLog()
    ar_identity = make_identity(pki.router.rsa_key, LINK_LOCAL, seeded_rng(seed, "ar"))
    mn_identity = make_identity(pool_key(MN_CGA_KEY), MN_PREFIX, seeded_rng(seed, "mn"))
    ar = classes.ar(ArConfig(ar_identity, pki.anchor.certificate, tuple(pki.path),
                             neighbours=(NAR,), hk_lifetime=HK_LIFETIME, limits=LIMITS,
                             interpretations=INTERP), seeded_rng(seed, "ar"), log)
    mn = classes.mn(MnConfig(mn_identity, (pki.trust_anchor(),), preferred_at=MN_PREFERRED_AT,
                             interpretations=INTERP), seeded_rng(seed, "mn"), log,
                    hkepk_factory=pool_factory(MN_HKEPK_KEYS))
    link = InMemoryLink(START_TIME)
    ar_adapter, mn_adapter = ReferenceNode(ar), ReferenceNode(mn)
    link.attach(AdapterOnLink(ar_adapter))
    link.attach(AdapterOnLink(mn_adapter))
    attackers = [make_identity(pool_key(ATTACKER_CGA_KEY), MN_PREFIX,
                               seeded_rng(seed, f"attacker/{i}")) for i in range(N_ATTACKER_CGAS)]
    rogue_cert = pki.issue_router("Rogue Router", blocks=("2001:db8:f::/48",),
                                  key_index=ROGUE_CERTIFIED_KEY)
    rogue_certified = make_identity(rogue_cert.rsa_key, LINK_LOCAL, seeded_rng(seed, "rogue-c"))
    held = RouterCertificates([HeldPath(pki.anchor.certificate, (
        *(i.certificate for i in pki.intermediates), rogue_cert.certificate))])
    rogue_pki = testpki.make_pki(seed + 1, anchor_name="Rogue Anchor")
    rogue_uncertified = make_identity(rogue_pki.router.rsa_key, LINK_LOCAL,
                                      seeded_rng(seed, "rogue-u"))
    return World(ar_adapter, mn_adapter, link, log, pki, attackers, pool_key(ATTACKER_HKEPK_KEY),
                 rogue_certified, held, rogue_uncertified, rogue_pki)


# ====================================================================== packet identities


def signed_id(packet: bytes) -> tuple[bytes, bytes] | None:
    """What a SEND signature covers of ``packet`` (addresses and signed octets), or None."""
    if len(packet) < 48 or packet[6] != 58:
        return None
    icmp = packet[40:]
    try:
        portion = signed_portion(icmp)
    except Exception:
        return None
    if portion.signature_offset is None:
        return None
    return packet[8:40], icmp[:2] + icmp[4:portion.signature_offset]


def fbu_id(packet: bytes) -> tuple[bytes, ...] | None:
    """What the BADF authenticator covers of an FBU (destination, HAO, MH octets), or None."""
    try:
        received = open_packet(packet, INTERP.badf_length)
    except Exception:
        return None
    if not isinstance(received.message, FastBindingUpdate) or received.packet.home_address is None:
        return None
    mh = bytearray(received.upper_layer)
    mh[4:6] = b"\0\0"
    return packet[24:40], received.packet.home_address.packed, bytes(mh)


def decoded(packet: bytes) -> Any:
    """The decoded packet, or None."""
    try:
        return open_packet(packet, INTERP.badf_length)
    except Exception:
        return None


def nonce_of(message: Any) -> bytes | None:
    return next((o.nonce for o in getattr(message, "options", ())
                 if isinstance(o, NonceOption)), None)


def signed_options(packet: bytes) -> tuple[Any, ...]:
    """The options of an ICMPv6 message that precede its RSA Signature option."""
    received = decoded(packet)
    if received is None:
        return ()
    out = []
    for o in getattr(received.message, "options", ()):
        if isinstance(o, RsaSignatureOption):
            break
        out.append(o)
    return tuple(out)


# ====================================================================== attacker packets


def rtsolpr_from(identity: SendIdentity, dst: IPv6Address, hkepk: rsa.RSAPrivateKey, at: int,
                 nonce: bytes, now: float, src: IPv6Address | None = None) -> bytes:
    """A validly signed RtSolPr with a Handover Key Request, optionally from a spoofed source."""
    if src is not None:
        identity = SendIdentity(identity.private_key, dataclasses.replace(identity.cga,
                                                                          address=src))
    message = RtSolPr(int.from_bytes(nonce[:2], "big") or 1, (
        FmipLinkLayerAddressOption.for_address(LLA_SOURCE, b"\x02\x66\x66\x66\x66\x66"),
        FmipLinkLayerAddressOption.for_address(LLA_NEW_ACCESS_POINT, NEW_AP),
        HandoverKeyRequest(at, public_key_der(hkepk))))
    return signed_icmpv6_packet(message, identity, dst, now, nonce, INTERP.signed_checksum)


def prrtadv_from(identity: SendIdentity, rtsolpr: bytes, key: bytes, at: int, nonce: bytes,
                 now: float, rng: Callable[[int], bytes]) -> bytes:
    """A PrRtAdv carrying ``key`` for the RtSolPr's HKEPK, signed by ``identity``."""
    received = decoded(rtsolpr)
    assert received is not None and isinstance(received.message, RtSolPr)
    request = next(o for o in received.message.options if isinstance(o, HandoverKeyRequest))
    from cryptography.hazmat.primitives import serialization

    hkepk = serialization.load_der_public_key(request.public_key)
    assert isinstance(hkepk, rsa.RSAPublicKey)
    reply = HandoverKeyReply(at, HK_LIFETIME, encrypt_handover_key(key, hkepk, rng))
    message = PrRtAdv(2, received.message.identifier, (
        FmipLinkLayerAddressOption.for_address(LLA_AP_NO_PREFIX, NEW_AP), reply))
    return signed_icmpv6_packet(message, identity, received.src, now, nonce,
                                INTERP.signed_checksum)


def reencode_icmp(packet: bytes, options: tuple[Any, ...]) -> bytes:
    """``packet``'s RtSolPr/PrRtAdv with ``options`` (checksum recomputed, signature not)."""
    received = decoded(packet)
    assert received is not None
    m = received.message
    if isinstance(m, RtSolPr):
        new: RtSolPr | PrRtAdv = RtSolPr(m.identifier, options)
    else:
        assert isinstance(m, PrRtAdv)
        new = PrRtAdv(m.code, m.identifier, options)
    return icmpv6_packet(new, received.src, received.dst)


def fbu_packet(key: bytes, at: int, src: IPv6Address, par: IPv6Address, pcoa: IPv6Address,
               ncoa: IPv6Address, sequence: int, with_badf: bool = True) -> bytes:
    """An FBU for ``pcoa`` authenticated with ``key`` (as RFC 5269 §3.4 says the MN builds it)."""
    from rfc5269.nodes.packets import mobility_packet

    algorithm = algorithm_for_at(at, INTERP.at_codepoints)
    assert algorithm is not None
    options: tuple[Any, ...] = (AlternateCareOfAddress(ncoa),)
    if with_badf:
        placeholder = FastBindingUpdate(sequence, 10, (
            *options, BindingAuthorizationDataFmip(0, bytes(algorithm.mac_length))))
        tag = compute_authenticator(key, algorithm, ncoa, par,
                                    mh_data_for_authenticator(placeholder, INTERP.badf_length))
        options = (*options, BindingAuthorizationDataFmip(0, tag))
    return mobility_packet(FastBindingUpdate(sequence, 10, options), src, par, pcoa,
                           INTERP.badf_length)


def strip_badf(packet: bytes, ncoa: IPv6Address) -> bytes | None:
    """An FBU like ``packet`` (next sequence number) to ``ncoa`` whose BADF is not under the key.

    The codec refuses FBUs without a BADF (RFC 5568 §6.2.2), so the attacker
    keeps the option but sets its SPI to 1 (not the handover key's SPI 0,
    RFC 5568 §6.4.5) over a garbage authenticator; the Mobility Header
    checksum is recomputed.
    """
    received = decoded(packet)
    if received is None or not isinstance(received.message, FastBindingUpdate):
        return None
    pcoa = received.packet.home_address
    assert pcoa is not None
    forged = fbu_packet(bytes(32), 1, received.src, received.dst, pcoa, ncoa,
                        (received.message.sequence + 1) & 0xFFFF)
    p = decoded(forged)
    assert p is not None
    mh = bytearray(p.upper_layer)
    at = 12  # options start after the 12-octet FBU header (RFC 5568 §6.2.2)
    while at < len(mh):
        if mh[at] == 0:
            at += 1
            continue
        if mh[at] == 21:
            mh[at + 2:at + 6] = (1).to_bytes(4, "big")
            break
        at += 2 + mh[at + 1]
    mh[4:6] = b"\0\0"
    mh[4:6] = mh_checksum(pcoa, received.dst, bytes(mh)).to_bytes(2, "big")
    return forged[:len(forged) - len(mh)] + bytes(mh)


def decrypt_reply(packet: bytes, hkepk: rsa.RSAPrivateKey) -> bytes | None:
    """The handover key of a PrRtAdv encrypted to ``hkepk`` (the attacker's own), or None."""
    for o in signed_options(packet):
        if isinstance(o, HandoverKeyReply):
            try:
                return hkepk.decrypt(o.encrypted_key, padding.PKCS1v15())
            except ValueError:
                return None
    return None


def cps_answer(cps_packet: bytes, held: RouterCertificates, router: IPv6Address) -> list[bytes]:
    """CPAs from ``held`` answering a captured CPS as if sent by ``router``."""
    received = decoded(cps_packet)
    if received is None or not isinstance(received.message, CertificationPathSolicitation):
        return []
    cps = received.message
    return [icmpv6_packet(cpa, router, received.src) for cpa in held.answer(cps, cps.identifier)]


# ====================================================================== the oracle


class Violation(AssertionError):  # noqa: N818 - it names what was found
    """An invariant failed; ``check`` names it for the zoo table."""

    def __init__(self, check: str, detail: str) -> None:
        super().__init__(f"[{check}] {detail}")
        self.check = check
        self.detail = detail


INVARIANTS = {
    "ar-key-records": "the AR creates or changes a key record for a CGA only on a validly "
                      "signed, fresh RtSolPr from that CGA's key holder",
    "ar-key-stable": "a valid AR key record keeps its key and AT (RFC 5269 §3.2: the same key "
                     "is returned)",
    "ar-at-honoured": "an AR key record's AT is not weaker than the AT requested",
    "mn-key-acceptance": "the MN stores a key only from a PrRtAdv signed by a certified router, "
                         "answering its own outstanding nonce, not accepted before, AT not weaker",
    "key-secrecy": "no key the MN holds for the honest AR is known to the attacker",
    "par-forwarding": "the PAR changes forwarding only for an authentic, fresh FBU for that PCoA",
    "bounds": "state stays within its configured bounds",
    "send-before-key": "no key material is touched before SEND validation passed (trace)",
    "honest-liveness": "an unattacked exchange gives the MN the AR's key; an unattacked FBU "
                       "changes forwarding",
}


@dataclass
class Produced:
    producer: str
    time: float


@dataclass
class Oracle:
    """Ground truth and the invariants over a :class:`World`."""

    world: World
    produced: dict[tuple[bytes, bytes], Produced] = field(default_factory=dict)
    mn_nonces: dict[bytes, int] = field(default_factory=dict)  # nonce -> requested AT
    attacker_nonces: set[bytes] = field(default_factory=set)
    consumed: set[tuple[bytes, IPv6Address]] = field(default_factory=set)
    ar_issued: dict[IPv6Address, set[bytes]] = field(default_factory=dict)
    rogue_keys: set[bytes] = field(default_factory=set)
    attacker_known: set[bytes] = field(default_factory=set)
    attacker_keys: dict[IPv6Address, tuple[bytes, int]] = field(default_factory=dict)
    mn_fbus: set[tuple[bytes, ...]] = field(default_factory=set)
    accepted_fbus: set[tuple[bytes, ...]] = field(default_factory=set)
    to_ar: list[bytes] = field(default_factory=list)  # delivered to the AR this step
    to_mn_prrtadv: list[bytes] = field(default_factory=list)  # PrRtAdvs delivered to the MN
    trace_mark: int = 0
    prev_ar: Observation = field(default_factory=Observation)
    prev_mn: Observation = field(default_factory=Observation)

    # ------------------------------------------------------------ recording

    def holder(self, cga: IPv6Address) -> str | None:
        """Who holds the private key of CGA ``cga``."""
        if cga == self.world.mn.node.address:
            return "MN"
        if any(a.address == cga for a in self.world.attackers):
            return f"attacker:{cga}"
        return None

    def node_sent(self, sender: str, packet: bytes, now: float) -> None:
        """A node emitted ``packet`` (seen by the attacker's capture)."""
        sid = signed_id(packet)
        if sid is not None and sid not in self.produced:
            self.produced[sid] = Produced(sender, now)
        received = decoded(packet)
        if received is None:
            return
        m = received.message
        if sender == self.world.mn.name:
            if isinstance(m, RtSolPr):
                request = next((o for o in m.options if isinstance(o, HandoverKeyRequest)), None)
                nonce = nonce_of(m)
                if request is not None and nonce is not None:
                    self.mn_nonces.setdefault(nonce, request.algorithm_type)
            fid = fbu_id(packet)
            if fid is not None:
                self.mn_fbus.add(fid)
        if sender == self.world.ar.name and isinstance(m, PrRtAdv):
            nonce = nonce_of(m)
            if nonce in self.attacker_nonces:
                key = decrypt_reply(packet, self.world.attacker_hkepk)
                if key is not None:
                    self.attacker_known.add(key)
                    at = next((o.algorithm_type for o in m.options
                               if isinstance(o, HandoverKeyReply)), 0)
                    self.attacker_keys[received.dst] = (key, at)

    def attacker_made(self, packet: bytes, producer: str, now: float) -> None:
        """The attacker built and signed ``packet`` with a key it owns."""
        sid = signed_id(packet)
        if sid is not None:
            self.produced.setdefault(sid, Produced(producer, now))

    def delivered(self, receivers: tuple[str, ...], packet: bytes) -> None:
        if self.world.ar.name in receivers:
            self.to_ar.append(packet)
        if self.world.mn.name in receivers:
            received = decoded(packet)
            if received is not None and isinstance(received.message, PrRtAdv):
                self.to_mn_prrtadv.append(packet)

    # ------------------------------------------------------------ judging

    def check(self, now: float) -> None:
        """All invariants after one step (raises :class:`Violation`)."""
        ar_obs = self.world.ar.observe(now)
        mn_obs = self.world.mn.observe(now)
        try:
            self._check_bounds(ar_obs, mn_obs)
            self._check_ar(ar_obs, now)
            self._check_par(ar_obs)
            self._check_mn(mn_obs, now)
            self._check_secrecy(mn_obs)
            self._check_trace()
        finally:
            self.prev_ar, self.prev_mn = ar_obs, mn_obs
            self.to_ar = []

    def _check_bounds(self, *observations: Observation) -> None:
        for obs in observations:
            for name, (size, capacity) in obs.bounds.items():
                if size > capacity:
                    raise Violation("bounds", f"{name}: {size} > {capacity}")

    def _rtsolprs_to_ar_from(self, cga: IPv6Address) -> list[tuple[bytes, Any]]:
        out = []
        for p in self.to_ar:
            r = decoded(p)
            if r is not None and isinstance(r.message, RtSolPr) and r.src == cga:
                out.append((p, r))
        return out

    def _check_ar(self, obs: Observation, now: float) -> None:
        before = {k.owner: k for k in self.prev_ar.keys}
        for k in obs.keys:
            self.ar_issued.setdefault(k.owner, set()).add(k.key)
            old = before.get(k.owner)
            if old is not None and (old.key, old.at, old.expires) == (k.key, k.at, k.expires):
                continue
            if old is not None and old.expires > now and (old.key, old.at) != (k.key, k.at):
                raise Violation("ar-key-stable", f"key record of {k.owner} changed while valid")
            holder = self.holder(k.owner)
            ok = False
            requested: int | None = None
            for p, r in self._rtsolprs_to_ar_from(k.owner):
                sid = signed_id(p)
                made = self.produced.get(sid) if sid is not None else None
                if made is None or holder is None or made.producer != holder:
                    continue
                if now - made.time > FRESH:
                    continue
                ok = True
                request = next((o for o in r.message.options
                                if isinstance(o, HandoverKeyRequest)), None)
                requested = request.algorithm_type if request is not None else None
            if not ok:
                raise Violation("ar-key-records",
                                f"record for {k.owner} created/changed without a fresh RtSolPr "
                                f"signed by its key holder")
            if old is None or old.expires <= now:
                if requested is not None and is_weaker(k.at, requested, INTERP.at_codepoints):
                    raise Violation("ar-at-honoured", f"AT {k.at} weaker than {requested}")

    def _check_par(self, obs: Observation) -> None:
        before = {b.pcoa: b for b in self.prev_ar.forwarding}
        for b in obs.forwarding:
            old = before.get(b.pcoa)
            if old is not None and (old.ncoa, old.until, old.last_sequence) == \
                    (b.ncoa, b.until, b.last_sequence):
                continue
            ok = False
            for p in self.to_ar:
                fid = fbu_id(p)
                if fid is None or fid[1] != b.pcoa.packed:
                    continue
                if fid in self.mn_fbus and fid not in self.accepted_fbus \
                        and self.holder(b.pcoa) == "MN":
                    self.accepted_fbus.add(fid)
                    ok = True
            if not ok:
                raise Violation("par-forwarding",
                                f"forwarding for {b.pcoa} changed to {b.ncoa} without an "
                                f"authentic, fresh FBU")

    def _check_mn(self, obs: Observation, now: float) -> None:
        before = {(k.peer, k.owner): k for k in self.prev_mn.keys}
        for k in obs.keys:
            old = before.get((k.peer, k.owner))
            if old is not None and (old.key, old.at, old.expires) == (k.key, k.at, k.expires):
                continue
            problems: list[str] = []
            for p in self.to_mn_prrtadv:
                r = decoded(p)
                if r is None or r.src != k.peer:
                    continue
                problems = self._prrtadv_problems(p, r, k)
                if not problems:
                    self.consumed.add((nonce_of(r.message) or b"", r.src))
                    break
            else:
                raise Violation("mn-key-acceptance",
                                f"key for {k.peer} stored: {'; '.join(problems) or 'no PrRtAdv'}")

    def _prrtadv_problems(self, p: bytes, r: Any, k: Any) -> list[str]:
        problems = []
        sid = signed_id(p)
        made = self.produced.get(sid) if sid is not None else None
        signer = made.producer if made is not None else None
        if signer not in (self.world.ar.name, "rogue-certified"):
            problems.append(f"not signed by a certified router ({signer})")
        nonce = nonce_of(r.message)
        if nonce is None or nonce not in self.mn_nonces:
            problems.append("nonce of no RtSolPr of the MN")
        elif (nonce, r.src) in self.consumed:
            problems.append("answer already accepted")
        elif is_weaker(k.at, self.mn_nonces[nonce], INTERP.at_codepoints):
            problems.append("AT weaker than requested")
        issued = self.ar_issued.get(k.owner, set()) if signer == self.world.ar.name else \
            self.rogue_keys if signer == "rogue-certified" else set()
        if k.key not in issued:
            problems.append("key not issued by the signer")
        if not any(isinstance(o, HandoverKeyReply) for o in signed_options(p)):
            problems.append("key reply not signed")
        return problems

    def _check_secrecy(self, obs: Observation) -> None:
        for k in obs.keys:
            if k.peer == self.world.ar.node.address and k.key in self.attacker_known:
                raise Violation("key-secrecy", f"MN key for {k.peer} known to the attacker")

    def _check_trace(self) -> None:
        events = self.world.log.events[self.trace_mark:]
        self.trace_mark = len(self.world.log.events)
        touching = {"hkepk_fit", "at_resolvable", "record_capacity", "key_decrypts",
                    "early_decrypt", "at_supported", "at_not_weaker", "reply_signed"}
        for e in events:
            names = [c.name for c in e.checks]
            if "send_valid" not in names and not any(n in touching for n in names):
                continue
            validated = False
            for c in e.checks:
                if c.name == "send_valid":
                    validated = c.passed
                elif c.name in touching and not validated:
                    raise Violation("send-before-key",
                                    f"{e.node}: {c.name} before SEND validation in "
                                    f"{e.transition!r}")


def counter_key(n: int, length: int = 32) -> bytes:
    """A key the attacker chooses (deterministic)."""
    return random.Random(f"attacker-key/{n}").randbytes(length)


def capture_hook(world: World, oracle: Oracle, pending: list[tuple[str, bytes]],
                 seen: list[tuple[str, bytes]]) -> Callable[[Delivery], list[bytes] | None]:
    """The attacker's position on the link: hold every node's packet, pass its own."""

    def hook(d: Delivery) -> list[bytes] | None:
        if d.sender.startswith("attacker"):
            oracle.delivered(d.receivers, d.packet)
            return None
        oracle.node_sent(d.sender, d.packet, d.time)
        pending.append((d.sender, d.packet))
        seen.append((d.sender, d.packet))
        return []

    return hook


__all__ = ["BadfLength"]
