"""Run tshark once over many packets and give back its dissection, in order.

tshark is an independent dissector (Wireshark's C code): the tests in this
folder write codec output to one classic pcap file (linktype 229, raw IPv6),
run ``tshark -r FILE -T json`` once, and compare field by field.

tshark's JSON repeats keys (one ``icmpv6.opt`` per option); the parser below
keeps every occurrence, in order, as a :class:`Node` (a list of pairs).
A missing tshark is a failure, never a skip (project rule).
"""

from __future__ import annotations

import functools
import json
import re
import shutil
import struct
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

LINKTYPE_IPV6 = 229  # LINKTYPE_IPV6: the record is a bare IPv6 packet


class Node(list[tuple[str, Any]]):
    """One JSON object with its keys in order, repeated keys kept."""

    def get_all(self, key: str) -> list[Any]:
        """Every value stored under ``key`` directly in this object."""
        return [v for k, v in self if k == key]

    def one(self, key: str) -> Any:
        """The single value under ``key`` (searched recursively); fails if not exactly one."""
        found = list(self.walk(key))
        assert len(found) == 1, f"{key}: expected one value, tshark gave {found!r}"
        return found[0]

    def walk(self, key: str) -> Iterator[Any]:
        """Every value under ``key`` anywhere below this object, in document order."""
        for k, v in self:
            if k == key:
                yield v
            if isinstance(v, Node):
                yield from v.walk(key)
            elif isinstance(v, list):
                for item in v:
                    if isinstance(item, Node):
                        yield from item.walk(key)

    def has(self, key: str) -> bool:
        return any(True for _ in self.walk(key))


def _pairs(pairs: list[tuple[str, Any]]) -> Node:
    return Node(pairs)


def tshark_path() -> str:
    """The tshark executable; an AssertionError (a failure, not a skip) if absent."""
    path = shutil.which("tshark")
    assert path is not None, "tshark is not installed: install the Debian package 'tshark'"
    return path


def tshark_version() -> str:
    out = subprocess.run(
        [tshark_path(), "--version"], capture_output=True, text=True, check=True
    ).stdout
    # "TShark (Wireshark) 4.0.17 (Git v4.0.17 packaged as ...)"
    return out.split()[2]


def write_pcap(path: Path, packets: Sequence[bytes], linktype: int = LINKTYPE_IPV6) -> None:
    """A classic (microsecond, little-endian) pcap file holding ``packets``."""
    with path.open("wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, linktype))
        for i, data in enumerate(packets):
            f.write(struct.pack("<IIII", i, 0, len(data), len(data)))
            f.write(data)


def _run(pcap: Path, *args: str) -> str:
    proc = subprocess.run(
        [tshark_path(), "-n", "-r", str(pcap), *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert proc.returncode == 0, f"tshark failed: {proc.stderr}"
    return proc.stdout


def dissect(packets: Sequence[bytes]) -> list[Node]:
    """tshark's ``_source.layers`` object for every packet, in order."""
    return dissect_both(packets)[0]


def dissect_both(packets: Sequence[bytes]) -> tuple[list[Node], list[str]]:
    """The JSON layers and the ``-V`` text (labels as a reader sees them) of every packet."""
    with tempfile.TemporaryDirectory() as tmp:
        pcap = Path(tmp) / "packets.pcap"
        write_pcap(pcap, packets)
        out = _run(pcap, "-T", "json")
        text = _run(pcap, "-V")
    frames = json.loads(out, object_pairs_hook=_pairs)
    assert len(frames) == len(packets), "tshark returned a different number of frames"
    layers: list[Node] = []
    for frame in frames:
        source = frame.get_all("_source")[0]
        layers.append(source.get_all("layers")[0])
    texts = re.split(r"(?m)^(?=Frame \d+: )", text)
    texts = [t for t in texts if t.startswith("Frame ")]
    assert len(texts) == len(packets), "tshark -V returned a different number of frames"
    return layers, texts


@functools.cache
def corpus() -> tuple[tuple[Any, ...], list[Node], list[str]]:
    """The example corpus and its dissection: one pcap, one tshark run (per output format)."""
    from rfc5269.scapy_layers.examples import examples

    ex = examples()
    layers, texts = dissect_both([e.wire for e in ex])
    return ex, layers, texts


def frame(name: str) -> tuple[Any, Node, str]:
    """The corpus example called ``name``, tshark's JSON layers for it, and its ``-V`` text."""
    ex, layers, texts = corpus()
    for e, layer, text in zip(ex, layers, texts, strict=True):
        if e.name == name:
            return e, layer, text
    raise KeyError(name)


def opt_nodes(layer: Node, key: str = "icmpv6.opt") -> list[Node]:
    """The option subtrees directly under an ICMPv6 layer, in wire order."""
    return [v for v in layer.get_all(key) if isinstance(v, Node)]


def hexbytes(value: str) -> bytes:
    """tshark's ``aa:bb:cc`` rendering of an FT_BYTES field."""
    return bytes.fromhex(value.replace(":", ""))
