"""autograd.Stepper: frames built on backward_steps, captions that check by hand, the forward and
update frames, neuron-by-neuron frames, one layout for every frame, HTML, GIF, widget."""

from __future__ import annotations

import decimal
import html
import json
import re
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import autograd.stepper as stepper_module
from autograd import Stepper, Value, draw, summary
from autograd.drawing.cells import cell_widths
from autograd.drawing.gradients import CurrentGradients
from autograd.drawing.labels import checks
from autograd.drawing.theme import LIGHT
from autograd.graph import backward_steps, topological_order
from autograd.testing import cases
from tests.autograd.test_draw_support import chain_rule, needs_dot, sigmoid_circuit, wire_id, wires

PRODUCT = re.compile(r"local × upstream = (\S+) × (\S+) = ([^\s;]+)")
UPDATE = re.compile(r"= (\S+) − (\S+) × (\S+) = (\S+)$")


def _rounds_to(shown: str, exact: decimal.Decimal) -> bool:
    """Is ``shown`` what ``exact`` rounds to, at the digits ``shown`` has?"""
    with decimal.localcontext() as context:
        context.prec = 80
        target = decimal.Decimal(shown)
        return exact.quantize(target, rounding=decimal.ROUND_HALF_EVEN) == target


def _faithful(shown: str, value: float) -> bool:
    """Is ``shown`` the value rounded (the last digit may differ by one)?"""
    target = decimal.Decimal(shown)
    unit = decimal.Decimal(1).scaleb(target.as_tuple().exponent)
    return abs(target - decimal.Decimal(value)) <= unit


def _structure(source: str) -> tuple[frozenset[str], frozenset[str]]:
    """The node ids and the edges of a DOT text."""
    nodes = frozenset(re.findall(r"^\s*(\w+) \[label=", source, re.M))
    edges = frozenset(re.findall(r"^\s*(\S+ -> \S+)", source, re.M))
    return nodes, edges


def _backward(stepper: Stepper) -> list[int]:
    """The frame numbers of the backward steps (after the seed frame)."""
    return [k for k, f in enumerate(stepper.frames) if f.phase == "backward" and f.steps]


def test_one_frame_per_step_plus_the_seed_and_summary_frames() -> None:
    f, _ = sigmoid_circuit()
    stepper = Stepper(f)
    drawn_steps = [s for s in backward_steps(f) if not s.input.is_constant]
    assert len(stepper) == len(drawn_steps) + 2 == 14
    assert [(s.gate, s.index) for s in stepper.steps] == [(s.gate, s.index) for s in drawn_steps]
    assert [f.phase for f in stepper.frames] == ["backward"] * 13 + ["summary"]


def test_captions_put_local_before_upstream_with_the_lecture_numbers() -> None:
    f, _ = sigmoid_circuit()
    stepper = Stepper(f)
    assert stepper.caption(0) == "step 0 of 12: backward starts at the output: ∂f/∂f = 1.00"
    assert stepper.caption(1) == (
        "step 1 of 12: 1/x → n7:  ∂f/∂n7 = -f * f = -0.53;  local × upstream = -0.53 × 1.00 = -0.53"
    )
    assert stepper.caption(3) == (
        "step 3 of 12: exp → n5:  ∂n6/∂n5 = n6 = 0.37;  local × upstream = 0.37 × -0.53 = -0.20"
    )
    assert stepper.caption(4) == (
        "step 4 of 12: *-1 → n4:  ∂n5/∂n4 = -1.00;  local × upstream = -1.00 × -0.20 = 0.20"
    )
    assert stepper.caption(5).endswith("= 1.00 × 0.20 = 0.20  (add distributes the gradient)")
    # the upstream is 0.1966: 2.00 x 0.20 would not give 0.39, so it gets one more digit
    assert stepper.caption(-2) == (
        "step 12 of 12: * → x0:  ∂n1/∂x0 = w0 = 2.00;  local × upstream = 2.00 × 0.197 = 0.39"
        "  (mul switches the inputs)"
    )
    assert stepper.caption(-1) == (
        "backward done: ∂f/∂w0 = -0.20, ∂f/∂x0 = 0.39, ∂f/∂w1 = -0.39, ∂f/∂x1 = -0.59, "
        "∂f/∂w2 = 0.20"
    )
    assert stepper.caption(5) in stepper.frame(5).source


def test_the_names_in_captions_are_the_diagrams_and_summarys() -> None:
    f, v = sigmoid_circuit()
    stepper = Stepper(f)
    table = {line.split()[0] for line in summary(f).splitlines()[1:]}
    for k in _backward(stepper):
        out, into = re.search(r"∂(\w+)/∂(\w+) =", stepper.caption(k)).groups()
        assert {out, into} <= table
        assert f'<FONT COLOR="#333333">{into} = </FONT>' in stepper.frame(k).source or into in (
            "w0", "x0", "w1", "x1", "w2",
        )  # fmt: skip


def test_the_gate_pattern_shows_for_add_mul_and_max_only() -> None:
    a, b, c = Value(2.0, "a"), Value(-1.0, "b"), Value(0.5, "c")
    f = (a * b + c).max(c).exp()
    notes = {s.caption(k).split(":")[1].split("→")[0].strip(): s.caption(k) for s in [Stepper(f)]
             for k in _backward(s)}  # fmt: skip
    assert notes["*"].endswith("(mul switches the inputs)")
    assert notes["+"].endswith("(add distributes the gradient)")
    assert notes["max"].endswith("(max routes the gradient)")
    assert notes["exp"].endswith("= 0.50") or "(" not in notes["exp"].split("=")[-1]


def test_captions_give_the_local_derivatives_formula_from_the_op_rule() -> None:
    f, v = chain_rule()
    stepper = Stepper(f)
    assert stepper.caption(2) == (
        "step 2 of 4: * → z:  ∂f/∂z = q = 3.00;  local × upstream = 3.00 × 1.00 = 3.00"
        "  (mul switches the inputs)"
    )
    assert stepper.caption(3).startswith("step 3 of 4: + → x:  ∂q/∂x = 1.00;")  # no "1 = 1.00"
    x = Value(0.5, "x")
    t = x.tanh()
    t.label = "t"
    assert "∂t/∂x = 1 - t * t = 0.79" in Stepper(t).caption(1)
    s = x.sigmoid()
    s.label = "s"
    assert "∂s/∂x = s * (1 - s) = 0.24" in Stepper(s).caption(1)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow],
)
@given(cases(max_steps=6), st.sampled_from(["auto", ".2f", "g", ".3e"]))
def test_every_caption_checks_by_hand_at_its_shown_precision(case, fmt: str) -> None:  # type: ignore[no-untyped-def]
    f = case.expression.build(*case.values())
    stepper = Stepper(f, fmt=fmt, update=0.1)  # every input is updated
    checked = 0
    for k, frame in enumerate(stepper.frames):
        caption = stepper.caption(k)
        if frame.phase == "backward" and frame.steps:
            step = stepper.steps[frame.steps - 1]  # one step a frame, in backward's order
            local, upstream, result = PRODUCT.search(caption).groups()
            exact = decimal.Decimal(local) * decimal.Decimal(upstream)
            assert _rounds_to(result, exact), caption
            for shown, value in ((local, step.local), (upstream, step.upstream),
                                 (result, step.contribution)):  # fmt: skip
                assert _faithful(shown, value), caption
            checked += 1
        elif frame.phase == "update":
            old, eta, grad, new = UPDATE.search(caption).groups()
            exact = decimal.Decimal(old) - decimal.Decimal(eta) * decimal.Decimal(grad)
            assert _rounds_to(new, exact), caption
            checked += 1
    assert checked == len(stepper.steps) + len(stepper.timeline.updates)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases(max_steps=5))
def test_the_widths_from_each_phases_ends_fit_every_frame(case) -> None:  # type: ignore[no-untyped-def]
    f = case.expression.build(*case.values())
    stepper = Stepper(f, forward=True, update=0.5)
    every = cell_widths(stepper.pictures(), stepper.drawing.minimum_width)
    assert stepper.widths == every


def test_frames_reveal_gradients_step_by_step_and_end_as_backward_does() -> None:
    f, v = chain_rule()
    stepper = Stepper(f, fmt="g")
    first = wires(stepper.frame(0).source)
    assert first[wire_id(f, f)] == ("-12", "1")
    assert [g for w, (_, g) in first.items() if w != wire_id(f, f)] == ["?"] * 4
    after_one = wires(stepper.frame(1).source)
    assert after_one[wire_id(f, v["q"])] == ("3", "-4") and after_one[wire_id(f, v["z"])][1] == "?"
    f.backward()
    assert wires(stepper.frame(len(stepper) - 1).source) == wires(draw(f, fmt="g").source)


def test_a_forward_sum_or_product_checks_by_hand() -> None:
    x = Value(1.604, "x")
    assert Stepper(x * x, forward=True).caption(1).endswith("= 1.604 * 1.604 = 2.57")
    a, b = Value(0.125, "a"), Value(0.125, "b")
    assert Stepper(a + b, forward=True).caption(1).endswith("= 0.125 + 0.125 = 0.25")
    assert Stepper(x * 2 + 0.5, forward=True).caption(2).endswith("= 3.21 + 0.5 = 3.71")
    w = Value(-0.5, "w")  # exact: no trailing zeros beside 2.573
    assert Stepper(x * x * w, forward=True).caption(2).endswith("= 2.573 * -0.50 = -1.29")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases(max_steps=6, operations=["add", "mul", "add_const", "mul_const", "neg", "tanh"]))
def test_every_forward_sum_and_product_checks_by_hand(case) -> None:  # type: ignore[no-untyped-def]
    out = case.expression.build(*case.values())
    stepper = Stepper(out, forward=True)
    order = [n for n in topological_order(out) if not n.is_leaf]
    for k, node in enumerate(order, 1):
        if node.op not in ("+", "*"):
            continue
        numbers = stepper.caption(k).split(" = ")[-2:]  # "a op b", "result"
        a, b = numbers[0].split(f" {node.op} ")
        terms = ((a,), (b,)) if node.op == "+" else ((a, b),)
        assert checks(numbers[1], *terms), stepper.caption(k)


def test_forward_frames_compute_the_values_gate_by_gate() -> None:
    f, v = chain_rule()
    stepper = Stepper(f, forward=True, fmt="g")
    assert [fr.phase for fr in stepper.frames[:4]] == ["forward"] * 3 + ["backward"]
    assert stepper.caption(0) == "forward 0 of 2: the inputs: x = -2, y = 5, z = -4"
    assert stepper.caption(1) == "forward 1 of 2: q = x + y = -2 + 5 = 3"
    assert stepper.caption(2) == "forward 2 of 2: f = q * z = 3 * -4 = -12"
    shown = [wires(stepper.frame(k).source) for k in range(3)]
    q, f_wire, x = wire_id(f, v["q"]), wire_id(f, f), wire_id(f, v["x"])
    assert [s[q][0] for s in shown] == ["?", "3", "3"]
    assert [s[f_wire][0] for s in shown] == ["?", "?", "-12"]
    assert all(s[x][0] == "-2" for s in shown), "inputs are known from the start"
    assert all(grad == "?" for s in shown for _, grad in s.values()), "no gradient yet"
    assert wires(stepper.frame(3).source)[f_wire] == ("-12", "1"), "then the seed"
    filled = re.findall(
        rf'^\s*(n\d+) \[[^\n]*fillcolor="{LIGHT.active_gate}"', stepper.frame(1).source, re.M
    )
    assert filled == [f"n{topological_order(f).index(v['q'])}"]


def test_update_frames_show_gradient_descent_and_change_no_data() -> None:
    f, v = sigmoid_circuit()
    weights = [v["w0"], v["w1"], v["w2"]]
    stepper = Stepper(f, update=0.5, params=weights)
    updates = [k for k, fr in enumerate(stepper.frames) if fr.phase == "update"]
    assert len(updates) == 3 and updates[-1] == len(stepper) - 1
    assert stepper.caption(updates[0]) == (
        "update 1 of 3: w0 ← w0 − η·∂f/∂w0 = 2.00 − 0.5 × -0.20 = 2.10"
    )
    last = wires(stepper.frame(-1).source)
    assert [last[wire_id(f, w)][0] for w in weights] == ["2.10", "-2.80", "-3.10"]
    assert last[wire_id(f, v["x0"])][0] == "-1.00", "only the params change"
    before = wires(stepper.frame(updates[0] - 1).source)
    assert before[wire_id(f, v["w0"])] == ("2.00", "-0.20")
    assert [w.data for w in weights] == [2.0, -3.0, -3.0] and v["w0"].grad == 0.0
    everything = Stepper(f, update=0.5)  # every labelled leaf
    assert sum(fr.phase == "update" for fr in everything.frames) == 5


def test_update_takes_an_sgd_optimizer_and_refuses_other_rules() -> None:
    nn = pytest.importorskip("nn")
    model = nn.MLP(2, [2, 1], seed=0)
    loss = (model([0.5, -1.0]) - 1.0) ** 2
    stepper = Stepper(loss, update=nn.SGD(model.parameters(), lr=0.25), short_names=True)
    updates = [stepper.caption(k) for k, fr in enumerate(stepper.frames) if fr.phase == "update"]
    assert len(updates) == model.num_parameters() == 9
    assert all(" − 0.25 × " in caption for caption in updates)
    for rule in (nn.SGD(model.parameters(), lr=0.1, momentum=0.9), nn.Adam(model.parameters())):
        with pytest.raises(ValueError, match="plain gradient descent"):
            Stepper(loss, update=rule)
    with pytest.raises(ValueError, match="learning rate must be positive"):
        Stepper(loss, update=0.0)
    with pytest.raises(ValueError, match="update must be a learning rate"):
        Stepper(loss, update="fast")
    with pytest.raises(ValueError, match="leaf Values"):
        Stepper(loss, update=0.1, params=[loss])
    with pytest.raises(ValueError, match="give update= too"):
        Stepper(loss, params=model.parameters())
    with pytest.raises(ValueError, match="none of the parameters to update is in the graph"):
        Stepper(loss, update=0.1, params=[Value(1.0, "elsewhere")])
    with pytest.raises(ValueError, match="no labelled leaves"):
        Stepper(Value(1.0) * 2.0, update=0.1)


def test_collapsed_networks_step_neuron_by_neuron() -> None:
    nn = pytest.importorskip("nn")
    model = nn.MLP(2, [4, 1], seed=0)
    loss = (model([0.5, -1.0]) - 1.0) ** 2
    stepper = Stepper(loss, collapse="neuron", forward=True, update=nn.SGD(model.parameters(), 0.1))
    captions = [stepper.caption(k) for k in range(len(stepper))]
    neurons = [c for c in captions if re.match(r"step \d+ of \d+: layer\d/n\d:", c)]
    assert len(neurons) == 5, "one backward frame per neuron"
    dead = [item for item in stepper.scene.items if item.dead]
    assert dead
    for item in dead:
        (caption,) = [c for c in neurons if f": {item.name}:" in c]
        assert "dead for this input: nothing flows back" in caption
    assert sum(c.startswith("forward") for c in captions) == 8  # inputs, 5 neurons, 2 loss gates
    assert sum(c.startswith("update") for c in captions) == 5
    assert "w1 ← " in captions[-1] and "b ← " in captions[-1]
    loss.backward()
    done = next(k for k, fr in enumerate(stepper.frames) if fr.phase == "summary")
    after_backward = stepper.drawing.picture(CurrentGradients(True))
    assert {key: cell.text for key, cell in stepper.picture(done).cells.items()} == {
        key: cell.text for key, cell in after_backward.cells.items()
    }
    assert LIGHT.dead_fill in stepper.frame(done).source


def _docs_network() -> Stepper:
    """The stepper of docs/drawing.md's network, whose layer2/n5 and layer1/n4 are dead."""
    nn = pytest.importorskip("nn")
    model = nn.MLP(3, [6, 6, 1], seed=0)
    loss = (model([Value(0.5, "x1"), Value(-1.0, "x2"), Value(2.0, "x3")]) - 1.0) ** 2
    loss.label = "loss"
    return Stepper(loss, collapse="neuron")


def _flowing_back(stepper: Stepper, k: int) -> set[str]:
    """The drawn nodes that backward frame ``k``'s steps pass a gradient to: the sum of the
    frame's contributions into each is not zero."""
    start, end = stepper.frames[k - 1].steps or 0, stepper.frames[k].steps
    assert end is not None
    shares: dict[str, float] = {}
    for (gate, index), (n, contribution) in stepper.timeline.edges.items():
        item = stepper.scene.by_value.get(gate.parents[index])
        if start <= n < end and item is not None:
            shares[item.name] = shares.get(item.name, 0.0) + contribution
    return {name for name, share in shares.items() if share != 0.0}


def _receiving(
    stepper: Stepper, fills: dict[str, str | None] | None = None, k: int = 0
) -> set[str]:
    """The boxes a collapsed frame marks as receiving, from its cells' fills by key (by default
    those of frame ``k``'s picture)."""
    if fills is None:
        fills = {key: cell.fill for key, cell in stepper.picture(k).cells.items()}
    items = stepper.scene.items
    return {item.name for item in items if fills[f"{item.id}d"] == LIGHT.active_wire}


def _box_markup(source: str, box: str) -> str:
    """One box of a collapsed drawing's DOT text: a layer's row, or a node of its own."""
    match = re.search(rf'<TABLE PORT="{box}".*?</TABLE>', source) or re.search(
        rf"^\s*{box} \[label=<(.*)> shape=plain\]$", source, re.M
    )
    assert match is not None
    return match[0]


def test_a_neuron_frame_marks_as_receiving_only_what_its_gradient_flows_back_to() -> None:
    stepper = _docs_network()
    dead_frames = [k for k in _backward(stepper) if "dead for this input" in stepper.caption(k)]
    assert dead_frames == [5, 7, 10, 12, 13, 15]
    for k in _backward(stepper):
        source = stepper.frame(k).source
        drawn = {
            item.name
            for item in stepper.scene.items
            if LIGHT.active_wire in _box_markup(source, item.id)
        }
        marked = _receiving(stepper, k=k)
        assert marked == drawn == _flowing_back(stepper, k), (k, stepper.caption(k))
        if k in dead_frames:
            assert marked == set(), "a dead neuron passes nothing back"
            highlight = stepper.frames[k].highlight
            assert highlight is not None and highlight.gate is not None, "it is the one stepped"
    assert _receiving(stepper, k=4) == {f"layer1/n{j}" for j in range(1, 7)}
    assert _receiving(stepper, k=11) == {"x1", "x2", "x3"}
    assert _receiving(stepper, k=len(stepper) - 1) == set()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(0, 10_000),
    st.lists(st.floats(-3, 3, allow_nan=False), min_size=2, max_size=2),
    st.sampled_from(["relu", "tanh"]),
)
def test_every_collapsed_frame_marks_the_nodes_its_gradient_flows_back_to(
    seed: int, inputs: list[float], activation: str
) -> None:
    nn = pytest.importorskip("nn")
    model = nn.MLP(2, [3, 3, 1], seed=seed, activation=activation)
    loss = (model([Value(inputs[0], "x1"), Value(inputs[1], "x2")]) - 1.0) ** 2
    stepper = Stepper(loss, collapse="neuron")
    for k in _backward(stepper):
        assert _receiving(stepper, k=k) == _flowing_back(stepper, k), stepper.caption(k)


@needs_dot
def test_the_pages_change_lists_give_each_frames_marks(tmp_path: Path) -> None:
    stepper = _docs_network()
    page = stepper.to_html(tmp_path / "net.html").read_text(encoding="utf-8")
    data = json.loads(
        re.search(r'<script type="application/json" id="frames">(.*?)</script>', page, re.S)[1]
    )
    fills: dict[str, str | None] = {
        key: cell.fill or "none" for key, cell in stepper.picture(0).cells.items()
    }
    for k, change in enumerate(data["changes"], 1):  # as the page's script applies them
        fills.update(change.get("f", {}))
        assert fills == {key: cell.fill or "none" for key, cell in stepper.picture(k).cells.items()}
        if k in _backward(stepper):
            assert _receiving(stepper, fills) == _flowing_back(stepper, k), k


def test_every_frame_has_the_same_nodes_edges_and_cell_sizes() -> None:
    f, _ = sigmoid_circuit()
    stepper = Stepper(f, forward=True, update=0.1)
    shapes = set()
    for k in range(len(stepper)):
        source = stepper.frame(k).source
        shapes.add((_structure(source), tuple(re.findall(r'WIDTH="\d+" HEIGHT="\d+"', source))))
    assert len(shapes) == 1


@needs_dot
@pytest.mark.parametrize("style", ["circuit", "record"])
def test_every_frame_has_the_same_layout_when_rendered(
    style: str, capfd: pytest.CaptureFixture[str]
) -> None:
    f, _ = sigmoid_circuit()
    stepper = Stepper(f, style=style, forward=True, update=0.1)
    geometry = set()
    for k in range(len(stepper)):  # where every line of text, gate and wire is
        svg = stepper.frame(k).pipe(format="svg", encoding="utf-8")
        texts = re.findall(r'<text[^>]* y="([^"]*)"', svg)
        shapes = re.findall(r'<(?:ellipse|path)[^>]*?(?: d| cx)="([^"]*)"', svg)
        size = re.search(r'<svg width="([^"]*)" height="([^"]*)"', svg)
        assert size is not None and len(texts) > 20 and len(shapes) > 10
        geometry.add((tuple(texts), tuple(shapes), size.groups()))
    assert len(geometry) == 1
    assert "Warning" not in capfd.readouterr().err


def test_the_active_gate_is_highlighted() -> None:
    f, v = chain_rule()
    stepper = Stepper(f)
    order = topological_order(f)
    for k in _backward(stepper):
        gate = stepper.steps[k - 1].gate
        filled = re.findall(
            rf'^\s*(n\d+) \[[^\n]*fillcolor="{LIGHT.active_gate}"', stepper.frame(k).source, re.M
        )
        assert filled == [f"n{order.index(gate)}"]
    assert LIGHT.active_gate not in stepper.frame(0).source
    assert LIGHT.active_gate not in stepper.frame(-1).source


def test_the_graphs_gradients_are_left_as_they_were() -> None:
    f, v = sigmoid_circuit()
    Stepper(f)
    assert all(node.grad == 0.0 for node in topological_order(f))
    f.backward()
    before = [node.grad for node in topological_order(f)]
    stepper = Stepper(f, forward=True, update=0.1)
    assert [node.grad for node in topological_order(f)] == before
    assert stepper.steps[-1].input_grad == pytest.approx(v["x0"].grad)  # this pass's


def test_frame_numbers_and_options_are_checked() -> None:
    f, _ = chain_rule()
    stepper = Stepper(f)
    with pytest.raises(IndexError, match=r"0\.\.5"):
        stepper.frame(6)
    with pytest.raises(ValueError, match="style"):
        Stepper(f, style="fancy")
    with pytest.raises(ValueError, match="forward must be True or False"):
        Stepper(f, forward="yes")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="not a number format"):
        Stepper(f, fmt="%d")


@needs_dot
def test_the_page_holds_one_layout_and_each_frames_changes(tmp_path: Path) -> None:
    f, _ = sigmoid_circuit()
    stepper = Stepper(f, forward=True, update=0.1)
    page = stepper.to_html(tmp_path / "steps.html").read_text(encoding="utf-8")
    assert page.count("<svg") == 1 + 6, "the drawing once, and the buttons' six icons"
    assert "default-src 'none'" in page and "script-src 'sha256-" in page
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", page)
    drawing = page.split('<figure class="diagram"')[1].split("</figure>")[0]
    assert "<!DOCTYPE svg" not in page and "<?xml" not in page and "<title>" not in drawing
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), "element ids are unique"
    data = json.loads(
        re.search(r'<script type="application/json" id="frames">(.*?)</script>', page, re.S)[1]
    )
    assert data["captions"] == [stepper.caption(k) for k in range(len(stepper))]
    assert len(data["changes"]) == len(stepper) - 1
    assert f'<p id="caption" aria-live="polite">{stepper.caption(0)}</p>' in page
    listed = page.split('<ol id="captions" start="0">')[1].split("</ol>")[0]
    for caption in data["captions"][1:]:
        assert caption[:30] not in drawing, "captions are not SVG text"
        assert f"<li>{html.escape(caption)}</li>" in listed, "the list shown without a script"


@needs_dot
def test_each_frames_svg_shows_that_frames_picture() -> None:
    f, _ = sigmoid_circuit()
    stepper = Stepper(f, forward=True)
    for k in (0, 4, 12, len(stepper) - 1):
        svg = stepper.svg(k)
        shown = dict(
            re.findall(
                r'<text id="t-(\w+)"[^>]*>(?:<tspan[^>]*>[^<]*</tspan>)?'
                r"<tspan[^>]*>([^<]*)</tspan>",
                svg,
            )
        )
        picture = stepper.picture(k)
        assert shown == {key: cell.text for key, cell in picture.cells.items()}
        fills = dict(re.findall(r'<polygon id="b-(\w+)" fill="([^"]*)"', svg))
        assert fills == {key: cell.fill or "none" for key, cell in picture.cells.items()}


@needs_dot
def test_html_escapes_labels(tmp_path: Path) -> None:
    x = Value(2.0, "<script>alert(1)</script>")
    page = Stepper(x * 3).to_html(tmp_path / "steps.html", title="<b>t</b>").read_text()
    assert "alert(1)" in page
    assert page.count("<script") == 2, "the frame data (never run) and the player's own script"
    assert page.count("<script>") == 1 and "&lt;b&gt;t&lt;/b&gt;" in page
    assert "<script>alert" not in page


@needs_dot
def test_a_200_gate_graphs_page_stays_small() -> None:
    x = Value(0.3, "x")
    f = x
    for k in range(100):
        f = (f * 0.9 + 0.1).tanh() if k % 2 else f * 1.01 + x * 0.001
    stepper = Stepper(f, forward=True)
    assert len(stepper.scene.items) > 200
    page = stepper.html()
    assert len(page) < 1_000_000, "a few hundred bytes a frame, not an SVG a frame"


@needs_dot
def test_to_gif_has_one_frame_per_step(tmp_path: Path) -> None:
    from PIL import Image

    f, _ = chain_rule()
    stepper = Stepper(f, forward=True)
    path = stepper.to_gif(tmp_path / "steps.gif", delay_ms=500)
    with Image.open(path) as gif:
        assert gif.format == "GIF" and gif.n_frames == len(stepper)
        assert gif.info["duration"] == 500
        small = gif.size
    with Image.open(stepper.to_gif(tmp_path / "sharp.gif", dpi=192)) as gif:
        assert gif.size[0] == pytest.approx(2 * small[0], rel=0.03)


def test_a_gif_too_long_to_render_is_refused_before_any_work(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    x = Value(0.5, "x")
    f = x
    for _ in range(150):
        f = f * 1.001
    stepper = Stepper(f)
    monkeypatch.setattr(stepper, "frame", lambda k: pytest.fail("nothing may be rendered"))
    with pytest.raises(ValueError, match="write the HTML page instead.*MAX_GIF_WORK"):
        stepper.gif()


def test_the_gif_work_limit_is_a_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    """The limit is read on each call: lowered, a short stepper is refused; raised, a long one
    gets past the check (to the first frame, which the test stops)."""
    f, _ = chain_rule()
    short = Stepper(f)
    monkeypatch.setattr(stepper_module, "MAX_GIF_WORK", 10)
    with pytest.raises(ValueError, match=r"more than 10, about a minute"):
        short.pdf()
    x = Value(0.5, "x")
    g = x
    for _ in range(150):
        g = g * 1.001
    long = Stepper(g)
    monkeypatch.setattr(stepper_module, "MAX_GIF_WORK", 10**9)

    class Rendered(Exception):
        pass

    def frame(k: int) -> None:
        raise Rendered

    monkeypatch.setattr(long, "frame", frame)
    with pytest.raises(Rendered):
        long.gif()


def test_gif_without_pillow_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    f, _ = chain_rule()
    stepper = Stepper(f)
    monkeypatch.setattr(
        stepper, "frame", lambda k: type("F", (), {"rendered": lambda self, *a: b""})()
    )
    monkeypatch.setitem(sys.modules, "PIL", None)
    with pytest.raises(ImportError, match=r"pip install pillow .*pip install -e '\.\[gif\]'"):
        stepper.gif()


@needs_dot
def test_widget_slider_changes_the_frame_and_caption() -> None:
    pytest.importorskip("ipywidgets")
    f, _ = chain_rule()
    stepper = Stepper(f)
    widget = stepper.widget()
    controls, words, view = widget.children
    play, previous, slider, following = controls.children
    assert (slider.min, slider.max, play.max) == (0, 5, 5)
    assert view.value == stepper.svg(0)
    slider.value = 3
    assert view.value == stepper.svg(3) != stepper.svg(0)
    assert "step 3 of 4" in words.value
    following.click()
    following.click()
    following.click()
    assert slider.value == 5 and view.value == stepper.svg(5)
    previous.click()
    assert slider.value == 4


def test_widget_without_ipywidgets_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    f, _ = chain_rule()
    monkeypatch.setitem(sys.modules, "ipywidgets", None)
    with pytest.raises(ImportError, match=r"needs ipywidgets: pip install ipywidgets\b"):
        Stepper(f).widget()


def test_importing_autograd_does_not_import_widgets_or_pillow() -> None:
    import subprocess

    code = "import sys, autograd; print([m for m in ('ipywidgets', 'PIL') if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("limit", [float("nan"), float("inf"), 0, -1, "40", None, True])
def test_the_pixel_limit_must_be_a_positive_number(limit: object) -> None:
    f, _ = chain_rule()
    with pytest.raises(ValueError, match="max_megapixels must be a positive number"):
        Stepper(f).gif(max_megapixels=limit)  # type: ignore[arg-type]


@needs_dot
def test_too_many_pixels_are_refused_before_any_frame_is_rendered(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pytest.importorskip("PIL")
    from autograd.drawing.diagram import Diagram

    def no_rendering(*args: object) -> bytes:
        raise AssertionError("a frame was rendered")

    monkeypatch.setattr(Diagram, "rendered", no_rendering)
    f, _ = chain_rule()
    stepper = Stepper(f)
    for make in (stepper.gif, stepper.pdf):
        with pytest.raises(ValueError, match=r"about \d+x\d+ pixels.*max_megapixels=0\.01"):
            make(dpi=600, max_megapixels=0.01)


def test_numbers_too_long_for_a_fixed_precision_still_check() -> None:
    assert checks("0.3932", ("2.000", "0.1966")) and not checks("0.3932", ("2.00", "0.20"))
    big, twice = "1" + "0" * 210 + ".00", "2" + "0" * 210 + ".00"  # 213 digits each
    assert checks(twice, (big, "2.00")) and not checks(twice, (big, "2.01"))
    x, y = Value(1e200, "x"), Value(1e100, "y")
    caption = Stepper(x * y, forward=True, fmt=".2f").caption(1)
    assert caption.startswith("forward 1 of 1: n1 = x * y = ")
