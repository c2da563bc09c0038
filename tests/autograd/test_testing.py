"""autograd.testing: the strategies make valid cases, and the property tests built on them fail
when a derivative is wrong."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given, settings

from autograd import functions, ops
from autograd.testing import OPERATIONS, Case, cases, expressions

from . import test_properties


@settings(max_examples=40, deadline=None)
@given(case=cases())
def test_cases_are_safe_to_differentiate(case: Case) -> None:
    ev = case.expression.evaluate(*case.inputs)
    assert math.isfinite(ev.value) and ev.largest <= 1e4 and ev.kink_distance > 1e-3
    assert len(case.inputs) == case.expression.n_inputs


@settings(max_examples=40, deadline=None)
@given(expression=expressions(max_steps=6))
def test_each_step_reads_only_earlier_nodes(expression) -> None:  # type: ignore[no-untyped-def]
    for k, ins in enumerate(expression.instructions):
        assert ins.op in OPERATIONS
        assert all(0 <= a < expression.n_inputs + k for a in ins.args)
    assert str(expression).count(" = ") == len(expression.instructions)


@settings(max_examples=5, deadline=None)
@given(expression=expressions())
def test_build_rejects_the_wrong_number_of_inputs(expression) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(TypeError, match="inputs"):
        expression.reference(*([1.0] * (expression.n_inputs + 1)))


def wrong_sigmoid(x: Any) -> tuple[Any, Any]:
    s = functions.sigmoid(x)
    return s, s * (1.0 + s)  # the slides say s (1 - s)


def test_the_dag_property_catches_a_wrong_derivative() -> None:
    """The property body, run on graphs made of sigmoid gates only: with the wrong rule every such
    graph's gradient is off by a factor (1 + s) / (1 - s) > 1.09 for inputs in [-3, 3], so the first
    example already fails (graphs of all ops would meet sigmoid only by chance)."""
    dag_property = test_properties.test_random_dag_backward_matches_central_differences
    prop = dag_property.hypothesis.inner_test
    on_sigmoid_graphs = settings(max_examples=5, deadline=None)(
        given(case=cases(operations=["sigmoid"]))(prop)
    )
    with ops.override(ops.SIGMOID, wrong_sigmoid), pytest.raises(AssertionError):
        on_sigmoid_graphs()
    on_sigmoid_graphs()  # and the right rule passes the same property
