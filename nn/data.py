"""Toy data sets, your own CSV files, mini-batches and train/test splits (numpy; scikit-learn
only for ``load_digits``).

Every generator returns ``(X, y)``: ``X`` a float array of shape (n_samples, 2) and ``y`` an int
array of class labels 0, 1, ... ``seed`` is an int, a numpy ``Generator``/``RandomState`` (used as
is) or None (fresh randomness). ``make_moons``, ``make_circles`` and ``train_test_split`` follow
scikit-learn's algorithms: with the same int seed they give exactly scikit-learn's arrays, so
``make_moons(100, noise=0.1, seed=1337)`` is the data set of micrograd's demo.
"""

from __future__ import annotations

import csv
import io
import math
import numbers
from collections.abc import Iterator
from os import PathLike
from typing import Any, Union

import numpy as np

from autograd.files import read_at_most
from nn.checks import brief, whole_number

RandomSource = Union[int, np.random.Generator, np.random.RandomState, None]
Arrays = tuple[np.ndarray, np.ndarray]


def random_state(seed: RandomSource) -> np.random.Generator | np.random.RandomState:
    """A RandomState from an int seed (as scikit-learn's random_state), a fresh one for None, else
    the Generator or RandomState itself (so successive calls continue its stream)."""
    if isinstance(seed, (np.random.Generator, np.random.RandomState)):
        return seed
    if seed is None:
        return np.random.RandomState()
    if isinstance(seed, numbers.Integral) and not isinstance(seed, bool) and seed >= 0:
        return np.random.RandomState(int(seed))
    raise TypeError(
        f"seed must be a non-negative int, a numpy Generator or None, got {brief(seed)}"
    )


def _noise(noise: float | None) -> float | None:
    if noise is None:
        return None
    if isinstance(noise, bool) or not isinstance(noise, numbers.Real) or not 0 <= noise < 1e300:
        raise ValueError(f"noise must be a finite number >= 0 or None, got {brief(noise)}")
    return float(noise)


def _two_groups(
    outer: tuple[np.ndarray, np.ndarray],
    inner: tuple[np.ndarray, np.ndarray],
    shuffle: bool,
    noise: float | None,
    seed: RandomSource,
) -> Arrays:
    """Class 0 = outer points, class 1 = inner points; shuffle, then add Gaussian noise."""
    rng = random_state(seed)
    X = np.vstack([np.append(outer[0], inner[0]), np.append(outer[1], inner[1])]).T
    y = np.hstack([np.zeros(len(outer[0]), dtype=np.intp), np.ones(len(inner[0]), dtype=np.intp)])
    if shuffle:
        order = np.arange(len(X))
        rng.shuffle(order)
        X, y = X[order], y[order]
    if noise is not None:
        X += rng.normal(scale=noise, size=X.shape)
    return X, y


def make_moons(
    n_samples: int = 100,
    noise: float | None = None,
    seed: RandomSource = None,
    shuffle: bool = True,
) -> Arrays:
    """Two interleaving half circles (scikit-learn's algorithm)."""
    n = whole_number(n_samples, "n_samples", 2)
    n_out, n_in = n // 2, n - n // 2
    t_out, t_in = np.linspace(0, np.pi, n_out), np.linspace(0, np.pi, n_in)
    outer = (np.cos(t_out), np.sin(t_out))
    inner = (1 - np.cos(t_in), 1 - np.sin(t_in) - 0.5)
    return _two_groups(outer, inner, shuffle, _noise(noise), seed)


def make_circles(
    n_samples: int = 100,
    noise: float | None = None,
    factor: float = 0.8,
    seed: RandomSource = None,
    shuffle: bool = True,
) -> Arrays:
    """A circle of radius ``factor`` (class 1) inside the unit circle (class 0), scikit-learn's."""
    n = whole_number(n_samples, "n_samples", 2)
    if isinstance(factor, bool) or not isinstance(factor, numbers.Real) or not 0 <= factor < 1:
        raise ValueError(f"factor must be in [0, 1), got {brief(factor)}")
    n_out, n_in = n // 2, n - n // 2
    t_out = np.linspace(0, 2 * np.pi, n_out, endpoint=False)
    t_in = np.linspace(0, 2 * np.pi, n_in, endpoint=False)
    outer = (np.cos(t_out), np.sin(t_out))
    inner = (np.cos(t_in) * factor, np.sin(t_in) * factor)
    return _two_groups(outer, inner, shuffle, _noise(noise), seed)


def make_spirals(
    n_samples: int = 300,
    n_classes: int = 3,
    noise: float = 0.2,
    seed: RandomSource = None,
    shuffle: bool = True,
) -> Arrays:
    """cs231n's spiral arms: class j has radius r in [0, 1] and angle 4j + 4r + N(0, noise^2)."""
    n = whole_number(n_samples, "n_samples")
    k = whole_number(n_classes, "n_classes")
    if k > n:
        raise ValueError(
            f"n_classes={brief(k)} is more than n_samples={n}: every class needs a point"
        )
    spread = _noise(noise) or 0.0
    rng = random_state(seed)
    X_parts, y_parts = [], []
    for j in range(k):
        count = n // k + (1 if j < n % k else 0)
        r = np.linspace(0.0, 1.0, count)
        t = np.linspace(4.0 * j, 4.0 * (j + 1), count) + rng.normal(scale=spread, size=count)
        X_parts.append(np.column_stack([r * np.sin(t), r * np.cos(t)]))
        y_parts.append(np.full(count, j, dtype=np.intp))
    X, y = np.vstack(X_parts), np.concatenate(y_parts)
    if shuffle:
        order = np.arange(n)
        rng.shuffle(order)
        X, y = X[order], y[order]
    return X, y


def make_xor(n_samples: int = 100, noise: float | None = None, seed: RandomSource = None) -> Arrays:
    """Points uniform in [-1, 1]^2, class 1 where x1 and x2 have opposite signs (XOR of the signs);
    ``noise`` then moves each point by N(0, noise^2), so some cross the axes."""
    n = whole_number(n_samples, "n_samples")
    spread = _noise(noise)
    rng = random_state(seed)
    X = rng.uniform(-1.0, 1.0, size=(n, 2))
    y = ((X[:, 0] > 0) != (X[:, 1] > 0)).astype(np.intp)
    if spread is not None:
        X += rng.normal(scale=spread, size=X.shape)
    return X, y


def _array(values: Any, name: str) -> np.ndarray:
    try:
        return np.asarray(values)
    except ValueError as error:  # rows of different lengths
        raise ValueError(f"{name} must be a rectangular array of numbers: {error}") from None


def check_arrays(X: Any, y: Any) -> Arrays:
    """X and y as numpy arrays with one row of X per label in y, or a ValueError. A label is a
    number (y of shape (n,)) or a row of numbers, one per output (y of shape (n, k))."""
    X, y = _array(X, "X"), _array(y, "y")
    if X.ndim == 0 or y.ndim not in (1, 2):
        raise ValueError(
            "X must hold one row per sample and y one label (a number, or a row of numbers for "
            f"a model with several outputs) per sample, got shapes {X.shape}, {y.shape}"
        )
    if len(X) != len(y):
        raise ValueError(f"X has {len(X)} samples but y has {len(y)} labels")
    return X, y


def batches(
    X: Any, y: Any, batch_size: int, shuffle: bool = True, seed: RandomSource = None
) -> Iterator[Arrays]:
    """Yield ``(X_batch, y_batch)`` pairs covering every sample once; the last may be smaller."""
    X, y = check_arrays(X, y)
    size = whole_number(batch_size, "batch_size")
    order = np.arange(len(X))
    if shuffle:
        random_state(seed).shuffle(order)
    for start in range(0, len(X), size):
        chosen = order[start : start + size]
        yield X[chosen], y[chosen]


def train_test_split(
    X: Any, y: Any, test_size: float = 0.25, seed: RandomSource = None, shuffle: bool = True
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``X_train, X_test, y_train, y_test`` (scikit-learn's order and algorithm).

    ``test_size`` is a fraction in (0, 1) (rounded up to whole samples) or a number of samples.
    """
    X, y = check_arrays(X, y)
    n = len(X)
    if isinstance(test_size, numbers.Integral) and not isinstance(test_size, bool):
        n_test = int(test_size)
    elif isinstance(test_size, numbers.Real) and 0 < test_size < 1:
        n_test = math.ceil(test_size * n)
    else:
        raise ValueError(
            f"test_size must be a fraction in (0, 1) or a count, got {brief(test_size)}"
        )
    if not 0 < n_test < n:
        raise ValueError(
            f"test_size={brief(test_size)} leaves {brief(n_test)} of {n} samples for testing"
        )
    if shuffle:
        order = random_state(seed).permutation(n)
        test, train = order[:n_test], order[n_test:]
    else:
        train, test = np.arange(n - n_test), np.arange(n - n_test, n)
    return X[train], X[test], y[train], y[test]


def load_digits(normalize: bool = True) -> Arrays:
    """The 8x8 handwritten digits bundled with scikit-learn: X (1797, 64), y in 0..9.

    With ``normalize`` the pixel values 0..16 are scaled to [0, 1].
    """
    try:
        from sklearn.datasets import load_digits as sklearn_load_digits
    except ImportError:
        raise ImportError(
            "nn.data.load_digits needs scikit-learn: pip install scikit-learn "
            "(from a chainrule checkout: pip install -e '.[data]')"
        ) from None
    digits = sklearn_load_digits()
    X = digits.data.astype(float)
    return (X / 16.0 if normalize else X), digits.target.astype(np.intp)


MAX_CSV_BYTES = 64 * 2**20
"""``load_csv`` reads files up to this size (64 MiB; far more rows than a scalar engine trains on
in reasonable time) unless given another ``max_bytes``."""


def _field(text: str, line: int, column: int) -> float:
    try:
        number = float(text)
    except ValueError:
        if not text.strip():
            raise ValueError(f"line {line}, column {column} is empty") from None
        raise ValueError(f"line {line}, column {column}: {text!r} is not a number") from None
    if not math.isfinite(number):
        raise ValueError(f"line {line}, column {column}: {text!r} is not a finite number")
    return number


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _names_columns(fields: list[str]) -> bool:
    """Whether a first row looks like column names: two or more fields, some text, no number."""
    return len(fields) > 1 and any(f.strip() for f in fields) and not any(map(_is_number, fields))


def _delimiter_hint(text: str, delimiter: str) -> str:
    """What to try when a row is one field: the delimiter it seems to use, if any."""
    for other in [",", ";", "\t", "|"]:
        if other != delimiter and other in text:
            return f"the line holds {other!r}: pass delimiter={other!r}"
    return f"is the delimiter {delimiter!r} right?"


def _advice(fields: list[str], target: int, first_row: bool) -> str:
    """What to do about a row whose first bad field is text: its labels may be class names (in
    the ``target`` column), or, on the first line, it may be column names."""
    for column, text in enumerate(fields):
        if _is_number(text) and math.isfinite(float(text)):
            continue
        if not text.strip() or _is_number(text):  # empty or not finite: the message says it all
            return ""
        names = "if this line holds column names, pass header=True"
        if column == target:
            labels = "the labels must be numbers: map class names to integers 0, 1, ... first"
            return f"; {labels} ({names})" if first_row else f"; {labels}"
        return f"; {names}" if first_row else ""
    return ""


def load_csv(
    path: str | PathLike[str],
    target: int = -1,
    *,
    header: bool | None = None,
    delimiter: str = ",",
    max_bytes: int = MAX_CSV_BYTES,
) -> Arrays:
    """``(X, y)`` from a CSV file of numbers: ``y`` is the column ``target`` (default: the last),
    ``X`` the other columns, one row per line (blank lines are skipped; a line of empty fields,
    such as ``,,``, is an error).

    ``header=None`` skips the first line when it has two or more fields, some text and no number
    (column names);
    ``True`` always skips it, ``False`` never. ``y`` is an int array when every target is a whole
    number (class labels), else a float array. A row that is not all finite numbers, or that has
    a different number of fields than the first, is a ValueError naming its line. Files larger
    than ``max_bytes`` are refused before they are parsed.
    """
    limit = whole_number(max_bytes, "max_bytes")
    if isinstance(target, bool) or not isinstance(target, numbers.Integral):
        raise ValueError(f"target must be a column index (an int, -1 for the last), got {target!r}")
    if not isinstance(delimiter, str) or len(delimiter) != 1:
        raise ValueError(f"delimiter must be one character, got {delimiter!r}")
    if header not in (None, True, False):
        raise ValueError(f"header must be None (detect), True or False, got {header!r}")
    data = read_at_most(path, limit, "pass a larger max_bytes to read it")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ValueError(f"{path}: line {line} is not UTF-8 text ({error.reason})") from None
    rows: list[list[float]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    width, first, skipped, line, end = None, True, False, 0, 0
    try:
        for fields in reader:
            line, end = end + 1, reader.line_num  # a quoted field may span lines: name the first
            if not fields or (len(fields) == 1 and not fields[0].strip()):
                continue  # a blank line
            if first:
                first = False
                if header or (header is None and _names_columns(fields)):
                    skipped = True
                    continue
            if width is None:
                width = len(fields)
                if width < 2:
                    raise ValueError(
                        f"line {line} has {width} field; a data set needs features and a target "
                        f"({_delimiter_hint(fields[0], delimiter)})"
                    )
                if not -width <= target < width:
                    raise ValueError(f"target column {target} does not exist: rows have {width}")
            if len(fields) != width:
                raise ValueError(f"line {line} has {len(fields)} fields, the first row has {width}")
            try:
                rows.append([_field(f, line, k) for k, f in enumerate(fields, 1)])
            except ValueError as error:
                first_row = not rows and not skipped and header is None
                raise ValueError(f"{error}{_advice(fields, target % width, first_row)}") from None
    except csv.Error as error:
        raise ValueError(f"{path}: line {end + 1}: {error}") from None
    except ValueError as error:
        raise ValueError(f"{path}: {error}") from None
    if not rows:
        raise ValueError(f"{path} holds no rows of numbers")
    table = np.array(rows)
    column = target % table.shape[1]
    X, y = np.delete(table, column, axis=1), table[:, column]
    if np.all(y == np.round(y)) and np.all(np.abs(y) < 2**53):
        return X, y.astype(np.intp)
    return X, y
