"""The PAR's FBU verification rate against raw HMAC (RFC 5269 §3.5, RFC 5568 §6.4.5).

A warmed-up AR holds the MN's handover key; the MN sends FBUs (increasing
Sequence Numbers, each authenticated with the key; made before timing). The
PAR handles each: decodes the packet, finds the key by the Home Address
option's PCoA, verifies the BADF authenticator, checks the sequence number,
changes forwarding and answers with an authenticated FBack.

Baseline, in the same run: the two HMACs that work needs (verifying the
FBU's authenticator and computing the FBack's) with ``hmac`` over the same
mobility data, and the constant-time comparison.
"""

from __future__ import annotations

import hmac
from functools import partial
from ipaddress import IPv6Address

from rfc5269.bench.record import Figure, Section
from rfc5269.bench.rig import deliver, make_rig, sent_packets
from rfc5269.bench.timing import Samples
from rfc5269.handover.authenticator import mobility_data
from rfc5269.interpretations import DEFAULT
from rfc5269.nodes.events import ForwardingChanged, StartHandover
from rfc5269.nodes.packets import open_packet
from rfc5269.wire.mobility import badf_of, mh_data_for_authenticator

NCOA = IPv6Address("2001:db8:b::1234")


def run(count: int = 2_000) -> Section:
    """The FBU section."""
    rig = make_rig(1024)
    ar, mn = rig.ar, rig.mn
    record = ar.keys.get(mn.address)
    assert record is not None
    now = rig.now + 1.0
    fbus = []
    for _ in range(count):
        (fbu,) = sent_packets(list(mn.handle(StartHandover(ar.address, NCOA), now)))
        fbus.append(fbu.packet)
    received = open_packet(fbus[0], DEFAULT.badf_length)
    mh = mh_data_for_authenticator(received.upper_layer, DEFAULT.badf_length)
    data = mobility_data(NCOA, ar.address, mh)
    badf = badf_of(received.message.options)
    assert badf is not None
    tag = badf.authenticator
    key = record.key

    def raw() -> None:
        hmac.compare_digest(hmac.new(key, data, "sha1").digest()[:12], tag)
        hmac.new(key, data, "sha1").digest()

    ours, floor = Samples(), Samples()
    for i, packet in enumerate(fbus):
        t = now + i * 1e-3
        out = ours.timed(partial(deliver, ar, packet, t))
        if not any(isinstance(o, ForwardingChanged) for o in out):
            raise RuntimeError(f"FBU {i} was not accepted: {out}")
        floor.timed(raw)
    section = Section("fbu", "PAR verification of authenticated FBUs")
    section.add(Figure("FBUs verified and acknowledged per CPU-second", 1 / ours.mean, "1/s",
                       1 / floor.mean, note="baseline: 2 HMAC-SHA1 + compare_digest; means"))
    section.add(Figure("CPU time per FBU", ours.median * 1e6, "us", floor.median * 1e6,
                       note="medians"))
    section.details = {"count": count, "per_fbu_us": ours.median * 1e6,
                       "raw_hmac_us": floor.median * 1e6, "algorithm": record.algorithm}
    return section
