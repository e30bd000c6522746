"""frontend/common.js in Chromium: every page loads it first; its DOM builder takes data as text
only; its fetch wrapper turns the API's error shape into an Indonesian message; dates in WIB."""

import pytest
from playwright.sync_api import expect

from .conftest import XSS_NAME
from .test_pages_safety import PAGES  # every page a person opens, and what shows it is drawn


@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_loads_the_shared_module_before_its_own_script(page, requests_seen, name):
    path, ready = PAGES[name]
    page.goto(path)
    expect(page.locator(ready).first).to_be_visible()  # the page fixture fails on a JS error
    scripts = [url.split("?")[0].rsplit("/", 1)[1] for url in requests_seen
               if url.split("?")[0].endswith(".js")]
    assert scripts[0] == "common.js", scripts
    assert page.evaluate("Object.keys(window.Direktori).sort()") == [
        "ApiFailure", "BULAN", "api", "h", "svg", "tanggal", "todayWIB", "waktuWIB"]


def test_staff_sections_keep_their_contract_on_the_shared_module(page):
    page.goto("/staff")
    expect(page.locator("#token-form")).to_be_visible()
    assert page.evaluate("Object.keys(window.Staff).sort()") == [
        "ApiFailure", "call", "el", "say", "tanggal", "waktuWIB"]
    assert page.evaluate("window.Staff.ApiFailure === window.Direktori.ApiFailure")
    cell = page.evaluate("""(name) => {
        const td = Staff.el('td', name, { title: name, class: 'num' });
        document.body.append(td);
        return [td.textContent, td.getAttribute('title'), td.className, td.children.length];
    }""", XSS_NAME)
    assert cell == [XSS_NAME, XSS_NAME, "num", 0]
    assert page.evaluate("Staff.el('td', 0).textContent") == "0"


def test_the_dom_builder_shows_a_hostile_business_name_as_text(page):
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto("/")
    expect(page.locator("#latest .card").first).to_be_visible()
    built = page.evaluate("""(name) => {
        const { h, svg } = Direktori;
        const box = h('div', { id: 'probe', title: name, 'data-name': name },
          name, h('b', null, name), [name, null, false, ''], 0);
        const chart = svg('svg', null, svg('text', { x: 1 }, name));
        box.append(chart);
        document.body.append(box);
        return {
          text: box.textContent,
          title: box.getAttribute('title'),
          tags: [...box.querySelectorAll('*')].map((n) => n.localName),
          chartNs: chart.firstChild.namespaceURI,
        };
    }""", XSS_NAME)
    assert built["text"] == XSS_NAME * 3 + "0" + XSS_NAME
    assert built["title"] == XSS_NAME
    assert built["tags"] == ["b", "svg", "text"]  # no <img> was made of the name
    assert built["chartNs"] == "http://www.w3.org/2000/svg"
    expect(page.locator("#probe")).to_contain_text(XSS_NAME)
    page.wait_for_timeout(200)  # an onerror would have fired by now
    assert dialogs == []


def test_the_dom_builder_takes_handlers_only_as_functions(page):
    page.goto("/")
    result = page.evaluate("""() => {
        const { h } = Direktori;
        let clicked = 0;
        const button = h('button', { type: 'button', onclick: () => { clicked += 1; } }, 'x');
        button.click();
        let refused = '';
        try { h('a', { onclick: 'alert(1)' }); } catch (e) { refused = e.name; }
        return [clicked, button.hasAttribute('onclick'), refused,
                h('input', { checked: true, disabled: false }).outerHTML];
    }""")
    assert result == [1, False, "TypeError", '<input checked="">']


def test_the_fetch_wrapper_says_what_went_wrong_in_indonesian(page):
    page.goto("/")
    expect(page.locator("#latest .card").first).to_be_visible()
    failures = page.evaluate("""async () => {
        const out = [];
        for (const path of ['/businesses/tidak-ada', '/businesses?per_page=0']) {
          try { await Direktori.api(path); out.push(null); } catch (e) {
            out.push([e instanceof Direktori.ApiFailure, e.status, e.message]);
          }
        }
        const ctrl = new AbortController();
        const pending = Direktori.api('/businesses', { signal: ctrl.signal });
        ctrl.abort();
        try { await pending; } catch (e) { out.push(e.name); }
        out.push((await Direktori.api('/businesses?per_page=1')).items.length);
        return out;
    }""")
    assert failures[0] == [True, 404,
                           "Data tidak ditemukan. Rincian: No business with slug 'tidak-ada'."]
    assert failures[1][:2] == [True, 422]
    assert failures[1][2].startswith("Isian belum benar. per_page: Must be greater")
    assert failures[2:] == ["AbortError", 1]


def test_dates_are_written_the_indonesian_way_in_malang_time(page):
    page.goto("/privasi")
    expect(page.locator("main h1")).to_be_visible()
    dates = page.evaluate("""() => {
        const { tanggal, waktuWIB, BULAN } = Direktori;
        return [tanggal('2021-05-07'), tanggal('2022-12-31'), tanggal(null),
                tanggal('2025-06-06T20:00:00Z'), tanggal('2025-06-06T10:00:00'),
                waktuWIB('2025-06-06T11:34:00Z'), waktuWIB('2025-06-06T11:34:00'),
                BULAN.length, BULAN[7]];
    }""")
    # 20:00 UTC is 03:00 the next morning in Malang (WIB, UTC+7).
    assert dates[:5] == ["7 Mei 2021", "31 Desember 2022", "", "7 Juni 2025", "6 Juni 2025"]
    assert dates[5] == dates[6] and "18.34" in dates[5] and "2025" in dates[5]
    assert dates[7:] == [12, "Agustus"]
