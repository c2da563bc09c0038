"""The suite: which cases at which sizes (a :class:`Plan`), run into a `Results` table."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial
from importlib import metadata

from bench import cases, compiled
from bench.cases import COLLECTOR, Engine
from bench.memory import footprint
from bench.report import BASELINE, Results, Row, Target, gc_description, machine
from bench.timing import Run, Stats, interleaved
from nn.train import AUTO_COMPILE_STEPS

GC_OFF = "chain, gc off"
COMPILED = "compiled (chainrule only)"
COMPILED_STEP = "moons step, compiled"
VECTORIZED_STEP = "moons step, vectorized"
"""The case the per-node and linear-cost targets are judged on: with the collector off, the cost
of the engine itself (the collector's share grows with everything else the process holds). The
chain with the collector as the user has it is reported beside the targets
(:func:`collector_note`)."""


@dataclass(frozen=True)
class Plan:
    """Sizes and repetitions. ``full()`` is what ``make bench`` runs; tests use tiny plans."""

    repeats: int = 9  # medians of 9: this VM's timings jump by 10-30% for seconds at a time
    chain_sizes: tuple[int, ...] = (1_000, 10_000, 100_000, 1_000_000)
    gc_off_sizes: tuple[int, ...] = (1_000, 10_000, 100_000, 1_000_000)
    wide_sizes: tuple[int, ...] = (10_000, 100_000)
    moons_samples: int = 100
    steps_in_a_row: int = 3
    mlp_batch: int = 8
    memory_chain: int = 100_000
    recursion_probe: bool = True
    digits: bool = True  # notebook 08's training, compiled (a few seconds)
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
            digits=False,
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
            compared=phase != COLLECTOR,  # a part of the forward (often 0 on small graphs)
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
    gc_on_phases = ("forward", COLLECTOR, "backward", "total")
    graphs: list[tuple[str, Callable[[Engine, int], Run], tuple[int, ...], tuple[str, ...]]] = [
        ("chain", cases.chain_run, plan.chain_sizes, gc_on_phases),
        (GC_OFF, cases.chain_run_gc_off, plan.gc_off_sizes, ("forward", "backward", "total")),
        ("wide sum", cases.wide_sum_run, plan.wide_sizes, ("forward", COLLECTOR, "backward")),
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
        "moons/mlp steps: chainrule interprets a step as nn.train_step does (compile=False: the "
        "cyclic collector paused for the step, the graph dropped inside it; chainrule graphs have "
        f"no cycles; nn.fit compiles a batch size that runs {AUTO_COMPILE_STEPS} steps or more, "
        "see 'moons step, compiled'); "
        "'moons, gc on' runs it with the "
        "collector on; micrograd runs as its demo does"
        + (
            ", and PyTorch runs micrograd's demo code with 0-d float64 tensors"
            if "pytorch" in names
            else ""
        )
    )
    progress("moons, steps in a row")
    in_a_row = plan.steps_in_a_row
    measured = _measure(
        engines, lambda e: cases.in_a_row(e.moons_step(weights, X, y), in_a_row), plan.repeats
    )
    case = f"moons, {in_a_row} in a row"
    results.rows += _rows(measured, names, steps, case, len(X), ("step",), "ms", 1e3)
    results.notes.append(
        f"'{case}': the moons step {in_a_row} times back to back, per step; garbage is "
        "collected only between such runs, so a step here also pays for the collector "
        "reclaiming the (cyclic) graphs of the steps before it, as in a training loop"
    )
    progress("mlp step")
    Xc, yc = cases.class_data(plan.mlp_batch)
    weights_mlp = cases.initial_weights(*cases.MLP_SIZES)
    measured = _measure(engines, lambda e: e.mlp_step(weights_mlp, Xc, yc), plan.repeats)
    results.rows += _rows(measured, names, steps, "mlp 64-64-10", len(Xc), phases, "ms", 1e3)

    progress("compiled")
    results.rows += _compiled_rows(plan, names, weights, X, y)

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
    note = collector_note(results)
    if note:
        results.notes.append(note)
    return results


def _compiled_rows(
    plan: Plan, names: list[str], weights: cases.Weights, X: list[list[float]], y: list[float]
) -> list[Row]:
    """chainrule's compiled runs (see :mod:`bench.compiled`): rows with chainrule only."""
    only = {BASELINE}
    rows: list[Row] = []

    def timed(case: str, make: Run, phase: str, unit: str, factor: float, repeats: int) -> None:
        measured = interleaved({BASELINE: make}, repeats, warmup=phase != "first call")
        made = _rows(measured, names, COMPILED, case, len(X), (phase,), unit, factor)
        rows.extend(replace(row, compared=False) for row in made)  # chainrule's only

    timed(
        COMPILED_STEP, compiled.compiled_moons_step(weights, X, y), "step", "ms", 1e3, plan.repeats
    )
    timed(
        VECTORIZED_STEP,
        compiled.vectorized_moons_step(weights, X, y),
        "step",
        "ms",
        1e3,
        plan.repeats,
    )
    timed(COMPILED_STEP, compiled.first_call(weights, X, y), "first call", "s", 1.0, 3)
    grid = f"decision boundary, {compiled.GRID}x{compiled.GRID} grid"
    timed(grid, compiled.decision_boundary(weights, X, y), "one call", "ms", 1e3, plan.repeats)
    per_gate, gates = compiled.bytes_per_gate(weights, X, y)
    rows.append(
        Row(COMPILED, COMPILED_STEP, gates, "bytes per gate", "bytes",
            {name: Stats((per_gate,)) if name in only else None for name in names}, compared=False)
    )  # fmt: skip
    if plan.digits:
        seconds, accuracy = compiled.digits_training()
        case = f"digits MLP 64-16-10, {compiled.DIGITS_EPOCHS} epochs, compiled"
        for phase, unit, value in (("seconds", "s", seconds), ("test accuracy", "", accuracy)):
            rows.append(
                Row(COMPILED, case, None, phase, unit,
                    {name: Stats((value,)) if name in only else None for name in names},
                    compared=False)
            )  # fmt: skip
    return rows


def _find(results: Results, case: str, size: int | None, phase: str) -> Row | None:
    for row in results.rows:
        if (row.case, row.phase) == (case, phase) and (size is None or row.size == size):
            return row
    return None


def _median(row: Row | None, engine: str = BASELINE) -> float | None:
    stats = None if row is None else row.stats.get(engine)
    return None if stats is None else stats.median


def _mid_sizes(results: Results, case: str) -> list[int]:
    return [s for s in (10_000, 100_000) if _find(results, case, s, "forward")]


def _totals(results: Results, case: str) -> dict[int, float]:
    """chainrule's median ns per op node (forward + backward) by size."""
    totals = {}
    for row in results.rows:
        stats = row.stats.get(BASELINE)
        if row.case == case and row.phase == "total" and stats is not None and row.size:
            totals[row.size] = stats.median
    return totals


def _spread(totals: dict[int, float]) -> float:
    """The largest ns per op node over the smallest: 1.0 for a cost exactly linear in size."""
    return max(totals.values()) / min(totals.values())


def _curve(totals: dict[int, float]) -> str:
    curve = ", ".join(f"{size:.0e}: {ns:.0f}" for size, ns in sorted(totals.items()))
    return f"{curve} ns (max/min {_spread(totals):.2f})"


def check_targets(results: Results) -> list[Target]:
    """Compare the measurements with the targets (only those that were measured); the
    per-node and linear-cost targets on the chain built with the collector off (see ``GC_OFF``)."""
    targets = []
    sizes = _mid_sizes(results, GC_OFF)
    for phase, limit in (("forward", 350.0), ("backward", 150.0)):
        values = (_median(_find(results, GC_OFF, s, phase)) for s in sizes)
        known = [v for v in values if v is not None]
        if known:
            targets.append(
                Target(
                    f"chain {phase} <= {limit:.0f} ns per op node at 1e4-1e5, collector off",
                    ", ".join(f"{v:.0f}" for v in known) + " ns",
                    max(known) <= limit,
                )
            )
    moons = _find(results, "moons 2-16-16-1", None, "step")
    micrograd = _median(moons, "micrograd")
    for case, target, factor in (
        # nn.fit compiles micrograd's demo (100 full-batch steps): its step is the compiled one
        (COMPILED_STEP, "moons step as nn.fit runs micrograd's demo (compiled, replayed)", 20.0),
        (COMPILED_STEP, COMPILED_STEP, 150.0),
        (VECTORIZED_STEP, VECTORIZED_STEP, 1000.0),
    ):
        ours = _median(_find(results, case, None, "step"))
        if micrograd is not None and ours:
            ratio = micrograd / ours
            targets.append(
                Target(f"{target} >= {factor:.0f}x faster than micrograd's moons step",
                       f"{ratio:.0f}x ({ours:.2f} ms)", ratio >= factor)
            )  # fmt: skip
    for case, phase, limit, unit in (
        (COMPILED_STEP, "first call", 1.5, "s"),
        (COMPILED_STEP, "bytes per gate", 200.0, "bytes"),
        (f"decision boundary, {compiled.GRID}x{compiled.GRID} grid", "one call", 50.0, "ms"),
        (f"digits MLP 64-16-10, {compiled.DIGITS_EPOCHS} epochs, compiled", "seconds", 5.0, "s"),
    ):
        value = _median(_find(results, case, None, phase))
        if value is not None:
            targets.append(
                Target(
                    f"{case}, {phase} <= {limit:g} {unit}", f"{value:.3g} {unit}", value <= limit
                )
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
    totals = _totals(results, GC_OFF)
    if len(totals) >= 2:
        targets.append(
            Target(
                "linear cost: ns per op node within 2x from the smallest chain to the largest, "
                "collector off",
                _curve(totals),
                _spread(totals) <= 2.0,
            )
        )
    return targets


def collector_note(results: Results) -> str | None:
    """chainrule's chain with the collector as the user has it, and the collector's share of its
    forward: reported beside the targets, which are judged with the collector off."""
    sizes = _mid_sizes(results, "chain")
    if not sizes:
        return None
    measured = []
    for size in sizes:
        forward = _median(_find(results, "chain", size, "forward")) or 0.0
        collector = _median(_find(results, "chain", size, COLLECTOR)) or 0.0
        measured.append(f"{forward:.0f} ns at {size:.0e} ({collector:.0f} in the collector)")
    note = (
        "chainrule's chain with the collector on, as users run it (the per-node targets are "
        "judged with it off, which measures the engine's own work): forward per op node "
        + ", ".join(measured)
    )
    totals = _totals(results, "chain")
    if len(totals) >= 2:
        note += f"; forward + backward by size: {_curve(totals)}"
    return note


__all__ = ["GC_OFF", "Plan", "check_targets", "collector_note", "run"]
