"""The suite: which cases at which sizes (a :class:`Plan`), run into a `Results` table."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from importlib import metadata

from bench import cases
from bench.cases import Engine
from bench.memory import footprint
from bench.report import BASELINE, Results, Row, Target, gc_description, machine
from bench.timing import Run, Stats, interleaved


@dataclass(frozen=True)
class Plan:
    """Sizes and repetitions. ``full()`` is what ``make bench`` runs; tests use tiny plans."""

    repeats: int = 5
    chain_sizes: tuple[int, ...] = (1_000, 10_000, 100_000, 1_000_000)
    gc_off_sizes: tuple[int, ...] = (1_000, 10_000, 100_000, 1_000_000)
    wide_sizes: tuple[int, ...] = (10_000, 100_000)
    moons_samples: int = 100
    mlp_batch: int = 8
    memory_chain: int = 100_000
    recursion_probe: bool = True
    skip: tuple[str, ...] = ()  # engines to leave out (see bench.cases.OTHER_ENGINES)

    @classmethod
    def full(cls) -> Plan:
        return cls()

    @classmethod
    def quick(cls) -> Plan:
        """A minute-long smoke run: small graphs, same number of repeats."""
        return cls(
            chain_sizes=(1_000, 10_000),
            gc_off_sizes=(10_000,),
            wide_sizes=(10_000,),
            moons_samples=20,
            mlp_batch=2,
            memory_chain=10_000,
        )


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed as a package"


def _sized(make_run: Callable[[Engine, int], Run], n: int, engine: Engine) -> Run:
    return make_run(engine, n)


def _measure(
    engines: list[Engine], make_run: Callable[[Engine], Run], repeats: int, warmup: bool = True
) -> dict[str, dict[str, Stats]]:
    return interleaved({e.name: make_run(e) for e in engines}, repeats, warmup)


def _rows(
    measured: dict[str, dict[str, Stats]],
    names: list[str],
    section: str,
    case: str,
    size: int | None,
    phases: tuple[str, ...],
    unit: str,
    factor: float,
) -> list[Row]:
    return [
        Row(
            section,
            case,
            size,
            phase,
            unit,
            {
                name: measured[name][phase].scaled(factor) if name in measured else None
                for name in names
            },
        )
        for phase in phases
    ]


def run(plan: Plan, progress: Callable[[str], None] = lambda message: None) -> Results:
    """Run every case of ``plan`` for every installed engine."""
    engines, notes = cases.available_engines(plan.skip)
    names = [e.name for e in engines]
    results = Results(
        machine=machine(),
        settings={
            "repeats": plan.repeats,
            "gc": gc_description(),
            "clock": "time.perf_counter",
            "plan": plan.__dict__,
            "versions": {name: _version(name) for name in ("chainrule", "micrograd", "torch")},
        },
        engines=names,
        notes=notes,
    )
    per_node = "time per op node"
    chain_phases = ("forward", "backward", "total")
    graphs: list[tuple[str, Callable[[Engine, int], Run], tuple[int, ...], tuple[str, ...]]] = [
        ("chain", cases.chain_run, plan.chain_sizes, chain_phases),
        ("chain, gc off", cases.chain_run_gc_off, plan.gc_off_sizes, chain_phases),
        ("wide sum", cases.wide_sum_run, plan.wide_sizes, ("forward", "backward")),
    ]
    for case, make_run, sizes, phases in graphs:
        for n in sizes:
            progress(f"{case} {n:,}")
            warmup = n < 1_000_000  # a warm-up of micrograd at 1e6 would take half a minute
            measured = _measure(engines, partial(_sized, make_run, n), plan.repeats, warmup)
            results.rows += _rows(measured, names, per_node, case, n, phases, "ns", 1e9 / n)

    steps = "one SGD step"
    phases = ("forward", "backward", "step")
    progress("moons step")
    X, y = cases.moons_data(plan.moons_samples)
    weights = cases.initial_weights(*cases.MOONS_SIZES)
    measured = _measure(engines, lambda e: e.moons_step(weights, X, y), plan.repeats)
    results.rows += _rows(measured, names, steps, "moons 2-16-16-1", len(X), phases, "ms", 1e3)
    measured = _measure(engines, lambda e: e.moons_step(weights, X, y, False), plan.repeats)
    case = "moons, gc on"
    results.rows += _rows(measured, names, steps, case, len(X), phases, "ms", 1e3)
    results.notes.append(
        "moons/mlp steps: chainrule runs a step as nn.fit does (nn.train_step: the graph "
        "recorded on an autograd.tape(), the cyclic collector paused for the step, the graph "
        "dropped inside it; chainrule graphs have no cycles); 'moons, gc on' runs it with the "
        "collector on; micrograd runs as its demo does"
        + (
            ", and PyTorch runs micrograd's demo code with 0-d float64 tensors"
            if "pytorch" in names
            else ""
        )
    )
    progress("mlp step")
    Xc, yc = cases.class_data(plan.mlp_batch)
    weights_mlp = cases.initial_weights(*cases.MLP_SIZES)
    measured = _measure(engines, lambda e: e.mlp_step(weights_mlp, Xc, yc), plan.repeats)
    results.rows += _rows(measured, names, steps, "mlp 64-64-10", len(Xc), phases, "ms", 1e3)

    progress("memory")
    memory = "memory"
    n = plan.memory_chain
    traced = [e for e in engines if e.memory_traced]
    results.notes += [
        f"{e.name}: memory not measured (its graphs live in C++ memory, which tracemalloc does "
        "not see)"
        for e in engines
        if not e.memory_traced
    ]
    chain = {e.name: footprint(cases.chain_graph(e, n), n) for e in traced}
    moons = {}
    for e in traced:
        build = e.moons_graph(weights, X, y)
        moons[e.name] = footprint(build, e.op_nodes(build()))
    for case, size, prints in (("chain", n, chain), ("moons graph", len(X), moons)):
        results.rows.append(
            Row(
                memory,
                case,
                size,
                "bytes per op node",
                "bytes",
                {name: Stats((f.bytes_per_node,)) for name, f in prints.items()},
            )
        )
        results.rows.append(
            Row(
                memory,
                case,
                size,
                "% kept after del",
                "%",
                {
                    name: Stats((100.0 * f.kept_bytes / f.built_bytes,))
                    for name, f in prints.items()
                },
                compared=False,
            )
        )
    results.settings["memory"] = {
        case: {name: f.as_dict() for name, f in prints.items()}
        for case, prints in (("chain", chain), ("moons graph", moons))
    }

    if plan.recursion_probe:
        for e in engines:
            if e.name != BASELINE:
                limit = cases.recursion_error_at(e)
                if limit is not None:
                    results.notes.append(
                        f"{e.name}'s backward raises RecursionError at a chain of {limit:,} op "
                        "nodes at the default recursion limit; the suite raises the limit for it "
                        "only, while it runs backward"
                    )
    results.targets = check_targets(results)
    return results


def _find(results: Results, case: str, size: int | None, phase: str) -> Row | None:
    for row in results.rows:
        if (row.case, row.phase) == (case, phase) and (size is None or row.size == size):
            return row
    return None


def _median(row: Row | None, engine: str = BASELINE) -> float | None:
    stats = None if row is None else row.stats.get(engine)
    return None if stats is None else stats.median


def check_targets(results: Results) -> list[Target]:
    """Compare the measurements with the issue's targets (only those that were measured)."""
    targets = []
    for case, gc_state in (("chain", "gc as the user has it"), ("chain, gc off", "gc off")):
        mid_sizes = [s for s in (10_000, 100_000) if _find(results, case, s, "forward")]
        for phase, limit in (("forward", 300.0), ("backward", 150.0)):
            values = [_median(_find(results, case, s, phase)) for s in mid_sizes]
            known = [v for v in values if v is not None]
            if known:
                shown = ", ".join(f"{v:.0f}" for v in known)
                targets.append(
                    Target(
                        f"{case} {phase} <= {limit:.0f} ns per op node at 1e4-1e5",
                        f"{shown} ns ({gc_state})",
                        max(known) <= limit,
                    )
                )
    moons = _find(results, "moons 2-16-16-1", None, "step")
    speedup = None if moons is None else moons.ratio("micrograd")
    if speedup is not None:
        targets.append(
            Target("moons step >= 20x faster than micrograd", f"{speedup:.1f}x", speedup >= 20)
        )
    memory = results.settings.get("memory", {})
    if isinstance(memory, dict):
        for case in ("chain", "moons graph"):
            measured = memory.get(case, {}).get(BASELINE)
            if measured:
                targets.append(
                    Target(
                        f"<= 150 bytes per op node ({case})",
                        f"{measured['bytes_per_op_node']:.0f} bytes",
                        measured["bytes_per_op_node"] <= 150,
                    )
                )
                targets.append(
                    Target(
                        f"graph freed when the last reference goes ({case})",
                        f"{measured['kept_after_del_bytes']:,} bytes kept after del",
                        bool(measured["freed_by_del"]),
                    )
                )
    million = _median(_find(results, "chain", 1_000_000, "total"))
    if million is not None:
        seconds = million * 1e6 / 1e9
        targets.append(
            Target("chain of 1e6 ops, forward + backward < 2 s", f"{seconds:.2f} s", seconds < 2)
        )
    for case in ("chain", "chain, gc off"):
        totals = {}
        for row in results.rows:
            stats = row.stats.get(BASELINE)
            if row.case == case and row.phase == "total" and stats is not None and row.size:
                totals[row.size] = stats.median
        if len(totals) >= 2:
            spread = max(totals.values()) / min(totals.values())
            curve = ", ".join(f"{size:.0e}: {ns:.0f}" for size, ns in sorted(totals.items()))
            targets.append(
                Target(
                    f"linear cost, {case} (ns per op node within 2x over the sizes)",
                    f"{curve} ns (max/min {spread:.2f})",
                    spread <= 2.0,
                )
            )
    return targets


__all__ = ["Plan", "check_targets", "run"]
