"""libtins (C++, Debian libtins-dev) parses the Handover Key options of the corpus.

examples/libtins/hk_options.cpp is compiled with g++ and given every ICMPv6
packet of the vector corpus; for each packet the codec decodes, the
Handover Key Request and Reply options libtins reads (AT, Key Lifetime, key
field) are compared with the codec's. libtins does not parse the options of
FMIPv6 messages itself (type 154 is not among its ND types): the program
hands the same octets to libtins as a Router Solicitation, whose option area
also starts after 8 octets, and reads the options with libtins' own getters.
Missing g++ or libtins fails (no skip).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rfc5269.errors import DecodeError
from rfc5269.wire import ipv6, ndopt

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_vectors_tshark import corpus_packets

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "examples" / "libtins" / "hk_options.cpp"


@pytest.fixture(scope="module")
def program(tmp_path_factory: pytest.TempPathFactory) -> Path:
    compiler = shutil.which("g++")
    assert compiler, "g++ is needed (scripts/ensure-system-deps.sh installs it)"
    assert Path("/usr/include/tins/tins.h").exists(), \
        "libtins-dev is needed (scripts/ensure-system-deps.sh installs it)"
    binary = tmp_path_factory.mktemp("libtins") / "hk_options"
    subprocess.run([compiler, "-std=c++11", "-O1", "-o", str(binary), str(SOURCE), "-ltins"],
                   check=True, capture_output=True, timeout=180)
    return binary


def _codec_options(packet: bytes) -> list[dict[str, object]] | None:
    try:
        decoded = ipv6.IPv6Packet.decode(packet)
    except DecodeError:
        return None
    out: list[dict[str, object]] = []
    for opt in getattr(decoded.payload, "options", ()):
        if isinstance(opt, ndopt.HandoverKeyRequest):
            out.append({"type": 27, "at": opt.algorithm_type, "key": opt.public_key.hex()})
        elif isinstance(opt, ndopt.HandoverKeyReply):
            out.append({"type": 28, "at": opt.algorithm_type, "lifetime": opt.key_lifetime,
                        "key": opt.encrypted_key.hex()})
    return out


def test_libtins_reads_the_handover_key_options_as_the_codec_does(program: Path) -> None:
    packets = [(w, p) for w, p in corpus_packets() if p[6] == 58]
    done = subprocess.run([str(program)], input="\n".join(p.hex() for _, p in packets) + "\n",
                          capture_output=True, text=True, check=True, timeout=60)
    answers = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(answers) == len(packets)
    compared = agree = 0
    disagreements = []
    for (where, packet), answer in zip(packets, answers, strict=True):
        ours = _codec_options(packet)
        if ours is None or not ours:
            continue
        compared += 1
        # libtins never parses FMIPv6 options natively (see the module docstring).
        assert answer["native_options"] == 0
        if answer.get("options") == ours:
            agree += 1
        else:
            disagreements.append((where, ours, answer))
    print(f"\nlibtins: {compared} packets with Handover Key options, {agree} agree")
    for where, ours, theirs in disagreements:
        print(f"  {where}: codec {json.dumps(ours)[:200]} libtins {json.dumps(theirs)[:300]}")
    assert compared >= 60
    assert agree == compared - len(EXPECTED_DISAGREEMENTS)
    assert sorted(w for w, _, _ in disagreements) == sorted(EXPECTED_DISAGREEMENTS)


def _at9_step() -> str:
    """Where the corpus delivers the PrRtAdv whose Handover Key Reply names AT 9."""
    suite = json.loads((ROOT / "vectors" / "mn.json").read_text(encoding="utf-8"))
    case = next(c for g in suite["testGroups"] for c in g["tests"]
                if c["comment"].startswith("AT 9 names no algorithm"))
    return f"mn tcId {case['tcId']} step {len(case['steps']) - 1}"


EXPECTED_DISAGREEMENTS: list[str] = [_at9_step()]
"""libtins 4.0 reads the 4-bit AT field (RFC 5269 §4.1, §4.2) modulo 4: the vector's
AT 9 comes out as AT 1 (pinned further in test_libtins_reads_at_modulo_4)."""


def test_libtins_reads_at_modulo_4(program: Path) -> None:
    """Finding: AT values 4-15 are read as AT mod 4 (an unknown AT becomes a known one)."""
    packet = next(p for w, p in corpus_packets() if w == _at9_step())
    from rfc5269.vectors.packets import find_option

    at, _ = find_option(packet[40:], 28)
    lines = []
    for value in range(16):
        data = bytearray(packet)
        data[40 + at + 3] = value << 4
        lines.append(bytes(data).hex())
    done = subprocess.run([str(program)], input="\n".join(lines) + "\n", capture_output=True,
                          text=True, check=True, timeout=60)
    read = [json.loads(line)["options"][0]["at"] for line in done.stdout.splitlines()]
    assert read == [v % 4 for v in range(16)]
