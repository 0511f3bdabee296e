"""The handover-key exchange between two processes over the kernel's IPv6 stack.

:func:`run_netns_demo` creates two network namespaces joined by a veth pair,
runs ``rfc5269 ar`` in one and ``rfc5269 mn`` in the other (separate
processes, real sockets, real clock), lets the MN obtain a handover key
(RFC 5269 §3.1–§3.3, with certificate path discovery, RFC 3971 §6.4) and send
an authenticated FBU (RFC 5269 §3.4), then tears everything down, whatever
happened. It needs root and iproute2 (``ip netns``); without them it raises
:class:`~rfc5269.errors.ConfigurationError` (it never pretends to succeed).

``rfc5269 demo --netns`` and ``python -m rfc5269.io.netns`` call :func:`main`.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from typing import IO, Any

from rfc5269.errors import ConfigurationError
from rfc5269.nodecli import write_demo_pki
from rfc5269.scenario import NAR, NEW_AP

NCOA = "2001:db8:b::1234"
"""The new care-of address the MN moves to (on the scenario's NAR prefix)."""


@dataclass
class NetnsDemoResult:
    """What the two processes reported, and the verdict on it."""

    ar_records: list[dict[str, Any]] = field(default_factory=list)
    mn_records: list[dict[str, Any]] = field(default_factory=list)
    ar_exit: int | None = None
    mn_exit: int | None = None
    ar_stderr: str = ""
    mn_stderr: str = ""
    namespaces: tuple[str, str] = ("", "")
    seconds: float = 0.0

    def _outputs(self, records: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
        return [r for r in records if r.get("type") == "output" and r.get("kind") == kind]

    @property
    def ar_key_ids(self) -> list[str]:
        """Key identifiers the AR reported installing (KeyInstalled)."""
        return sorted({r["key_id"] for r in self._outputs(self.ar_records, "KeyInstalled")})

    @property
    def mn_key_ids(self) -> list[str]:
        """Key identifiers the MN reported installing (KeyInstalled)."""
        return sorted({r["key_id"] for r in self._outputs(self.mn_records, "KeyInstalled")})

    @property
    def forwarding_to(self) -> list[str]:
        """NCoAs the AR (as PAR) started forwarding to (ForwardingChanged)."""
        return [str(r["ncoa"]) for r in self._outputs(self.ar_records, "ForwardingChanged")
                if r.get("ncoa")]

    @property
    def fback_accepted(self) -> bool:
        """Whether the MN accepted an authentic FBack (RFC 5568 §6.2.3)."""
        return any(r.get("type") == "trace" and r.get("transition") ==
                   "FBack acknowledges the FBU" and r.get("verdict") == "accepted"
                   for r in self.mn_records)

    @property
    def rejections(self) -> list[dict[str, Any]]:
        """Every Rejected output of either node."""
        return self._outputs(self.ar_records, "Rejected") + \
            self._outputs(self.mn_records, "Rejected")

    @property
    def ok(self) -> bool:
        """Both hold the same key, the AR forwards to the NCoA, the MN took the FBack."""
        return (len(self.mn_key_ids) == 1 and self.mn_key_ids == self.ar_key_ids
                and NCOA in self.forwarding_to and self.fback_accepted
                and self.ar_exit == 0 and self.mn_exit == 0)

    def summary(self) -> dict[str, Any]:
        """The outcome in a few fields."""
        return {"ok": self.ok, "ar_key_ids": self.ar_key_ids, "mn_key_ids": self.mn_key_ids,
                "forwarding_to": self.forwarding_to, "fback_accepted": self.fback_accepted,
                "rejections": [f"{r['node']}: {r['what']} {r['reason']}"
                               for r in self.rejections],
                "ar_exit": self.ar_exit, "mn_exit": self.mn_exit,
                "namespaces": list(self.namespaces), "seconds": round(self.seconds, 2)}


def _run(*cmd: str) -> None:
    result = subprocess.run(list(cmd), capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise ConfigurationError(f"{' '.join(cmd)} failed: {result.stderr.strip()}")


def check_prerequisites() -> None:
    """Root and iproute2 are needed; say so instead of failing obscurely."""
    if shutil.which("ip") is None:
        raise ConfigurationError("the netns demo needs iproute2's `ip` command")
    if os.geteuid() != 0:
        raise ConfigurationError("the netns demo needs root (network namespaces, raw sockets)")


def _reader(stream: IO[str], lines: queue.Queue[str | None]) -> None:
    for line in stream:
        lines.put(line)
    lines.put(None)


class _Node:
    """One node process, its stdout read line by line on a thread."""

    def __init__(self, argv: list[str]) -> None:
        self.process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        text=True)
        assert self.process.stdout is not None
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.records: list[dict[str, Any]] = []
        self.thread = threading.Thread(target=_reader, args=(self.process.stdout, self.lines),
                                       daemon=True)
        self.thread.start()

    def next_record(self, deadline: float) -> dict[str, Any] | None:
        """The next JSON line (None at end of output or at the deadline)."""
        while True:
            try:
                line = self.lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                return None
            if line is None:
                return None
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if isinstance(record, dict):
                self.records.append(record)
                return record

    def finish(self, deadline: float) -> tuple[int | None, str]:
        """Wait for the process (killing it at the deadline); its exit code and stderr."""
        try:
            self.process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        while self.next_record(time.monotonic() + 2.0) is not None:
            pass
        assert self.process.stderr is not None
        return self.process.returncode, self.process.stderr.read()

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def remove_stale_namespaces() -> list[str]:
    """Delete namespaces an earlier run left behind (its process died); returns their names.

    Only names this module makes (``rfc5269-ar-PID``, ``rfc5269-mn-PID``)
    whose PID no longer runs are touched.
    """
    listed = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True,
                            check=False).stdout
    removed = []
    for name in re.findall(r"^(rfc5269-(?:ar|mn)-(\d+))\b", listed, re.MULTILINE):
        ns, pid = name
        if not os.path.exists(f"/proc/{pid}"):
            subprocess.run(["ip", "netns", "del", ns], capture_output=True, check=False)
            removed.append(ns)
    return removed


def join_by_veth(a: tuple[str, str], b: tuple[str, str], created: list[str]) -> None:
    """Create namespaces ``a[0]`` and ``b[0]`` joined by the veth pair ``a[1]``/``b[1]``.

    Duplicate address detection is switched off on both ends so the nodes'
    addresses are usable at once; both links and loopback are brought up.
    Each namespace is appended to ``created`` as soon as it exists, so that the
    caller's clean-up removes it whatever fails later.
    """
    for ns, _ in (a, b):
        _run("ip", "netns", "add", ns)
        created.append(ns)
    _run("ip", "link", "add", a[1], "type", "veth", "peer", "name", b[1])
    for ns, iface in (a, b):
        _run("ip", "link", "set", iface, "netns", ns)
    for ns, iface in (a, b):
        _run("ip", "netns", "exec", ns, "sh", "-c",
             f"echo 0 > /proc/sys/net/ipv6/conf/{iface}/accept_dad")
        _run("ip", "-n", ns, "link", "set", "lo", "up")
        _run("ip", "-n", ns, "link", "set", iface, "up")


def run_netns_demo(pcap: str | None = None, timeout: float = 30.0, *,
                   foreign_anchor: bool = False,
                   via_all_routers: bool = False) -> NetnsDemoResult:
    """Run the AR and the MN in two namespaces over a veth pair; always clean up.

    ``pcap`` — where the AR writes the packets its interface saw (raw IPv6
    pcap, both directions). ``timeout`` — seconds each process may take.
    ``foreign_anchor`` — give the MN a trust anchor that did not certify the
    AR (the negative run: no key may be installed, RFC 5269 §3.3).
    ``via_all_routers`` — send the RtSolPr to ff02::2 instead of the AR's
    unicast CGA (which the MN otherwise learns from the AR's ``ready`` line).
    """
    check_prerequisites()
    remove_stale_namespaces()
    tag = f"{os.getpid()}"
    ns_ar, ns_mn = f"rfc5269-ar-{tag}", f"rfc5269-mn-{tag}"
    if_ar, if_mn = f"r5a{tag}"[:15], f"r5m{tag}"[:15]
    result = NetnsDemoResult(namespaces=(ns_ar, ns_mn))
    started = time.monotonic()
    created: list[str] = []
    nodes: list[_Node] = []
    workdir = tempfile.mkdtemp(prefix="rfc5269-netns-")
    try:
        join_by_veth((ns_ar, if_ar), (ns_mn, if_mn), created)
        files = write_demo_pki(workdir)
        mn_anchor = files.anchor
        if foreign_anchor:
            mn_anchor = write_demo_pki(os.path.join(workdir, "foreign"), seed=1).anchor
        cli = [sys.executable, "-m", "rfc5269.cli"]
        nar = NAR
        neighbour = ",".join((nar.access_point.hex(), nar.nar_lla.hex(), str(nar.nar_address),
                              str(nar.nar_prefix)))
        ar_argv = ["ip", "netns", "exec", ns_ar, *cli, "ar", "--iface", if_ar,
                   "--key", str(files.ar_key), "--cert-path", str(files.ar_cert_path),
                   "--anchor", str(files.anchor), "--neighbour", neighbour,
                   "--until", "forwarding", "--duration", str(timeout), "--json"]
        if pcap:
            ar_argv += ["--pcap", os.path.abspath(pcap)]
        ar = _Node(ar_argv)
        nodes.append(ar)
        deadline = time.monotonic() + timeout
        ready = ar.next_record(deadline)
        if ready is None or ready.get("type") != "ready":
            ar.kill()
            _, stderr = ar.finish(time.monotonic())
            raise ConfigurationError(f"the AR did not start: {stderr.strip()[-2000:]}")
        mn = _Node(["ip", "netns", "exec", ns_mn, *cli, "mn", "--iface", if_mn,
                    "--key", str(files.mn_key), "--anchor", str(mn_anchor),
                    "--router", "ff02::2" if via_all_routers else str(ready["address"]),
                    "--new-ap", NEW_AP.hex(),
                    "--handover-to", NCOA, "--duration", str(timeout), "--json"])
        nodes.append(mn)
        deadline = time.monotonic() + timeout + 5.0
        result.mn_exit, result.mn_stderr = mn.finish(deadline)
        result.ar_exit, result.ar_stderr = ar.finish(deadline)
        result.ar_records, result.mn_records = ar.records, mn.records
    finally:
        for node in nodes:
            node.kill()
        for ns in created:
            subprocess.run(["ip", "netns", "del", ns], capture_output=True, check=False)
        # A veth left in the root namespace (moving it failed) goes too.
        subprocess.run(["ip", "link", "del", if_ar], capture_output=True, check=False)
        shutil.rmtree(workdir, ignore_errors=True)
        result.seconds = time.monotonic() - started
    return result


def _describe(record: dict[str, Any]) -> str | None:
    node = record.get("node", "?")
    if record.get("type") == "trace":
        failed = next((c for c in record.get("checks", []) if not c.get("passed")), None)
        why = f" ({failed['name']}: {failed['reason']})" if failed else ""
        return f"{node:<2} {record['verdict']:<8} {record['transition']}{why}"
    if record.get("type") == "output" and record.get("kind") != "TimerRequest":
        detail = ", ".join(f"{k}={v}" for k, v in record.items()
                           if k not in ("node", "type", "kind", "time"))
        return f"{node:<2} -> {record['kind']}: {detail}"
    return None


def main(args: argparse.Namespace) -> int:
    """Run the netns demo and print its transcript (``args.json``, ``args.pcap``)."""
    try:
        result = run_netns_demo(pcap=getattr(args, "pcap", None),
                                timeout=float(getattr(args, "timeout", 30.0) or 30.0))
    except ConfigurationError as exc:
        print(f"rfc5269 demo --netns: {exc}", file=sys.stderr)
        return 2
    records = sorted(result.ar_records + result.mn_records,
                     key=lambda r: float(r.get("time", 0.0)))
    if getattr(args, "json", False):
        for record in records:
            print(json.dumps(record, default=str))
        print(json.dumps({"type": "netns-summary", **result.summary()}))
    else:
        print(f"AR in {result.namespaces[0]}, MN in {result.namespaces[1]} (veth pair)")
        for record in records:
            line = _describe(record)
            if line is not None:
                print(line)
        for key, value in result.summary().items():
            print(f"{key}: {value}")
        if not result.ok:
            print(f"AR stderr: {result.ar_stderr.strip()[-1500:]}")
            print(f"MN stderr: {result.mn_stderr.strip()[-1500:]}")
    return 0 if result.ok else 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m rfc5269.io.netns",
        description="RFC 5269 key exchange and FBU between two network namespaces (root).")
    parser.add_argument("--json", action="store_true", help="JSON lines")
    parser.add_argument("--pcap", default=None, help="write the AR's capture here")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds per process")
    return parser


if __name__ == "__main__":
    sys.exit(main(_parser().parse_args()))
