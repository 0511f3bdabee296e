"""``rfc5269 bench``: the command runs, its JSON record has the agreed shape, plots are PNGs.

Tiny runs only; the figures themselves are not judged here (benchmarks are
not timed assertions).
"""

from __future__ import annotations

import json
import struct

from rfc5269.bench.record import Figure
from rfc5269.cli import main

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == PNG_SIGNATURE and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_json_record(capsys):
    code = main(["bench", "scale", "rejection", "--rounds", "4", "--scale-sizes", "2000",
                 "--json"])
    assert code == 0
    record = json.loads(capsys.readouterr().out)
    assert record["schema"] == "rfc5269-bench/1"
    assert set(record["sections"]) == {"scale", "rejection"}
    names = [r["name"] for r in record["results"]]
    assert "2,000 MNs: bytes per key record" in names
    assert any(n.startswith("unsigned RtSolPr rejected") for n in names)
    for row in record["results"]:
        assert row["benchmark"] in ("scale", "rejection") and row["value"] > 0
        if row["baseline"] is not None:
            assert abs(row["ratio"] - row["value"] / row["baseline"]) < 1e-9


def test_plot_writes_pngs_and_record(tmp_path, capsys):
    code = main(["bench", "exchange", "rejection", "flood", "scale", "--rounds", "3",
                 "--key-sizes", "1024", "--scale-sizes", "1000", "2000",
                 "--flood-duration", "0.2", "--legit-rate", "10",
                 "--flood-rate", "garbage=20,200", "--flood-rate", "unsigned=20",
                 "--flood-rate", "signed=20", "--plot", str(tmp_path)])
    assert code == 0
    text = capsys.readouterr().out
    assert "Key exchange" in text and "ratio" in text
    pngs = sorted(p.name for p in tmp_path.glob("*.png"))
    assert pngs == ["exchange-throughput.png", "flood-success.png", "rejection-cost.png",
                    "scale-bytes.png"]
    for name in pngs:
        width, height = _png_size((tmp_path / name).read_bytes())
        assert width > 300 and height > 200
    record = json.loads((tmp_path / "bench.json").read_text())
    runs = record["sections"]["flood"]["details"]["runs"]
    assert {(r["kind"], r["attack_rate"]) for r in runs} == {
        ("garbage", 20.0), ("garbage", 200.0), ("unsigned", 20.0), ("signed", 20.0)}


def test_unknown_flood_kind_is_refused(capsys):
    try:
        main(["bench", "flood", "--flood-rate", "bogus=1"])
    except SystemExit as exc:
        assert "KIND=RATE" in str(exc)
    else:
        raise AssertionError("accepted an unknown flood kind")


def test_default_selection_and_unknown_names():
    from rfc5269.bench.cli import BENCHMARKS, plan
    from rfc5269.cli import build_parser

    args = build_parser().parse_args(["bench"])
    assert [name for name, _ in plan(args)] == list(BENCHMARKS)
    args = build_parser().parse_args(["bench", "flood", "nonsense"])
    try:
        plan(args)
    except SystemExit as exc:
        assert "nonsense" in str(exc)
    else:
        raise AssertionError("accepted an unknown benchmark")


def test_figure_judgement():
    assert Figure("x", 3.0, "us", baseline=2.0, goal=1.15, goal_kind="max").judge().met is False
    assert Figure("x", 2.2, "us", baseline=2.0, goal=1.15, goal_kind="max").judge().met is True
    assert Figure("x", 99.5, "%", goal=99.0, goal_kind="min").judge().met is True
    assert Figure("x", 98.0, "%", goal=99.0, goal_kind="min").judge().met is False
    assert Figure("x", 1.0, "us").judge().met is None
