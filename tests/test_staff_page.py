"""The staff page /staff: served with a strict CSP and no inline script.

It is used in real headless Chromium in tests/browser/test_staff_page.py.
"""

import re

from directory.pages import FRONTEND_DIR as FRONTEND


def test_staff_page_is_served_with_a_strict_csp_and_no_inline_script(client):
    response = client.get("/staff")
    assert response.status_code == 200
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    html = response.get_data(as_text=True)
    assert '<html lang="id">' in html
    assert all("src=" in tag for tag in re.findall(r"<script[^>]*>", html))
    assert not re.search(r"\son[a-z]+=", html)  # no inline event handlers
    for name in re.findall(r'(?:src|href)="/assets/([a-z-]+\.(?:js|css))\?v=\d+"', html):
        with client.get(f"/assets/{name}") as asset:  # a file response: close it
            assert asset.status_code == 200
    assert client.get("/staff/secret.txt").status_code == 404
    script = (FRONTEND / "staff.js").read_text()
    assert "innerHTML" not in script and "insertAdjacentHTML" not in script
