"""The quiz page in headless Chromium: right and wrong answers, the keyboard, nothing fetched;
and the stepper shown in a notebook (an iframe whose page runs its own script)."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import pytest

from autograd import Stepper, Value
from tests.autograd.test_draw_support import chain_rule, sigmoid_circuit
from tests.autograd.test_stepper_browser import _open, pytestmark  # noqa: F401


def _text(driver: Any, element_id: str) -> str:
    return str(driver.find_element("id", element_id).text)


def _cell(driver: Any, key: str) -> tuple[str, str]:
    """The text a cell of the drawing shows now, and its background."""
    return tuple(  # type: ignore[return-value]
        driver.execute_script(
            "return [document.getElementById('t-' + arguments[0]).lastElementChild.textContent,"
            " document.getElementById('b-' + arguments[0]).getAttribute('fill')]",
            key,
        )
    )


def test_right_and_wrong_answers_are_marked_with_the_rule(browser: Any, tmp_path: Path) -> None:
    from selenium.webdriver.common.keys import Keys

    f, _ = chain_rule()
    stepper = Stepper(f)
    asked = {q.letter: q for q in stepper.questions("both")}
    _open(browser, stepper.to_html(tmp_path / "quiz.html", quiz=True, hide="both"))
    assert _text(browser, "score") == "0 of 6 right"
    key = asked["a"].cells[0]
    assert _cell(browser, key)[0] == "(a)"

    field = browser.find_element("id", "answer-a")
    field.click()
    assert browser.switch_to.active_element == field
    field.send_keys("3.004", Keys.ENTER)  # within 0.01 of 3
    assert _text(browser, "feedback-a") == "✓ right: 3.00"
    assert _cell(browser, key)[0] == "3.00"
    assert "right" in browser.find_element("id", "item-a").get_attribute("class")
    assert browser.switch_to.active_element.get_attribute("id") == "answer-b", "Enter moves on"
    # (b) is being answered: its cell is the wire marked as receiving, q's as read from
    assert _cell(browser, asked["b"].cells[0])[1] == "#fff3c4"

    browser.switch_to.active_element.send_keys("−11", Keys.ENTER)  # a typographic minus
    assert _text(browser, "feedback-b") == ("✗ not −11. f = q * z = 3.00 * -4.00 = -12.00")
    assert browser.switch_to.active_element.get_attribute("id") == "answer-b", "stays to retry"
    assert _text(browser, "score") == "1 of 6 right"

    field = browser.find_element("id", "answer-d")
    field.send_keys("2.9", Keys.ENTER)
    assert _text(browser, "feedback-d").startswith("✗ not 2.9. mul switches the inputs: ∂f/∂z = q")
    field.clear()
    field.send_keys("3", Keys.ENTER)
    assert _text(browser, "feedback-d") == "✓ right: 3.00"
    browser.find_element("id", "answer-e").send_keys("abc", Keys.ENTER)
    assert _text(browser, "feedback-e") == "type a number, such as -0.53"
    assert _text(browser, "score") == "2 of 6 right"

    browser.find_element("id", "check-c").click()
    assert _text(browser, "feedback-c") == "type a number, such as -0.53"
    browser.find_element("id", "reveal").click()
    assert _cell(browser, asked["f"].cells[0])[0] == "-4.00"
    assert _text(browser, "feedback-f").startswith("-4.00: add distributes the gradient")
    browser.find_element("id", "again").click()
    assert _text(browser, "score") == "0 of 6 right" and _cell(browser, key)[0] == "(a)"
    assert browser.switch_to.active_element.get_attribute("id") == "answer-a"
    assert browser.get_log("browser") == [], "no script error, no CSP violation"


def test_focus_highlights_the_gate_and_wires_of_a_question(browser: Any, tmp_path: Path) -> None:
    f, _ = sigmoid_circuit()
    stepper = Stepper(f)
    _open(browser, stepper.to_html(tmp_path / "quiz.html", quiz=True))
    before = browser.execute_script(
        "return [...document.querySelectorAll('[id^=e-]')].map(e => e.getAttribute('fill'))"
    )
    browser.find_element("id", "answer-a").click()
    after = browser.execute_script(
        "return [...document.querySelectorAll('[id^=e-]')].map(e => e.getAttribute('fill'))"
    )
    assert sum(a != b for a, b in zip(before, after)) == 1, "the question's gate lights up"


def test_the_drawing_stays_in_view_beside_the_last_question(browser: Any, tmp_path: Path) -> None:
    f, _ = sigmoid_circuit()
    stepper = Stepper(f)
    _open(browser, stepper.to_html(tmp_path / "quiz.html", quiz=True, hide="both"))
    browser.find_elements("css selector", "input")[-1].click()  # far down the list
    top, bottom, scrolled, height = browser.execute_script(
        "const r = document.getElementById('diagram').getBoundingClientRect();"
        "return [r.top, r.bottom, window.scrollY, window.innerHeight];"
    )
    assert scrolled > 0 and top >= 0 and bottom <= height, "the page scrolled, the drawing did not"


def test_every_answer_typed_as_shown_is_right(browser: Any, tmp_path: Path) -> None:
    from selenium.webdriver.common.keys import Keys

    f, _ = sigmoid_circuit()
    stepper = Stepper(f)
    asked = stepper.questions("both")
    _open(browser, stepper.to_html(tmp_path / "quiz.html", quiz=True, hide="both"))
    browser.find_element("id", "answer-a").click()
    for question in asked:  # Enter on a right answer moves to the next blank
        browser.switch_to.active_element.send_keys(question.shown, Keys.ENTER)
    assert _text(browser, "score") == f"{len(asked)} of {len(asked)} right"


def test_labels_are_text_and_nothing_is_fetched(browser: Any, tmp_path: Path) -> None:
    from selenium.common.exceptions import NoAlertPresentException

    x = Value(2.0, "<img src=x onerror=alert(1)>")
    page = Stepper(x * 3.0).to_html(tmp_path / "evil.html", title="<b>t</b>", quiz=True)
    _open(browser, page)
    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert.text  # noqa: B018
    assert "<img src=x onerror=alert(1)>" in browser.find_element("id", "diagram").text
    assert browser.find_element("tag name", "h1").text == "<b>t</b>"
    assert browser.execute_script("return performance.getEntriesByType('resource').length") == 0
    assert browser.get_log("browser") == []


def test_the_notebook_iframe_runs_the_player(browser: Any, tmp_path: Path) -> None:
    from selenium.webdriver.common.keys import Keys

    f, _ = chain_rule()
    stepper = Stepper(f)
    host = tmp_path / "notebook.html"
    host.write_text(f"<!DOCTYPE html><html><body>{stepper._repr_html_()}</body></html>", "utf-8")
    _open(browser, host)
    browser.switch_to.frame(browser.find_element("tag name", "iframe"))
    try:
        assert _text(browser, "caption") == stepper.caption(0)
        browser.find_element("id", "next").click()
        assert _text(browser, "caption") == stepper.caption(1)
        browser.find_element("id", "slider").send_keys(Keys.END)
        assert _text(browser, "caption") == stepper.caption(-1)
        assert not browser.find_element("id", "captions").is_displayed()
    finally:
        browser.switch_to.default_content()
    assert browser.get_log("browser") == []
    shown = html.unescape(stepper._repr_html_())
    assert '<ol id="captions" start="0">' in shown, "the captions, where no script runs"


def test_a_wide_drawing_scrolls_to_the_blank_being_answered(browser: Any, tmp_path: Path) -> None:
    nn = pytest.importorskip("nn")
    model = nn.MLP(2, [3, 1], seed=0)
    loss = (model([Value(0.5, "x1"), Value(-1.0, "x2")]) - 1.0) ** 2
    stepper = Stepper(loss, short_names=True)
    asked = stepper.questions()
    _open(browser, stepper.to_html(tmp_path / "wide.html", quiz=True), (800, 700))
    visible = (
        "const c = document.getElementById('b-' + arguments[0]).getBoundingClientRect();"
        "const f = document.getElementById('diagram').getBoundingClientRect();"
        "return c.left >= f.left - 1 && c.right <= f.right + 1"
    )
    far = [q for q in asked if not browser.execute_script(visible, q.cells[0])]
    assert far, "the drawing is wider than the window"
    browser.find_element("id", f"answer-{far[-1].letter}").click()
    assert browser.execute_script(visible, far[-1].cells[0])
