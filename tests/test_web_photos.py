"""The business page with photos, prices and order links: gallery, og:image, JSON-LD."""

import io
import json

import pytest
from PIL import Image

from directory import auth
from directory.admin import URL_PREFIX
from tests.test_web import parse


def jpeg(size=(900, 600), color=(180, 90, 40)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "JPEG")
    return out.getvalue()


@pytest.fixture
def dressed(app):
    """keripik-tempe-bu-sri with two photos, a price, order links, QRIS, halal and an NIB."""
    client = app.test_client()
    with app.app_context():
        headers = {"Authorization": "Bearer " + auth.create_token("ani")}
    path = URL_PREFIX + "/businesses/keripik-tempe-bu-sri"
    for n, caption in enumerate(("Keripik tempe dijemur", "Kemasan 250 gram")):
        response = client.post(path + "/photos", headers=headers, data={
            "file": (io.BytesIO(jpeg(color=(180, 90 + n * 40, 40))), f"f{n}.jpg"),
            "caption": caption, "credit": "Humas Kota Malang"},
            content_type="multipart/form-data")
        assert response.status_code == 201, response.json
    response = client.patch(path, headers=headers, json={
        "price_range": "Rp10.000 - Rp35.000", "qris": True, "nib": "1234567890123",
        "halal": "ID35110000123450124", "pirt": "206357301023425",
        "order_links": ["https://gofood.co.id/malang/restaurant/kripik",
                        "https://shopee.co.id/kripikbusri"]})
    assert response.status_code == 200, response.json
    return client


def test_business_page_shows_gallery_price_order_buttons_and_legal_facts(dressed):
    html = dressed.get("/b/keripik-tempe-bu-sri").get_data(as_text=True)
    assert html.count("<figure") == 2 and 'type="image/webp"' in html
    assert 'alt="Keripik tempe dijemur"' in html and 'loading="lazy"' in html
    assert 'width="900" height="600"' in html  # the browser reserves the space
    assert "Kisaran harga <strong>Rp10.000–Rp35.000</strong>" in html
    assert ">GoFood<" in html and ">Shopee<" in html
    assert 'href="https://shopee.co.id/kripikbusri" rel="noopener nofollow"' in html
    assert "Bersertifikat halal" in html and "Terdaftar: NIB 1234567890123" in html
    assert "Menerima QRIS" in html and "P-IRT 206357301023425" in html
    assert "Foto: Humas Kota Malang" in html


def test_og_image_and_json_ld_use_the_first_photo_and_the_price(dressed):
    api = dressed.get("/api/v1/businesses/keripik-tempe-bu-sri").json
    page = parse(dressed.get("/b/keripik-tempe-bu-sri"))
    base = "http://127.0.0.1:5000"  # PUBLIC_BASE_URL: previews need the public address
    assert page.meta["og:image"] == base + api["photos"][0]["large"]
    assert page.meta["og:image"].endswith(".jpg")  # WhatsApp previews read JPEG
    assert page.meta["og:image:width"] == "900" and page.meta["og:image:alt"]
    assert page.meta["twitter:card"] == "summary_large_image"
    assert dressed.get(page.meta["og:image"].removeprefix(base)).status_code == 200
    (block,) = [s for s in page.scripts if s["attrs"].get("type") == "application/ld+json"]
    data = json.loads(block["text"])
    assert data["image"] == [base + p["large"] for p in api["photos"]]
    assert data["priceRange"] == "Rp10.000–Rp35.000"
    assert data["paymentAccepted"] == "QRIS"


def test_a_business_without_photos_or_prices_has_no_empty_parts(client):
    response = client.get("/b/keramik-sumber-rejeki")
    html = response.get_data(as_text=True)
    page = parse(response)
    assert "og:image" not in page.meta and page.meta["twitter:card"] == "summary"
    assert "<figure" not in html and "Kisaran harga" not in html and "Pesan daring" not in html
    (block,) = [s for s in page.scripts if s["attrs"].get("type") == "application/ld+json"]
    data = json.loads(block["text"])
    assert "image" not in data and "priceRange" not in data
