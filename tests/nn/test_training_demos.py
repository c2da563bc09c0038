"""The lectures' training results: micrograd's moons demo and the digits homework.

These two train real networks in pure Python and are the slow tests of tests/nn (about 15 s and
about a minute on the project's 2-core machine).
"""

from __future__ import annotations

import nn
from autograd import Value
from nn import losses


def test_micrograd_moons_demo_reaches_100_percent_training_accuracy() -> None:
    """micrograd's demo.ipynb: 100 points, noise 0.1, MLP(2, [16, 16, 1]), SVM loss + 1e-4 L2,
    100 full-batch SGD steps with lr = 1.0 - 0.9 k / 100."""
    X, y = nn.data.make_moons(n_samples=100, noise=0.1, seed=1337)
    y = 2 * y - 1
    model = nn.MLP(2, [16, 16, 1], seed=0)

    def loss(scores: list[Value], labels: list[int]) -> Value:
        return losses.hinge(scores, labels) + 1e-4 * losses.l2(model.parameters())

    optimizer = nn.SGD(model.parameters(), lr=nn.LinearDecay(1.0, 0.1, 100))
    history = nn.fit(model, loss, optimizer, (X, y), epochs=100, progress=False)
    assert optimizer.steps == 100
    assert history.accuracy[-1] == 1.0
    assert nn.evaluate(model, X, y) == 1.0
    assert history.loss[-1] < 0.02


def test_slow_digits_homework_reaches_95_percent_test_accuracy() -> None:
    """The slow one (about a minute): the homework's algorithm, mini-batch SGD with step decay,
    on scikit-learn's 8x8 digits (the lecture's MNIST homework reports 0.9146).

    64-16-10 MLP (ReLU, Xavier init), softmax cross-entropy, batch size 16, lr 0.5 halved every
    3 epochs, 8 epochs; 1347 training and 450 test images.
    """
    X, y = nn.data.load_digits()
    X_train, X_test, y_train, y_test = nn.data.train_test_split(X, y, test_size=0.25, seed=0)
    model = nn.MLP(64, [16, 10], init="xavier", seed=0)
    steps_per_epoch = -(-len(X_train) // 16)
    schedule = nn.StepDecay(0.5, every=3 * steps_per_epoch, factor=0.5)
    optimizer = nn.SGD(model.parameters(), lr=schedule)
    history = nn.fit(
        model,
        losses.cross_entropy,
        optimizer,
        (X_train, y_train),
        epochs=8,
        batch_size=16,
        seed=0,
        progress=False,
    )
    assert history.loss[-1] < history.loss[0]
    assert nn.evaluate(model, X_test, y_test) >= 0.95
