"""The committed sample captures are what scripts/make_samples.py generates."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_samples_are_up_to_date_and_deterministic() -> None:
    spec = importlib.util.spec_from_file_location("make_samples", ROOT / "scripts" /
                                                  "make_samples.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_samples"] = module
    spec.loader.exec_module(module)
    first = module.build()
    assert first == module.build()
    on_disk = (ROOT / "samples" / "pcap" / "prrtadv.pcap").read_bytes()
    assert first["prrtadv"][0] in on_disk
    assert first["fbu"][0] in (ROOT / "samples" / "pcap" / "all.pcap").read_bytes()
