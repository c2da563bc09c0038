"""Cost vs size as a PNG (log-log, ns per op node): matplotlib, imported only when asked for."""

from __future__ import annotations

import io
from pathlib import Path

from autograd.files import write_atomic
from bench.report import Results
from bench.suite import GC_OFF


def plot_scaling(results: Results, path: Path) -> Path:
    """Plot each engine's chain cost (forward + backward, ns per op node) against the size, with
    the collector on (solid) and off (dotted); save to path."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise SystemExit("--plot needs matplotlib: pip install matplotlib") from None
    figure, axes = plt.subplots(figsize=(6, 4))
    for engine in results.engines:
        for case, style, shown in (("chain", "-o", "collector on"), (GC_OFF, ":s", "off")):
            points = [
                (row.size, stats.median)
                for row in results.rows
                if row.case == case
                and row.phase == "total"
                and (stats := row.stats.get(engine)) is not None
            ]
            if points:
                sizes, ns = zip(*points)
                axes.plot(sizes, ns, style, label=f"{engine}, {shown}")
    axes.set_xscale("log")
    axes.set_yscale("log")
    axes.set_xlabel("op nodes in the chain")
    axes.set_ylabel("forward + backward, ns per op node (median)")
    axes.set_title(f"cost vs size: {results.machine['cpu']}, {results.machine['python']}")
    axes.legend()
    figure.tight_layout()
    image = io.BytesIO()
    figure.savefig(image, format=Path(path).suffix[1:] or "png", dpi=100)
    plt.close(figure)
    return write_atomic(path, image.getvalue())
