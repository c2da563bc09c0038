"""chainrule's benchmark suite: ``make bench`` (``python -m bench``).

Compares chainrule with micrograd (the ``bench`` extra installs it) on the same graphs, in one
process, candidates interleaved: a deep chain and a wide sum from 10^3 to 10^6 op nodes, one SGD
step of micrograd's moons demo and of a 64-64-10 MLP, and bytes per op node. Prints medians with
min-max and ratios, checks the performance targets, and writes JSON to ``bench/results/``.
Speed is checked here, never by timed unit tests.

Modules: :mod:`bench.cases` (what is measured), :mod:`bench.timing` (interleaved runs, medians),
:mod:`bench.memory` (tracemalloc), :mod:`bench.report` (table and JSON), :mod:`bench.suite` (the
plan of sizes), :mod:`bench.plot` (optional PNG of cost vs size).
"""
