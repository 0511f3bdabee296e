"""``rfc5269 decode``: print the decoded structure of the IPv6 packets in a pcap file.

Every frame is decoded strictly with :class:`rfc5269.wire.ipv6.IPv6Packet`;
a frame that fails shows the DecodeError (field, rule, reference). The exit
code is 0 when every IPv6 frame decoded, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from rfc5269.errors import DecodeError
from rfc5269.interpretations import BadfLength
from rfc5269.wire.ipv6 import IPv6Packet
from rfc5269.wire.pcap import ipv6_of, read_pcap
from rfc5269.wire.render import to_data, to_text


def register(sub: Any) -> None:
    """Add the ``decode`` subcommand."""
    p: argparse.ArgumentParser = sub.add_parser("decode", help="decode packets of a pcap file")
    p.add_argument("pcap")
    p.add_argument("--json", action="store_true", help="machine-readable output (JSON lines)")
    p.add_argument("--badf-length", choices=[b.value for b in BadfLength],
                   default=BadfLength.OPTION_DATA.value,
                   help="reading of the BADF Option Length (CL-07)")
    p.add_argument("--no-checksum", action="store_true", help="do not verify checksums")
    p.set_defaults(func=run)


def decode_frames(path: str, badf_length: BadfLength = BadfLength.OPTION_DATA,
                  verify_checksum: bool = True) -> list[dict[str, Any]]:
    """One result per frame: ``{"frame", "time", "packet"}`` or ``{"frame", "time", "error"}``."""
    with open(path, "rb") as f:
        data = f.read()
    results: list[dict[str, Any]] = []
    for record in read_pcap(data):
        entry: dict[str, Any] = {"frame": record.index, "time": record.timestamp}
        try:
            packet = ipv6_of(record)
            if packet is None:
                entry["skipped"] = "not IPv6"
            else:
                entry["packet"] = to_data(IPv6Packet.decode(packet, verify_checksum,
                                                            badf_length))
        except DecodeError as exc:
            entry["error"] = {"field": exc.field, "rule": exc.rule, "ref": exc.ref}
        results.append(entry)
    return results


def run(args: argparse.Namespace) -> int:
    """Decode and print; 1 if any IPv6 frame failed to decode, 2 if the file is unreadable."""
    try:
        results = decode_frames(args.pcap, BadfLength(args.badf_length), not args.no_checksum)
    except (OSError, DecodeError) as exc:
        print(f"rfc5269 decode: {exc}", file=sys.stderr)
        return 2
    for r in results:
        if args.json:
            print(json.dumps(r, sort_keys=False))
            continue
        head = f"frame {r['frame']}  t={r['time']:.6f}"
        if "packet" in r:
            payload = r["packet"].get("payload") or {}
            print(f"{head}  {payload.get('_type', 'no payload')}")
            print("\n".join(to_text(r["packet"], 1)))
        elif "error" in r:
            e = r["error"]
            print(f"{head}  DECODE ERROR {e['field']}: {e['rule']} ({e['ref']})")
        else:
            print(f"{head}  skipped: {r['skipped']}")
        print()
    return 1 if any("error" in r for r in results) else 0
