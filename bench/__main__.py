"""``python -m bench`` (``make bench``): run the suite, print the table, save the JSON.

Options: ``--quick`` (small graphs, a smoke run), ``--repeats N`` (>= 5, default 9), ``--no-save``,
``--output DIR`` (default bench/results), ``--plot`` (cost vs size as a PNG, needs matplotlib),
``--skip NAME`` (leave micrograd or PyTorch out even when installed).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

from bench.cases import OTHER_ENGINES
from bench.report import RESULTS_DIR, format_table, save
from bench.suite import Plan, run


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small graphs: a smoke run")
    parser.add_argument(
        "--repeats",
        type=int,
        default=Plan.repeats,
        help=f"runs per case (>= 5, default {Plan.repeats})",
    )
    parser.add_argument("--no-save", action="store_true", help="print only, write no JSON")
    parser.add_argument("--output", type=Path, default=RESULTS_DIR, help="where the JSON goes")
    parser.add_argument("--plot", action="store_true", help="also save cost vs size as a PNG")
    parser.add_argument(
        "--skip",
        action="append",
        default=[],
        choices=sorted(OTHER_ENGINES),
        help="leave an installed engine out (repeatable; chainrule always runs)",
    )
    args = parser.parse_args(argv)
    if args.repeats < 5:
        parser.error(
            f"--repeats must be at least 5 (medians of fewer runs mislead), got {args.repeats}"
        )
    return args


def main(argv: list[str] | None = None, plan: Plan | None = None) -> int:
    args = parse(argv)
    if plan is None:
        plan = Plan.quick() if args.quick else Plan.full()
    plan = replace(plan, repeats=args.repeats, skip=tuple(args.skip))
    results = run(
        plan, progress=lambda message: print(f"... {message}", file=sys.stderr, flush=True)
    )
    print(format_table(results))
    if not args.no_save:
        path = save(results, args.output)
        print(f"\nsaved {path}")
        if args.plot:
            from bench.plot import plot_scaling

            print(f"saved {plot_scaling(results, path.with_suffix('.png'))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
