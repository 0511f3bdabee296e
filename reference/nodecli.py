"""``rfc5269 ar`` and ``rfc5269 mn``: the reference nodes over a real IPv6 interface.

The same sans-IO state machines as the in-memory demo
(:mod:`rfc5269.nodes.ar`, :mod:`rfc5269.nodes.mn`), driven by
:class:`rfc5269.io.rawlink.NodeRunner` with the real clock. Keys,
certificates and trust anchors come from PEM files; ``rfc5269 ar
--write-demo-pki DIR`` writes the project's public test PKI as such files.

Each decision the node records is printed as one line (or one JSON object
per line with ``--json``), followed by a summary. The first line is a
``ready`` record with the node's addresses, so that a supervisor (the netns
demo) knows where the AR listens.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from ipaddress import IPv6Address, IPv6Network
from pathlib import Path
from typing import Any, TextIO

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from rfc5269.errors import ConfigurationError
from rfc5269.io.rawlink import NodeRunner, RawLink, format_mac, parse_mac
from rfc5269.nodes.ar import AccessRouter
from rfc5269.nodes.config import (
    LINK_LOCAL_PREFIX,
    ArConfig,
    MnConfig,
    NeighbourRouter,
    Rng,
    make_identity,
)
from rfc5269.nodes.events import (
    ForwardingChanged,
    KeyInstalled,
    Output,
    RequestHandoverKey,
    SendPacket,
    StartHandover,
    TimerRequest,
)
from rfc5269.nodes.mn import MobileNode
from rfc5269.nodes.packets import ALL_ROUTERS
from rfc5269.nodes.trace import TraceEvent, TraceLog
from rfc5269.send.pkix import TrustAnchor

FBACK_ACCEPTED = "FBack acknowledges the FBU"
"""The MN transition that records an authentic FBack (RFC 5568 §6.2.3)."""

# ------------------------------------------------------------------ files


def load_private_key(path: str) -> rsa.RSAPrivateKey:
    """An unencrypted RSA private key from a PEM file (SEND keys are RSA, RFC 3971 §5.2)."""
    try:
        key = serialization.load_pem_private_key(Path(path).read_bytes(), None)
    except (OSError, ValueError, TypeError) as exc:
        raise ConfigurationError(f"cannot read a private key from {path}: {exc}") from exc
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ConfigurationError(f"{path}: SEND needs an RSA key (RFC 3971 §5.2)")
    return key


def load_certificates(path: str) -> list[x509.Certificate]:
    """Every certificate of a PEM file, in file order."""
    try:
        certificates = x509.load_pem_x509_certificates(Path(path).read_bytes())
    except (OSError, ValueError) as exc:
        raise ConfigurationError(f"cannot read certificates from {path}: {exc}") from exc
    if not certificates:
        raise ConfigurationError(f"{path}: no certificate")
    return certificates


def _spki(key: Any) -> bytes:
    der: bytes = key.public_bytes(serialization.Encoding.DER,
                                  serialization.PublicFormat.SubjectPublicKeyInfo)
    return der


def _pem_key(key: rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def _pem_certs(certificates: list[x509.Certificate]) -> bytes:
    return b"".join(c.public_bytes(serialization.Encoding.PEM) for c in certificates)


@dataclass(frozen=True)
class DemoPkiFiles:
    """Where :func:`write_demo_pki` put the test PKI."""

    anchor: Path
    ar_key: Path
    ar_cert_path: Path
    mn_key: Path


def write_demo_pki(directory: str | Path, seed: int = 0) -> DemoPkiFiles:
    """Write the demo's public test PKI (:mod:`rfc5269.send.testpki`) as PEM files.

    ``anchor.pem`` (trust anchor certificate), ``ar-key.pem`` and
    ``ar-cert-path.pem`` (the router's key, and its path from the anchor's
    first subordinate to the router certificate, RFC 3971 §6.4.2 order),
    ``mn-key.pem`` (the MN's CGA key). Test material only.
    """
    from rfc5269 import scenario
    from rfc5269.send import testpki

    pki = testpki.make_pki(seed)
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    files = DemoPkiFiles(out / "anchor.pem", out / "ar-key.pem", out / "ar-cert-path.pem",
                         out / "mn-key.pem")
    files.anchor.write_bytes(_pem_certs([pki.anchor.certificate]))
    files.ar_key.write_bytes(_pem_key(pki.router.rsa_key))
    files.ar_cert_path.write_bytes(_pem_certs(pki.path))
    files.mn_key.write_bytes(_pem_key(testpki.pool_key(scenario.MN_CGA_KEY)))
    return files


def parse_neighbour(text: str) -> NeighbourRouter:
    """``AP_MAC,NAR_MAC,NAR_ADDRESS,NAR_PREFIX`` (RFC 5568 §6.1.2 neighbour information)."""
    parts = text.split(",")
    if len(parts) != 4:
        raise ConfigurationError(
            f"--neighbour wants AP_MAC,NAR_MAC,NAR_ADDRESS,NAR_PREFIX, got {text!r}")
    try:
        return NeighbourRouter(parse_mac(parts[0]), parse_mac(parts[1]), IPv6Address(parts[2]),
                               IPv6Network(parts[3]))
    except ValueError as exc:
        raise ConfigurationError(f"--neighbour {text!r}: {exc}") from exc


def _rng(seed: int | None) -> Rng:
    if seed is None:
        return os.urandom
    from rfc5269.scenario import seeded_rng

    return seeded_rng(seed, "node")


# ------------------------------------------------------------------ building the nodes


def build_ar(args: argparse.Namespace, mac: bytes) -> AccessRouter:
    """An AR from the command line: certified key, path and anchor from files."""
    key = load_private_key(args.key)
    path = load_certificates(args.cert_path)
    anchor = load_certificates(args.anchor)[0]
    if _spki(path[-1].public_key()) != _spki(key.public_key()):
        raise ConfigurationError(
            "the last certificate of --cert-path must certify --key (RFC 3971 §6.4.2 order)")
    rng = _rng(args.seed)
    identity = make_identity(key, LINK_LOCAL_PREFIX, rng)
    neighbours = tuple(parse_neighbour(n) for n in args.neighbour)
    config = ArConfig(identity, anchor, tuple(path), neighbours=neighbours, lla=mac,
                      hk_lifetime=args.hk_lifetime, name="AR")
    return AccessRouter(config, rng, TraceLog())


def build_mn(args: argparse.Namespace, mac: bytes) -> MobileNode:
    """An MN from the command line: CGA key and trust anchors from files."""
    key = load_private_key(args.key)
    anchors = tuple(TrustAnchor.from_certificate(c)
                    for path in args.anchor for c in load_certificates(path))
    rng = _rng(args.seed)
    identity = make_identity(key, IPv6Network(args.prefix), rng)
    return MobileNode(MnConfig(identity, anchors, lla=mac, name="MN"), rng, TraceLog())


# ------------------------------------------------------------------ printing


def _jsonable(value: Any) -> Any:
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, int | float | str | bool) or value is None:
        return value
    return str(value)


def output_record(out: Output) -> dict[str, Any]:
    """A JSON-friendly rendering of one node output (never key material)."""
    if isinstance(out, SendPacket):
        return {"kind": "SendPacket", "description": out.description, "length": len(out.packet),
                "destination": str(IPv6Address(out.packet[24:40]))}
    record: dict[str, Any] = {"kind": type(out).__name__}
    record.update(_jsonable(asdict(out)))
    return record


@dataclass
class Printer:
    """Prints what a node does, as text lines or JSON lines."""

    node: str
    as_json: bool
    start: float
    stream: TextIO = field(default_factory=lambda: sys.stdout)

    def emit(self, record: dict[str, Any], text: str) -> None:
        if self.as_json:
            print(json.dumps({"node": self.node, **record}, default=str), file=self.stream,
                  flush=True)
        else:
            print(text, file=self.stream, flush=True)

    def _t(self, now: float) -> str:
        return f"{now - self.start:8.3f}s {self.node:<2}"

    def trace(self, event: TraceEvent) -> None:
        failed = event.failed_check()
        why = f" ({failed.name}: {failed.reason})" if failed is not None else ""
        self.emit({"type": "trace", **_jsonable(event.as_dict())},
                  f"{self._t(event.time)} {event.verdict:<8} {event.transition}"
                  f" [{event.input_kind}]{why}")

    def output(self, now: float, out: Output) -> None:
        if isinstance(out, TimerRequest):
            return
        record = output_record(out)
        detail = ", ".join(f"{k}={v}" for k, v in record.items() if k != "kind")
        self.emit({"type": "output", "time": now, **record},
                  f"{self._t(now)} -> {record['kind']}: {detail}")

    def error(self, now: float, message: str) -> None:
        self.emit({"type": "error", "time": now, "message": message},
                  f"{self._t(now)} !! {message}")

    def info(self, kind: str, record: dict[str, Any], text: str) -> None:
        self.emit({"type": kind, **record}, text)


# ------------------------------------------------------------------ running


def _open(args: argparse.Namespace) -> RawLink:
    return RawLink(args.iface, assign=not args.no_assign, capture=bool(args.pcap))


def _finish(link: RawLink, args: argparse.Namespace, printer: Printer,
            summary: dict[str, Any], ok: bool) -> int:
    if args.pcap:
        summary["pcap_packets"] = link.write_pcap(args.pcap)
    link.close()
    summary["ok"] = ok
    printer.info("summary", summary, "summary: " + ", ".join(f"{k}={v}"
                                                            for k, v in summary.items()))
    return 0 if ok else 1


def run_ar(args: argparse.Namespace) -> int:
    """``rfc5269 ar``: answer RtSolPrs, CPSs and FBUs on ``--iface``."""
    if args.write_demo_pki:
        files = write_demo_pki(args.write_demo_pki, args.pki_seed)
        print(json.dumps({k: str(v) for k, v in asdict(files).items()}))
        return 0
    _require(args, "iface", "key", "cert_path", "anchor")
    link = _open(args)
    try:
        ar = build_ar(args, link.mac)
        start = time.time()
        printer = Printer("AR", args.json, start)
        runner = NodeRunner(ar, link, router=True, on_output=printer.output,
                            on_trace=printer.trace, on_error=printer.error)
        printer.info("ready", {"address": str(ar.address), "iface": link.iface,
                               "mac": format_mac(link.mac)},
                     f"AR ready on {link.iface} ({format_mac(link.mac)}) at {ar.address}")
        installed: list[str] = []
        forwarding: list[str] = []

        def done(outputs: list[Output]) -> bool:
            for out in outputs:
                if isinstance(out, KeyInstalled):
                    installed.append(out.key_id)
                if isinstance(out, ForwardingChanged) and out.ncoa is not None:
                    forwarding.append(str(out.ncoa))
            return (args.until == "key" and bool(installed)) or \
                (args.until == "forwarding" and bool(forwarding))

        reached = runner.run(start + args.duration, done)
    except BaseException:
        link.close()
        raise
    summary = {"address": str(ar.address), "keys_installed": sorted(set(installed)),
               "forwarding_to": forwarding}
    return _finish(link, args, printer, summary, reached or args.until is None)


def run_mn(args: argparse.Namespace) -> int:
    """``rfc5269 mn``: obtain a handover key from ``--router`` and optionally hand over."""
    _require(args, "iface", "key", "anchor")
    link = _open(args)
    try:
        mn = build_mn(args, link.mac)
        start = time.time()
        printer = Printer("MN", args.json, start)
        runner = NodeRunner(mn, link, router=False, on_output=printer.output,
                            on_trace=printer.trace, on_error=printer.error)
        printer.info("ready", {"address": str(mn.address), "iface": link.iface,
                               "mac": format_mac(link.mac)},
                     f"MN ready on {link.iface} ({format_mac(link.mac)}) at {mn.address}")
        router = IPv6Address(args.router)
        handover_to = IPv6Address(args.handover_to) if args.handover_to else None
        state: dict[str, Any] = {"key": None, "par": None, "fback": False}
        seen = [0]

        def done(outputs: list[Output]) -> bool:
            for out in outputs:
                if isinstance(out, KeyInstalled) and state["key"] is None:
                    state["key"], state["par"] = out.key_id, out.peer
                    if handover_to is not None:
                        runner.give(StartHandover(out.peer, handover_to))
            for event in mn.log.events[seen[0]:]:
                if event.transition == FBACK_ACCEPTED and event.verdict == "accepted":
                    state["fback"] = True
            seen[0] = len(mn.log.events)
            return state["key"] is not None and (handover_to is None or state["fback"])

        done(runner.give(RequestHandoverKey(router, parse_mac(args.new_ap))))
        reached = runner.run(start + args.duration, done)
    except BaseException:
        link.close()
        raise
    summary = {"address": str(mn.address), "key_installed": state["key"],
               "par": str(state["par"]) if state["par"] else None,
               "handover_to": args.handover_to, "fback_accepted": state["fback"]}
    return _finish(link, args, printer, summary, reached)


def _require(args: argparse.Namespace, *names: str) -> None:
    missing = [n for n in names if not getattr(args, n)]
    if missing:
        raise SystemExit("missing: " + ", ".join("--" + n.replace("_", "-") for n in missing))


def _guarded(run: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    def wrapper(args: argparse.Namespace) -> int:
        try:
            return run(args)
        except ConfigurationError as exc:
            print(f"rfc5269: {exc}", file=sys.stderr)
            return 2
    return wrapper


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--iface", help="the IPv6 interface to run on")
    parser.add_argument("--key", help="PEM file: the node's RSA key (its CGA key)")
    parser.add_argument("--duration", type=float, default=30.0,
                        help="give up (or, for a server run, stop) after S seconds")
    parser.add_argument("--json", action="store_true", help="one JSON object per line")
    parser.add_argument("--pcap", help="write the IPv6 packets seen on the interface here")
    parser.add_argument("--seed", type=int, default=None,
                        help="derive CGA modifiers, nonces and keys from this seed "
                             "(reproducible tests only: never in deployment)")
    parser.add_argument("--no-assign", action="store_true",
                        help="do not add the node's addresses to the interface")


def build_parser_for_tests() -> argparse.ArgumentParser:
    """A parser holding only ``ar`` and ``mn`` (what :func:`register` adds)."""
    parser = argparse.ArgumentParser(prog="rfc5269")
    register(parser.add_subparsers(dest="command"))
    return parser


def register(subparsers: Any) -> None:
    """Add the ``ar`` and ``mn`` subcommands."""
    ar = subparsers.add_parser(
        "ar", help="run the Access Router over a real interface (root)",
        description="Run the reference Access Router (RFC 5269 §3.2, §3.5) over a real "
                    "IPv6 interface with a raw socket.")
    _common(ar)
    ar.add_argument("--cert-path", help="PEM file: certificates from the anchor's subordinate "
                                        "to the router's (RFC 3971 §6.4.2 order)")
    ar.add_argument("--anchor", help="PEM file: the trust anchor certificate")
    ar.add_argument("--neighbour", action="append", default=[],
                    metavar="AP_MAC,NAR_MAC,NAR_ADDRESS,NAR_PREFIX",
                    help="a neighbouring AR behind an access point (RFC 5568 §6.1.2)")
    ar.add_argument("--hk-lifetime", type=int, default=43200, help="HK-LIFETIME in seconds")
    ar.add_argument("--until", choices=("key", "forwarding"), default=None,
                    help="exit once a key was installed / forwarding changed")
    ar.add_argument("--write-demo-pki", metavar="DIR",
                    help="write the public test PKI as PEM files to DIR and exit")
    ar.add_argument("--pki-seed", type=int, default=0, help="seed of --write-demo-pki")
    ar.set_defaults(func=_guarded(run_ar))

    mn = subparsers.add_parser(
        "mn", help="run the Mobile Node over a real interface (root)",
        description="Run the reference Mobile Node (RFC 5269 §3.1, §3.3, §3.4) over a real "
                    "IPv6 interface: obtain a handover key, then optionally send an FBU.")
    _common(mn)
    mn.add_argument("--anchor", action="append", default=[],
                    help="PEM file of trust anchor certificates (repeatable)")
    mn.add_argument("--router", default=str(ALL_ROUTERS),
                    help="where the RtSolPr goes: the AR's address or ff02::2 (default)")
    mn.add_argument("--prefix", default="2001:db8:a::/64", help="the prefix of the MN's CGA")
    mn.add_argument("--new-ap", default="00:00:00:00:00:00",
                    help="the New Access Point link-layer address the RtSolPr names")
    mn.add_argument("--handover-to", metavar="NCOA",
                    help="after the key, send an FBU moving to this NCoA and await the FBack")
    mn.set_defaults(func=_guarded(run_mn))
