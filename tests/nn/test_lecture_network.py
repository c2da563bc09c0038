"""The 2-2-2 sigmoid network of the backprop lecture, and the parameter counts of the slides."""

from __future__ import annotations

import nn
from nn import losses

INPUTS = [0.05, 0.10]
TARGETS = [0.01, 0.99]


def lecture_network() -> tuple[nn.MLP, list]:
    """i1, i2 -> h1, h2 -> o1, o2, all sigmoid; w1..w8 = .15 .. .55, b1 = .35, b2 = .60."""
    model = nn.MLP(2, [2, 2], activation="sigmoid", output_activation="sigmoid")
    (h1, h2), (o1, o2) = model.layers[0].neurons, model.layers[1].neurons
    for neuron, weights, bias in [
        (h1, [0.15, 0.20], 0.35),
        (h2, [0.25, 0.30], 0.35),
        (o1, [0.40, 0.45], 0.60),
        (o2, [0.50, 0.55], 0.60),
    ]:
        for w, value in zip(neuron.w, weights):
            w.data = value
        neuron.b.data = bias
    weights = [w for neuron in (h1, h2, o1, o2) for w in neuron.w]  # w1 .. w8
    return model, weights


def error(model: nn.MLP) -> float:
    return losses.squared_error(model(INPUTS), TARGETS).data


def train_step(model: nn.MLP, optimizer: nn.SGD) -> None:
    E = losses.squared_error(model(INPUTS), TARGETS)
    optimizer.zero_grad()
    E.backward()
    optimizer.step()


def test_backprop_lecture_initial_error() -> None:
    model, _ = lecture_network()
    assert round(error(model), 9) == 0.298371109


def as_printed(x: float, printed: str) -> bool:
    """True when x, rounded to as many decimals as the slide prints, is the printed number."""
    return round(x, len(printed.split(".")[1])) == float(printed)


def test_backprop_lecture_one_update_of_the_weights() -> None:
    model, weights = lecture_network()
    biases = [p for p in model.parameters() if p not in set(weights)]
    optimizer = nn.SGD(weights, lr=0.5)  # weights updated, biases held
    train_step(model, optimizer)
    slide = ["0.149780716", "0.19956143", "0.24975114", "0.29950229"]  # w1 .. w4
    slide += ["0.35891648", "0.408666186", "0.511301270", "0.561370121"]  # w5 .. w8
    for k, (w, printed) in enumerate(zip(weights, slide), 1):
        assert as_printed(w.data, printed), f"w{k} = {w.data!r}, slide: {printed}"
    assert [b.data for b in biases] == [0.35, 0.35, 0.60, 0.60]
    # the slide's 0.291027924 comes from rounded intermediates; exact arithmetic gives 0.2910278
    assert as_printed(error(model), "0.2910278")


def test_backprop_lecture_ten_thousand_updates() -> None:
    model, weights = lecture_network()
    optimizer = nn.SGD(weights, lr=0.5)
    for _ in range(10_000):
        train_step(model, optimizer)
    assert f"{error(model):.2e}" == "3.51e-05"
    o1, o2 = model(INPUTS)
    assert (round(o1.data, 4), round(o2.data, 4)) == (0.0159, 0.9841)


def test_parameter_counts_from_the_slides() -> None:
    assert nn.MLP(3, [4, 2]).num_parameters() == 26
    assert nn.MLP(3, [4, 4, 1]).num_parameters() == 41
