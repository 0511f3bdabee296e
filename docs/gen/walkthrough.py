"""Protocol walkthrough: the exchange, the handover and the FBU as sequence charts.

The charts follow the message flow of RFC 5269 §3 (with RFC 3971 §6.4 for
certificate path discovery and RFC 5568 §6.2 for the FBU/FBack). The notes
say what each side checks; where the nodes' transition tables exist, the list
of checks under each step is taken from the row that handles that input, with
the requirement IDs the row and its checks carry, so the text cannot drift
from the implementation. When the in-memory demo can run, its recorded run is
drawn as well, straight from the link's packet log and the nodes' trace.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gen import live_run, state_machines
from gen.msc import Chart, Message, Note, render_svg
from gen.util import diagram_block, esc, heading


@dataclass(frozen=True)
class Step:
    """One arrow of a scripted chart, with what the receiver checks."""

    src: str
    dst: str
    label: str
    checks: str = ""  # paraphrase of what the receiver verifies, with sections
    inputs: tuple[str, ...] = ()  # input kinds of the receiver's table rows
    style: str = "solid"
    note: str = ""  # the short form of ``checks`` drawn in the chart


@dataclass(frozen=True)
class Scene:
    """A chart with its introduction."""

    ident: str
    title: str
    intro: str
    actors: tuple[str, ...]
    steps: tuple[Step | Note, ...]


SCENES: tuple[Scene, ...] = (
    Scene(
        "exchange",
        "Certificate path discovery and handover key exchange",
        "Before the exchange the MN holds one or more SEND trust anchors, and it makes a "
        "handover key encryption key pair of the same algorithm and size as its SEND key, "
        "used for nothing else (RFC 5269 §3.1). If it does not have the AR's certification "
        "path yet, it must obtain it with CPS/CPA (RFC 3971 §6.4; RFC 5269 §3.3): before "
        "the RtSolPr, as drawn here, or, as the reference's MN does (see the recorded run "
        "at the end of this page), when a PrRtAdv arrives signed by a key it cannot place "
        "yet; it then keeps that PrRtAdv until the path is complete. The MN "
        "sends a SEND-signed RtSolPr carrying a Handover Key Request option; the AR answers "
        "with a SEND-signed PrRtAdv carrying the handover key encrypted to the MN's "
        "public key (RFC 5269 §3.2).",
        ("MN", "AR"),
        (
            Note("MN", "Holds trust anchors; makes the handover key encryption key pair "
                       "(RFC 5269 §3.1).", kind="state"),
            Step("MN", "AR",
                 "CPS (ICMPv6 148): identifier, component, Trust Anchor option(s)",
                 "The AR answers with the certification path toward a trust anchor the MN "
                 "named (RFC 3971 §6.4.1, §6.4.2).",
                 ("CPS",),
                 note="Picks the path toward a trust anchor the MN named."),
            Step("AR", "MN",
                 "CPA (ICMPv6 149): same identifier, Certificate option(s)",
                 "The MN checks the path ends at one of its trust anchors, that each "
                 "certificate is valid and allows the router role, and that the AR's "
                 "certificate covers the prefixes it serves (RFC 3971 §6.3, §6.4.6); it "
                 "caches the router's certified key (RFC 5269 §3.3).",
                 ("CPA",), "dashed",
                 note="Checks: path ends at a trust anchor; router role; prefixes covered. "
                      "Caches the certified key."),
            Step("MN", "AR",
                 "RtSolPr (154/2) from the MN's CGA: CGA, Timestamp, Nonce N, "
                 "Handover Key Request (AT, encryption public key), RSA Signature",
                 "SEND validation first (RFC 5269 §3.2, RFC 3971 §5): the source is the "
                 "CGA of the key in the CGA option (RFC 3972 §5), the signature covers the "
                 "addresses, header and options before it (RFC 3971 §5.2), the timestamp is "
                 "within the window and newer than the last one from that CGA (§5.3.4), a "
                 "nonce is present (RFC 5269 §3.1). If validation fails the AR may still "
                 "answer, but with no Handover Key Reply and no change to any key record "
                 "(RFC 5269 §3.2).",
                 ("RtSolPr+HKR",),
                 note="Checks: CGA, signature, timestamp, nonce present, Handover Key "
                      "Request well-formed. On failure: no key, no record change."),
            Note("AR", "Existing key for this CGA? Return it. Otherwise make a fresh random key "
                       "of the strength the algorithm needs, unique per CGA key (RFC 5269 "
                       "§3.6). Resolve AT, record key, AT and HK-LIFETIME under the CGA "
                       "(§3.2).", kind="state"),
            Step("AR", "MN",
                 "PrRtAdv (154/3) to the MN's CGA: CGA, Timestamp, Nonce N (echoed), "
                 "Handover Key Reply (AT, Key Lifetime, encrypted key), RSA Signature",
                 "The MN validates it with SEND and checks the signing key is the router's "
                 "certified key, dropping it otherwise (RFC 5269 §3.3); the nonce must match "
                 "an outstanding RtSolPr, which names the private key to decrypt with; the AT "
                 "must be one the MN supports. It stores the key under the AR's address and "
                 "its own CGA with the AT and the lifetime (§3.3).",
                 ("PrRtAdv",), "dashed",
                 note="Checks: SEND, signed by the certified router key, nonce matches, AT "
                      "supported. Decrypts and stores the key."),
        ),
    ),
    Scene(
        "handover",
        "Handover: the FBU authenticated with the handover key",
        "When the MN moves, it sends a Fast Binding Update to the Previous AR, from the "
        "PAR's link when it can (predictive mode) or right after attaching to the New AR "
        "(reactive mode) (RFC 5568 §3). The FBU carries the previous care-of CGA in a Home "
        "Address option and a BADF option whose authenticator is computed with the "
        "handover key (RFC 5269 §3.4, RFC 5568 §6.4.5). The PAR finds the key by that CGA "
        "and verifies the authenticator before it changes any forwarding (RFC 5269 §3.5). "
        "The PAR-NAR exchange (HI/HAck) is FMIPv6's own business and is drawn only for "
        "orientation.",
        ("MN", "PAR", "NAR"),
        (
            Note("MN", "Chooses the key by the PAR's address and its previous care-of CGA "
                       "(RFC 5269 §3.4).", kind="state"),
            Step("MN", "PAR",
                 "FBU (MH type 8): sequence, lifetime; Home Address = PCoA (CGA); "
                 "Alternate CoA = NCoA; BADF (SPI, authenticator)",
                 "The PAR looks up the key with the CGA in the Home Address option; with no "
                 "key it must not change forwarding for that address (RFC 5269 §3.5). It "
                 "verifies the authenticator with the recorded algorithm (RFC 5568 §6.4.5, "
                 "RFC 3775 §6.2.7), and the BADF must be the last option.",
                 ("FBU",),
                 note="Checks: key found by the Home Address CGA, authenticator, BADF last. "
                      "On failure: no forwarding change."),
            Step("PAR", "NAR", "HI / HAck (RFC 5568 §6.2.4, §6.2.5; outside RFC 5269)",
                 style="dashed"),
            Step("PAR", "MN",
                 "FBack (MH type 9): status, sequence, lifetime, BADF (authenticated with "
                 "the same key)",
                 "The MN matches the sequence number to its outstanding FBU and checks the "
                 "authenticator (RFC 5568 §6.2.3, §10).",
                 ("FBack",), "dashed",
                 note="Checks: sequence matches the FBU, authenticator."),
            Note("PAR", "Tunnels traffic for the PCoA to the NCoA. When forwarding times out, "
                        "or HK-LIFETIME expires, discards the key (RFC 5269 §3.6).",
                 kind="state"),
        ),
    ),
    Scene(
        "replay",
        "What a replayed or forged message meets",
        "The checks exist for an attacker on the link. A replayed PrRtAdv carries a nonce "
        "the MN no longer expects (RFC 3971 §5.3.4.1, RFC 5269 §3.3); a PrRtAdv signed with "
        "a CGA key that no trust anchor certifies is dropped (RFC 5269 §3.3); an RtSolPr "
        "that fails SEND validation gets no key and changes no record (RFC 5269 §3.2); an FBU "
        "for an address with no key, or with a wrong authenticator, changes no forwarding "
        "(RFC 5269 §3.5).",
        ("MN", "Attacker", "AR"),
        (
            Step("Attacker", "AR",
                 "RtSolPr with the MN's CGA as source, signed with the attacker's key",
                 "CGA verification fails: the key does not hash to the address "
                 "(RFC 3972 §5). No key, record unchanged (RFC 5269 §3.2).",
                 ("RtSolPr+HKR",), "attack",
                 note="CGA check fails: no key, no record change."),
            Step("Attacker", "MN",
                 "Old PrRtAdv replayed (earlier nonce)",
                 "No outstanding RtSolPr has this nonce: dropped (RFC 5269 §3.3).",
                 ("PrRtAdv",), "attack",
                 note="No outstanding nonce: dropped."),
            Step("Attacker", "AR",
                 "FBU for the MN's PCoA with a guessed authenticator",
                 "Authenticator mismatch: no forwarding change (RFC 5269 §3.5).",
                 ("FBU",), "attack",
                 note="Authenticator mismatch: forwarding unchanged."),
        ),
    ),
)


def _table_checks(actor: str, inputs: tuple[str, ...]) -> list[tuple[Any, list[str]]]:
    """Rows of ``actor``'s table handling one of ``inputs``, with check descriptions."""
    out = []
    wanted = {i.lower() for i in inputs}
    roles = {"MN": ("MN",), "AR": ("AR", "PAR"), "PAR": ("PAR", "AR")}.get(actor, (actor,))
    for table in state_machines.find_tables():
        if table.actor not in roles:
            continue
        for row in table.rows:
            if row.input.lower() in wanted:
                lines = []
                for c in row.checks:
                    spec = table.check_specs.get(c)
                    reqs = ", ".join(getattr(spec, "requirements", ())) if spec else ""
                    desc = getattr(spec, "description", "") if spec else ""
                    lines.append(f"``{c}``" + (f" ({esc(reqs)})" if reqs else "")
                                 + (f": {esc(desc)}" if desc else ""))
                out.append((row, lines))
    return out


def render_scene(scene: Scene) -> str:
    """The scene's chart and its step-by-step table."""
    chart = Chart(scene.title, list(scene.actors))
    text = heading(scene.title, "-") + esc(scene.intro) + "\n\n"
    explained: list[tuple[int, Step]] = []
    n = 0
    for step in scene.steps:
        if isinstance(step, Note):
            chart.steps.append(step)
            continue
        n += 1
        chart.steps.append(Message(step.src, step.dst, f"{n}. {step.label}", step.style))
        if step.note:
            chart.steps.append(Note(step.dst, step.note,
                                    kind="fail" if step.style == "attack" else "check"))
        explained.append((n, step))
    text += diagram_block("msc", f"walkthrough-{scene.ident}",
                          render_svg(chart, f"msc-{scene.ident}"), scene.title)
    text += heading("Step by step", "~")
    for n, step in explained:
        text += f"{n}. **{esc(step.src)} → {esc(step.dst)}: {esc(step.label)}**\n\n"
        if step.checks:
            text += f"   *{esc(step.dst)} checks:* {esc(step.checks)}\n\n"
        rows = _table_checks(step.dst, step.inputs) if step.inputs else []
        for row, lines in rows:
            text += (f"   In the reference, row ``{row.name}`` of the {esc(row.actor)} table "
                     f"({esc(', '.join(row.requirements))}) performs, in order:\n\n")
            text += "".join(f"   * {line}\n" for line in lines) or "   * (no checks)\n"
            text += "\n"
    return text


def generate() -> dict[str, str]:
    """``walkthrough.inc``."""
    text = (
        "The charts below are drawn at build time. Solid arrows are requests, dashed ones "
        "answers; red arrows come from an attacker. Blue notes say what the receiver "
        "checks; grey notes are state changes. Under each chart, every step is spelled out "
        "with the sections that require the checks and, where the reference's transition "
        "tables exist, the checks of the row that handles the message.\n\n"
    )
    for scene in SCENES:
        text += render_scene(scene)
    text += live_run.render()
    return {"walkthrough.inc": text}
