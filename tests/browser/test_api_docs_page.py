"""/api/docs in headless Chromium: it fits a phone and asks for no icon that is not there."""

import time

from playwright.sync_api import expect


def wait_until(condition, timeout: float = 5.0) -> bool:
    """Poll `condition` until it holds or `timeout` seconds pass; return whether it held."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def test_api_docs_fit_a_360_px_phone_screen(page):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto("/api/docs")
    expect(page.locator(".operation").first).to_be_visible()
    expect(page.locator("#schema-BusinessDetail")).to_be_attached()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    # A table too wide for the phone scrolls in its own box, which a keyboard can reach.
    wide = page.locator(".table-wrap").evaluate_all(
        "wraps => wraps.filter((w) => w.scrollWidth > w.clientWidth + 1)"
        ".map((w) => w.getAttribute('tabindex'))")
    assert wide and set(wide) == {"0"}


def test_api_docs_ask_for_no_missing_favicon(page, served_paths):
    start = len(served_paths)
    page.goto("/api/docs")
    expect(page.locator(".operation").first).to_be_visible()
    # The browser asks for an icon on its own once the page is in: the declared one, or,
    # when none is declared, /favicon.ico. Wait for whichever comes.
    asked = lambda: served_paths[start:]  # noqa: E731
    assert wait_until(lambda: {"/assets/icon.svg", "/favicon.ico"} & set(asked())), asked()
    assert "/favicon.ico" not in asked()
    assert "/assets/icon.svg" in asked()
