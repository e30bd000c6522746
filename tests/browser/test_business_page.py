"""The business page's share button: the phone's share sheet, else the link copied."""

from playwright.sync_api import expect

PATH = "/b/keripik-tempe-bu-sri"
# Chromium on Linux has no Web Share API; these make each path of the button certain.
NO_WEB_SHARE = "Object.defineProperty(Navigator.prototype, 'share', {value: undefined});"
RECORDED_SHARE = """
Object.defineProperty(Navigator.prototype, 'share', {value: (data) => {
  window.sharedData = data;
  return Promise.resolve();
}});
"""
NO_CLIPBOARD = """
Object.defineProperty(Navigator.prototype, 'clipboard', {value: {
  writeText: () => Promise.reject(new DOMException('refused', 'NotAllowedError')),
}});
"""


def share_button(page):
    return page.get_by_role("button", name="Bagikan")


def test_share_uses_the_phones_share_sheet_with_the_canonical_link(page, live_server):
    page.add_init_script(RECORDED_SHARE)
    page.goto(PATH)
    share_button(page).click()
    page.wait_for_function("window.sharedData !== undefined")
    shared = page.evaluate("window.sharedData")
    assert shared["url"] == f"{live_server}{PATH}"
    assert shared["title"] == "Keripik Tempe Bu Sri"
    assert "Direktori UMKM Kota Malang" in shared["text"]


def test_without_a_share_sheet_the_link_is_copied_and_that_is_said(page, live_server):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    page.add_init_script(NO_WEB_SHARE)
    page.goto(PATH)
    share_button(page).click()
    expect(page.get_by_role("status").filter(has_text="Tautan disalin")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == f"{live_server}{PATH}"


def test_with_the_clipboard_refused_the_link_is_shown_to_copy_by_hand(page, live_server):
    page.add_init_script(NO_WEB_SHARE + NO_CLIPBOARD)
    page.goto(PATH)
    share_button(page).click()
    field = page.get_by_role("textbox", name="Tautan halaman ini")
    expect(field).to_have_value(f"{live_server}{PATH}")
    expect(field).to_be_focused()
    expect(page.locator("#share-status")).to_contain_text("Salin tautan ini")


def test_the_share_button_is_a_real_button_on_a_phone_screen(page):
    page.set_viewport_size({"width": 360, "height": 640})
    page.goto(PATH)
    box = share_button(page).bounding_box()
    assert box["height"] >= 44 and box["x"] + box["width"] <= 360
