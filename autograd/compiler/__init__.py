"""``autograd.compile``: record a function's graph once, replay it as straight-line code.

See :mod:`autograd.compiler.program`. The package has one job per module: ``trace`` records the
graph, ``scalar`` writes it out as Python on floats (one line per gate), ``vector`` as numpy code
over groups of like gates (batches, big graphs), ``source`` turns generated source into a
function, and ``program`` is what a user calls.
"""

from autograd.compiler.program import SCALAR_LIMIT, Program, compile
from autograd.grad_mode import TraceError

__all__ = ["SCALAR_LIMIT", "Program", "TraceError", "compile"]
