"""``rfc5269 decode FILE.pcap``: the sample capture, JSON output, link types, broken frames."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from rfc5269 import cli
from rfc5269.wire.ipv6 import IPv6Packet
from rfc5269.wire.pcap import (
    LINKTYPE_ETHERNET,
    LINKTYPE_IPV6,
    LINKTYPE_LINUX_SLL,
    LINKTYPE_RAW,
    ethernet_frame,
    ipv6_of,
    read_pcap,
    write_pcap,
)

ROOT = Path(__file__).resolve().parents[2]
ALL = ROOT / "samples" / "pcap" / "all.pcap"
EXPECTED = ["CertificationPathSolicitation", "CertificationPathAdvertisement",
            "CertificationPathAdvertisement", "RtSolPr", "PrRtAdv", "FastBindingUpdate",
            "FastBindingAck"]


def test_console_script_decodes_the_sample_capture() -> None:
    out = subprocess.run([sys.executable, "-m", "rfc5269.cli", "decode", str(ALL)],
                         capture_output=True, text=True, check=True).stdout
    for name in ("RtSolPr", "PrRtAdv", "HandoverKeyRequest", "HandoverKeyReply",
                 "FastBindingUpdate", "BindingAuthorizationDataFmip", "HomeAddressOption"):
        assert name in out
    assert "DECODE ERROR" not in out


def test_json_output_has_one_decoded_packet_per_frame(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["decode", str(ALL), "--json"]) == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [x["packet"]["payload"]["_type"] for x in lines] == EXPECTED
    assert [x["frame"] for x in lines] == list(range(1, 8))


def _frames(path: Path) -> list[bytes]:
    packets = [ipv6_of(r) for r in read_pcap(path.read_bytes())]
    assert all(p is not None for p in packets)
    return [p for p in packets if p is not None]


@pytest.mark.parametrize("link_type", [LINKTYPE_RAW, LINKTYPE_IPV6, LINKTYPE_LINUX_SLL])
def test_other_link_types(tmp_path: Path, link_type: int,
                          capsys: pytest.CaptureFixture[str]) -> None:
    packets = _frames(ALL)
    frames = packets
    if link_type == LINKTYPE_LINUX_SLL:
        frames = [bytes(14) + b"\x86\xdd" + p for p in packets]
    path = tmp_path / "x.pcap"
    with open(path, "wb") as f:
        write_pcap(f, [(1.0, fr) for fr in frames], link_type)
    assert cli.main(["decode", str(path), "--json"]) == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [x["packet"]["payload"]["_type"] for x in lines] == EXPECTED


def test_ethernet_padding_and_non_ipv6_frames(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    packet = _frames(ALL)[-1]
    arp = bytes(12) + b"\x08\x06" + bytes(28)
    path = tmp_path / "x.pcap"
    with open(path, "wb") as f:
        write_pcap(f, [(1.0, ethernet_frame(packet) + bytes(6)), (2.0, arp)], LINKTYPE_ETHERNET)
    assert cli.main(["decode", str(path)]) == 0
    out = capsys.readouterr().out
    assert "FastBindingAck" in out and "skipped: not IPv6" in out


def test_a_broken_frame_is_reported_with_field_and_rule(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    packets = _frames(ALL)
    broken = bytearray(packets[3])
    broken[-1] ^= 0xFF  # inside the RSA Signature option: the checksum no longer matches
    path = tmp_path / "x.pcap"
    with open(path, "wb") as f:
        write_pcap(f, [(1.0, ethernet_frame(bytes(broken))), (2.0, ethernet_frame(packets[0]))])
    assert cli.main(["decode", str(path)]) == 1
    out = capsys.readouterr().out
    assert "DECODE ERROR RtSolPr.checksum" in out
    assert "CertificationPathSolicitation" in out


def test_unreadable_file_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "x.pcap"
    path.write_bytes(b"not a pcap file at all, sorry")
    assert cli.main(["decode", str(path)]) == 2
    assert cli.main(["decode", str(tmp_path / "missing.pcap")]) == 2


def test_pcap_writer_and_reader_agree() -> None:
    buf = io.BytesIO()
    write_pcap(buf, [(1.25, b"abc"), (2.5, b"")], LINKTYPE_RAW)
    records = list(read_pcap(buf.getvalue()))
    assert [(r.timestamp, r.data, r.link_type) for r in records] == [
        (1.25, b"abc", LINKTYPE_RAW), (2.5, b"", LINKTYPE_RAW)]


def test_sample_packets_decode_strictly() -> None:
    for p in _frames(ALL):
        assert IPv6Packet.decode(p).encode() == p
