"""thc-ipv6 as an independent SEND peer: capture atk6-sendpees6's packets and judge them.

A network namespace pair joined by a veth link; atk6-sendpees6 floods SEND
Neighbor Solicitations from one side, a raw AF_PACKET socket on the other
side captures three of them, and the SEND verifier judges them. Duplicate
Address Detection is off in both namespaces, so that the kernel's own
unsigned NS for its link-local addresses (RFC 4862 §5.4.2) is never among
them.

Finding pinned here (see the SEND helper's report): thc-ipv6's CGA verifies
under our RFC 3972 implementation and its Key Hash names the CGA key, but its
RSA signature — a well-formed PKCS#1 v1.5 / SHA-1 signature by that key —
covers none of the data layouts of RFC 3971 §5.2 under any checksum reading.
Its messages also carry Code 190 in the NS (RFC 4861 §4.3 requires 0) and a
non-zero Reserved field in the RSA Signature option. For a tool whose purpose
is to make receivers burn CPU on verification, that is enough.

Needs root, iproute2 and thc-ipv6; a missing tool fails the test (no skip).
"""

from __future__ import annotations

import ipaddress
import os
import shutil
import subprocess
import sys
import textwrap

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from rfc5269.interpretations import SignedChecksum
from rfc5269.send import cga, keys, signature
from rfc5269.send.verdict import Reason
from rfc5269.wire.ndopt import CgaOption, RsaSignatureOption, option_spans

from .registry import expect_accept, expect_reject

pytestmark = pytest.mark.netns

CAPTURE = textwrap.dedent("""
    import socket, sys
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x86DD))
    s.bind((sys.argv[1], 0))
    s.settimeout(15)
    print("ready", flush=True)
    got = 0
    while got < 3:
        frame = s.recv(65535)
        ip = frame[14:]
        if len(ip) > 41 and ip[6] == 58 and ip[40] == 135:
            print(ip.hex(), flush=True)
            got += 1
""")


def _run(*cmd: str) -> None:
    subprocess.run(cmd, check=True, capture_output=True, timeout=20)


@pytest.fixture(scope="module")
def captured() -> list[bytes]:
    for tool in ("ip", "atk6-sendpees6"):
        assert shutil.which(tool), f"{tool} is required (never skipped)"
    tag = f"{os.getpid() % 100000}"
    a, b, va, vb = f"sendA{tag}", f"sendB{tag}", f"sva{tag}", f"svb{tag}"
    _run("ip", "netns", "add", a)
    try:
        _run("ip", "netns", "add", b)
        for ns in (a, b):  # no Duplicate Address Detection: its NS (from ::) is not SEND's
            _run("ip", "netns", "exec", ns, "sh", "-c",
                 "echo 0 > /proc/sys/net/ipv6/conf/default/accept_dad")
        _run("ip", "link", "add", va, "type", "veth", "peer", "name", vb)
        _run("ip", "link", "set", va, "netns", a)
        _run("ip", "link", "set", vb, "netns", b)
        _run("ip", "-n", a, "link", "set", va, "up")
        _run("ip", "-n", b, "link", "set", vb, "up")
        cap = subprocess.Popen(["ip", "netns", "exec", b, sys.executable, "-c", CAPTURE, vb],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            assert cap.stdout is not None
            assert cap.stdout.readline().strip() == "ready"
            flood = subprocess.Popen(
                ["ip", "netns", "exec", a, "atk6-sendpees6", va, "1024", "2001:db8:1::",
                 "fe80::1"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                out, err = cap.communicate(timeout=30)
            finally:
                flood.kill()
                flood.wait()
        finally:
            if cap.poll() is None:
                cap.kill()
                cap.wait()
        assert cap.returncode == 0, err
        return [bytes.fromhex(line) for line in out.split()]
    finally:
        for ns in (a, b):
            subprocess.run(["ip", "netns", "del", ns], capture_output=True)


def _parts(ip: bytes) -> tuple[ipaddress.IPv6Address, ipaddress.IPv6Address, bytes]:
    return ipaddress.IPv6Address(ip[8:24]), ipaddress.IPv6Address(ip[24:40]), ip[40:]


def test_three_neighbor_solicitations_captured(captured: list[bytes]) -> None:
    assert len(captured) == 3
    for ip in captured:
        src, _dst, icmp = _parts(ip)
        assert icmp[0] == 135 and src in ipaddress.IPv6Network("2001:db8:1::/64")


def test_thc_ipv6_cga_verifies_but_signature_does_not(captured: list[bytes]) -> None:
    for ip in captured:
        src, dst, icmp = _parts(ip)
        portion = signature.signed_portion(icmp)
        assert portion.signature_offset is not None
        area = portion.options_before_signature
        span = next(s for s in option_spans(area) if s.type == CgaOption.TYPE)
        params = CgaOption.decode(area[span.offset:span.offset + span.length]).parameters
        # Independent CGA implementation agrees with ours (RFC 3972 §5).
        expect_accept(cga.cga_verify(src, params))
        sig = RsaSignatureOption.decode(icmp[portion.signature_offset:])
        assert sig.key_hash == keys.key_hash(params.public_key)
        # The signature is PKCS#1 v1.5 / SHA-1 by the CGA key, over something else.
        pub = serialization.load_der_public_key(params.public_key)
        assert isinstance(pub, rsa.RSAPublicKey)
        numbers = pub.public_numbers()
        block = pow(int.from_bytes(sig.signature[:128], "big"), numbers.e, numbers.n)
        assert block.to_bytes(128, "big").startswith(b"\x00\x01\xff")
        for reading in SignedChecksum:
            expect_reject(signature.verify_signature(icmp, src, dst, signed_checksum=reading),
                          Reason.SIGNATURE_INVALID)
        assert icmp[1] == 190  # NS Code, RFC 4861 §4.3 says 0
