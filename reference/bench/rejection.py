"""What an invalid RtSolPr costs the AR, as a fraction of a valid exchange (RFC 5269 §5).

Three kinds of invalid Handover Key Request, each from a fresh source so
that no rate limit cuts the work short (the check path is what is timed):

* ``unsigned`` — a valid request with its RSA Signature option removed;
* ``malformed`` — a valid request with an option length of zero (RFC 4861
  §4.6) and a correct checksum, so that only the strict decoder rejects it;
* ``wrong key hash`` — a valid request whose RSA Signature option names
  another key (RFC 3971 §5.2.2), checksum corrected.

Each is measured against the AR's handling of valid requests from fresh
CGAs in the same run. The AR runs with the DROP policy, so the figure is the
cost of rejecting; under the default RESPOND policy (RFC 5269 §3.2 "SHOULD
respond") the keyless answers cost one signature each and are bounded by the
unauthenticated-answer budget — the flood benchmark measures that.
Goal (issue 9): at most 2 % of a valid exchange.

Two lower bounds are measured in the same rounds, each as a fraction of the
same valid exchange: the least Python that rejects the packet
(:func:`rfc5269.bench.floor.rtsolpr_rejection`: IPv6 next header, ICMPv6
type and subtype, the option TLVs, the Key Hash), and the reference's strict
decode of the packet alone (:func:`rfc5269.nodes.packets.open_packet`),
which precedes every verdict because a malformed packet is reported as
malformed before anything else is judged. The least-Python rejection is also
set against the least-Python valid exchange (the AR floor of
:mod:`rfc5269.bench.exchange`): were the exchange as fast as its own goal
allows, that is the fraction the rejection goal would be judged on.
"""

from __future__ import annotations

import hashlib
from functools import partial

from rfc5269.attacker import strip_signature
from rfc5269.bench import exchange, floor
from rfc5269.bench.record import Figure, Section
from rfc5269.bench.rig import deliver, fresh_requests, keys_for, make_rig
from rfc5269.bench.timing import Samples
from rfc5269.errors import DecodeError
from rfc5269.interpretations import DEFAULT
from rfc5269.nodes.config import ArLimits, InvalidRequestPolicy
from rfc5269.nodes.events import KeyInstalled, Rejected, SendPacket
from rfc5269.nodes.packets import open_packet
from rfc5269.scenario import START_TIME
from rfc5269.wire.icmpv6 import icmpv6_checksum
from rfc5269.wire.ndopt import FmipLinkLayerAddressOption, RsaSignatureOption
from rfc5269.wire.send_ranges import signed_portion

GOAL = 0.02
ROOMY = ArLimits(per_source_rate=1e9, per_source_burst=1e9, global_rate=1e9, global_burst=1e9)


def _with_icmp(packet: bytes, icmp: bytearray) -> bytes:
    """``packet`` with its ICMPv6 message replaced by ``icmp`` (checksum recomputed)."""
    from ipaddress import IPv6Address

    src, dst = IPv6Address(packet[8:24]), IPv6Address(packet[24:40])
    icmp[2:4] = b"\x00\x00"
    icmp[2:4] = icmpv6_checksum(src, dst, bytes(icmp)).to_bytes(2, "big")
    return packet[:40] + bytes(icmp)


def malformed(packet: bytes) -> bytes:
    """The request with the Length of its first option set to zero, checksum corrected."""
    icmp = bytearray(packet[40:])
    assert icmp[8] == FmipLinkLayerAddressOption.TYPE  # first option after the 8-octet header
    icmp[9] = 0
    return _with_icmp(packet, icmp)


def wrong_key_hash(packet: bytes) -> bytes:
    """The request with its RSA Signature option's Key Hash naming another key."""
    icmp = bytearray(packet[40:])
    offset = signed_portion(bytes(icmp)).signature_offset
    assert offset is not None and icmp[offset] == RsaSignatureOption.TYPE
    icmp[offset + 4: offset + 20] = hashlib.sha1(b"another key").digest()[:16]  # noqa: S324
    return _with_icmp(packet, icmp)


KINDS = {
    "unsigned": strip_signature,
    "malformed": malformed,
    "wrong key hash": wrong_key_hash,
}
EXPECTED_REASON = {"unsigned": "unsigned", "malformed": "malformed",
                   "wrong key hash": "key-mismatch"}


def _nothing() -> None:
    """An empty call: what timing one call costs by itself."""


def strict_decode(packet: bytes) -> None:
    """The reference's strict decode of a packet, its DecodeError included."""
    try:
        open_packet(packet, DEFAULT.badf_length)
    except DecodeError:
        pass


def run(count: int = 300, bits: int = 1024) -> Section:
    """The rejection section."""
    keys = keys_for(bits)
    section = Section("rejection", f"Cost of rejecting an invalid RtSolPr (RSA-{bits})")
    valid_rig = make_rig(bits, limits=ROOMY)
    valid_ar = valid_rig.ar
    round_time = valid_rig.now + 1.0
    rtsolpr, prrtadv = exchange.exchange_round(valid_rig, round_time)
    ar_floor_state, _ = exchange.floors(valid_rig, exchange.SignedParts(rtsolpr, bits),
                                        exchange.SignedParts(prrtadv, bits), round_time)
    bad_ar = make_rig(bits, limits=ROOMY, invalid_request_policy=InvalidRequestPolicy.DROP).ar
    times = [START_TIME + 10 + i * 0.01 for i in range(count)]
    valid = fresh_requests(keys.mn_cga, keys.hkepk, valid_ar.address, times, seed=1)
    bad_base = fresh_requests(keys.attacker, keys.attacker_hkepk, bad_ar.address, times, seed=2)
    invalid = {kind: [make(p) for p in bad_base] for kind, make in KINDS.items()}
    for kind, packets in invalid.items():
        found = {floor.rtsolpr_rejection(p) for p in packets}
        if found != {EXPECTED_REASON[kind]}:
            raise RuntimeError(f"{kind}: the rejection floor finds {found}")
    if {floor.rtsolpr_rejection(p) for p in valid} != {None}:
        raise RuntimeError("the rejection floor rejects a valid request")
    ok = Samples()
    samples = {kind: Samples() for kind in KINDS}
    least = {kind: Samples() for kind in KINDS}
    decode = {kind: Samples() for kind in KINDS}
    least_exchange, empty = Samples(), Samples()
    for i, t in enumerate(times):
        out = ok.timed(partial(deliver, valid_ar, valid[i], t))
        if not any(isinstance(o, KeyInstalled) for o in out):
            raise RuntimeError("a valid request was refused")
        for kind in KINDS:
            out = samples[kind].timed(partial(deliver, bad_ar, invalid[kind][i], t))
            reasons = [o.reason for o in out if isinstance(o, Rejected)]
            if reasons != [EXPECTED_REASON[kind]] or any(isinstance(o, SendPacket)
                                                         for o in out):
                raise RuntimeError(f"{kind}: unexpected outcome {out}")
            least[kind].timed(partial(floor.rtsolpr_rejection, invalid[kind][i]))
            decode[kind].timed(partial(strict_decode, invalid[kind][i]))
        least_exchange.timed(partial(floor.ar_exchange, ar_floor_state, rtsolpr, round_time))
        empty.timed(_nothing)
    us = 1e6
    section.add(Figure(f"valid RtSolPr (new key), RSA-{bits}", ok.median * us, "us",
                       note="reference for the fractions below; medians"))
    for kind, s in samples.items():
        section.add(Figure(f"{kind} RtSolPr rejected", s.median * us, "us",
                           ok.median * us, goal=GOAL, goal_kind="max",
                           note=f"rejected as {EXPECTED_REASON[kind]!r}; medians"))
    for kind in KINDS:
        section.add(Figure(f"{kind}: least Python to reject", least[kind].median * us,
                           "us", ok.median * us, goal=GOAL, goal_kind="max",
                           note="floor: TLV walk (+ Key Hash); medians"))
        section.add(Figure(f"{kind}: the reference's strict decode alone",
                           decode[kind].median * us, "us", ok.median * us, goal=GOAL,
                           goal_kind="max", note="precedes every verdict; medians"))
    for kind in KINDS:
        section.add(Figure(f"{kind}: least Python / least-Python exchange",
                           least[kind].median * us, "us", least_exchange.median * us,
                           goal=GOAL, goal_kind="max",
                           note="both floors (rfc5269.bench.floor); medians"))
    section.add(Figure("timing one empty call (included in every figure)", empty.median * us,
                       "us", note="medians"))
    section.details = {
        "bits": bits, "count": count, "policy": InvalidRequestPolicy.DROP,
        "valid_us": {"median": ok.median * us, "mean": ok.mean * us},
        "kinds": {k: {"median_us": s.median * us, "mean_us": s.mean * us,
                      "fraction_of_valid": s.median / ok.median}
                  for k, s in samples.items()},
        "least_python_exchange_us": least_exchange.median * us,
        "floors": {k: {"least_python_us": least[k].median * us,
                       "strict_decode_us": decode[k].median * us,
                       "least_python_fraction": least[k].median / ok.median,
                       "strict_decode_fraction": decode[k].median / ok.median}
                   for k in KINDS},
    }
    return section
