"""chainrule's autograd: a scalar reverse-mode engine for learning, teaching and debugging backprop.

>>> from autograd import Value
>>> x, y, z = Value(-2.0), Value(5.0), Value(-4.0)
>>> f = (x + y) * z
>>> f.backward()
>>> x.grad, y.grad, z.grad
(-4.0, -4.0, 3.0)
"""

from autograd.compiler import Program, TraceError, compile
from autograd.derivatives import gradients, tangents
from autograd.drawing import draw
from autograd.explain import Explanation, explain
from autograd.functional import grad, hessian, jacobian, jvp, value_and_grad
from autograd.gc_control import gc_paused
from autograd.grad_mode import is_recording, is_tracing, no_grad
from autograd.gradcheck import GradcheckError, gradcheck, numerical_grad
from autograd.graph import Step, backward_reference, backward_steps, topological_order, zero_grad
from autograd.report import summary
from autograd.stepper import Stepper
from autograd.value import Value, maximum, weighted_sum

__all__ = [
    "Explanation",
    "GradcheckError",
    "Program",
    "TraceError",
    "Step",
    "Stepper",
    "Value",
    "backward_reference",
    "compile",
    "backward_steps",
    "draw",
    "explain",
    "grad",
    "gc_paused",
    "gradcheck",
    "gradients",
    "hessian",
    "jacobian",
    "jvp",
    "is_recording",
    "is_tracing",
    "maximum",
    "no_grad",
    "numerical_grad",
    "summary",
    "tangents",
    "topological_order",
    "value_and_grad",
    "weighted_sum",
    "zero_grad",
]
