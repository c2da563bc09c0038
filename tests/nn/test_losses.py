"""Losses: values against plain-float references, gradients against central differences,
stability at large logits, and clear errors for bad targets."""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value, gradcheck
from autograd.testing import finite_floats
from nn import losses

SMALL = settings(max_examples=25, deadline=None)


def values(xs: list[float]) -> list[Value]:
    return [Value(x) for x in xs]


# -- values --------------------------------------------------------------------------------------


def test_regression_losses_against_numpy() -> None:
    o, t = [0.5, -1.0, 2.0], [1.0, 0.0, 2.5]
    d = np.array(o) - np.array(t)
    assert losses.squared_error(values(o), t).data == pytest.approx(0.5 * np.sum(d**2))
    assert losses.mse(values(o), t).data == pytest.approx(np.mean(d**2))
    assert losses.l1(values(o), t).data == pytest.approx(np.mean(np.abs(d)))
    assert losses.squared_error(Value(3.0), 1.0).data == 2.0  # one output, one target


def test_losses_take_a_batch_of_lists() -> None:
    outputs = [values([0.1, 0.2]), values([0.3, 0.4])]
    assert losses.mse(outputs, [[0, 0], [0, 0]]).data == pytest.approx(0.075)
    assert losses.cross_entropy(outputs, [0, 1]).data == pytest.approx(
        (losses.cross_entropy(outputs[0], 0).data + losses.cross_entropy(outputs[1], 1).data) / 2
    )


def test_hinge_is_micrograds_svm_loss() -> None:
    scores, labels = [0.5, -2.0, 1.5], [1, -1, -1]
    expected = np.mean([max(0, 1 - y * s) for s, y in zip(scores, labels)])
    assert losses.hinge(values(scores), labels).data == pytest.approx(expected)


def test_multiclass_hinge_cs231n_example() -> None:
    """cs231n's SVM example: scores for cat, car, frog images; losses 2.9, 0 and 12.9."""
    cat = values([3.2, 5.1, -1.7])
    car = values([1.3, 4.9, 2.0])
    frog = values([2.2, 2.5, -3.1])
    assert losses.multiclass_hinge(cat, 0).data == pytest.approx(2.9)
    assert losses.multiclass_hinge(car, 1).data == pytest.approx(0.0)
    assert losses.multiclass_hinge(frog, 2).data == pytest.approx(12.9)
    batch = losses.multiclass_hinge([cat, car, frog], [0, 1, 2])
    assert round(batch.data, 2) == 5.27


def test_cross_entropy_cs231n_example() -> None:
    """cs231n's softmax example: the cat scores give probabilities 0.13, 0.87, 0.00; L = 2.04."""
    cat = values([3.2, 5.1, -1.7])
    probabilities = [round(p.data, 2) for p in losses.softmax(cat)]
    assert probabilities == [0.13, 0.87, 0.0]
    assert round(losses.cross_entropy(cat, 0).data, 2) == 2.04


def test_softmax_returns_values_summing_to_one() -> None:
    p = losses.softmax(values([1.0, 2.0, 3.0]))
    assert isinstance(p, list) and all(isinstance(v, Value) for v in p)
    assert sum(v.data for v in p) == pytest.approx(1.0)


def test_binary_cross_entropy_with_logits_reference() -> None:
    z, t = [0.3, -2.0, 4.0], [1.0, 0.0, 0.25]
    sig = [1 / (1 + math.exp(-x)) for x in z]
    ref = -np.mean([ti * math.log(s) + (1 - ti) * math.log(1 - s) for s, ti in zip(sig, t)])
    assert losses.binary_cross_entropy_with_logits(values(z), t).data == pytest.approx(ref)


def test_l2_is_the_sum_of_squares_without_a_half() -> None:
    params = values([1.0, -2.0, 3.0])
    penalty = losses.l2(params)
    assert penalty.data == 14.0
    penalty.backward()
    assert [p.grad for p in params] == [2.0, -4.0, 6.0]


# -- stability -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("big", "expected"), [(1000.0, 2000.0), (-1000.0, 0.0)])
def test_cross_entropy_is_finite_at_huge_logits(big: float, expected: float) -> None:
    logits = values([big, -big, 0.0])
    loss = losses.cross_entropy(logits, 1)  # log(e^big + e^-big + 1) - (-big)
    loss.backward()
    assert loss.data == pytest.approx(expected, rel=1e-12, abs=1e-300)
    p = [v.data for v in losses.softmax(logits)]
    expected = [pi - (1.0 if j == 1 else 0.0) for j, pi in enumerate(p)]
    assert [z.grad for z in logits] == pytest.approx(expected)


@pytest.mark.parametrize(("z", "t", "expected"), [(1000.0, 0.0, 1000.0), (-1000.0, 1.0, 1000.0)])
def test_binary_cross_entropy_is_finite_at_huge_logits(z: float, t: float, expected: float) -> None:
    logit = Value(z)
    loss = losses.binary_cross_entropy_with_logits(logit, t)
    loss.backward()
    assert loss.data == pytest.approx(expected)
    assert logit.grad == pytest.approx(1.0 - t if z > 0 else -t)
    assert losses.binary_cross_entropy_with_logits(Value(1000.0), 1.0).data == 0.0


# -- gradients against central differences (hypothesis) ------------------------------------------

logit_lists = st.lists(finite_floats(-5, 5), min_size=2, max_size=5)


@SMALL
@given(logit_lists, st.data())
def test_cross_entropy_gradient(logits: list[float], data: st.DataObject) -> None:
    y = data.draw(st.integers(0, len(logits) - 1))
    assert gradcheck(lambda *z: losses.cross_entropy(list(z), y), *logits)


@SMALL
@given(logit_lists, st.integers(0, 4))
def test_softmax_gradient(logits: list[float], k: int) -> None:
    k %= len(logits)
    assert gradcheck(lambda *z: losses.softmax(list(z))[k], *logits)


@SMALL
@given(logit_lists, st.data())
def test_multiclass_hinge_gradient(scores: list[float], data: st.DataObject) -> None:
    y = data.draw(st.integers(0, len(scores) - 1))
    # central differences are only valid away from the kinks s_j - s_y + 1 = 0
    kinks = [abs(s - scores[y] + 1.0) for j, s in enumerate(scores) if j != y]
    if min(kinks) > 1e-3:
        assert gradcheck(lambda *s: losses.multiclass_hinge(list(s), y), *scores)


@SMALL
@given(st.lists(st.tuples(finite_floats(-3, 3), finite_floats(-3, 3)), min_size=1, max_size=4))
def test_regression_loss_gradients(pairs: list[tuple[float, float]]) -> None:
    outputs, targets = [o for o, _ in pairs], [t for _, t in pairs]
    for loss in (losses.squared_error, losses.mse):
        assert gradcheck(lambda *o, loss=loss: loss(list(o), targets), *outputs)
    if all(abs(o - t) > 1e-3 for o, t in pairs):
        assert gradcheck(lambda *o: losses.l1(list(o), targets), *outputs)


@SMALL
@given(st.lists(st.tuples(finite_floats(-3, 3), st.sampled_from([-1, 1])), min_size=1, max_size=4))
def test_hinge_gradient(pairs: list[tuple[float, int]]) -> None:
    scores, labels = [s for s, _ in pairs], [y for _, y in pairs]
    if all(abs(1 - y * s) > 1e-3 for s, y in pairs):
        assert gradcheck(lambda *s: losses.hinge(list(s), labels), *scores)


@SMALL
@given(
    st.lists(
        st.tuples(finite_floats(-20, 20), st.floats(0, 1)),
        min_size=1,
        max_size=4,
    )
)
def test_binary_cross_entropy_gradient(pairs: list[tuple[float, float]]) -> None:
    logits, targets = [z for z, _ in pairs], [t for _, t in pairs]
    assert gradcheck(lambda *z: losses.binary_cross_entropy_with_logits(list(z), targets), *logits)


@SMALL
@given(st.lists(finite_floats(-3, 3), min_size=1, max_size=5))
def test_l2_gradient(params: list[float]) -> None:
    assert gradcheck(lambda *p: losses.l2(p), *params)


# -- bad targets ---------------------------------------------------------------------------------


@pytest.mark.parametrize("loss", [losses.cross_entropy, losses.multiclass_hinge])
@pytest.mark.parametrize("target", [3, -1, 1.5, "0", True])
def test_class_index_out_of_range_is_named(loss: object, target: object) -> None:
    with pytest.raises(ValueError, match=repr(target).replace(".", r"\.")):
        loss(values([1.0, 2.0, 3.0]), target)  # type: ignore[operator]


def test_hinge_label_must_be_plus_or_minus_one() -> None:
    with pytest.raises(ValueError, match=r"label 0\.0 .* must be -1 or \+1"):
        losses.hinge(values([0.5, 0.2]), [1, 0])


def test_length_mismatch_is_named() -> None:
    with pytest.raises(ValueError, match="3 outputs but 2 targets"):
        losses.mse(values([1.0, 2.0, 3.0]), [1.0, 2.0])
    with pytest.raises(ValueError, match="2 samples but 1 targets"):
        losses.cross_entropy([values([1.0, 2.0]), values([1.0, 2.0])], [0])
    with pytest.raises(ValueError, match="a batch of 2 samples needs a list"):
        losses.cross_entropy([values([1.0, 2.0]), values([1.0, 2.0])], 0)


def test_other_bad_inputs() -> None:
    with pytest.raises(ValueError, match=r"target\[0\] must be a number, got str 'a'"):
        losses.mse(values([1.0]), ["a"])
    with pytest.raises(ValueError, match="finite"):
        losses.mse(values([1.0]), [math.nan])
    with pytest.raises(ValueError, match=r"target 2\.0 at 0 must be in \[0, 1\]"):
        losses.binary_cross_entropy_with_logits(values([1.0]), [2.0])
    with pytest.raises(ValueError, match="at least 2 scores"):
        losses.multiclass_hinge(values([1.0]), 0)
    with pytest.raises(TypeError, match="softmax takes"):
        losses.softmax([1.0, 2.0])  # type: ignore[list-item]
    with pytest.raises(ValueError, match="no outputs"):
        losses.mse([], [])
    with pytest.raises(ValueError, match="at least one parameter"):
        losses.l2([])


@pytest.mark.parametrize(
    "name", ["cross_entropy", "multiclass_hinge", "hinge", "mse", "l1", "squared_error", "bce"]
)
@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_targets_given_as_values_give_the_same_loss_and_gradients(
    name: str, data: st.DataObject
) -> None:
    """A compiled training step passes its targets as Values: the loss and its gradients with
    respect to the outputs must be those of plain-number targets."""
    rows = data.draw(
        st.lists(st.lists(finite_floats(-3, 3), min_size=3, max_size=3), min_size=1, max_size=4)
    )
    if name in ("cross_entropy", "multiclass_hinge"):
        targets: list[Any] = data.draw(
            st.lists(st.integers(0, 2), min_size=len(rows), max_size=len(rows))
        )
    elif name == "hinge":
        targets = [[data.draw(st.sampled_from([-1.0, 1.0])) for _ in row] for row in rows]
    elif name == "bce":
        targets = [[data.draw(finite_floats(0, 1)) for _ in row] for row in rows]
    else:
        targets = [[data.draw(finite_floats(-3, 3)) for _ in row] for row in rows]
    loss = {
        "bce": losses.binary_cross_entropy_with_logits,
    }.get(name) or getattr(losses, name)
    results = []
    for as_values in (False, True):
        outputs = [[Value(v) for v in row] for row in rows]
        given = targets
        if as_values:
            given = [
                [Value(float(t)) for t in target]
                if isinstance(target, list)
                else Value(float(target))
                for target in targets
            ]
        out = loss(outputs, given)
        out.backward()
        results.append((out.data, [v.grad for row in outputs for v in row]))
    assert results[1][0] == pytest.approx(results[0][0], rel=1e-12, abs=1e-12)
    assert results[1][1] == pytest.approx(results[0][1], rel=1e-12, abs=1e-12)


# -- numbers too large for a float: a ValueError naming the target, never an OverflowError -------

HUGE = st.one_of(
    st.integers(309, 6000).map(lambda digits: 10**digits),
    st.integers(309, 6000).map(lambda digits: -(10**digits)),
    st.integers(309, 400).map(lambda digits: Fraction(10**digits, 3)),
)


@SMALL
@given(HUGE, st.integers(0, 2))
def test_huge_targets_are_value_errors_that_name_the_target(huge: object, where: int) -> None:
    targets: list[object] = [0, 1, 0]
    targets[where] = huge
    outputs = values([0.5, -0.5, 0.25])
    for loss in (losses.mse, losses.l1, losses.squared_error, losses.hinge):
        with pytest.raises(ValueError, match=rf"target\[{where}\] is .*too large for a float"):
            loss(outputs, targets)
    scores = [values([0.1, 0.2]) for _ in range(3)]
    with pytest.raises(ValueError, match=r"class index .* is out of range: there are 2 classes"):
        losses.cross_entropy(scores, targets)
    with pytest.raises(ValueError, match=r"class index .* is out of range"):
        losses.multiclass_hinge(scores, targets)


def test_a_huge_int_is_named_by_its_size_not_printed() -> None:
    with pytest.raises(ValueError) as error:
        losses.mse(values([0.5]), [10**5000])
    assert str(error.value) == (
        "target[0] is an int of about 5001 digits, too large for a float (at most about 1.8e308)"
    )


@SMALL
@given(st.integers(1, 5000), st.lists(finite_floats(-5, 5), min_size=1, max_size=3))
def test_outputs_nested_to_any_depth_give_the_flat_loss(depth: int, numbers: list[float]) -> None:
    """Outputs and targets of any nesting depth are flattened without recursion, and an error
    deep inside names the place briefly."""
    outputs: object = values(numbers)
    targets: object = [0.5] * len(numbers)
    wrong: object = ["x"] * len(numbers)
    for _ in range(depth):
        outputs, targets, wrong = [outputs], [targets], [wrong]
    flat = losses.mse(values(numbers), [0.5] * len(numbers)).data
    assert losses.mse(outputs, targets).data == flat  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="must be a number, got str 'x'") as error:
        losses.mse(outputs, wrong)  # type: ignore[arg-type]
    assert len(str(error.value)) < 120


def test_one_sample_s_scores_with_a_list_of_targets_is_explained() -> None:
    """A model with one output used with cross_entropy: its outputs look like one sample's scores,
    and the targets like a batch; the message says what a batch is."""
    with pytest.raises(
        ValueError, match=r"one sample's scores \(a list of 3 Values\) but a list of 3"
    ):
        losses.cross_entropy(values([0.1, 0.2, 0.3]), [1, 0, 1])
    assert losses.cross_entropy(values([0.1, 0.2, 0.3]), np.int64(1)).data > 0
