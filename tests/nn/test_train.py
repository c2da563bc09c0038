"""fit: the training loop, its history, its progress bar, and evaluate."""

from __future__ import annotations

import sys

import numpy as np
import pytest

import nn
from autograd import Value
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
    assert seen == [40, 40, 40] and optimizer.steps == 3 and len(history.loss) == 3


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
