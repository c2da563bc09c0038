"""Optimizers and schedules: update formulas, invariants, and all-or-nothing steps."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nn
from autograd import Value
from autograd.testing import finite_floats

SMALL = settings(max_examples=30, deadline=None)
OPTIMIZERS = [
    lambda ps: nn.SGD(ps, lr=0.1),
    lambda ps: nn.SGD(ps, lr=0.1, momentum=0.9),
    lambda ps: nn.Adagrad(ps, lr=0.5),
    lambda ps: nn.RMSprop(ps, lr=0.05),
    lambda ps: nn.Adam(ps, lr=0.1),
]


def params_with_grads(data: list[float], grads: list[float]) -> list[Value]:
    params = [Value(d, f"p{i}") for i, d in enumerate(data)]
    for p, g in zip(params, grads):
        p.grad = g
    return params


# -- formulas ------------------------------------------------------------------------------------


@SMALL
@given(st.lists(st.tuples(finite_floats(-10, 10), finite_floats(-10, 10)), min_size=1, max_size=5))
def test_sgd_step_is_p_minus_lr_g(pairs: list[tuple[float, float]]) -> None:
    params = params_with_grads([d for d, _ in pairs], [g for _, g in pairs])
    nn.SGD(params, lr=0.3).step()
    assert [p.data for p in params] == [d - 0.3 * g for d, g in pairs]
    assert all(p.is_leaf for p in params)  # no graph recorded


def test_sgd_momentum_accumulates_velocity() -> None:
    (p,) = params_with_grads([1.0], [2.0])
    opt = nn.SGD([p], lr=0.1, momentum=0.9)
    opt.step()  # v = 2
    assert p.data == pytest.approx(1.0 - 0.2)
    opt.step()  # v = 0.9 * 2 + 2 = 3.8
    assert p.data == pytest.approx(0.8 - 0.38)


def test_weight_decay_adds_decay_times_p_to_the_gradient() -> None:
    (p,) = params_with_grads([2.0], [1.0])
    nn.SGD([p], lr=0.1, weight_decay=0.5).step()
    assert p.data == pytest.approx(2.0 - 0.1 * (1.0 + 0.5 * 2.0))


def test_adagrad_rmsprop_adam_first_steps() -> None:
    g = 0.5
    (a,) = params_with_grads([1.0], [g])
    nn.Adagrad([a], lr=0.1).step()
    assert a.data == pytest.approx(1.0 - 0.1 * g / (abs(g) + 1e-8))
    (r,) = params_with_grads([1.0], [g])
    nn.RMSprop([r], lr=0.1, rho=0.9).step()
    assert r.data == pytest.approx(1.0 - 0.1 * g / (math.sqrt(0.1 * g * g) + 1e-8))
    (m,) = params_with_grads([1.0], [g])
    opt = nn.Adam([m], lr=0.1)
    opt.step()  # bias-corrected: the first step is lr * sign(g)
    assert m.data == pytest.approx(0.9)
    m.grad = g
    opt.step()
    m1, v1 = 0.1 * g, 0.001 * g * g
    m2, v2 = 0.9 * m1 + 0.1 * g, 0.999 * v1 + 0.001 * g * g
    step = 0.1 * (m2 / (1 - 0.9**2)) / (math.sqrt(v2 / (1 - 0.999**2)) + 1e-8)
    assert m.data == pytest.approx(0.9 - step)


@SMALL
@given(st.lists(finite_floats(-100, 100).filter(lambda g: abs(g) > 1e-3), min_size=1, max_size=4))
def test_adam_first_step_moves_each_parameter_by_lr(grads: list[float]) -> None:
    params = params_with_grads([0.0] * len(grads), grads)
    nn.Adam(params, lr=0.01).step()
    for p, g in zip(params, grads):
        assert p.data == pytest.approx(-0.01 * math.copysign(1.0, g), rel=1e-4)


@pytest.mark.parametrize("make", OPTIMIZERS)
def test_every_optimizer_minimises_a_quadratic(make: object) -> None:
    x, y = Value(4.0), Value(-3.0)
    opt = make([x, y])  # type: ignore[operator]
    for _ in range(300):
        loss = (x - 1.0) * (x - 1.0) + (y + 2.0) * (y + 2.0) * 2.0
        opt.zero_grad()
        loss.backward()
        opt.step()
    assert x.data == pytest.approx(1.0, abs=0.05) and y.data == pytest.approx(-2.0, abs=0.05)
    assert opt.steps == 300


def test_zero_grad_clears_every_parameter() -> None:
    params = params_with_grads([1.0, 2.0], [3.0, 4.0])
    nn.SGD(params, lr=0.1).zero_grad()
    assert [p.grad for p in params] == [0.0, 0.0]


# -- all or nothing ----------------------------------------------------------------------------


@pytest.mark.parametrize("make", OPTIMIZERS)
@pytest.mark.parametrize("bad", [math.nan, math.inf])
def test_non_finite_gradient_is_named_and_nothing_changes(make: object, bad: float) -> None:
    model = nn.MLP(2, [2, 1], seed=0)
    opt = make(model.parameters())  # type: ignore[operator]
    model([1.0, 2.0]).backward()
    opt.step()
    model.zero_grad()
    model([1.0, 2.0]).backward()
    model.layers[1].neurons[0].w[1].grad = bad
    before, state, steps = model.state_dict(), {k: list(v) for k, v in opt.state.items()}, opt.steps
    with pytest.raises(ValueError, match=r"'layers\.1\.neurons\.0\.w\.1' has gradient"):
        opt.step()
    assert model.state_dict() == before and opt.state == state and opt.steps == steps


def test_an_update_that_overflows_changes_nothing() -> None:
    params = params_with_grads([1.0, 2.0], [1.0, 1e308])
    with pytest.raises(ValueError, match="'p1' gives value -inf"):
        nn.SGD(params, lr=10.0).step()
    assert [p.data for p in params] == [1.0, 2.0]
    params = params_with_grads([1.0, 2.0], [1.0, 1e200])
    opt = nn.Adam(params, lr=0.1)
    with pytest.raises(ValueError, match="'p1' gives v inf"):
        opt.step()
    assert [p.data for p in params] == [1.0, 2.0] and opt.state["v"] == [0.0, 0.0]


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: nn.SGD([], lr=0.1), "no parameters"),
        (lambda: nn.SGD([Value(1.0, "a")] * 2, lr=0.1), "'a' is listed twice"),
        (lambda: nn.SGD([1.0], lr=0.1), "parameter 0 must be a Value"),
        (lambda: nn.SGD(Value(1.0), lr=0.1), "wrap a single one"),
        (lambda: nn.SGD([Value(1.0)], lr=-1.0), "lr"),
        (lambda: nn.SGD([Value(1.0)], lr=math.nan), "lr"),
        (lambda: nn.SGD([Value(1.0)], lr=0.1, momentum=1.5), "momentum"),
        (lambda: nn.SGD([Value(1.0)], lr=0.1, weight_decay=-1), "weight_decay"),
        (lambda: nn.Adam([Value(1.0)], betas=(0.9,)), "betas"),
        (lambda: nn.Adagrad([Value(1.0)], eps=0.0), "eps"),
        (lambda: nn.StepDecay(0.1, every=0), "every"),
        (lambda: nn.StepDecay(0.1, every=2, factor=0.0), "factor"),
        (lambda: nn.LinearDecay(1.0, 0.1, steps=0), "steps"),
    ],
)
def test_bad_optimizer_arguments(make: object, message: str) -> None:
    with pytest.raises((TypeError, ValueError), match=message):
        make()  # type: ignore[operator]


# -- schedules -------------------------------------------------------------------------------


def test_linear_decay_is_micrograds_schedule() -> None:
    schedule = nn.LinearDecay(1.0, 0.1, 100)
    assert all(schedule(k) == 1.0 - 0.9 * k / 100 for k in range(100))
    assert schedule(100) == schedule(1000) == pytest.approx(0.1)


def test_step_decay_multiplies_every_k_steps() -> None:
    schedule = nn.StepDecay(0.5, every=3, factor=0.1)
    assert [schedule(k) for k in range(7)] == pytest.approx(
        [0.5, 0.5, 0.5, 0.05, 0.05, 0.05, 0.005]
    )


def test_optimizer_follows_its_schedule() -> None:
    (p,) = params_with_grads([0.0], [1.0])
    opt = nn.SGD([p], lr=nn.StepDecay(1.0, every=2, factor=0.5))
    lrs = []
    for _ in range(5):
        lrs.append(opt.lr)
        opt.step()
    assert lrs == [1.0, 1.0, 0.5, 0.5, 0.25]
    assert p.data == -sum(lrs)
    bad = nn.SGD([p], lr=lambda step: math.nan)
    with pytest.raises(ValueError, match="schedule at step 0"):
        bad.step()


# -- AdamW, CosineDecay, clip_grad_norm --------------------------------------------------------


def test_adamw_decays_the_parameters_not_the_gradient() -> None:
    g, lr, wd = 0.5, 0.1, 0.2
    (p,) = params_with_grads([2.0], [g])
    opt = nn.AdamW([p], lr=lr, weight_decay=wd)
    opt.step()
    assert p.data == pytest.approx(2.0 - lr * wd * 2.0 - lr * 1.0)  # first Adam step: lr sign(g)
    before = p.data
    p.grad = g
    opt.step()
    m1, v1 = 0.1 * g, 0.001 * g * g
    m2, v2 = 0.9 * m1 + 0.1 * g, 0.999 * v1 + 0.001 * g * g
    adam = lr * (m2 / (1 - 0.9**2)) / (math.sqrt(v2 / (1 - 0.999**2)) + 1e-8)
    assert p.data == pytest.approx(before - lr * wd * before - adam)
    assert opt.state["m"] == [pytest.approx(m2)]  # the moments saw the raw gradient
    assert nn.AdamW([Value(1.0)]).weight_decay == 0.01  # PyTorch's default


def test_adamw_without_decay_is_adam() -> None:
    a, b = params_with_grads([1.0, -2.0], [0.3, -0.7]), params_with_grads([1.0, -2.0], [0.3, -0.7])
    adamw, adam = nn.AdamW(a, lr=0.05, weight_decay=0.0), nn.Adam(b, lr=0.05)
    for _ in range(3):
        adamw.step()
        adam.step()
    assert [p.data for p in a] == [p.data for p in b]


@SMALL
@given(
    st.lists(finite_floats(-3, 3), min_size=1, max_size=4),
    st.lists(st.lists(finite_floats(-2, 2), min_size=4, max_size=4), min_size=1, max_size=5),
    st.floats(0.0, 0.5),
)
def test_adamw_equals_pytorch(data: list[float], grads: list[list[float]], wd: float) -> None:
    torch = pytest.importorskip(
        "torch", reason="PyTorch is not installed (pip install -e '.[torch]')"
    )
    params = [Value(d) for d in data]
    tensor = torch.tensor(data, dtype=torch.float64, requires_grad=True)
    ours = nn.AdamW(params, lr=0.01, weight_decay=wd)
    theirs = torch.optim.AdamW([tensor], lr=0.01, weight_decay=wd)
    for step in grads:
        for p, g in zip(params, step):
            p.grad = g
        tensor.grad = torch.tensor(step[: len(data)], dtype=torch.float64)
        ours.step()
        theirs.step()
    assert [p.data for p in params] == pytest.approx(tensor.detach().tolist(), rel=1e-9, abs=1e-12)


def test_cosine_decay_warms_up_then_follows_half_a_cosine() -> None:
    schedule = nn.CosineDecay(0.11, steps=110, warmup=10, end=0.01)
    assert [schedule(k) for k in range(11)] == pytest.approx([0.01 * (k + 1) for k in range(11)])
    assert schedule(10) == pytest.approx(0.11)  # the peak, right after the warmup
    assert schedule(60) == pytest.approx((0.11 + 0.01) / 2)  # halfway down
    assert schedule(35) == pytest.approx(0.01 + 0.1 * (1 + math.cos(math.pi / 4)) / 2)
    assert schedule(110) == schedule(500) == pytest.approx(0.01)
    after = [schedule(k) for k in range(10, 111)]
    assert all(a >= b for a, b in zip(after, after[1:]))
    assert nn.CosineDecay(1.0, steps=4)(0) == 1.0  # no warmup: starts at lr


def test_cosine_decay_drives_an_optimizer() -> None:
    (p,) = params_with_grads([0.0], [1.0])
    schedule = nn.CosineDecay(1.0, steps=4, warmup=2)
    opt = nn.SGD([p], lr=schedule)
    lrs = []
    for _ in range(5):
        lrs.append(opt.lr)
        opt.step()
    assert lrs == pytest.approx([1 / 3, 2 / 3, 1.0, 0.5, 0.0], abs=1e-15)
    assert p.data == pytest.approx(-sum(lrs))


def test_clip_grad_norm_scales_to_the_limit_and_returns_the_norm_before() -> None:
    params = params_with_grads([0.0, 0.0, 0.0], [3.0, 4.0, 0.0])
    assert nn.clip_grad_norm(params, 1.0) == 5.0
    assert [p.grad for p in params] == pytest.approx([0.6, 0.8, 0.0], rel=1e-6)
    assert math.hypot(*(p.grad for p in params)) <= 1.0
    small = params_with_grads([0.0, 0.0], [0.3, 0.4])
    assert nn.clip_grad_norm(small, 1.0) == pytest.approx(0.5)
    assert [p.grad for p in small] == [0.3, 0.4]  # under the limit: unchanged
    huge = params_with_grads([0.0, 0.0], [1e200, 1e200])
    assert nn.clip_grad_norm(huge, 2.0) == pytest.approx(math.sqrt(2) * 1e200)  # no overflow
    assert [p.grad for p in huge] == pytest.approx([math.sqrt(2), math.sqrt(2)])


@SMALL
@given(st.lists(finite_floats(-100, 100), min_size=1, max_size=6), st.floats(0.01, 50))
def test_clip_grad_norm_equals_pytorch(grads: list[float], max_norm: float) -> None:
    torch = pytest.importorskip(
        "torch", reason="PyTorch is not installed (pip install -e '.[torch]')"
    )
    params = params_with_grads([0.0] * len(grads), grads)
    tensors = [torch.zeros(1, dtype=torch.float64, requires_grad=True) for _ in grads]
    for t, g in zip(tensors, grads):
        t.grad = torch.tensor([g], dtype=torch.float64)
    norm = torch.nn.utils.clip_grad_norm_(tensors, max_norm)
    assert nn.clip_grad_norm(params, max_norm) == pytest.approx(norm.item(), rel=1e-12)
    assert [p.grad for p in params] == pytest.approx([t.grad.item() for t in tensors], rel=1e-12)


@pytest.mark.parametrize("bad", [math.nan, math.inf])
def test_clip_grad_norm_changes_nothing_on_a_bad_gradient(bad: float) -> None:
    params = params_with_grads([0.0, 0.0], [10.0, bad])
    with pytest.raises(ValueError, match="'p1' has gradient .*no gradient was changed"):
        nn.clip_grad_norm(params, 1.0)
    assert params[0].grad == 10.0


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: nn.clip_grad_norm([], 1.0), "clip_grad_norm got no parameters"),
        (lambda: nn.clip_grad_norm([Value(1.0)], 0.0), "max_norm must be > 0"),
        (lambda: nn.clip_grad_norm([Value(1.0)], math.inf), "max_norm"),
        (lambda: nn.clip_grad_norm([Value(1.0, "a")] * 2, 1.0), "'a' is listed twice"),
        (lambda: nn.clip_grad_norm(Value(1.0), 1.0), "wrap a single one"),
        (lambda: nn.AdamW([Value(1.0)], weight_decay=-0.1), "weight_decay"),
        (lambda: nn.AdamW([Value(1.0)], betas=(1.0, 0.9)), "betas"),
        (lambda: nn.CosineDecay(0.1, steps=0), "steps"),
        (lambda: nn.CosineDecay(0.1, steps=10, warmup=10), "warmup"),
        (lambda: nn.CosineDecay(0.1, steps=10, warmup=-1), "warmup"),
        (lambda: nn.CosineDecay(-0.1, steps=10), "lr"),
        (lambda: nn.CosineDecay(0.1, steps=10, end=math.nan), "end"),
    ],
)
def test_bad_arguments_of_the_new_training_tools(make: object, message: str) -> None:
    with pytest.raises((TypeError, ValueError), match=message):
        make()  # type: ignore[operator]


@pytest.mark.parametrize(
    "make",
    [
        lambda p: nn.SGD(p, lr=10**400),
        lambda p: nn.SGD(p, lr=0.1, momentum=10**400),
        lambda p: nn.Adam(p, lr=0.1, betas=(10**400, 0.9)),
        lambda p: nn.SGD(p, lr=nn.StepDecay(10**400, 10)),
        lambda p: nn.SGD(p, lr=nn.LinearDecay(0.1, 0.0, 10**400)),
    ],
)
def test_numbers_too_large_for_a_float_are_value_errors(make: object) -> None:
    with pytest.raises(ValueError, match=r"is an int of about 401 digits, too large for a float"):
        make([Value(1.0)])  # type: ignore[operator]


MODEL_HINT = r"pass model\.parameters\(\)"


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda m: nn.SGD(m, 0.1), r"SGD takes a list of parameters, got the model MLP"),
        (lambda m: nn.Adam(m), r"Adam takes a list of parameters, got the model MLP"),
        (lambda m: nn.clip_grad_norm(m, 1.0), r"clip_grad_norm takes .* got the model MLP"),
        (lambda m: nn.losses.l2(m), r"l2 takes a list of parameters, got the model MLP"),
        (lambda m: nn.SGD([m.layers[0]], 0.1), r"item 0 is the module Layer"),
        (lambda m: nn.losses.l2([m]), r"item 0 is the module MLP"),
    ],
)
def test_a_model_instead_of_its_parameters_says_to_pass_parameters(
    make: object, message: str
) -> None:
    with pytest.raises(TypeError, match=f"{message}: {MODEL_HINT}"):
        make(nn.MLP(2, [3, 1], seed=0))  # type: ignore[operator]


def test_a_sequential_is_a_model_not_a_list_of_parameters() -> None:
    model = nn.Sequential(nn.Linear(2, 1, seed=0))  # iterable: it yields its modules
    with pytest.raises(TypeError, match=f"got the model Sequential: {MODEL_HINT}"):
        nn.SGD(model, 0.1)
    with pytest.raises(TypeError, match=f"item 0 is the module Linear: {MODEL_HINT}"):
        nn.SGD(list(model), 0.1)
    assert len(nn.SGD(model.parameters(), 0.1).params) == 3


def test_schedules_take_numpy_ints() -> None:
    linear = nn.LinearDecay(0.1, 0.0, np.int64(10))
    assert linear.steps == 10 and type(linear.steps) is int and linear(5) == pytest.approx(0.05)
    cosine = nn.CosineDecay(0.1, np.int64(10), warmup=np.int32(2))
    assert (cosine.steps, cosine.warmup) == (10, 2) and type(cosine.warmup) is int
    assert cosine(10) == pytest.approx(0.0, abs=1e-18)
    step = nn.StepDecay(0.1, np.int64(3))
    assert step.every == 3 and step(3) == pytest.approx(0.05)
    assert repr(linear) == "LinearDecay(start=0.1, end=0.0, steps=10)"
    for bad in [np.float64(10.0), 2.5, True, np.int64(0)]:
        with pytest.raises(ValueError, match="LinearDecay steps must be a positive int, got"):
            nn.LinearDecay(0.1, 0.0, bad)


def test_adam_betas_may_be_any_pair_of_numbers() -> None:
    for betas in [np.array([0.9, 0.99]), [0.9, 0.99], (np.float32(0.9), 0.99)]:
        adam = nn.Adam([Value(1.0)], betas=betas)
        assert adam.betas == pytest.approx((0.9, 0.99)) and type(adam.betas[0]) is float
    assert nn.AdamW([Value(1.0)], betas=np.array([0.5, 0.6])).betas == (0.5, 0.6)
    for bad in ["ab", {0.9, 0.99}, {0: 0.9, 1: 0.99}, 0.9, np.array([0.9, 0.99, 0.999])]:
        with pytest.raises(ValueError, match=r"betas must be a pair \(b1, b2\) of numbers"):
            nn.Adam([Value(1.0)], betas=bad)
    with pytest.raises(ValueError, match=r"betas\[0\] must be a number"):
        nn.Adam([Value(1.0)], betas=np.zeros((2, 2)))
