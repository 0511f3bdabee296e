"""A language-neutral adapter: the node under test is a program speaking JSON lines.

The tester starts the program once per test case and writes one JSON object
per line to its standard input; the program answers each with exactly one
JSON object on one line of its standard output (anything on standard error
is left alone). Requests carry ``op`` and the operation's arguments; answers
carry ``ok`` (true/false) and the result, or ``error`` (text).

======================  ================================================  =========================
request ``op``          arguments                                         answer (besides ``ok``)
======================  ================================================  =========================
``configure``           ``role`` ("AR"/"MN"), ``config`` (the test        ``addresses``: [text]
                        group's configuration, see docs/vectors.md)
``receive``             ``packet`` (hex IPv6 packet), ``now``             ``outcome``
``fire_timer``          ``name``, ``subject``, ``now``                    ``outcome``
``request_key``         ``router``, ``newAccessPoint`` (hex), ``now``     ``outcome``
``start_handover``      ``par``, ``ncoa``, ``fromParLink``, ``now``       ``outcome``
``prime_key``           ``owner``, ``peer``, ``key`` (hex), ``at``,       (nothing)
                        ``lifetime``, ``now``
``prime_solicitation``  ``router``, ``nonce``, ``identifier``,            (nothing)
                        ``newAccessPoint``, ``requestedAt``,
                        ``hkepkPrivateKey`` (PKCS#8 DER hex), ``now``
``observe``             ``now``                                           ``observation``
``quit``                —                                                 (the program exits)
======================  ================================================  =========================

``outcome`` is :meth:`rfc5269.adapters.base.StepOutcome.to_json` (``sent``:
hex packets, ``timers``: ``{at, name, subject}``, ``rejections``: text);
``observation`` is :meth:`rfc5269.adapters.base.Observation.to_json` (its
``decryptions`` count is optional: leave it out when the program cannot tell,
and the checks needing it report "not observable"). Times
are seconds since 1970-01-01 UTC. A program that does not implement an
operation answers ``{"ok": false, "unsupported": true}``; the vectors then
report the cases needing it as unsupported instead of failed.
examples/jsonlines_par/ holds a small implementation of the other side that
does not use this project's code.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable, Sequence
from ipaddress import IPv6Address
from typing import IO, Any

from rfc5269.adapters.base import NodeUnderTest, Observation, Role, StepOutcome
from rfc5269.errors import Rfc5269Error


class AdapterProtocolError(Rfc5269Error):
    """The program broke the JSON-lines protocol (no answer, bad JSON, ok false)."""


class UnsupportedOperation(AdapterProtocolError):  # noqa: N818 - names the answer
    """The program answered that it does not implement an operation."""


class SubprocessNode(NodeUnderTest):
    """A node under test behind a JSON-lines program."""

    def __init__(self, argv: Sequence[str], role: str, config: dict[str, Any],
                 timeout: float = 30.0) -> None:
        self.name = f"{role} via {argv[0]}"
        self.role = Role(role)
        self.timeout = timeout
        self._proc = subprocess.Popen(list(argv), stdin=subprocess.PIPE,
                                      stdout=subprocess.PIPE, text=True, bufsize=1)
        answer = self._call({"op": "configure", "role": role, "config": config})
        self._addresses = frozenset(IPv6Address(a) for a in answer.get("addresses", ()))

    def _call(self, request: dict[str, Any]) -> dict[str, Any]:
        stdin: IO[str] | None = self._proc.stdin
        stdout: IO[str] | None = self._proc.stdout
        if stdin is None or stdout is None:
            raise AdapterProtocolError("the program's pipes are closed")
        try:
            stdin.write(json.dumps(request) + "\n")
            stdin.flush()
        except OSError as exc:
            raise AdapterProtocolError(f"cannot write to the program: {exc}") from exc
        line = stdout.readline()
        if not line:
            raise AdapterProtocolError(f"no answer to {request['op']} (program exited with "
                                       f"{self._proc.poll()})")
        try:
            answer = json.loads(line)
        except json.JSONDecodeError as exc:
            raise AdapterProtocolError(f"answer to {request['op']} is not JSON: "
                                       f"{line[:80]!r}") from exc
        if not isinstance(answer, dict):
            raise AdapterProtocolError(f"answer to {request['op']} is not an object")
        if not answer.get("ok"):
            if answer.get("unsupported"):
                raise UnsupportedOperation(request["op"])
            raise AdapterProtocolError(f"{request['op']} failed: {answer.get('error')}")
        return answer

    def _outcome(self, request: dict[str, Any]) -> StepOutcome:
        return StepOutcome.from_json(self._call(request).get("outcome", {}))

    def addresses(self) -> frozenset[IPv6Address]:
        return self._addresses

    def receive(self, packet: bytes, now: float) -> StepOutcome:
        return self._outcome({"op": "receive", "packet": packet.hex(), "now": now})

    def fire_timer(self, name: str, subject: str, now: float) -> StepOutcome:
        return self._outcome({"op": "fire_timer", "name": name, "subject": subject,
                              "now": now})

    def request_key(self, router: IPv6Address, new_ap: bytes, now: float) -> StepOutcome:
        return self._outcome({"op": "request_key", "router": str(router),
                              "newAccessPoint": new_ap.hex(), "now": now})

    def start_handover(self, par: IPv6Address, ncoa: IPv6Address, from_par_link: bool,
                       now: float) -> StepOutcome:
        return self._outcome({"op": "start_handover", "par": str(par), "ncoa": str(ncoa),
                              "fromParLink": from_par_link, "now": now})

    def prime_key(self, owner: IPv6Address, peer: IPv6Address, key: bytes, at: int,
                  lifetime: float, now: float) -> None:
        self._call({"op": "prime_key", "owner": str(owner), "peer": str(peer),
                    "key": key.hex(), "at": at, "lifetime": lifetime, "now": now})

    def prime_solicitation(self, router: IPv6Address, nonce: bytes, identifier: int,
                           new_ap: bytes, requested_at: int, hkepk_private_key: bytes,
                           now: float) -> None:
        self._call({"op": "prime_solicitation", "router": str(router), "nonce": nonce.hex(),
                    "identifier": identifier, "newAccessPoint": new_ap.hex(),
                    "requestedAt": requested_at,
                    "hkepkPrivateKey": hkepk_private_key.hex(), "now": now})

    def observe(self, now: float) -> Observation:
        return Observation.from_json(self._call({"op": "observe", "now": now})
                                     .get("observation", {}))

    def close(self) -> None:
        """Ask the program to quit; kill it if it does not."""
        if self._proc.poll() is None:
            try:
                if self._proc.stdin is not None:
                    self._proc.stdin.write(json.dumps({"op": "quit"}) + "\n")
                    self._proc.stdin.close()
                self._proc.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                self._proc.kill()
                self._proc.wait()
        if self._proc.stdout is not None:
            self._proc.stdout.close()


def subprocess_factory(argv: Sequence[str]) -> Callable[[str, dict[str, Any]], NodeUnderTest]:
    """An adapter factory starting ``argv`` for every test case (see the module docstring)."""

    def build(role: str, config: dict[str, Any]) -> NodeUnderTest:
        return SubprocessNode(argv, role, config)

    return build
