"""``rfc5269 demo``: the whole exchange, a handover, and an attacker, on the in-memory link.

No privileges, no configuration, no network: a test PKI, an AR holding a
certified SEND router key, an MN trusting the PKI's anchor, and a link with
a simulated clock (:mod:`rfc5269.scenario`). The demo runs

1. the key exchange: RtSolPr with a Handover Key Request, the PrRtAdv with the
   encrypted key, CPS/CPA for the router's certification path (RFC 5269
   §3.1–§3.3);
2. a handover: the MN's FBU authenticated with the key, the PAR's forwarding
   change and its FBack (RFC 5269 §3.4–§3.5);
3. an attacker who replays, strips signatures, forges a PrRtAdv with an
   uncertified router key, and replays and tampers FBUs — each attempt
   must be rejected, with the check that rejected it and its requirement ID.

``--json`` prints the whole run for machines, ``--pcap FILE`` writes every
packet for Wireshark, ``--show-keys`` prints the handover key itself.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict, dataclass, field
from ipaddress import IPv6Address
from typing import Any, TextIO

from rfc5269.attacker import (
    forge_prrtadv,
    strip_signature,
    tamper_authenticator,
    untrusted_path_answer,
)
from rfc5269.io.memlink import Delivery, write_pcap
from rfc5269.nodes.config import make_identity
from rfc5269.nodes.events import RequestHandoverKey, StartHandover
from rfc5269.nodes.records import key_id
from rfc5269.nodes.trace import TraceEvent
from rfc5269.scenario import (
    LINK_LOCAL,
    NEW_AP,
    Exchange,
    make_exchange,
    seeded_rng,
)
from rfc5269.send import testpki

NCOA = IPv6Address("2001:db8:b::1234")


@dataclass
class Attempt:
    """One attack and what became of it."""

    name: str
    target: str
    rejected: bool
    reason: str | None
    requirements: tuple[str, ...]
    state_unchanged: bool
    detail: str = ""


@dataclass
class Step:
    """One part of the demo: its events and what it established."""

    title: str
    events: list[TraceEvent] = field(default_factory=list)
    outcome: dict[str, Any] = field(default_factory=dict)


@dataclass
class DemoRun:
    """Everything the demo did."""

    steps: list[Step]
    attempts: list[Attempt]
    wire: list[Delivery]
    ok: bool


def _events_since(ex: Exchange, mark: int) -> list[TraceEvent]:
    return list(ex.log.events[mark:])


def _last_sent(ex: Exchange, sender: str, kind: str) -> bytes:
    for d in reversed(ex.link.wire):
        if d.sender == sender and not d.dropped and kind in d.description:
            return d.packet
    raise LookupError(f"{sender} sent no {kind}")


def _judge(ex: Exchange, node: str, mark: int, name: str, detail: str,
           unchanged: bool) -> Attempt:
    """The verdict of ``node`` on the attack delivered since ``mark``."""
    events = [e for e in ex.log.events[mark:] if e.node == node]
    rejected = [e for e in events if e.verdict == "rejected"]
    accepted_key = [e for e in events if e.verdict == "accepted" and e.transition in (
        "accept a handover key", "provision a new handover key",
        "authenticated FBU starts forwarding", "authenticated FBU updates forwarding")]
    event = rejected[0] if rejected else (events[0] if events else None)
    failed = event.failed_check() if event is not None else None
    return Attempt(
        name=name, target=node,
        rejected=bool(rejected) and not accepted_key,
        reason=event.reason if event is not None else "no answer",
        requirements=failed.requirements if failed is not None else (),
        state_unchanged=unchanged, detail=detail)


def run_demo(seed: int = 0) -> DemoRun:
    """Run the whole demo deterministically and return what happened."""
    ex = make_exchange(seed)
    ar, mn, link = ex.ar, ex.mn, ex.link
    steps: list[Step] = []

    # 1. key exchange ---------------------------------------------------------
    mark = len(ex.log)
    link.give(mn.name, RequestHandoverKey(ar.address, NEW_AP))
    mn_key = mn.key_for(ar.address, link.now)
    ar_key = ar.keys.get(mn.address)
    steps.append(Step("Key exchange (RFC 5269 §3.1-§3.3)", _events_since(ex, mark), {
        "mn_key_id": key_id(mn_key.key) if mn_key else None,
        "ar_key_id": key_id(ar_key.key) if ar_key else None,
        "algorithm": mn_key.algorithm if mn_key else None,
        "lifetime": (mn_key.expires - link.now) if mn_key else None,
        "same_key": bool(mn_key and ar_key and mn_key.key == ar_key.key),
        "key": (mn_key.key.hex() if mn_key else None),
    }))

    # 2. handover -------------------------------------------------------------
    link.advance(5)
    mark = len(ex.log)
    link.give(mn.name, StartHandover(ar.address, NCOA, from_par_link=True))
    binding = ar.bindings.get(mn.address)
    steps.append(Step("Handover: authenticated FBU (RFC 5269 §3.4-§3.5)",
                      _events_since(ex, mark), {
                          "forwarding_to": str(binding.ncoa) if binding else None,
                          "fback_accepted": ar.address not in mn.pending_fbu,
                      }))

    # 3. the attacker ---------------------------------------------------------
    attempts: list[Attempt] = []
    mark_attacks = len(ex.log)
    rtsolpr = _last_sent(ex, mn.name, "RtSolPr")
    prrtadv = _last_sent(ex, ar.name, "PrRtAdv with Handover Key Reply")
    fbu = _last_sent(ex, mn.name, "FBU")

    def attack(node: str, name: str, detail: str, packet: bytes, description: str) -> None:
        mark = len(ex.log)
        before = (dict(ar.keys.items()), dict(ar.bindings.items()), dict(mn.keys))
        link.inject(packet, description=description)
        after = (dict(ar.keys.items()), dict(ar.bindings.items()), dict(mn.keys))
        attempts.append(_judge(ex, node, mark, name, detail, before == after))

    attack(mn.name, "replay the AR's PrRtAdv to the MN",
           "the nonce was already answered by this router (CL-09)", prrtadv, "replayed PrRtAdv")
    attack(mn.name, "strip the RSA Signature option of a PrRtAdv",
           "an unsigned PrRtAdv never yields a key", strip_signature(prrtadv),
           "PrRtAdv without signature")
    attack(ar.name, "replay the MN's FBU to the PAR",
           "Sequence Number not newer (RFC 3775 §9.5.1)", fbu, "replayed FBU")
    attack(ar.name, "flip one bit of the FBU's authenticator (checksum recomputed)",
           "BADF authenticator mismatch, compared in constant time",
           tamper_authenticator(fbu), "FBU with a tampered authenticator")
    link.advance(3)
    attack(ar.name, "replay the MN's RtSolPr 3 s later",
           "RFC 3971 §5.3.4.2 timestamp rule for a known peer", rtsolpr, "replayed RtSolPr")
    attack(ar.name, "strip the RSA Signature option of an RtSolPr",
           "unsigned: treated as unsecured, answered without a key (RFC 5269 §3.2)",
           strip_signature(rtsolpr), "RtSolPr without signature")

    # a rogue router: valid CGA, certificate from an anchor the MN does not trust
    rogue_pki = testpki.make_pki(seed + 1, anchor_name="Rogue Anchor")
    rogue = make_identity(rogue_pki.router.rsa_key, LINK_LOCAL, seeded_rng(seed, "rogue"))
    link.give(mn.name, RequestHandoverKey(ar.address, NEW_AP))  # the MN asks again
    fresh_rtsolpr = _last_sent(ex, mn.name, "RtSolPr")
    keys_before = dict(mn.keys)
    chosen_key = bytes(range(20))
    mark = len(ex.log)
    link.inject(forge_prrtadv(fresh_rtsolpr, rogue, chosen_key, link.now,
                              rng=seeded_rng(seed, "rogue-encryption")),
                sender="attacker", description="forged PrRtAdv (uncertified router key)")
    rogue_cps = [d for d in link.wire[-3:] if "CPS" in d.description]
    if rogue_cps:  # the attacker answers the MN's CPS with its own, untrusted path
        for cpa in untrusted_path_answer(rogue_cps[-1].packet, rogue_pki, rogue.address):
            link.inject(cpa, sender="attacker", description="CPA from the rogue router")
    stolen = any(r.key == chosen_key for r in mn.keys.values())
    attempts.append(_judge(ex, mn.name, mark,
                           "answer with a PrRtAdv signed by an uncertified router key",
                           "valid CGA, but no path to the MN's trust anchor (RFC 5269 §3.3)",
                           not stolen and mn.keys == keys_before))

    steps.append(Step("Attacks", _events_since(ex, mark_attacks), {}))

    # 4. forwarding ends ------------------------------------------------------
    mark = len(ex.log)
    link.advance(ar.config.forwarding_lifetime)
    steps.append(Step("Forwarding times out (RFC 5269 §3.6)", _events_since(ex, mark), {
        "par_key_discarded": ar.keys.get(mn.address) is None,
        "mn_still_holds_key": mn.key_for(ar.address, link.now) is not None,
    }))
    ok = (steps[0].outcome["same_key"] and steps[1].outcome["forwarding_to"] == str(NCOA)
          and steps[1].outcome["fback_accepted"]
          and all(a.rejected and a.state_unchanged for a in attempts))
    return DemoRun(steps, attempts, list(link.wire), bool(ok))


# ------------------------------------------------------------------ rendering


def _fmt_event(e: TraceEvent, t0: float) -> str:
    failed = e.failed_check()
    verdict = e.verdict if failed is None else f"rejected: {e.reason}"
    reqs = ", ".join(failed.requirements[:2]) if failed is not None else ""
    line = f"  +{e.time - t0:8.3f}s  {e.node:<3} {e.transition:<44} {verdict}"
    return line + (f"  [{reqs}]" if reqs else "")


def render_text(run: DemoRun, out: TextIO, show_keys: bool = False) -> None:
    """The human-readable transcript."""
    t0 = run.wire[0].time if run.wire else 0.0
    for number, step in enumerate(run.steps, 1):
        out.write(f"\n== {number}. {step.title}\n")
        for e in step.events:
            out.write(_fmt_event(e, t0) + "\n")
        for k, v in step.outcome.items():
            if k == "key" and not show_keys:
                v = "(redacted; --show-keys prints it)"
            out.write(f"     {k}: {v}\n")
    out.write("\n== Attack outcomes\n")
    for a in run.attempts:
        mark = "REJECTED" if a.rejected else "ACCEPTED (!)"
        state = "state unchanged" if a.state_unchanged else "STATE CHANGED (!)"
        reqs = ", ".join(a.requirements) or "-"
        out.write(f"  {mark:<12} {a.name}\n"
                  f"               by {a.target}: {a.reason}  [{reqs}]; {state}\n"
                  f"               ({a.detail})\n")
    out.write(f"\n{len(run.wire)} packets on the wire; "
              f"demo {'succeeded' if run.ok else 'FAILED'}.\n")


def render_json(run: DemoRun, show_keys: bool = False) -> dict[str, Any]:
    """The machine-readable record of the run."""
    steps = []
    for step in run.steps:
        outcome = dict(step.outcome)
        if not show_keys:
            outcome.pop("key", None)
        steps.append({"title": step.title, "events": [e.as_dict() for e in step.events],
                      "outcome": outcome})
    return {
        "ok": run.ok,
        "steps": steps,
        "attempts": [asdict(a) for a in run.attempts],
        "packets": [{"time": d.time, "sender": d.sender, "description": d.description,
                     "receivers": list(d.receivers), "hex": d.packet.hex()}
                    for d in run.wire if not d.dropped],
    }


def register(sub: Any) -> None:
    """Add the ``demo`` subcommand."""
    p: argparse.ArgumentParser = sub.add_parser(
        "demo", help="run the full exchange, a handover and attacks on the in-memory link")
    p.add_argument("--json", action="store_true", help="print the run as JSON")
    p.add_argument("--pcap", metavar="FILE", help="write every packet to a pcap file")
    p.add_argument("--show-keys", action="store_true", help="print handover keys in clear")
    p.add_argument("--seed", type=int, default=0, choices=range(0, 4),
                   help="seed of the deterministic run (0-3)")
    p.add_argument("--netns", action="store_true",
                   help="run AR and MN as processes in network namespaces (needs root)")
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    """Entry point of ``rfc5269 demo``."""
    if args.netns:
        from rfc5269.io import netns

        result: int = netns.main(args)
        return result
    run = run_demo(args.seed)
    if args.pcap:
        write_pcap(args.pcap, run.wire)
    if args.json:
        json.dump(render_json(run, args.show_keys), sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        render_text(run, sys.stdout, args.show_keys)
    return 0 if run.ok else 1
