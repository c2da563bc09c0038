"""Report: the table ``make bench`` prints, the targets check, and the JSON kept in bench/results/.

A :class:`Row` holds one measured quantity (a case, a size, a phase) for every engine; its ratio
for engine E is ``E's median / chainrule's median``: how many times more time (or memory) E needs,
so "20x" means chainrule is 20 times faster.
"""

from __future__ import annotations

import json
import os
import platform
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from autograd.files import write_atomic
from bench.timing import Stats

BASELINE = "chainrule"
RESULTS_DIR = Path(__file__).resolve().parent / "results"


@dataclass
class Row:
    """One quantity measured for several engines (None: not run for that engine, see ``note``)."""

    section: str
    case: str
    size: int | None
    phase: str
    unit: str
    stats: dict[str, Stats | None]
    note: str = ""
    compared: bool = True

    def ratio(self, engine: str) -> float | None:
        """``engine``'s median over chainrule's (None when either was not measured, or for a
        row that is not compared, such as a percentage)."""
        base, other = self.stats.get(BASELINE), self.stats.get(engine)
        if not self.compared or base is None or other is None or base.median <= 0:
            return None
        return other.median / base.median

    def as_dict(self) -> dict[str, object]:
        return {
            "section": self.section,
            "case": self.case,
            "size": self.size,
            "phase": self.phase,
            "unit": self.unit,
            "engines": {name: None if s is None else s.as_dict() for name, s in self.stats.items()},
            "ratios": {name: self.ratio(name) for name in self.stats if name != BASELINE},
            "note": self.note,
        }


@dataclass
class Target:
    """One performance target and what was measured against it."""

    name: str
    measured: str
    met: bool

    def as_dict(self) -> dict[str, object]:
        return {"target": self.name, "measured": self.measured, "met": self.met}


@dataclass
class Results:
    machine: dict[str, object]
    settings: dict[str, object]
    engines: list[str]
    rows: list[Row] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "machine": self.machine,
            "settings": self.settings,
            "engines": self.engines,
            "rows": [row.as_dict() for row in self.rows],
            "targets": [t.as_dict() for t in self.targets],
            "notes": self.notes,
        }


def cpu_model() -> str:
    """The CPU's model name from /proc/cpuinfo (Linux), else what :mod:`platform` says."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown CPU"


def machine() -> dict[str, object]:
    """What the numbers were measured on."""
    return {
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "platform": platform.platform(),
        "host": platform.node(),
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }


def _number(x: float) -> str:
    """3 significant digits, thousands separated: 12.3, 456, 7,890."""
    if x >= 100:
        return f"{x:,.0f}"
    if x >= 10:
        return f"{x:.1f}"
    return f"{x:.2f}"


def _cell(stats: Stats | None, note: str) -> str:
    if stats is None:
        return note or "-"
    if len(stats.runs) == 1:
        return _number(stats.median)
    return f"{_number(stats.median)} [{_number(stats.low)}-{_number(stats.high)}]"


def _ratio(x: float | None) -> str:
    return "-" if x is None else f"{x:,.1f}x"


def format_table(results: Results) -> str:
    """The printed report: one block per section, then the targets."""
    engines = results.engines
    others = [e for e in engines if e != BASELINE]
    m = results.machine
    lines = [
        f"chainrule benchmarks: {m['cpu']} ({m['cores']} cores), {m['python']}, "
        f"{results.settings['gc']}",
        f"medians of {results.settings['repeats']} interleaved runs [min-max]; ratio = other "
        f"engine's median / chainrule's (how many times faster chainrule is)",
    ]
    headers = ["case", "size", "phase", *engines, *(f"{e}/chainrule" for e in others)]
    sections: dict[str, list[Row]] = {}
    for row in results.rows:
        sections.setdefault(row.section, []).append(row)
    for section, rows in sections.items():
        table = [headers]
        for row in rows:
            table.append(
                [
                    row.case,
                    "" if row.size is None else f"{row.size:,}",
                    row.phase,
                    *(_cell(row.stats.get(e), row.note) for e in engines),
                    *(_ratio(row.ratio(e)) for e in others),
                ]
            )
        widths = [max(len(r[i]) for r in table) for i in range(len(headers))]
        lines += ["", f"{section} ({rows[0].unit})"]
        for r in table:
            cells = [r[0].ljust(widths[0]), *(c.rjust(w) for c, w in zip(r[1:], widths[1:]))]
            lines.append("  ".join(cells).rstrip())
    if results.targets:
        lines += ["", "targets"]
        width = max(len(t.name) for t in results.targets)
        for t in results.targets:
            lines.append(f"{'met ' if t.met else 'MISS'}  {t.name.ljust(width)}  {t.measured}")
    if results.notes:
        lines += ["", *(f"note: {n}" for n in results.notes)]
    return "\n".join(lines)


def result_path(results: Results, directory: Path = RESULTS_DIR) -> Path:
    """``<directory>/<date>-<host>.json`` (host reduced to letters, digits, '-' and '_')."""
    date = str(results.machine["date"])[:10]
    host = re.sub(r"[^A-Za-z0-9_-]+", "-", str(results.machine["host"])).strip("-") or "host"
    return directory / f"{date}-{host}.json"


def save(results: Results, directory: Path = RESULTS_DIR) -> Path:
    """Write the results as JSON; returns the path."""
    path = result_path(results, directory)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, json.dumps(results.as_dict(), indent=1) + "\n")
    return path


def gc_description() -> str:
    import gc

    state = "enabled" if gc.isenabled() else "DISABLED"
    return f"gc {state} {gc.get_threshold()}"
