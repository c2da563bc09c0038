"""fit: the training loop, its history, its progress bar, and evaluate."""

from __future__ import annotations

import copy
import dataclasses
import math
import re
import sys
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nn
from autograd import TraceError, Value
from autograd.grad_mode import is_recording
from nn import losses


def xor_problem() -> tuple[np.ndarray, np.ndarray]:
    return nn.data.make_xor(40, seed=0)


def test_fit_learns_and_returns_per_epoch_loss_and_accuracy() -> None:
    X, y = xor_problem()
    model = nn.MLP(2, [8, 2], activation="tanh", seed=0)
    optimizer = nn.Adam(model.parameters(), lr=0.05)
    history = nn.fit(
        model,
        losses.cross_entropy,
        optimizer,
        (X, y),
        epochs=15,
        batch_size=10,
        seed=0,
        progress=False,
    )
    assert isinstance(history, nn.History)
    assert len(history.loss) == len(history.accuracy) == 15
    assert history.loss[-1] < 0.5 * history.loss[0]
    assert history.accuracy[-1] > 0.8
    assert optimizer.steps == 15 * 4
    assert nn.evaluate(model, X, y) >= 0.8


def test_fit_is_reproducible_with_a_seed() -> None:
    X, y = xor_problem()
    runs = []
    for _ in range(2):
        model = nn.MLP(2, [4, 2], seed=1)
        optimizer = nn.SGD(model.parameters(), lr=0.1)
        runs.append(
            nn.fit(
                model,
                losses.cross_entropy,
                optimizer,
                (X, y),
                epochs=2,
                batch_size=7,
                seed=3,
                progress=False,
            )
        )
    assert runs[0] == runs[1]


def test_full_batch_when_batch_size_is_none() -> None:
    X, y = xor_problem()
    model = nn.MLP(2, [3, 1], seed=0)
    optimizer = nn.SGD(model.parameters(), lr=0.01)
    seen: list[int] = []

    def loss(outputs: list, targets: list) -> Value:
        seen.append(len(outputs))
        assert all(isinstance(o, Value) for o in outputs)
        assert all(isinstance(t, int) for t in targets)
        return losses.hinge(outputs, [2 * t - 1 for t in targets])

    history = nn.fit(model, loss, optimizer, (X, y), epochs=3, progress=False)
    # the first call is fit's check of the labels (under no_grad), then one per epoch
    assert seen == [40, 40, 40, 40] and optimizer.steps == 3 and len(history.loss) == 3


def test_history_loss_is_the_sample_weighted_mean() -> None:
    X, y = np.zeros((5, 1)), np.zeros(5)
    model = nn.Neuron(1, "linear", seed=0)
    model.w[0].data, model.b.data = 0.0, 2.0
    # lr 0 keeps the model fixed: every batch has mse (2 - 0)^2 = 4
    optimizer = nn.SGD(model.parameters(), lr=0.0)
    history = nn.fit(
        model, losses.mse, optimizer, (X, y), epochs=1, batch_size=2, progress=False, accuracy=None
    )
    assert history.loss == [4.0] and history.accuracy == []


def test_progress_bar_shows_epochs_and_loss(capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("tqdm")
    X, y = xor_problem()
    model = nn.MLP(2, [3, 1], seed=0)
    nn.fit(model, losses.mse, nn.SGD(model.parameters(), lr=0.01), (X, y), epochs=2, batch_size=20)
    err = capsys.readouterr().err
    assert "fit" in err and "4/4" in err and "loss=" in err


def test_missing_tqdm_says_how_to_install_or_turn_it_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "tqdm", None)
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)
    X, y = xor_problem()
    model = nn.MLP(2, [3, 1], seed=0)
    optimizer = nn.SGD(model.parameters(), lr=0.01)
    with pytest.raises(ImportError, match=r"pip install tqdm .*'\.\[train\]'.*progress=False"):
        nn.fit(model, losses.mse, optimizer, (X, y))
    nn.fit(model, losses.mse, optimizer, (X, y), progress=False)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"epochs": 0}, ValueError, "epochs"),
        ({"batch_size": 0}, ValueError, "batch_size"),
        ({"data": ([[1.0, 2.0]], [1, 2])}, ValueError, "1 samples but y has 2"),
        ({"data": [[1.0, 2.0]]}, TypeError, r"pair \(X, y\)"),
        ({"loss": lambda outputs, targets: 1.0}, TypeError, "loss must return a Value"),
    ],
)
def test_bad_fit_arguments(kwargs: dict, error: type, message: str) -> None:
    model = nn.MLP(2, [3, 1], seed=0)
    arguments = {
        "loss": losses.mse,
        "data": xor_problem(),
        "progress": False,
        **kwargs,
    }
    with pytest.raises(error, match=message):
        nn.fit(model, optimizer=nn.SGD(model.parameters(), lr=0.1), **arguments)


def test_classification_accuracy_rules() -> None:
    scores = [Value(0.5), Value(-0.2), Value(0.1)]
    assert nn.classification_accuracy(scores, [1, -1, -1]) == pytest.approx(2 / 3)
    assert nn.classification_accuracy(scores, [1, 0, 0]) == pytest.approx(2 / 3)
    rows = [[Value(0.1), Value(0.9)], [Value(2.0), Value(-1.0)]]
    assert nn.classification_accuracy(rows, [1, 1]) == 0.5
    with pytest.raises(ValueError, match="2 outputs but 1 targets"):
        nn.classification_accuracy(rows, [1])


def test_evaluate_agrees_with_a_numpy_forward_pass() -> None:
    X, y = nn.data.make_spirals(60, n_classes=3, seed=0)
    model = nn.MLP(2, [5, 3], seed=2)
    W1 = np.array([[w.data for w in n.w] for n in model.layers[0].neurons])
    W2 = np.array([[w.data for w in n.w] for n in model.layers[1].neurons])
    for layer in model.layers:
        for n in layer.neurons:
            n.b.data = 0.0
    predictions = (W2 @ np.maximum(W1 @ X.T, 0)).argmax(axis=0)
    assert nn.evaluate(model, X, y) == pytest.approx(np.mean(predictions == y))


def test_train_step_matches_a_plain_step_exactly() -> None:
    """nn.train_step is forward, loss, zero_grad, backward and step: the plain loop's numbers."""
    X, y = nn.data.make_moons(20, noise=0.1, seed=0)
    targets = [2.0 * float(t) - 1.0 for t in y]
    rows = [[float(a), float(b)] for a, b in X]

    def loss(outputs: list, targets: list) -> Value:
        return losses.hinge(outputs, targets) + 1e-4 * losses.l2(stepped.parameters())

    stepped = nn.MLP(2, [8, 8, 1], seed=3)
    plain = nn.MLP(2, [8, 8, 1], seed=3)
    value, _ = nn.train_step(stepped, loss, nn.SGD(stepped.parameters(), lr=0.1), rows, targets)
    assert is_recording()

    optimizer = nn.SGD(plain.parameters(), lr=0.1)
    total = losses.hinge([plain(x) for x in rows], targets) + 1e-4 * losses.l2(plain.parameters())
    optimizer.zero_grad()
    total.backward()
    optimizer.step()
    assert value == total.data
    for p, q in zip(stepped.parameters(), plain.parameters()):
        assert p.data == q.data and p.grad == q.grad


@pytest.mark.parametrize("loss_name", ["cross_entropy", "multiclass_hinge"])
def test_a_compiled_step_gives_the_interpreted_parameters(loss_name: str) -> None:
    """Three steps of fit with compile=True and without: the same losses and parameters."""
    X, y = nn.data.make_spirals(30, n_classes=3, seed=0)
    loss = getattr(losses, loss_name)
    results = []
    for compile_ in (False, True):
        model = nn.MLP(2, [8, 3], seed=1)
        optimizer = nn.SGD(model.parameters(), lr=0.3, momentum=0.5)
        history = nn.fit(
            model, loss, optimizer, (X, y), epochs=3, batch_size=8, seed=2, progress=False,
            compile=compile_,
        )  # fmt: skip
        results.append((history, [p.data for p in model.parameters()]))
    (plain, plain_params), (compiled, compiled_params) = results
    assert compiled.loss == pytest.approx(plain.loss, rel=1e-12)
    assert compiled.accuracy == plain.accuracy
    assert compiled_params == pytest.approx(plain_params, rel=1e-12, abs=1e-12)


def test_a_compiled_step_with_labels_of_plus_minus_one_and_a_regulariser() -> None:
    X, y = nn.data.make_moons(20, noise=0.1, seed=0)
    labels = 2 * y - 1
    results = []
    for compile_ in (False, True):
        model = nn.MLP(2, [8, 8, 1], seed=3)

        def loss(scores: list, targets: list, model: nn.MLP = model) -> Value:
            return losses.hinge(scores, targets) + 1e-4 * losses.l2(model.parameters())

        optimizer = nn.SGD(model.parameters(), lr=0.5)
        for _ in range(3):
            nn.train_step(model, loss, optimizer, X.tolist(), labels.tolist(), compile=compile_)
        results.append([p.data for p in model.parameters()])
    assert results[1] == pytest.approx(results[0], rel=1e-12, abs=1e-12)


def test_compile_refuses_dropout_in_training_and_bad_targets() -> None:
    model = nn.Sequential(nn.Linear(2, 4, seed=0), nn.Dropout(0.5, seed=0), nn.Linear(4, 2, seed=1))
    optimizer = nn.SGD(model.parameters(), lr=0.1)
    rows, targets = [[0.5, -1.0], [1.0, 2.0]], [0, 1]
    with pytest.raises(ValueError, match="Dropout.*eval"):
        nn.train_step(model, losses.cross_entropy, optimizer, rows, targets, compile=True)
    model.eval()
    nn.train_step(model, losses.cross_entropy, optimizer, rows, targets, compile=True)
    before = [p.data for p in model.parameters()]
    with pytest.raises(ValueError, match="out of range"):
        nn.train_step(model, losses.cross_entropy, optimizer, rows, [0, 7], compile=True)
    assert [p.data for p in model.parameters()] == before  # nothing was updated


# -- bad data is found before the first step; a failure later keeps the last update ---------------


def _untouched_fit(X: object, y: object, loss: object = losses.mse, **options: object) -> str:
    """Run fit on (X, y) expecting an error before the first step: returns the message after
    checking that no parameter and no optimizer state changed."""
    model = nn.MLP(2, [3, 1], seed=0)
    before = model.state_dict()
    optimizer = nn.Adam(model.parameters(), lr=0.1)
    state = copy.deepcopy(optimizer.state)
    with pytest.raises((ValueError, TypeError)) as error:
        nn.fit(model, loss, optimizer, (X, y), epochs=3, progress=False, **options)  # type: ignore[arg-type]
    assert model.state_dict() == before and optimizer.steps == 0 and optimizer.state == state
    assert all(p.grad == 0.0 for p in model.parameters())
    assert not isinstance(error.value, nn.TrainingError)
    message = str(error.value)
    assert "\n" not in message and len(message) < 500, message
    return message


BAD_NUMBERS = [math.nan, math.inf, -math.inf, None, "1.0", 10**400, -(10**5000), complex(1, 1)]


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(["X", "y"]),
    st.integers(0, 39),
    st.integers(0, 1),
    st.sampled_from(BAD_NUMBERS),
    st.sampled_from([None, 1, 7, 40]),
)
def test_one_bad_number_anywhere_stops_fit_before_the_first_step(
    where: str, row: int, column: int, bad: object, batch_size: int | None
) -> None:
    X, y = xor_problem()
    X_list: list[list[object]] = X.tolist()
    y_list: list[object] = y.astype(float).tolist()
    if where == "X":
        X_list[row][column] = bad
    else:
        y_list[row] = bad
    message = _untouched_fit(X_list, y_list, batch_size=batch_size)
    if isinstance(bad, float) or (isinstance(bad, int) and not isinstance(bad, bool)):
        position = f"X[{row}, {column}]" if where == "X" else f"y[{row}]"
        assert message.startswith(position), message  # the first bad entry, by its index


@pytest.mark.parametrize(
    ("loss", "labels", "message"),
    [
        (losses.cross_entropy, [0, 1] * 19 + [1, 2], r"y\[30:40\] .* class index 2 is out"),
        (losses.hinge, [-1, 1] * 19 + [1, 0], r"y\[30:40\] .* hinge label 0\.0"),
        (losses.binary_cross_entropy_with_logits, [0, 1] * 19 + [1, 2], r"y\[30:40\] .* \[0, 1\]"),
        (losses.multiclass_hinge, [0, 1, 5] + [0] * 37, r"y\[0:10\] .* class index 5 is out"),
    ],
)  # fmt: skip
def test_labels_the_loss_refuses_stop_fit_before_the_first_step(
    loss: object, labels: list[int], message: str
) -> None:
    X, _ = xor_problem()
    model_outputs = 2 if loss in (losses.cross_entropy, losses.multiclass_hinge) else 1
    model = nn.MLP(2, [3, model_outputs], seed=0)
    before = model.state_dict()
    optimizer = nn.SGD(model.parameters(), lr=0.1)
    with pytest.raises(ValueError, match=message):
        nn.fit(model, loss, optimizer, (X, labels), batch_size=10, progress=False)  # type: ignore[arg-type]
    assert model.state_dict() == before and optimizer.steps == 0


@pytest.mark.parametrize(
    ("X", "y", "message"),
    [
        (np.zeros((0, 2)), np.zeros(0), "the data set is empty"),
        (np.zeros((4, 2), dtype=bool), np.zeros(4), "X must hold real numbers, got bools"),
        (np.zeros((4, 2, 2)), np.zeros(4), r"the model cannot take X\[0\] = \[\[0\.0, 0\.0\], "),
        ([[1.0, 2.0], [3.0]], [0, 1], "X must be a rectangular array of numbers"),
        (np.zeros((4, 3)), np.zeros(4), r"the model cannot take X\[0\] = \[0\.0, 0\.0, 0\.0\]"),
        (np.zeros((4, 2)), np.array(["a", "b", "c", "d"]), "y must hold real numbers, got strings"),
    ],
)
def test_shapes_and_types_are_checked_before_the_first_step(
    X: object, y: object, message: str
) -> None:
    assert re.search(message, _untouched_fit(X, y))


def test_a_failure_during_training_keeps_the_last_update_and_the_history() -> None:
    """A linear neuron with too large a learning rate diverges until an update would make a
    parameter infinite: the optimizer refuses it, fit raises TrainingError, and the model and
    history are exactly those of the epochs before (full batch, so each epoch is one step)."""
    X, y = np.array([[1.0], [2.0]]), np.array([1.0, -1.0])

    def run(epochs: int) -> tuple[nn.Neuron, nn.History]:
        model = nn.Neuron(1, "linear", seed=0)
        optimizer = nn.SGD(model.parameters(), lr=2.0)
        history = nn.fit(model, losses.mse, optimizer, (X, y), epochs=epochs, progress=False)
        return model, history

    model = nn.Neuron(1, "linear", seed=0)
    optimizer = nn.SGD(model.parameters(), lr=2.0)
    with pytest.raises(nn.TrainingError) as caught:
        nn.fit(model, losses.mse, optimizer, (X, y), epochs=10_000, progress=False)
    error = caught.value
    assert isinstance(error.__cause__, (ValueError, OverflowError))
    assert error.step == 1 and error.epoch > 50 and len(error.history.loss) == error.epoch - 1
    assert f"training stopped in epoch {error.epoch}, step 1 of 1" in str(error)
    assert optimizer.steps == error.epoch - 1
    reference, history = run(error.epoch - 1)
    assert model.state_dict() == reference.state_dict()
    assert error.history == history


@settings(max_examples=20, deadline=None)
@given(st.integers(1, 12), st.sampled_from([None, 3, 8]))
def test_an_error_at_any_step_keeps_the_steps_before(fail_at: int, batch_size: int | None) -> None:
    """A loss that fails in its n-th training step: the model equals one trained for the steps
    before (same seed), and the history holds the epochs completed before it. (Interpreted: a
    compiled step does not run the loss's Python on every step.)"""
    X, y = xor_problem()
    calls = 0

    def failing(outputs: list, targets: list) -> Value:
        nonlocal calls
        if outputs[0].is_leaf:  # fit's check of the labels, under no_grad: no graph
            return losses.mse(outputs, targets)
        calls += 1
        if calls == fail_at:
            raise ArithmeticError("the loss failed")
        return losses.mse(outputs, targets)

    model = nn.MLP(2, [3, 1], seed=0)
    optimizer = nn.SGD(model.parameters(), lr=0.05, momentum=0.9)
    options = {"batch_size": batch_size, "seed": 1, "progress": False, "compile": False}
    with pytest.raises(nn.TrainingError) as caught:
        nn.fit(model, failing, optimizer, (X, y), epochs=20, **options)  # type: ignore[arg-type]
    steps_per_epoch = -(-40 // (batch_size or 40))
    assert optimizer.steps == fail_at - 1
    assert caught.value.epoch == (fail_at - 1) // steps_per_epoch + 1
    assert caught.value.step == (fail_at - 1) % steps_per_epoch + 1
    assert len(caught.value.history.loss) == (fail_at - 1) // steps_per_epoch
    assert isinstance(caught.value.__cause__, ArithmeticError)

    reference = nn.MLP(2, [3, 1], seed=0)
    steps = nn.SGD(reference.parameters(), lr=0.05, momentum=0.9)
    rng = np.random.RandomState(1)
    for _ in range(20):
        for X_batch, y_batch in nn.data.batches(X, y, batch_size or 40, seed=rng):
            if steps.steps == fail_at - 1:
                break
            nn.train_step(reference, losses.mse, steps, X_batch.tolist(), y_batch.tolist())
    assert model.state_dict() == reference.state_dict()


@pytest.mark.parametrize(
    ("outputs", "error", "message"),
    [
        ([[[Value(1.0)]]], TypeError, r"output 0 must be a Value or a list of Values, got \[\["),
        ([Value(1.0), "scores"], TypeError, "output 1 must be a Value or a list of Values"),
        ([[]], ValueError, "output 0 is an empty list of scores"),
    ],
)
def test_classification_accuracy_names_an_output_it_cannot_read(
    outputs: list, error: type, message: str
) -> None:
    with pytest.raises(error, match=message):
        nn.classification_accuracy(outputs, [1] * len(outputs))


def _two_blobs() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(20, 2))
    return X, (X[:, 0] > 0).astype(float)


def _fit_both_ways(nouts: list[int], loss: Any, data: Any, **options: Any) -> list[Any]:
    """The same MLP(2, nouts) trained by ``fit`` interpreted, then compiled: each run's
    (history, model)."""
    runs = []
    for compiled in (False, True):
        model = nn.MLP(2, nouts, seed=0)
        optimizer = nn.SGD(model.parameters(), lr=0.1)
        history = nn.fit(model, loss, optimizer, data, progress=False, compile=compiled, **options)
        runs.append((history, model))
    return runs


def test_a_custom_accuracy_gets_values_in_a_compiled_step_too() -> None:
    def above_half(outputs: list[Any], targets: list[float]) -> float:
        return sum((o.data > 0.5) == (t == 1) for o, t in zip(outputs, targets)) / len(targets)

    (interpreted, _), (compiled, _) = _fit_both_ways(
        [4, 1], nn.losses.mse, _two_blobs(), epochs=2, accuracy=above_half
    )
    assert interpreted.accuracy == compiled.accuracy
    assert interpreted.loss == pytest.approx(compiled.loss, rel=1e-12)


def test_fit_refuses_an_optimizer_made_for_another_model() -> None:
    model = nn.MLP(2, [4, 1], seed=0)
    before = [p.data for p in model.parameters()]
    stale = nn.Adam(nn.MLP(2, [4, 1], seed=1).parameters())
    with pytest.raises(ValueError, match=r"the Adam updates none of the model's parameters"):
        nn.fit(model, nn.losses.mse, stale, _two_blobs(), progress=False)
    assert [p.data for p in model.parameters()] == before
    assert all(p.grad == 0.0 for p in model.parameters())


def test_evaluate_switches_dropout_off_and_puts_each_mode_back() -> None:
    X, y = _two_blobs()
    model = nn.Sequential(
        nn.Linear(2, 16, seed=0), nn.ReLU(), nn.Dropout(0.5, seed=0), nn.Linear(16, 2, seed=1)
    )
    model[3].eval()  # one module already evaluating: it stays so
    scores = {nn.evaluate(model, X, y.astype(int)) for _ in range(5)}
    assert len(scores) == 1, "no random mask: the same accuracy every time"
    assert [m.training for m in model.modules()] == [True, True, True, True, False]
    with pytest.raises(TypeError, match="evaluate needs an accuracy function, got NoneType"):
        nn.evaluate(model, X, y, accuracy=None)


@pytest.mark.parametrize(
    "loss", [nn.losses.binary_cross_entropy_with_logits, nn.losses.mse], ids=lambda f: f.__name__
)
def test_fit_trains_a_model_with_several_outputs_on_rows_of_targets(loss: Any) -> None:
    X, y = _two_blobs()
    Y = np.stack([y, 1.0 - y], axis=1)  # two labels per sample (multi-label, or two regressions)
    (interpreted, first), (compiled, second) = _fit_both_ways(
        [4, 2], loss, (X, Y), epochs=3, batch_size=7, seed=1, accuracy=None
    )
    assert interpreted.loss == pytest.approx(compiled.loss, rel=1e-12)
    assert interpreted.loss[-1] < interpreted.loss[0] and interpreted.accuracy == []
    for p, q in zip(first.parameters(), second.parameters()):
        assert p.data == pytest.approx(q.data, rel=1e-12, abs=1e-15)


def test_rows_of_targets_need_an_accuracy_that_takes_them() -> None:
    X, y = _two_blobs()
    Y = np.stack([y, 1.0 - y], axis=1)
    model = nn.MLP(2, [4, 2], seed=0)
    optimizer = nn.SGD(model.parameters(), lr=0.1)
    with pytest.raises(TypeError, match=r"target 0 is a row of numbers .* pass accuracy=None"):
        nn.fit(model, nn.losses.mse, optimizer, (X, Y), progress=False)
    with pytest.raises(ValueError, match=r"one label \(a number, or a row of numbers"):
        nn.fit(model, nn.losses.mse, optimizer, (X, np.zeros((20, 2, 2))), progress=False)


class CountingLoss:
    """mse, counting the calls that build a graph (fit's label check runs it on leaves under
    no_grad): a compiled step runs the loss's Python only when it records the step."""

    def __init__(self, branch_on_targets: bool = False) -> None:
        self.graph_calls = 0
        self.branch_on_targets = branch_on_targets

    def __call__(self, outputs: list[Any], targets: list[Any]) -> Value:
        if not outputs[0].is_leaf:
            self.graph_calls += 1
        if self.branch_on_targets:  # `t == 1` on a Value: refused while compiling
            targets = [1.0 if t == 1 else 0.0 for t in targets]
        return losses.mse(outputs, targets)


def _fit_counting(
    loss: Any, epochs: int, compile: Any = "auto", model: Any = None, **options: Any
) -> tuple[nn.History, Any]:
    """fit on two blobs with SGD; ``parameters=`` for a model that is a plain function."""
    X, y = _two_blobs()
    model = model if model is not None else nn.MLP(2, [4, 1], seed=0)
    parameters = options.pop("parameters", None) or model.parameters()
    optimizer = nn.SGD(parameters, lr=0.1)
    options = {"seed": 0, "progress": False, **options}
    history = nn.fit(model, loss, optimizer, (X, y), epochs=epochs, compile=compile, **options)
    return history, model


def test_fit_compiles_by_default_a_batch_size_that_runs_often_enough() -> None:
    """AUTO_COMPILE_STEPS full-batch steps: compiled (the loss's Python builds a graph twice,
    when the step is recorded), with the interpreter's parameters; one step fewer: interpreted."""
    steps = nn.train.AUTO_COMPILE_STEPS
    auto, interpreted = CountingLoss(), CountingLoss()
    history, model = _fit_counting(auto, steps)
    reference, reference_model = _fit_counting(interpreted, steps, compile=False)
    assert auto.graph_calls == 2 and interpreted.graph_calls == steps
    assert history.loss == pytest.approx(reference.loss, rel=1e-12)
    for p, q in zip(model.parameters(), reference_model.parameters()):
        assert p.data == pytest.approx(q.data, rel=1e-12, abs=1e-15)
    short = CountingLoss()
    _fit_counting(short, steps - 1)
    assert short.graph_calls == steps - 1


def test_fit_auto_compiles_each_batch_size_by_its_own_count() -> None:
    """20 samples in batches of 8: two batches of 8 and one of 4 per epoch. The batches of 8 run
    AUTO_COMPILE_STEPS times (compiled: recorded once) and the batch of 4 half as often
    (interpreted)."""
    epochs = nn.train.AUTO_COMPILE_STEPS // 2
    loss = CountingLoss()
    _fit_counting(loss, epochs, batch_size=8)
    assert loss.graph_calls == 2 + epochs


def _same_as_interpreted(loss: Any, model: Any, steps: int, graph_calls: int | None = None) -> None:
    """fit's default gives compile=False's losses and parameters (a fresh copy of the model
    each), and the loss builds ``graph_calls`` graphs."""
    runs = []
    for compile in ("auto", False):
        trained = copy.deepcopy(model)
        if isinstance(loss, CountingLoss):
            loss.graph_calls = 0
        history, _ = _fit_counting(loss, steps, compile=compile, model=trained)
        runs.append((history.loss, [p.data for p in trained.parameters()]))
        if compile == "auto" and graph_calls is not None:
            assert loss.graph_calls == graph_calls
    assert runs[0] == runs[1]


def test_fit_auto_interprets_what_cannot_be_compiled() -> None:
    """A loss that branches on the targets, or a hook on a parameter: refused while recording,
    then every step interpreted, with the parameters compile=False gives (the hook runs on every
    step). Dropout in training that modules() shows: not even recorded."""
    steps = nn.train.AUTO_COMPILE_STEPS
    model = nn.MLP(2, [4, 1], seed=0)
    _same_as_interpreted(CountingLoss(branch_on_targets=True), model, steps, 1 + steps)

    hooked = nn.MLP(2, [4, 1], seed=0)
    seen: list[float] = []
    hooked.parameters()[0].register_hook(seen.append)
    loss = CountingLoss()
    _fit_counting(loss, steps, model=hooked)
    assert len(seen) == steps and loss.graph_calls == 1 + steps

    dropout = nn.Sequential(nn.Linear(2, 4, seed=0), nn.Dropout(0.5, seed=0), nn.Linear(4, 1))
    _same_as_interpreted(CountingLoss(), dropout, steps, steps)


def test_fit_auto_interprets_a_model_or_loss_that_needs_plain_numbers() -> None:
    """Python that works on numbers and fails on Values while recording (math.hypot of the
    inputs, a table indexed by the target): interpreted, as compile=False trains it."""
    base = nn.MLP(3, [4, 1], seed=0)

    class Features(nn.Module):
        def __init__(self) -> None:
            self.mlp = base

        def forward(self, x: Any) -> Any:
            return self.mlp([x[0], x[1], math.hypot(x[0], x[1])])

    steps = nn.train.AUTO_COMPILE_STEPS
    _same_as_interpreted(CountingLoss(), Features(), steps)

    weights = {0.0: 1.0, 1.0: 2.0}

    def weighted(outputs: list[Any], targets: list[Any]) -> Value:
        terms = [(o - t) ** 2 * weights[t] for o, t in zip(outputs, targets)]
        return sum(terms, Value(0.0)) * (1.0 / len(terms))

    _same_as_interpreted(weighted, nn.MLP(2, [4, 1], seed=0), steps)


def test_fit_auto_interprets_a_loss_whose_compiled_step_disagrees() -> None:
    """A loss that reads a number that changes (a regulariser annealed by the optimizer's step
    count) replays the first one when compiled: the second compiled step's loss differs from
    the interpreter's, and every step from then on is interpreted."""
    X, y = _two_blobs()
    runs = []
    for compile in ("auto", False):
        model = nn.MLP(2, [4, 1], seed=0)
        optimizer = nn.SGD(model.parameters(), lr=0.1)

        def annealed(
            outputs: list[Any], targets: list[Any], m: Any = model, o: Any = optimizer
        ) -> Value:
            strength = 0.1 / (1 + o.steps)
            return losses.mse(outputs, targets) + strength * losses.l2(m.parameters())

        history = nn.fit(
            model, annealed, optimizer, (X, y), epochs=nn.train.AUTO_COMPILE_STEPS, seed=0,
            progress=False, compile=compile,
        )  # fmt: skip
        runs.append((history.loss, [p.data for p in model.parameters()]))
    assert runs[0] == runs[1]


def test_fit_auto_compares_again_on_the_11th_compiled_step() -> None:
    """A regulariser switched off after 5 steps: the 2nd compiled step still agrees with the
    interpreter, the 11th does not, and that step and every later one are interpreted."""
    model = nn.MLP(2, [4, 1], seed=0)
    optimizer = nn.SGD(model.parameters(), lr=0.1)
    graphs = 0

    def switched(outputs: list[Any], targets: list[Any]) -> Value:
        nonlocal graphs
        graphs += not outputs[0].is_leaf
        strength = 0.1 if optimizer.steps < 5 else 0.0
        return losses.mse(outputs, targets) + strength * losses.l2(model.parameters())

    steps = nn.train.AUTO_COMPILE_STEPS
    nn.fit(model, switched, optimizer, _two_blobs(), epochs=steps, seed=0, progress=False)
    assert graphs == 2 + (steps - 10)  # recorded (twice), then interpreted from the 11th step


def test_fit_auto_leaves_the_random_state_of_a_dropout_it_cannot_see() -> None:
    """Dropout in training behind a plain function (its modules() unseen): recording refuses at
    the dropout, before any mask is drawn, so a seeded fit equals compile=False's exactly."""
    network = nn.Sequential(nn.Linear(2, 4, seed=0), nn.Dropout(0.5, seed=3), nn.Linear(4, 1))

    runs = []
    for compile in ("auto", False):
        copy_ = copy.deepcopy(network)
        model = lambda x, m=copy_: m(x)  # noqa: E731
        history, _ = _fit_counting(
            CountingLoss(),
            nn.train.AUTO_COMPILE_STEPS,
            compile,
            model,
            parameters=copy_.parameters(),
        )
        runs.append((history.loss, [p.data for p in copy_.parameters()]))
    assert runs[0] == runs[1]


def test_fit_trains_an_unhashable_model() -> None:
    """A dataclass model (no hash): trained by default as with compile=False."""

    @dataclasses.dataclass
    class Model:
        mlp: Any

        def __call__(self, x: Any) -> Any:
            return self.mlp(x)

        def parameters(self) -> list[Value]:
            return self.mlp.parameters()

    _same_as_interpreted(CountingLoss(), Model(nn.MLP(2, [4, 1], seed=0)), 5)
    _same_as_interpreted(
        CountingLoss(), Model(nn.MLP(2, [4, 1], seed=0)), nn.train.AUTO_COMPILE_STEPS, 2
    )
    loss = CountingLoss()
    _fit_counting(loss, nn.train.AUTO_COMPILE_STEPS, True, Model(nn.MLP(2, [4, 1], seed=0)))
    assert loss.graph_calls == 2  # compile=True: the steps kept for the call


def test_fit_auto_records_the_step_again_in_each_call() -> None:
    """A number the loss reads, changed between two calls of fit, is seen by the second."""
    scale = 1.0

    def scaled(outputs: list[Any], targets: list[Any]) -> Value:
        return losses.mse(outputs, targets) * scale

    def train(compile: Any) -> list[float]:
        nonlocal scale
        X, y = _two_blobs()
        model = nn.MLP(2, [4, 1], seed=0)
        optimizer = nn.SGD(model.parameters(), lr=0.1)
        losses_seen = []
        for scale in (1.0, 3.0):  # noqa: B007 (the loss reads scale)
            history = nn.fit(
                model, scaled, optimizer, (X, y), epochs=nn.train.AUTO_COMPILE_STEPS, seed=0,
                progress=False, compile=compile,
            )  # fmt: skip
            losses_seen += history.loss
        return losses_seen

    assert train("auto") == pytest.approx(train(False), rel=1e-12)


@pytest.mark.parametrize(
    ("value", "error"),
    [("yes", ValueError), ("Auto", ValueError), (1, TypeError), (None, TypeError)],
)
def test_fit_refuses_a_compile_that_is_not_true_false_or_auto(value: Any, error: type) -> None:
    model = nn.MLP(2, [4, 1], seed=0)
    before = [p.data for p in model.parameters()]
    with pytest.raises(error, match=r'compile must be True, False or "auto", got'):
        _fit_counting(CountingLoss(), 1, compile=value, model=model)
    assert [p.data for p in model.parameters()] == before


def test_train_step_takes_compile_true_or_false_only() -> None:
    model = nn.MLP(2, [4, 1], seed=0)
    optimizer = nn.SGD(model.parameters(), lr=0.1)
    with pytest.raises(
        TypeError, match=r'compile must be True or False, got \'auto\' \("auto" is fit'
    ):
        nn.train_step(model, losses.mse, optimizer, [[1.0, 2.0]], [1.0], compile="auto")  # type: ignore[arg-type]


def test_fit_with_compile_true_refuses_what_cannot_be_compiled() -> None:
    with pytest.raises(nn.TrainingError) as caught:
        _fit_counting(CountingLoss(branch_on_targets=True), 1, compile=True)
    assert isinstance(caught.value.__cause__, TraceError)
    assert "== on a Value while compiling" in str(caught.value.__cause__)
