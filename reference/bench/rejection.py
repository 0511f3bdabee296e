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
"""

from __future__ import annotations

import hashlib
from functools import partial

from rfc5269.attacker import strip_signature
from rfc5269.bench.record import Figure, Section
from rfc5269.bench.rig import deliver, fresh_requests, keys_for, make_rig
from rfc5269.bench.timing import Samples
from rfc5269.nodes.config import ArLimits, InvalidRequestPolicy
from rfc5269.nodes.events import KeyInstalled, Rejected, SendPacket
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


def run(count: int = 300, bits: int = 1024) -> Section:
    """The rejection section."""
    keys = keys_for(bits)
    section = Section("rejection", f"Cost of rejecting an invalid RtSolPr (RSA-{bits})")
    valid_ar = make_rig(bits, limits=ROOMY).ar
    bad_ar = make_rig(bits, limits=ROOMY, invalid_request_policy=InvalidRequestPolicy.DROP).ar
    times = [START_TIME + 10 + i * 0.01 for i in range(count)]
    valid = fresh_requests(keys.mn_cga, keys.hkepk, valid_ar.address, times, seed=1)
    bad_base = fresh_requests(keys.attacker, keys.attacker_hkepk, bad_ar.address, times, seed=2)
    invalid = {kind: [make(p) for p in bad_base] for kind, make in KINDS.items()}
    ok = Samples()
    samples = {kind: Samples() for kind in KINDS}
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
    us = 1e6
    section.add(Figure(f"valid RtSolPr (new key), RSA-{bits}", ok.median * us, "us",
                       note="reference for the fractions below; medians"))
    for kind, s in samples.items():
        section.add(Figure(f"{kind} RtSolPr rejected", s.median * us, "us",
                           ok.median * us, goal=GOAL, goal_kind="max",
                           note=f"rejected as {EXPECTED_REASON[kind]!r}; medians"))
    section.details = {
        "bits": bits, "count": count, "policy": InvalidRequestPolicy.DROP,
        "valid_us": {"median": ok.median * us, "mean": ok.mean * us},
        "kinds": {k: {"median_us": s.median * us, "mean_us": s.mean * us,
                      "fraction_of_valid": s.median / ok.median}
                  for k, s in samples.items()},
    }
    return section
