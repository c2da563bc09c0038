"""Data sets (scikit-learn's algorithms without needing it), batches and splits."""

from __future__ import annotations

import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nn import data

sklearn_datasets = pytest.importorskip("sklearn.datasets")
sklearn_model_selection = pytest.importorskip("sklearn.model_selection")


@pytest.mark.parametrize("noise", [None, 0.1])
@pytest.mark.parametrize("n", [2, 7, 100])
def test_make_moons_is_sklearns(n: int, noise: float | None) -> None:
    X, y = data.make_moons(n, noise=noise, seed=3)
    X_ref, y_ref = sklearn_datasets.make_moons(n, noise=noise, random_state=3)
    np.testing.assert_array_equal(X, X_ref)
    np.testing.assert_array_equal(y, y_ref)


def test_micrograd_demo_data_is_reproduced() -> None:
    """micrograd's demo: np.random.seed(1337); make_moons(n_samples=100, noise=0.1)."""
    np.random.seed(1337)
    X_ref, y_ref = sklearn_datasets.make_moons(n_samples=100, noise=0.1)
    X, y = data.make_moons(100, noise=0.1, seed=1337)
    np.testing.assert_array_equal(X, X_ref)
    np.testing.assert_array_equal(y, y_ref)


@pytest.mark.parametrize("shuffle", [True, False])
def test_make_circles_is_sklearns(shuffle: bool) -> None:
    X, y = data.make_circles(51, noise=0.05, factor=0.5, seed=1, shuffle=shuffle)
    X_ref, y_ref = sklearn_datasets.make_circles(
        51, noise=0.05, factor=0.5, random_state=1, shuffle=shuffle
    )
    np.testing.assert_array_equal(X, X_ref)
    np.testing.assert_array_equal(y, y_ref)


@pytest.mark.parametrize("test_size", [0.25, 0.3, 10])
def test_train_test_split_is_sklearns(test_size: float) -> None:
    X, y = np.arange(40).reshape(20, 2), np.arange(20)
    ours = data.train_test_split(X, y, test_size=test_size, seed=5)
    theirs = sklearn_model_selection.train_test_split(X, y, test_size=test_size, random_state=5)
    for a, b in zip(ours, theirs):
        np.testing.assert_array_equal(a, b)
    unshuffled = data.train_test_split(X, y, test_size=test_size, shuffle=False)
    theirs = sklearn_model_selection.train_test_split(X, y, test_size=test_size, shuffle=False)
    for a, b in zip(unshuffled, theirs):
        np.testing.assert_array_equal(a, b)


def test_spirals_and_xor() -> None:
    X, y = data.make_spirals(100, n_classes=3, seed=0)
    assert X.shape == (100, 2) and sorted(np.bincount(y)) == [33, 33, 34]
    assert np.all(np.hypot(X[:, 0], X[:, 1]) <= 1.0 + 1e-12)
    X2, y2 = data.make_spirals(100, n_classes=3, seed=0)
    np.testing.assert_array_equal(X, X2)
    X, y = data.make_xor(200, seed=1)
    assert X.shape == (200, 2) and set(y.tolist()) == {0, 1}
    np.testing.assert_array_equal(y, (X[:, 0] * X[:, 1] < 0).astype(int))
    assert not np.array_equal(data.make_xor(50, seed=1)[0], data.make_xor(50, seed=2)[0])


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 50), st.integers(1, 60), st.booleans(), st.integers(0, 100))
def test_batches_cover_every_sample_once(n: int, size: int, shuffle: bool, seed: int) -> None:
    X, y = np.arange(n * 2).reshape(n, 2), np.arange(n)
    got = list(data.batches(X, y, size, shuffle=shuffle, seed=seed))
    assert all(len(xb) == len(yb) for xb, yb in got)
    sizes = [len(yb) for _, yb in got]
    assert sizes[:-1] == [size] * (len(got) - 1) and 0 < sizes[-1] <= size
    labels = np.concatenate([yb for _, yb in got])
    assert sorted(labels.tolist()) == list(range(n))
    for xb, yb in got:
        np.testing.assert_array_equal(xb[:, 0], 2 * yb)  # rows stay with their labels
    again = list(data.batches(X, y, size, shuffle=shuffle, seed=seed))
    assert all(np.array_equal(a[1], b[1]) for a, b in zip(got, again))
    if not shuffle:
        assert labels.tolist() == list(range(n))


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: data.make_moons(1), "n_samples"),
        (lambda: data.make_moons(10, noise=-1), "noise"),
        (lambda: data.make_circles(10, factor=1.5), "factor"),
        (lambda: data.make_moons(10, seed="a"), "seed"),
        (lambda: list(data.batches([[1], [2]], [1], 1)), "2 samples but y has 1"),
        (lambda: list(data.batches([[1]], [1], 0)), "batch_size"),
        (lambda: data.train_test_split([[1], [2]], [1, 2], test_size=1.5), "test_size"),
        (lambda: data.train_test_split([[1], [2]], [1, 2], test_size=2), "leaves 2 of 2"),
    ],
)
def test_bad_arguments_are_named(call: object, message: str) -> None:
    with pytest.raises((TypeError, ValueError), match=message):
        call()  # type: ignore[operator]


def test_load_digits() -> None:
    X, y = data.load_digits()
    assert X.shape == (1797, 64) and y.shape == (1797,)
    assert X.min() == 0.0 and X.max() == 1.0 and set(y.tolist()) == set(range(10))
    assert data.load_digits(normalize=False)[0].max() == 16.0


def test_load_digits_without_scikit_learn_says_how_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "sklearn.datasets", None)
    with pytest.raises(ImportError, match=r"pip install scikit-learn .*'\.\[data\]'"):
        data.load_digits()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: data.make_moons(10, noise=10**400), "noise must be a finite number"),
        (lambda: data.make_xor(10, noise=-(10**5000)), "a negative int of about 5001 digits"),
        (lambda: data.make_circles(10, factor=10**400), r"factor must be in \[0, 1\), got an int"),
        (lambda: data.make_spirals(10, n_classes=10**400), "is more than n_samples=10"),
        (lambda: data.make_spirals(3, n_classes=4), "n_classes=4 is more than n_samples=3"),
        (
            lambda: data.train_test_split(np.zeros((4, 1)), np.zeros(4), test_size=10**400),
            "leaves an int of about 401 digits of 4 samples",
        ),
    ],
)
def test_huge_arguments_are_short_value_errors(make: object, message: str) -> None:
    with pytest.raises(ValueError, match=message) as error:
        make()  # type: ignore[operator]
    assert len(str(error.value)) < 200
