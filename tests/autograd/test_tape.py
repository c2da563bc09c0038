"""``tape()``: backward down the list of gates in creation order gives backward's gradients.

Inside ``with tape():`` a root made on the tape goes down the tape instead of walking the graph
(autograd/graph.py ``_backward_on_tape``). These tests pin it to central differences, to the graph
walk, to the stepper and to ``gradients()``, and check every way a tape can be left incomplete.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from autograd import (
    Tape,
    Value,
    gradients,
    is_recording,
    no_grad,
    numerical_grad,
    tape,
    topological_order,
)
from autograd.graph import backward_order
from autograd.testing import Case, cases, finite_floats

SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow],
)

MODES: list[Callable[[], AbstractContextManager[Any]]] = [nullcontext, tape]


def grads(root: Value) -> list[float]:
    return [node.grad for node in topological_order(root)]


@SETTINGS
@given(cases())
def test_backward_on_a_tape_matches_central_differences(case: Case) -> None:
    inputs = case.values()
    with tape() as recorded:
        out = case.expression.build(*inputs)
        out.backward()
    assert recorded.complete
    numeric = numerical_grad(
        lambda *xs: Value(case.expression.reference(*[x.data for x in xs])), *case.inputs
    )
    largest = case.expression.evaluate(*case.inputs).largest
    for x, n in zip(inputs, numeric):
        assert abs(x.grad - n) <= 1e-6 * max(1.0, largest) + 1e-4 * abs(n)


@SETTINGS
@given(cases())
def test_backward_on_a_tape_agrees_with_walking_the_graph(case: Case) -> None:
    walked = case.expression.build(*case.values())
    walked.backward()
    with tape():
        out = case.expression.build(*case.values())
        out.backward()
    expected = grads(walked)
    scale = max(map(abs, expected))
    assert grads(out) == pytest.approx(expected, rel=1e-9, abs=1e-9 * scale)


@SETTINGS
@given(cases(), finite_floats(-5, 5))
def test_on_a_tape_draining_backward_steps_equals_backward_exactly(
    case: Case, start: float
) -> None:
    first, second = case.values(), case.values()
    with tape():
        out1, out2 = case.expression.build(*first), case.expression.build(*second)
        for x in (*first, *second):
            x.grad = start  # gradients already there from an earlier pass
        out1.backward()
        steps = list(out2.backward_steps())
    assert grads(out1) == grads(out2)
    assert len(steps) == sum(len(node.parents) for node in topological_order(out2))


@SETTINGS
@given(cases())
def test_on_a_tape_gradients_equal_backward_exactly(case: Case) -> None:
    inputs = case.values()
    with tape():
        out = case.expression.build(*inputs)
        found = gradients(out, inputs)
        out.backward()
    assert found == [x.grad for x in inputs]


@SETTINGS
@given(cases())
def test_a_second_backward_on_a_tape_doubles_every_gradient_exactly(case: Case) -> None:
    with tape():
        out = case.expression.build(*case.values())
        out.backward()
        once = grads(out)
        out.backward()
    assert grads(out) == [2 * g for g in once]


@SETTINGS
@given(cases(), cases())
def test_two_roots_on_one_tape_each_get_their_own_gradients(f: Case, g: Case) -> None:
    """The tape is run up to the root only. Gates before it that root does not use are skipped,
    also when they hold gradients from the other root's pass."""
    alone_f = f.expression.build(*f.values())
    alone_f.backward()
    alone_g = g.expression.build(*g.values())
    alone_g.backward()
    with tape():
        out_f = f.expression.build(*f.values())
        out_g = g.expression.build(*g.values())
        out_f.backward()  # not the last gate on the tape
        out_g.backward()  # after out_f's gates, which hold gradients now
    for alone, out in ((alone_f, out_f), (alone_g, out_g)):
        expected = grads(alone)
        assert grads(out) == pytest.approx(expected, rel=1e-9, abs=1e-9 * max(map(abs, expected)))


def test_two_losses_sharing_a_gate_add_up_on_a_tape() -> None:
    x = Value(1.5, "x")
    with tape():
        h = (x * x).tanh()
        first, second = h * 2.0, h * 3.0
        first.backward()
        second.backward()
    fresh = Value(1.5)
    ((fresh * fresh).tanh() * 5.0).backward()
    assert x.grad == pytest.approx(fresh.grad, rel=1e-15)
    assert h.grad == 5.0


def test_the_tape_lists_gates_in_creation_order_and_backward_order_follows_it() -> None:
    x, y = Value(2.0, "x"), Value(3.0, "y")
    with tape() as recorded:
        unrelated = x * 5.0
        a = x * y
        b = a + x
        c = b * a
        assert backward_order(c) == [c, b, a]
    assert recorded.gates == [unrelated, a, b, c]
    assert repr(recorded) == "<Tape of 4 gates>"


@pytest.mark.parametrize("mode", MODES)
def test_lecture_numbers_on_a_tape(mode: Callable[[], AbstractContextManager[Any]]) -> None:
    x, y, z = Value(-2.0, "x"), Value(5.0, "y"), Value(-4.0, "z")
    with mode():
        f = (x + y) * z
        f.backward()
    assert (f.data, x.grad, y.grad, z.grad) == (-12.0, -4.0, -4.0, 3.0)


def test_a_gate_made_before_the_block_leaves_the_tape_incomplete() -> None:
    x = Value(1.5, "x")
    h = x * 2.0  # made outside: the tape cannot order it
    with tape() as recorded:
        y = h * 3.0 + x
        assert not recorded.complete
        y.backward()
    assert (x.grad, h.grad, y.grad) == (7.0, 3.0, 1.0)
    assert "not complete" in repr(recorded)


def test_a_one_input_gate_on_a_gate_from_elsewhere_leaves_the_tape_incomplete() -> None:
    h = Value(0.5) * 2.0
    with tape() as recorded:
        h.tanh()
    assert not recorded.complete


def test_nested_tapes_each_see_the_other_as_elsewhere_and_backward_is_still_right() -> None:
    x = Value(1.5, "x")
    with tape() as outer:
        a = x * 2.0
        with tape() as inner:
            b = a * 3.0
        c = b + a
        c.backward()
    assert not outer.complete and not inner.complete
    assert x.grad == 8.0 and a.grad == 4.0 and b.grad == 1.0


def test_a_gate_made_in_another_thread_leaves_the_tape_incomplete() -> None:
    x = Value(1.5, "x")
    made: list[Value] = []
    with tape() as recorded:
        a = x * 2.0
        worker = threading.Thread(target=lambda: made.append(a * 3.0))
        worker.start()
        worker.join()
        out = made[0] + a
        out.backward()
    assert not recorded.complete
    assert recorded.gates == [a, out]
    assert x.grad == 8.0


@pytest.mark.parametrize("mode", MODES)
def test_an_overflowing_gradient_on_a_tape_raises_and_changes_nothing(
    mode: Callable[[], AbstractContextManager[Any]],
) -> None:
    big = Value(2.0, "big")
    with mode():
        out = (big * 1e300) * 1.0
        with pytest.raises(OverflowError, match="big"):
            out.backward(1e10)
        assert big.grad == 0.0 and out.grad == 0.0
        big.grad = 5.0
        with pytest.raises(OverflowError, match="big"):
            out.backward(1e10)
    assert big.grad == 5.0 and out.grad == 0.0


@pytest.mark.parametrize("mode", MODES)
def test_a_held_gradient_that_overflows_when_added_back_is_caught(
    mode: Callable[[], AbstractContextManager[Any]],
) -> None:
    """The gate's gradient of this pass is finite, and so are the leaves'; only adding back the
    gradient the gate held overflows (the leaves get about 1e298). The check must look at the
    nodes that held one."""
    x = Value(1e-10, "x")
    with mode():
        h = x * 1e-10
        h.label = "h"
        out = h * 1e300
        h.grad = 1e308
        with pytest.raises(OverflowError, match="h"):
            out.backward(1e8)  # d out / d h = 1e300 * 1e8 = 1e308, and 1e308 + 1e308 = inf
    assert h.grad == 1e308 and x.grad == 0.0 and out.grad == 0.0


def test_no_grad_inside_a_tape_records_nothing_and_a_tape_inside_no_grad_records() -> None:
    x = Value(2.0)
    with tape() as recorded:
        with no_grad():
            y = x * 2.0
            assert not is_recording()
        assert is_recording()
    assert y.is_leaf and recorded.gates == []
    with no_grad(), tape() as inside:
        z = x * 2.0
    assert not z.is_leaf and inside.gates == [z]


def test_the_graph_is_freed_when_the_block_and_the_last_reference_are_gone() -> None:
    """Gates carry the tape's mark, not the tape: no reference cycle keeps the graph alive."""

    def values() -> int:
        return sum(type(o) is Value for o in gc.get_objects())

    x = Value(0.5)
    gc.collect()
    gc.disable()
    try:
        before = values()
        with tape() as recorded:
            out = x
            for _ in range(200):
                out = (out * 1.01).tanh()
            out.backward()
        assert len(recorded.gates) == 400
        del out, recorded
        assert values() == before
    finally:
        gc.enable()


def test_a_tape_is_a_wengert_list_of_gates() -> None:
    recorded = Tape()
    assert recorded.gates == [] and recorded.complete
