"""Run the live tester against an AR process in network namespaces (what CI does).

Two namespaces joined by a veth pair: the AR under test — ``rfc5269 ar``, or
a subclass of the reference started through :mod:`rfc5269.conform.node` —
in one, ``rfc5269 conform ar`` in the other. Needs root and iproute2; a
missing prerequisite raises :class:`~rfc5269.errors.ConfigurationError`
(callers must fail, never skip). Everything created is removed afterwards.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rfc5269.errors import ConfigurationError
from rfc5269.io.netns import join_by_veth
from rfc5269.nodecli import write_demo_pki


@dataclass
class ConformRun:
    """The tester's JSON report and both processes' exit codes and errors."""

    report: dict[str, Any] = field(default_factory=dict)
    tester_exit: int | None = None
    tester_output: str = ""
    ar_stderr: str = ""

    def requirement(self, rid: str) -> str | None:
        verdicts: dict[str, str] = self.report.get("requirements", {})
        return verdicts.get(rid)

    @property
    def failed_probes(self) -> list[str]:
        return [p["name"] for p in self.report.get("probes", []) if p["status"] == "fail"]


def _run(*cmd: str) -> None:
    done = subprocess.run(list(cmd), capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise ConfigurationError(f"{' '.join(cmd)} failed: {done.stderr.strip()}")


def check_prerequisites() -> None:
    """Root and iproute2, or a ConfigurationError saying which is missing."""
    if shutil.which("ip") is None:
        raise ConfigurationError("the live tester's CI run needs iproute2's `ip`")
    if os.geteuid() != 0:
        raise ConfigurationError("the live tester's CI run needs root (netns, raw sockets)")


def _env(pythonpath: str | None) -> dict[str, str] | None:
    if pythonpath is None:
        return None
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (pythonpath, env.get("PYTHONPATH")) if p)
    return env


def run_conform_ar(node_class: str | None = None, timeout: float = 60.0,
                   pythonpath: str | None = None) -> ConformRun:
    """Start an AR (reference or ``module:Class``) and run ``rfc5269 conform ar`` against it.

    ``pythonpath`` is added to the node's import path (where ``module`` lives).
    """
    check_prerequisites()
    tag = f"{os.getpid() % 100000}{int(time.monotonic() * 1000) % 1000}"
    ns_ar, ns_t = f"r5c-ar-{tag}", f"r5c-t-{tag}"
    if_ar, if_t = f"r5ca{tag}"[:15], f"r5ct{tag}"[:15]
    workdir = tempfile.mkdtemp(prefix="rfc5269-conform-")
    created: list[str] = []
    ar: subprocess.Popen[str] | None = None
    result = ConformRun()
    try:
        join_by_veth((ns_ar, if_ar), (ns_t, if_t), created)
        files = write_demo_pki(workdir)
        entry = [sys.executable, "-m", "rfc5269.cli"] if node_class is None else \
            [sys.executable, "-m", "rfc5269.conform.node", node_class]
        ar = subprocess.Popen(
            ["ip", "netns", "exec", ns_ar, *entry, "ar", "--iface", if_ar,
             "--key", str(files.ar_key), "--cert-path", str(files.ar_cert_path),
             "--anchor", str(files.anchor), "--duration", str(timeout), "--json"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env(pythonpath))
        assert ar.stdout is not None
        ready = json.loads(ar.stdout.readline() or "{}")
        if ready.get("type") != "ready":
            ar.kill()
            raise ConfigurationError(f"the AR did not start: {ar.stderr.read()[-2000:] if ar.stderr else ''}")  # noqa: E501
        report = Path(workdir) / "report.json"
        done = subprocess.run(
            ["ip", "netns", "exec", ns_t, sys.executable, "-m", "rfc5269.cli", "conform", "ar",
             "--iface", if_t, "--target", str(ready["address"]), "--json", str(report),
             "--markdown", str(Path(workdir) / "report.md")],
            capture_output=True, text=True, timeout=timeout, check=False)
        result.tester_exit = done.returncode
        result.tester_output = done.stdout + done.stderr
        if report.exists():
            result.report = json.loads(report.read_text())
            result.report["markdown"] = (Path(workdir) / "report.md").read_text()
    finally:
        if ar is not None:
            ar.kill()
            _, err = ar.communicate(timeout=10)
            result.ar_stderr = err or ""
        for ns in created:
            subprocess.run(["ip", "netns", "del", ns], capture_output=True, check=False)
        subprocess.run(["ip", "link", "del", if_ar], capture_output=True, check=False)
        shutil.rmtree(workdir, ignore_errors=True)
    return result


def run_conform_mn(node_class: str | None = None, timeout: float = 40.0,
                   pythonpath: str | None = None) -> ConformRun:
    """Start ``rfc5269 conform mn``, then an MN (reference or ``module:Class``) against it."""
    check_prerequisites()
    tag = f"{os.getpid() % 100000}{int(time.monotonic() * 1000) % 1000}"
    ns_mn, ns_t = f"r5c-mn-{tag}", f"r5c-u-{tag}"
    if_mn, if_t = f"r5cm{tag}"[:15], f"r5cu{tag}"[:15]
    workdir = tempfile.mkdtemp(prefix="rfc5269-conform-")
    created: list[str] = []
    procs: list[subprocess.Popen[str]] = []
    result = ConformRun()
    try:
        join_by_veth((ns_mn, if_mn), (ns_t, if_t), created)
        files = write_demo_pki(workdir)
        report = Path(workdir) / "report.json"
        tester = subprocess.Popen(
            ["ip", "netns", "exec", ns_t, sys.executable, "-m", "rfc5269.cli", "conform", "mn",
             "--iface", if_t, "--ar-key", str(files.ar_key), "--cert-path",
             str(files.ar_cert_path), "--anchor", str(files.anchor), "--duration",
             str(timeout - 10), "--json", str(report), "--markdown",
             str(Path(workdir) / "report.md")],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        procs.append(tester)
        time.sleep(2.0)  # the tester's link is up before the MN's first RtSolPr
        entry = [sys.executable, "-m", "rfc5269.cli"] if node_class is None else \
            [sys.executable, "-m", "rfc5269.conform.node", node_class]
        mn = subprocess.Popen(
            ["ip", "netns", "exec", ns_mn, *entry, "mn", "--iface", if_mn,
             "--key", str(files.mn_key), "--anchor", str(files.anchor), "--router", "ff02::2",
             "--new-ap", "02:aa:bb:cc:dd:ee", "--handover-to", "2001:db8:b::1234",
             "--duration", str(timeout - 12), "--json"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env(pythonpath))
        procs.append(mn)
        out, _ = tester.communicate(timeout=timeout)
        result.tester_exit = tester.returncode
        result.tester_output = out
        if report.exists():
            result.report = json.loads(report.read_text())
            result.report["markdown"] = (Path(workdir) / "report.md").read_text()
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
            try:
                _, err = proc.communicate(timeout=10)
            except (ValueError, subprocess.TimeoutExpired):
                err = ""
            if proc is not procs[0]:
                result.ar_stderr = (err or "") + (_ or "")
        for ns in created:
            subprocess.run(["ip", "netns", "del", ns], capture_output=True, check=False)
        subprocess.run(["ip", "link", "del", if_mn], capture_output=True, check=False)
        shutil.rmtree(workdir, ignore_errors=True)
    return result
