"""The bug zoo through trace conformance: one targeted scenario per variant.

Each scenario drives an AR and an MN of the adversarial harness's world
(tests/adversarial/harness.py) so that the variant's fault shows; the run's
trace is then replayed through the model. A variant is *caught* when the
checker raises :class:`~rfc5269.conformance.ConformanceMismatch`. Every
scenario is also run on the reference itself, which must conform (so a catch
is the variant's doing, not the scenario's).

``python -m tests.conformance.zoo --json reference/data/zoo_conformance.json``
regenerates the table.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from ipaddress import IPv6Address
from pathlib import Path
from typing import Any

from rfc5269.attacker import strip_signature
from rfc5269.conformance import ConformanceMismatch, ConformanceReport
from rfc5269.io.memlink import Delivery
from rfc5269.nodes.events import RequestHandoverKey, StartHandover
from rfc5269.scenario import NEW_AP, seeded_rng
from rfc5269.send.keys import public_key_der
from rfc5269.wire.fmip import PrRtAdv, RtSolPr
from rfc5269.wire.ndopt import HandoverKeyReply, HandoverKeyRequest

from tests.adversarial import harness as h
from tests.adversarial.machine import tampered
from tests.zoo.variants import VARIANTS, Variant

from .scenarios import Run, world_run

TABLE = Path(__file__).resolve().parents[2] / "reference" / "data" / "zoo_conformance.json"


# ====================================================================== world helpers


def last_sent(world: h.World, sender: str, kind: type, keyed: bool | None = None) -> bytes:
    """The latest packet of ``kind`` ``sender`` put on the wire (``keyed``: with a key reply)."""
    for d in reversed(world.link.wire):
        if d.sender != sender or d.dropped:
            continue
        r = h.decoded(d.packet)
        if r is None or not isinstance(r.message, kind):
            continue
        if keyed is not None and keyed != any(isinstance(o, HandoverKeyReply)
                                              for o in h.signed_options(d.packet)):
            continue
        return d.packet
    raise LookupError(f"{sender} sent no {kind.__name__}")


def exchange(world: h.World) -> None:
    world.link.give(world.mn.name, RequestHandoverKey(world.ar.node.address, NEW_AP))


def handover(world: h.World, from_par_link: bool = True) -> None:
    world.link.give(world.mn.name, StartHandover(world.ar.node.address, h.NCOA, from_par_link))


def answer_cps(world: h.World, router: Any, held: Any) -> None:
    """Answer the MN's latest CPS to ``router`` with the CPAs of ``held``."""
    for d in reversed(world.link.wire):
        if d.sender == world.mn.name and d.packet[24:40] == router.address.packed:
            for cpa in h.cps_answer(d.packet, held, router.address):
                world.link.inject(cpa)
            return


def rogue_answer(world: h.World, certified: bool, at: int, copy_nonce: bool) -> None:
    """A rogue router answers the MN's latest RtSolPr (certified under the MN's anchor or not)."""
    rtsolpr = last_sent(world, world.mn.name, RtSolPr)
    r = h.decoded(rtsolpr)
    assert r is not None
    nonce = h.nonce_of(r.message) if copy_nonce else h.counter_key(99, 6)
    assert nonce is not None
    identity = world.rogue_certified if certified else world.rogue_uncertified
    key = h.counter_key(7, 32 if at == 1 else 20)
    world.link.inject(h.prrtadv_from(identity, rtsolpr, key, at, nonce, world.link.now,
                                     seeded_rng(0, "zoo-rogue")))
    if certified:
        answer_cps(world, identity, world.rogue_certified_path)


def keyless_answer_with_appended_reply(world: h.World) -> None:
    """Corrupt the MN's RtSolPr in flight; append a reply after the keyless answer's signature."""
    held: list[Delivery] = []

    def hook(d: Delivery) -> list[bytes] | None:
        if d.sender == world.mn.name and not held:
            held.append(d)
            altered = tampered(d.packet, "corrupt-signature", 0)
            return [altered] if altered is not None else []
        return None

    world.link.adversary = hook
    exchange(world)
    world.link.adversary = None
    answer = last_sent(world, world.ar.name, PrRtAdv, keyed=False)
    rtsolpr = held[0].packet
    r = h.decoded(answer)
    assert r is not None
    forged = h.prrtadv_from(world.rogue_uncertified, rtsolpr, h.counter_key(5, 32), 1,
                            h.nonce_of(r.message) or b"\0" * 6, world.link.now,
                            seeded_rng(0, "zoo-append"))
    f = h.decoded(forged)
    assert f is not None
    reply = next(o for o in f.message.options if isinstance(o, HandoverKeyReply))
    kept = tuple(o for o in r.message.options if not isinstance(o, HandoverKeyReply))
    world.link.inject(h.reencode_icmp(answer, (*kept, reply)))


# ====================================================================== scenarios


def s_stripped_rtsolpr_with_attacker_hkepk(world: h.World) -> None:
    exchange(world)
    packet = last_sent(world, world.mn.name, RtSolPr)
    r = h.decoded(packet)
    assert r is not None
    own = public_key_der(world.attacker_hkepk)
    options = tuple(HandoverKeyRequest(o.algorithm_type, own)
                    if isinstance(o, HandoverKeyRequest) else o for o in r.message.options)
    world.link.advance(0.5)
    world.link.inject(strip_signature(h.reencode_icmp(packet, options)))


def s_attacker_signs_for_mn_address(world: h.World) -> None:
    exchange(world)
    world.link.advance(0.5)
    world.link.inject(h.rtsolpr_from(world.attackers[0], world.ar.node.address,
                                     world.attacker_hkepk, 1, h.counter_key(1, 6),
                                     world.link.now, src=world.mn.node.address))


def s_invalid_rtsolpr_before_exchange(world: h.World) -> None:
    world.link.inject(h.rtsolpr_from(world.attackers[0], world.ar.node.address,
                                     world.attacker_hkepk, 1, h.counter_key(1, 6),
                                     world.link.now, src=world.mn.node.address))


def s_corrupted_rtsolpr_after_exchange(world: h.World) -> None:
    exchange(world)
    packet = last_sent(world, world.mn.name, RtSolPr)
    world.link.advance(0.5)
    altered = tampered(packet, "corrupt-signature", 3)
    assert altered is not None
    world.link.inject(altered)


def s_honest_exchange(world: h.World) -> None:
    exchange(world)


def s_two_exchanges(world: h.World) -> None:
    exchange(world)
    world.link.advance(5.0)
    exchange(world)


def s_late_replay_of_rtsolpr(world: h.World) -> None:
    exchange(world)
    packet = last_sent(world, world.mn.name, RtSolPr)
    world.link.advance(400.0)
    world.link.inject(packet)


def s_flood(world: h.World) -> None:
    for who in range(h.N_ATTACKER_CGAS):
        world.link.inject(h.rtsolpr_from(world.attackers[who], world.ar.node.address,
                                         world.attacker_hkepk, 0, h.counter_key(who, 6),
                                         world.link.now))


def s_fbu_with_foreign_badf(world: h.World) -> None:
    exchange(world)
    world.link.advance(1.0)
    handover(world)
    fbu = last_sent_any(world, world.mn.name)  # the FBU just sent
    forged = h.strip_badf(fbu, h.ATTACKER_NCOA)
    assert forged is not None
    world.link.inject(forged)


def last_sent_any(world: h.World, sender: str) -> bytes:
    for d in reversed(world.link.wire):
        if d.sender == sender and not d.dropped:
            return d.packet
    raise LookupError(sender)


def s_replayed_fbu(world: h.World) -> None:
    exchange(world)
    world.link.advance(1.0)
    handover(world)
    fbu = last_sent_any(world, world.mn.name)
    world.link.advance(1.0)
    world.link.inject(fbu)


def s_fbu_from_nar_link(world: h.World) -> None:
    exchange(world)
    world.link.advance(1.0)
    handover(world, from_par_link=False)


def s_fbu_without_key(world: h.World) -> None:
    world.link.inject(h.fbu_packet(h.counter_key(3, 32), 1, h.ATTACKER_NCOA,
                                   world.ar.node.address, world.mn.node.address,
                                   h.ATTACKER_NCOA, 7))


def s_uncertified_rogue_answers(world: h.World) -> None:
    exchange(world)
    rogue_answer(world, certified=False, at=1, copy_nonce=True)


def s_certified_rogue_unknown_nonce(world: h.World) -> None:
    exchange(world)
    rogue_answer(world, certified=True, at=1, copy_nonce=False)


def s_replayed_key_answer(world: h.World) -> None:
    exchange(world)
    world.link.advance(0.5)
    world.link.inject(last_sent(world, world.ar.name, PrRtAdv, keyed=True))


def s_certified_rogue_weaker_at(world: h.World) -> None:
    exchange(world)
    rogue_answer(world, certified=True, at=0, copy_nonce=True)


SCENARIOS: dict[str, tuple[str, Callable[[h.World], None]]] = {
    "ar-skips-signature-check": (
        "the MN's RtSolPr with the attacker's HKEPK and no signature",
        s_stripped_rtsolpr_with_attacker_hkepk),
    "ar-skips-cga-check": (
        "an RtSolPr from the MN's address signed with the attacker's CGA key",
        s_attacker_signs_for_mn_address),
    "ar-installs-key-before-validation": (
        "an RtSolPr from the MN's address signed by the attacker, before any exchange",
        s_invalid_rtsolpr_before_exchange),
    "ar-overwrites-key-on-invalid-request": (
        "an exchange, then the MN's RtSolPr with a corrupted signature",
        s_corrupted_rtsolpr_after_exchange),
    "ar-omits-nonce": ("an honest exchange", s_honest_exchange),
    "ar-new-key-on-every-request": ("two honest exchanges", s_two_exchanges),
    "ar-answers-weaker-algorithm": ("an honest exchange", s_honest_exchange),
    "ar-ignores-timestamp-window": (
        "an exchange, then the MN's RtSolPr replayed 400 s later", s_late_replay_of_rtsolpr),
    "ar-unbounded-key-records": (
        "validly signed RtSolPrs from six attacker CGAs (table bound 4)", s_flood),
    "par-accepts-fbu-without-handover-key-badf": (
        "an exchange and handover, then the FBU with a BADF of SPI 1", s_fbu_with_foreign_badf),
    "par-ignores-sequence-number": (
        "an exchange and handover, then the FBU replayed", s_replayed_fbu),
    "par-looks-up-key-by-source": (
        "an exchange, then an FBU sent from the NAR's link", s_fbu_from_nar_link),
    "par-forwards-without-key": (
        "an FBU for the MN's PCoA before any key exists", s_fbu_without_key),
    "mn-accepts-uncertified-router": (
        "an exchange, then an uncertified rogue router answers the same nonce",
        s_uncertified_rogue_answers),
    "mn-skips-nonce-match": (
        "an exchange, then a certified rogue router answers with an unknown nonce",
        s_certified_rogue_unknown_nonce),
    "mn-reaccepts-answered-nonce": (
        "an exchange, then the AR's key answer replayed", s_replayed_key_answer),
    "mn-decrypts-before-verifying": ("an honest exchange", s_honest_exchange),
    "mn-accepts-weaker-algorithm": (
        "an exchange, then a certified rogue router answers with a weaker AT",
        s_certified_rogue_weaker_at),
    "mn-processes-options-after-signature": (
        "the MN's RtSolPr corrupted in flight; a reply appended after the AR's keyless "
        "answer's signature", keyless_answer_with_appended_reply),
}
"""Variant name -> (scenario description, driver)."""

WHY_NOT_CAUGHT: dict[str, str] = {
    "ar-ignores-timestamp-window":
        "SEND timestamps are outside the step relation (the separate arithmetic sub-model of "
        "property 7): the model lets the network replay any RtSolPr, so accepting a stale "
        "one is not a step the model refuses",
    "ar-unbounded-key-records":
        "state bounds are abstracted (the model keeps one record per CGA, unbounded): the "
        "reference's record_capacity rejection is a dropped message, and the variant's "
        "acceptance is a step the model allows",
}


# ====================================================================== running


@dataclass
class Outcome:
    """One variant (or the reference) through one scenario."""

    caught: bool
    report: ConformanceReport | None
    mismatch: ConformanceMismatch | None


def judge(variant: Variant | None, scenario: Callable[[h.World], None]) -> Outcome:
    """Run ``scenario`` on ``variant`` (None: the reference) and replay it through the model."""
    classes = h.Classes()
    if variant is not None and variant.role == "AR":
        classes = h.Classes(ar=variant.cls)
    elif variant is not None:
        classes = h.Classes(mn=variant.cls)
    world = h.build_world(classes)
    run: Run = world_run(world)
    scenario(world)
    try:
        report = run.check()
    except ConformanceMismatch as exc:
        return Outcome(True, None, exc)
    return Outcome(False, report, None)


MACHINE_EXAMPLES = 200


def machine_catch(variant: Variant | None, examples: int = MACHINE_EXAMPLES) -> dict[str, Any]:
    """Run the adversarial machine on ``variant`` (None: the reference), the model sole judge.

    The harness's oracle is switched off; after every step the trace so far is
    fed to a :class:`~rfc5269.conformance.ConformanceMonitor`. Returns whether a
    :class:`ConformanceMismatch` was raised and after how many steps.
    """
    from hypothesis import HealthCheck, Phase, settings
    from hypothesis import strategies as st
    from hypothesis.stateful import invariant, rule
    from rfc5269.conformance import ConformanceMonitor

    from tests.adversarial.machine import FBU_ATTACKS, machine_for

    if variant is None:
        base = machine_for(name="reference")
    else:
        base = machine_for(ar=variant.cls if variant.role == "AR" else None,
                           mn=variant.cls if variant.role == "MN" else None,
                           name=variant.name.replace("-", "_"))
    counter = {"steps": 0}

    class Judged(base):  # type: ignore[valid-type,misc]
        def __init__(self) -> None:
            super().__init__()
            run = world_run(self.world)
            self.monitor = ConformanceMonitor(run.recorder, run.principals, run.cfg, run.t0)
            self.oracle.check = lambda now: None  # the model is the only judge

        def invariants_hold(self) -> None:  # replaces the oracle's invariant
            return None

        # The honest rules also assert liveness (an oracle check): leave it to the oracle.
        @rule()
        def honest_round(self) -> None:
            try:
                super().honest_round()
            except h.Violation:
                pass

        @rule(from_par_link=st.booleans(), then=st.sampled_from((None, *FBU_ATTACKS)))
        def honest_handover(self, from_par_link: bool, then: str | None = None) -> None:
            try:
                super().honest_handover(from_par_link, then)
            except h.Violation:
                pass

        @invariant()
        def conforms(self) -> None:
            counter["steps"] += 1
            self.monitor.feed(self.world.log.events)

    Judged.TestCase.settings = settings(
        derandomize=True, max_examples=examples, stateful_step_count=30, deadline=None,
        database=None, phases=[Phase.generate], suppress_health_check=list(HealthCheck))
    error: BaseException | None = None
    try:
        Judged.TestCase().runTest()
    except BaseException as exc:  # any failure is reported
        error = exc
    return {
        "caught": isinstance(error, ConformanceMismatch),
        "steps": counter["steps"],
        "other_failure": None if error is None or isinstance(error, ConformanceMismatch)
        else f"{type(error).__name__}: {str(error)[:160]}",
        "disagreement": error.what if isinstance(error, ConformanceMismatch) else None,
    }


def table(with_machine: bool = False) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """The zoo_conformance table (one row per variant) and the reference's machine run."""
    rows = []
    reference_machine = machine_catch(None) if with_machine else None
    for v in VARIANTS:
        description, scenario = SCENARIOS[v.name]
        out = judge(v, scenario)
        reference = judge(None, scenario)
        mismatch = out.mismatch
        rows.append({
            "variant": v.name,
            "role": v.role,
            "requirement": v.requirement,
            "fault": v.fault,
            "scenario": description,
            "caught_by_trace_conformance": out.caught,
            "reference_conforms_on_scenario": not reference.caught,
            "step": mismatch.step if mismatch is not None else None,
            "reference_event": (f"{mismatch.event.node} {mismatch.event.transition!r} -> "
                                f"{mismatch.event.verdict}" if mismatch is not None else None),
            "disagreement": mismatch.what if mismatch is not None else None,
            "why_not_caught": WHY_NOT_CAUGHT.get(v.name) if not out.caught else None,
        })
        if reference_machine is not None:
            found = machine_catch(v)
            # A disagreement the reference itself shows at the same step is not the variant's.
            found["attributable_to_variant"] = found["caught"] and not (
                reference_machine["caught"]
                and (found["steps"], found["disagreement"])
                == (reference_machine["steps"], reference_machine["disagreement"]))
            rows[-1]["adversarial_machine"] = found
    return rows, reference_machine


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--json", help="write the table here")
    parser.add_argument("--machine", action="store_true",
                        help="also run the adversarial machine with the model as sole judge")
    args = parser.parse_args(argv)
    rows, reference_machine = table(args.machine)
    for r in rows:
        print(f"{r['variant']:45} caught={r['caught_by_trace_conformance']!s:5} "
              f"reference-ok={r['reference_conforms_on_scenario']!s:5} "
              f"{r['disagreement'] or r['why_not_caught'] or ''}"[:160]
              + (f" | machine: {r['adversarial_machine']}"[:200] if args.machine else ""))
    if args.json:
        Path(args.json).write_text(json.dumps({
            "generated_by": "python -m tests.conformance.zoo --machine --json "
                            "reference/data/zoo_conformance.json",
            "checker": "rfc5269.conformance.check_trace (model: rfc5269.model.concrete.step)",
            "adversarial_machine": (
                f"tests/adversarial machine, oracle off, model as sole judge after every step; "
                f"derandomized, {MACHINE_EXAMPLES} examples x 30 steps") if args.machine
            else None,
            "caught": sum(r["caught_by_trace_conformance"] for r in rows),
            "caught_by_machine": sum(r.get("adversarial_machine", {}).get(
                "attributable_to_variant", False) for r in rows) if args.machine else None,
            "reference_under_machine": reference_machine,
            "variants": rows,
        }, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())


__all__ = ["SCENARIOS", "WHY_NOT_CAUGHT", "IPv6Address", "judge", "main", "table"]
