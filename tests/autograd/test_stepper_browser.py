"""The stepper's HTML player in headless Chromium: slider, buttons and keys move through forward,
backward and update frames on one drawing; captions are HTML text; the drawing fits the window."""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Any

import pytest

from autograd import Stepper, Value
from autograd.drawing.theme import LIGHT
from tests.autograd.test_draw_support import chain_rule, needs_dot, sigmoid_circuit, wire_id

CHROMIUM = next(
    (
        shutil.which(name)
        for name in ("chromium", "chromium-browser", "google-chrome")
        if shutil.which(name)
    ),
    None,
)
CHROMEDRIVER = shutil.which("chromedriver")

pytestmark = [
    needs_dot,
    pytest.mark.skipif(
        CHROMIUM is None or CHROMEDRIVER is None,
        reason="Chromium/chromedriver are not installed (bash scripts/ensure-chromium.sh)",
    ),
]


def _open(driver: Any, path: Path, size: tuple[int, int] = (1280, 800)) -> None:
    driver.get_log("browser")  # reading the console empties it: what is logged next is this page's
    driver.set_window_size(*size)
    driver.get(path.resolve().as_uri())


def _frame(driver: Any) -> int:
    return int(driver.find_element("tag name", "body").get_attribute("data-frame"))


def _cell(driver: Any, key: str) -> str:
    """The number a cell of the drawing shows now."""
    return str(
        driver.execute_script(
            "return document.getElementById(arguments[0]).lastElementChild.textContent", f"t-{key}"
        )
    )


def _fill(driver: Any, element_id: str) -> str:
    return str(
        driver.execute_script(
            "return document.getElementById(arguments[0]).getAttribute('fill')", element_id
        )
    )


def _keys(driver: Any, *keys: str) -> None:
    body = driver.find_element("tag name", "body")
    for key in keys:
        body.send_keys(key)


def test_slider_buttons_and_keys_change_the_frame(browser: Any, tmp_path: Path) -> None:
    from selenium.webdriver.common.keys import Keys

    f, _ = sigmoid_circuit()
    stepper = Stepper(f)
    _open(browser, stepper.to_html(tmp_path / "steps.html"))
    assert _frame(browser) == 0
    assert browser.find_element("id", "counter").text == "0 / 13"
    assert browser.find_element("id", "caption").text == stepper.caption(0)
    assert len(browser.find_elements("css selector", "svg")) == 1 + 6  # the drawing, the icons

    browser.execute_script(
        "const s = document.getElementById('slider'); s.value = 5;"
        "s.dispatchEvent(new Event('input', {bubbles: true}));"
    )
    assert _frame(browser) == 5 and browser.find_element("id", "caption").text == stepper.caption(5)
    _keys(browser, Keys.ARROW_RIGHT)
    assert _frame(browser) == 6
    browser.find_element("id", "previous").click()
    browser.find_element("id", "previous").click()
    assert _frame(browser) == 4
    browser.find_element("id", "last").click()
    assert (
        _frame(browser) == 13
        and browser.find_element("id", "slider").get_attribute("value") == "13"
    )
    _keys(browser, Keys.HOME)
    assert _frame(browser) == 0
    _keys(browser, Keys.END, Keys.ARROW_LEFT, Keys.ARROW_UP)
    assert _frame(browser) == 11


def test_every_frame_shows_its_numbers_going_forwards_and_back(
    browser: Any, tmp_path: Path
) -> None:
    from selenium.webdriver.common.keys import Keys

    f, _ = sigmoid_circuit()
    stepper = Stepper(f, forward=True, update=0.5)
    _open(browser, stepper.to_html(tmp_path / "steps.html"))
    expected = [stepper.picture(k) for k in range(len(stepper))]

    def check(k: int) -> None:
        assert _frame(browser) == k
        for key, cell in expected[k].cells.items():
            assert _cell(browser, key) == cell.text, (k, key)
            assert _fill(browser, f"b-{key}") == (cell.fill or "none"), (k, key)
        for key, fill in expected[k].gates.items():
            assert _fill(browser, f"e-{key}") == fill, (k, key)

    check(0)
    for k in range(1, len(stepper)):
        _keys(browser, Keys.ARROW_RIGHT)
        check(k)
    for k in (3, 20, 9, 0):  # jumps both ways
        browser.execute_script(
            "const s = document.getElementById('slider'); s.value = arguments[0];"
            "s.dispatchEvent(new Event('input', {bubbles: true}));",
            k,
        )
        check(k)


def test_forward_and_update_frames_in_the_page(browser: Any, tmp_path: Path) -> None:
    from selenium.webdriver.common.keys import Keys

    f, v = chain_rule()
    stepper = Stepper(f, forward=True, update=0.1, params=[v["z"]], fmt="g")
    _open(browser, stepper.to_html(tmp_path / "steps.html"))
    q, z = wire_id(f, v["q"]), wire_id(f, v["z"])
    assert _cell(browser, f"{q}v") == "?" and _cell(browser, f"{q}g") == "?"
    _keys(browser, Keys.ARROW_RIGHT)
    caption = browser.find_element("id", "caption").text
    assert _cell(browser, f"{q}v") == "3" and caption == "forward 1 of 2: q = x + y = -2 + 5 = 3"
    _keys(browser, Keys.END)
    assert browser.find_element("id", "caption").text.startswith("update 1 of 1: z ← z − η·∂f/∂z")
    assert _cell(browser, f"{z}v") == "-4.3" and _cell(browser, f"{z}g") == "3"
    assert _fill(browser, f"b-{z}v") != "none", "the updated value is marked"
    _keys(browser, Keys.ARROW_LEFT)
    assert _cell(browser, f"{z}v") == "-4"


def test_a_collapsed_network_steps_neuron_by_neuron(browser: Any, tmp_path: Path) -> None:
    from selenium.webdriver.common.keys import Keys

    nn = pytest.importorskip("nn")
    model = nn.MLP(2, [4, 1], seed=0)
    loss = (model([0.5, -1.0]) - 1.0) ** 2
    stepper = Stepper(loss, collapse="neuron", update=0.1, params=model.parameters())
    _open(browser, stepper.to_html(tmp_path / "net.html"))
    seen = []
    for _ in range(len(stepper) - 1):
        _keys(browser, Keys.ARROW_RIGHT)
        seen.append(browser.find_element("id", "caption").text)
    assert seen == [stepper.caption(k) for k in range(1, len(stepper))]
    assert sum("dead for this input" in caption for caption in seen) == 2
    dead = [item for item in stepper.scene.items if item.dead]
    assert all(_fill(browser, f"b-{item.id}d") == "#e0e0e0" for item in dead)


def test_a_dead_neurons_frame_marks_nothing_as_receiving(browser: Any, tmp_path: Path) -> None:
    from selenium.webdriver.common.keys import Keys

    from tests.autograd.test_stepper import _backward, _docs_network, _flowing_back, _receiving

    stepper = _docs_network()
    _open(browser, stepper.to_html(tmp_path / "net.html"))

    def fills() -> dict[str, str]:
        return dict(
            browser.execute_script(
                "return [...document.querySelectorAll('[id^=\"b-\"]')]"
                ".map(e => [e.id.slice(2), e.getAttribute('fill')])"
            )
        )

    backward = _backward(stepper)
    for k in range(1, len(stepper)):
        _keys(browser, Keys.ARROW_RIGHT)
        assert _frame(browser) == k
        shown = fills()
        assert shown == {key: c.fill or "none" for key, c in stepper.picture(k).cells.items()}
        if k in backward:
            assert _receiving(stepper, shown) == _flowing_back(stepper, k), stepper.caption(k)
    layer1 = {f"layer1/n{j}" for j in range(1, 7)}
    for k, expected in ((12, set()), (4, layer1), (5, set()), (11, {"x1", "x2", "x3"})):
        browser.execute_script(
            "const s = document.getElementById('slider'); s.value = arguments[0];"
            "s.dispatchEvent(new Event('input', {bubbles: true}));",
            k,
        )  # jumps back and forth: frames 5 and 12 are dead neurons'
        assert _frame(browser) == k and _receiving(stepper, fills()) == expected, k


def test_play_advances_by_itself_and_pauses(browser: Any, tmp_path: Path) -> None:
    x, y = Value(1.0, "x"), Value(2.0, "y")
    page = Stepper(x * y).html(delay_ms=50)
    path = tmp_path / "fast.html"
    path.write_text(page, encoding="utf-8")
    _open(browser, path)
    play = browser.find_element("id", "play")
    assert play.text == "play"
    play.click()
    deadline = time.monotonic() + 10
    while (_frame(browser) != 3 or play.text != "play") and time.monotonic() < deadline:
        time.sleep(0.05)  # the last frame shows, and the next tick stops the player
    assert _frame(browser) == 3 and play.text == "play", "stopped at the end"
    icons = browser.execute_script(
        "return [...document.querySelectorAll('#play svg')].map(s => getComputedStyle(s).display)"
    )
    assert icons[0] != "none" and icons[1] == "none", "the play icon, not the pause icon"


def test_the_drawing_fills_a_projector_window_and_the_caption_is_large(
    browser: Any, tmp_path: Path
) -> None:
    nn = pytest.importorskip("nn")
    model = nn.MLP(2, [4, 1], seed=0)
    loss = (model([0.5, -1.0]) - 1.0) ** 2
    stepper = Stepper(loss, short_names=True)
    path = stepper.to_html(tmp_path / "mlp.html")
    for width, height in ((1920, 1080), (1280, 720), (1024, 768)):
        _open(browser, path, (width, height))
        inner = browser.execute_script("return [window.innerWidth, window.innerHeight]")
        box = browser.execute_script(
            "const r = document.querySelector('#diagram > svg').getBoundingClientRect();"
            "return [r.left, r.top, r.width, r.height]"
        )
        assert box[2] >= 0.9 * inner[0] and box[1] + box[3] <= inner[1] + 1, (width, box)
        caption_px = browser.execute_script(
            "return parseFloat(getComputedStyle(document.getElementById('caption')).fontSize)"
        )
        assert caption_px >= 16, (width, caption_px)
        scroll = browser.execute_script("return document.documentElement.scrollHeight")
        assert scroll <= inner[1] + 1, "controls, caption and drawing fit in the window"


def test_labels_show_as_text_and_nothing_is_fetched(browser: Any, tmp_path: Path) -> None:
    from selenium.common.exceptions import NoAlertPresentException

    x = Value(2.0, "<script>alert(1)</script>")
    _open(
        browser,
        Stepper(x * 3, fmt="g").to_html(
            tmp_path / "evil.html", title="<img src=x onerror=alert(2)>"
        ),
    )
    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert.text  # noqa: B018 (reading it is the check)
    assert "<script>alert(1)</script>" in browser.find_element("id", "diagram").text
    assert browser.find_element("tag name", "h1").text == "<img src=x onerror=alert(2)>"
    assert browser.execute_script("return performance.getEntriesByType('resource').length") == 0
    assert (
        browser.execute_script("return document.querySelectorAll('img, script[src], link').length")
        == 0
    )
    assert browser.get_log("browser") == [], "no script error, no CSP violation"


def test_a_wide_drawing_stays_readable_and_follows_the_frame(browser: Any, tmp_path: Path) -> None:
    """micrograd's README expression: wider than a 1280 px window at a readable size, so it
    scrolls sideways, and each frame brings the gate it lights up into view."""
    from selenium.webdriver.common.keys import Keys

    a, b = Value(-4.0, "a"), Value(2.0, "b")
    c, d = a + b, a * b + b**3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    f = (c - d) ** 2
    g = f / 2.0
    g += 10.0 / f
    _open(browser, Stepper(g).to_html(tmp_path / "micrograd.html"))
    width, visible = browser.execute_script(
        "const f = document.getElementById('diagram'); return [f.scrollWidth, f.clientWidth];"
    )
    assert width > visible, "the drawing keeps a readable size and scrolls"
    sizes = browser.execute_script(
        "return Array.from(document.querySelectorAll('#diagram text'),"
        " t => t.getBoundingClientRect().height).filter(h => h > 0);"
    )
    assert min(sizes) >= 9, "no number smaller than 9 px"
    for _ in range(13):  # 3 frames at a time, to frame 39
        _keys(browser, Keys.ARROW_RIGHT, Keys.ARROW_RIGHT, Keys.ARROW_RIGHT)
        inside = browser.execute_script(
            "const frame = document.getElementById('diagram').getBoundingClientRect();"
            "const lit = Array.from(document.querySelectorAll('#diagram [id^=\"e-\"]'))"
            "  .filter(e => e.getAttribute('fill') === arguments[0]);"
            "return lit.every(e => { const r = e.getBoundingClientRect();"
            "  return r.left >= frame.left - 1 && r.right <= frame.right + 1; });",
            LIGHT.active_gate,
        )
        assert inside, f"frame {_frame(browser)}: the lit gate is out of view"
