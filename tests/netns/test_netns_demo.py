"""The exchange between two processes in two network namespaces (root, iproute2).

Never skipped: without root or ``ip netns`` these tests fail, as CI must.
"""

from __future__ import annotations

import json
import struct
import subprocess
import sys
from ipaddress import IPv6Address
from pathlib import Path

import pytest
from rfc5269.io.netns import NCOA, NetnsDemoResult, run_netns_demo
from rfc5269.io.rawlink import upper_layer

pytestmark = pytest.mark.netns


def read_pcap(path: Path) -> list[bytes]:
    """Packets of a classic little-endian pcap file with raw IPv6 (link type 229)."""
    data = path.read_bytes()
    magic, _, _, _, _, _, linktype = struct.unpack_from("<IHHiIII", data)
    assert magic == 0xA1B2C3D4 and linktype == 229
    packets, offset = [], 24
    while offset < len(data):
        _, _, caplen, _ = struct.unpack_from("<IIII", data, offset)
        packets.append(data[offset + 16:offset + 16 + caplen])
        offset += 16 + caplen
    return packets


def namespaces() -> str:
    return subprocess.run(["ip", "netns", "list"], capture_output=True, text=True,
                          check=True).stdout


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[NetnsDemoResult, Path]:
    pcap = tmp_path_factory.mktemp("netns") / "ar.pcap"
    return run_netns_demo(pcap=str(pcap), timeout=20.0), pcap


def test_key_exchange_and_fbu_over_namespaces(demo) -> None:
    result, _ = demo
    assert result.ar_exit == 0 and result.mn_exit == 0, (result.ar_stderr, result.mn_stderr)
    assert len(result.mn_key_ids) == 1
    assert result.mn_key_ids == result.ar_key_ids  # same key on both sides
    assert result.forwarding_to == [NCOA]
    assert result.fback_accepted
    assert result.ok


def test_the_processes_really_used_the_wire(demo) -> None:
    result, pcap = demo
    packets = read_pcap(pcap)
    by_kind: dict[tuple[int, int], list[bytes]] = {}
    for packet in packets:
        found = upper_layer(packet)
        assert found is not None
        protocol, offset = found
        by_kind.setdefault((protocol, packet[offset] if protocol == 58 else 0), []).append(
            packet)
    fmip = by_kind[(58, 154)]
    assert {p[40 + 4] for p in fmip} >= {2, 3}  # Subtype: RtSolPr 2, PrRtAdv 3 (RFC 5568 §6.1)
    assert all(p[7] == 255 for p in fmip)  # Hop Limit 255 on the wire (RFC 5568 §6.1)
    assert by_kind[(58, 148)] and by_kind[(58, 149)]  # CPS and CPA (RFC 3971 §6.4)
    mobility = by_kind[(135, 0)]
    assert any(p[6] == 60 for p in mobility)  # the FBU's Destination Options header
    assert len(mobility) >= 2  # FBU in, FBack out
    # The MN's messages were read off the AR's interface, so they crossed the veth.
    mn_address = next(r["address"] for r in result.mn_records if r.get("type") == "ready")
    assert any(p[8:24] == IPv6Address(mn_address).packed for p in fmip)


def test_namespaces_are_removed(demo) -> None:
    result, _ = demo
    listed = namespaces()
    for ns in result.namespaces:
        assert ns and ns not in listed


def test_rtsolpr_to_all_routers_multicast() -> None:
    """The RtSolPr may go to ff02::2 (RFC 5568 §6.1.1); the key is then named by the source."""
    result = run_netns_demo(timeout=20.0, via_all_routers=True)
    assert result.ok, result.summary()
    rtsolpr = next(r for r in result.mn_records if r.get("type") == "output"
                   and r.get("kind") == "SendPacket" and r["description"].startswith("RtSolPr"))
    assert rtsolpr["destination"] == "ff02::2"
    ar_address = next(r["address"] for r in result.ar_records if r.get("type") == "ready")
    installed = next(r for r in result.mn_records if r.get("kind") == "KeyInstalled")
    assert installed["peer"] == ar_address


def test_untrusted_router_gives_the_mn_no_key() -> None:
    """Negative twin: the MN trusts another anchor, so it never installs the key (§3.3)."""
    result = run_netns_demo(timeout=4.0, foreign_anchor=True)
    assert result.ar_key_ids  # the AR did answer the valid request
    assert result.mn_key_ids == []
    assert result.forwarding_to == [] and not result.fback_accepted
    assert result.mn_exit == 1 and not result.ok
    reasons = {r["reason"] for r in result.rejections if r["node"] == "MN"}
    assert "not-certified" in reasons
    assert reasons & {"cert-signature-invalid", "untrusted-anchor", "path-invalid"}, reasons
    listed = namespaces()
    assert all(ns not in listed for ns in result.namespaces)


def test_standalone_entry_point_prints_a_summary() -> None:
    out = subprocess.run([sys.executable, "-m", "rfc5269.io.netns", "--json", "--timeout", "20"],
                         capture_output=True, text=True, check=False, timeout=60)
    assert out.returncode == 0, out.stderr
    summary = json.loads(out.stdout.strip().splitlines()[-1])
    assert summary["type"] == "netns-summary" and summary["ok"] is True
    assert summary["ar_key_ids"] == summary["mn_key_ids"] and summary["forwarding_to"] == [NCOA]
