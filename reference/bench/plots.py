"""PNG plots of a benchmark record, for the documentation's performance page.

Drawn from the record's section details only, so a plot always shows the
figures of the same run. Axes are labelled with units and the baseline or
goal is drawn on every plot.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rfc5269.bench.record import Record


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def exchange_plot(details: dict[str, Any], path: Path) -> None:
    """Exchanges per CPU-second per key size, implementation beside its floor."""
    plt = _pyplot()
    sizes = details["sizes"]
    labels = [f"RSA-{row['bits']}" for row in sizes]
    series = [
        ("AR (new key)", [1e6 / row["ar_new_us"]["mean"] for row in sizes], "#3366aa"),
        ("AR baseline: RSA + hashes", [1e6 / row["ar_floor_us"]["mean"] for row in sizes],
         "#99bbee"),
        ("MN", [1e6 / row["mn_us"]["mean"] for row in sizes], "#aa6633"),
        ("MN baseline: RSA + hashes", [1e6 / row["mn_floor_us"]["mean"] for row in sizes],
         "#eebb99"),
    ]
    fig, ax = plt.subplots(figsize=(8, 4.5))
    width = 0.2
    for k, (name, values, colour) in enumerate(series):
        xs = [i + (k - 1.5) * width for i in range(len(sizes))]
        bars = ax.bar(xs, values, width, label=name, color=colour)
        ax.bar_label(bars, fmt="%.0f", fontsize=7)
    ax.set_xticks(range(len(sizes)), labels)
    ax.set_xlabel("key size (CGA key, router key, HKEPK)")
    ax.set_ylabel("exchanges per CPU-second")
    ax.set_title("Key exchange throughput vs. the cryptography it needs")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def flood_plot(details: dict[str, Any], path: Path) -> None:
    """Legitimate success against attack rate, one line per kind of flood."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(8, 4.5))
    kinds: dict[str, list[tuple[float, float]]] = {}
    for run in details["runs"]:
        kinds.setdefault(run["kind"], []).append((run["attack_rate"], run["success"] * 100))
    markers = {"garbage": "o", "unsigned": "s", "signed": "^"}
    for kind, points in kinds.items():
        points.sort()
        ax.plot([p[0] for p in points], [p[1] for p in points], marker=markers.get(kind, "o"),
                label=f"{kind} RtSolPrs")
    ax.axhline(99, color="#b00020", linestyle="--", linewidth=1, label="goal: 99 %")
    limits = details.get("limits", {})
    if "global_rate" in limits:
        ax.axvline(limits["global_rate"], color="grey", linestyle=":", linewidth=1,
                   label=f"global rate limit ({limits['global_rate']:g}/s)")
    ax.set_xscale("log")
    ax.set_ylim(0, 105)
    ax.set_xlabel("attacker's rate (packets per simulated second, log scale)")
    ax.set_ylabel("legitimate key requests served (%)")
    ax.set_title(f"Legitimate MNs ({details['legit_rate']:g} requests/s) under a flood")
    ax.legend(fontsize=8, loc="lower left")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def rejection_plot(details: dict[str, Any], path: Path) -> None:
    """Cost of each kind of invalid RtSolPr as a share of a valid exchange."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7, 4))
    kinds = details["kinds"]
    names = list(kinds)
    values = [kinds[k]["fraction_of_valid"] * 100 for k in names]
    bars = ax.bar(names, values, color="#3366aa")
    ax.bar_label(bars, fmt="%.1f %%", fontsize=8)
    ax.axhline(2, color="#b00020", linestyle="--", linewidth=1, label="goal: 2 %")
    ax.axhline(100, color="grey", linestyle=":", linewidth=1,
               label="baseline: a valid exchange (100 %)")
    ax.set_ylabel("CPU time, % of a valid exchange")
    ax.set_xlabel("kind of invalid RtSolPr")
    ax.set_title(f"Rejecting invalid requests (RSA-{details['bits']}, medians)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def scale_plot(details: dict[str, Any], path: Path) -> None:
    """Bytes per entry against the number of MNs."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7, 4))
    rows = details["sizes"]
    xs = [r["mns"] for r in rows]
    ax.plot(xs, [r["key_record_bytes"] for r in rows], marker="o", label="key record")
    ax.plot(xs, [r["timestamp_entry_bytes"] for r in rows], marker="s",
            label="timestamp-cache entry")
    ax.axhline(400, color="#b00020", linestyle="--", linewidth=1, label="goal: 400 B/record")
    ax.set_xscale("log")
    ax.set_ylim(0, max(500, *(r["key_record_bytes"] for r in rows)) * 1.1)
    ax.set_xlabel("MNs (log scale)")
    ax.set_ylabel("bytes per entry (tracemalloc)")
    ax.set_title("AR state per MN")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


PLOTS = {
    "exchange": ("exchange-throughput.png", exchange_plot),
    "flood": ("flood-success.png", flood_plot),
    "rejection": ("rejection-cost.png", rejection_plot),
    "scale": ("scale-bytes.png", scale_plot),
}


def write_plots(record: Record, directory: Path) -> list[Path]:
    """Write a PNG for every section that has one; return the files written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for section in record.sections:
        if section.name not in PLOTS or not section.available:
            continue
        name, draw = PLOTS[section.name]
        path = directory / name
        draw(section.details, path)
        written.append(path)
    return written
