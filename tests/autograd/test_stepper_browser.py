"""The stepper's HTML player in headless Chromium: the slider, buttons and keys change the frame."""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from autograd import Stepper, Value
from tests.autograd.test_draw_support import needs_dot, sigmoid_circuit

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


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    for flag in (
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run",
    ):  # fmt: skip
        options.add_argument(flag)
    profile = tempfile.mkdtemp(prefix="chainrule-chromium-")
    options.add_argument(f"--user-data-dir={profile}")
    options.binary_location = CHROMIUM
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def _shown(driver: Any) -> list[int]:
    """Which frames are visible (exactly one should be)."""
    from selenium.webdriver.common.by import By

    frames = driver.find_elements(By.CLASS_NAME, "frame")
    return [k for k, frame in enumerate(frames) if frame.is_displayed()]


def _open(driver: Any, path: Path) -> None:
    driver.get(path.resolve().as_uri())


def test_slider_buttons_and_keys_change_the_frame(browser: Any, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    f, _ = sigmoid_circuit()
    stepper = Stepper(f)
    _open(browser, stepper.to_html(tmp_path / "steps.html"))
    assert _shown(browser) == [0]
    assert browser.find_element(By.ID, "counter").text == "step 0 of 12"
    assert "backward starts" in browser.find_element(By.ID, "frame-0").text

    browser.execute_script(
        "const s = document.getElementById('slider'); s.value = 5;"
        "s.dispatchEvent(new Event('input', {bubbles: true}));"
    )
    assert _shown(browser) == [5]
    assert "step 5 of 12" in browser.find_element(By.ID, "frame-5").text

    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.ARROW_RIGHT)
    assert _shown(browser) == [6]
    browser.find_element(By.ID, "previous").click()
    browser.find_element(By.ID, "previous").click()
    assert _shown(browser) == [4]
    browser.find_element(By.ID, "last").click()
    assert _shown(browser) == [12]
    assert browser.find_element(By.ID, "slider").get_attribute("value") == "12"
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.HOME)
    assert _shown(browser) == [0]


def test_play_advances_by_itself(browser: Any, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    x, y = Value(1.0, "x"), Value(2.0, "y")
    page = Stepper(x * y).html()
    path = tmp_path / "fast.html"
    path.write_text(page.replace('data-delay="1200"', 'data-delay="50"'), encoding="utf-8")
    _open(browser, path)
    browser.find_element(By.ID, "play").click()
    deadline = time.monotonic() + 10
    while _shown(browser) != [2] and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _shown(browser) == [2]


def test_labels_show_as_text_and_nothing_is_fetched(browser: Any, tmp_path: Path) -> None:
    from selenium.common.exceptions import NoAlertPresentException
    from selenium.webdriver.common.by import By

    x = Value(2.0, "<script>alert(1)</script>")
    _open(
        browser,
        Stepper(x * 3, fmt="g").to_html(
            tmp_path / "evil.html", title="<img src=x onerror=alert(2)>"
        ),
    )
    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert.text  # noqa: B018 (reading it is the check)
    assert "<script>alert(1)</script>" in browser.find_element(By.ID, "frame-0").text
    assert browser.find_element(By.TAG_NAME, "h1").text == "<img src=x onerror=alert(2)>"
    assert browser.execute_script("return performance.getEntriesByType('resource').length") == 0
    assert (
        browser.execute_script("return document.querySelectorAll('img, script[src], link').length")
        == 0
    )
