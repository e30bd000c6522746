"""The data dictionary of the exports: every field, its type and meaning (id + en), licence.

Served at /api/v1/export/dictionary; docs/journalists.md explains the same in prose.
"""

from .exports import BUSINESS_COLUMNS, FEATURE_COLUMNS

# Every timestamp the API and the exports give: see timestamps.py.
TIMESTAMP = "date-time, RFC 3339 in UTC (2026-11-29T13:14:56Z)"

# name -> (type, Bahasa Indonesia, English)
FIELDS = {
    "slug": ("text", "Pengenal tetap usaha (huruf kecil ASCII dan tanda hubung); tidak berubah.",
             "Stable id of the business (lowercase ASCII and hyphens); never changes."),
    "name": ("text", "Nama usaha seperti di unggahan.", "Business name as posted."),
    "owner": ("text or empty", "Nama pemilik.", "Owner's name."),
    "category": ("text (slug)", "Kategori usaha, slug dari /api/v1/categories.",
                 "Business category, a slug from /api/v1/categories."),
    "category_label": ("text", "Nama kategori.", "Category name."),
    "district": ("text", "Kecamatan di Kota Malang.", "Kecamatan (district) in Kota Malang."),
    "district_slug": ("text (slug)", "Slug kecamatan.", "Slug of the kecamatan."),
    "district_code": ("text", "Kode wilayah kecamatan dari Kemendagri (35.73.01 sampai "
                      "35.73.05).", "The kecamatan's Kemendagri area code (35.73.01 to "
                      "35.73.05)."),
    "sentra": ("text (slug) or empty", "Sentra produksi atau kampung tematik tempat usaha "
               "ini tergabung, slug dari /api/v1/sentra.", "The production centre or "
               "thematic kampung the business belongs to, a slug from /api/v1/sentra."),
    "subsector": ("text (slug) or empty", "Subsektor ekonomi kreatif, slug dari "
                  "/api/v1/subsectors.", "Creative-economy subsector, a slug from "
                  "/api/v1/subsectors."),
    "kelurahan": ("text", "Kelurahan (ejaan resmi).", "Kelurahan (urban village), official "
                  "spelling."),
    "kelurahan_slug": ("text (slug)", "Slug kelurahan.", "Slug of the kelurahan."),
    "address": ("text or empty", "Alamat jalan.", "Street address."),
    "products": ("list of text; in CSV separated by '; '", "Produk yang disebut di unggahan.",
                 "Products named in the post."),
    "description": ("text or empty", "Teks unggahan tentang usaha ini.",
                    "The post's text about the business."),
    "instagram": ("text or empty", "Akun Instagram tanpa '@'.", "Instagram handle without '@'."),
    "whatsapp": ("text or empty", "Nomor WhatsApp dalam bentuk +62...",
                 "WhatsApp number as +62..."),
    "website": ("URL or empty", "Situs atau halaman toko daring.", "Website or online shop page."),
    "established": ("integer or empty", "Tahun usaha berdiri.", "Year the business started."),
    "fictional": ("boolean (true/false)", "true untuk data contoh rekaan, bukan usaha nyata.",
                  "true for made-up sample data, not a real business."),
    "created_at": (TIMESTAMP, "Waktu data masuk direktori.",
                   "When the record entered the directory."),
    "updated_at": (TIMESTAMP, "Waktu data usaha terakhir berubah.",
                   "When the business's details last changed."),
    "url": ("path", "Alamat data ini di API.", "Where this record is in the API."),
    "appearances": ("integer", "Jumlah penampilan di rubrik.", "Number of appearances in the "
                    "rubrics."),
    "first_featured_on": ("date (YYYY-MM-DD)", "Tanggal penampilan pertama.",
                          "Date of the first appearance."),
    "last_featured_on": ("date (YYYY-MM-DD)", "Tanggal penampilan terakhir.",
                         "Date of the latest appearance."),
    "rubrics": ("list of slugs; in CSV separated by '; '", "Rubrik tempat usaha ini tampil.",
                "Rubrics the business appeared in."),
    "latest_post_url": ("URL or empty", "Tautan unggahan terbaru.", "Link to the latest post."),
    "featured_on": ("date (YYYY-MM-DD)", "Tanggal unggahan.", "Date of the post."),
    "rubric": ("text (slug)", "Rubrik: umkm-of-the-week, ekraf-of-the-week atau "
               "kuliner-legendaris.", "Rubric: umkm-of-the-week, ekraf-of-the-week or "
               "kuliner-legendaris."),
    "post_url": ("URL or empty", "Tautan ke unggahan di media sosial Pemkot.",
                 "Link to the post on the city's social media."),
    "reach": ("integer or empty", "Jumlah akun yang dijangkau unggahan (insight platform).",
              "Accounts the post reached (platform insights)."),
    "price_min": ("integer (rupiah) or empty", "Harga termurah yang diunggah, dalam rupiah.",
                  "The cheapest price posted, in rupiah."),
    "price_max": ("integer (rupiah) or empty", "Harga termahal, dalam rupiah (sama dengan "
                  "price_min bila hanya satu harga).", "The dearest price, in rupiah (equal to "
                  "price_min for a single price)."),
    "price_range": ("text or empty", "Kisaran harga seperti ditulis orang Indonesia: "
                    "Rp10.000–Rp35.000.", "The price range as Indonesians write it: "
                    "Rp10.000–Rp35.000."),
    "order_links": ("CSV: URLs separated by '; '; JSON: list of objects {platform, url}",
                    "Tautan untuk memesan atau membeli daring (GoFood, GrabFood, ShopeeFood, "
                    "Shopee, Tokopedia, TikTok Shop, Lazada, Blibli); hanya https.",
                    "Links to order or buy online (GoFood, GrabFood, ShopeeFood, Shopee, "
                    "Tokopedia, TikTok Shop, Lazada, Blibli); https only."),
    "qris": ("boolean (true/false) or empty", "Menerima pembayaran QRIS; kosong bila belum "
             "diketahui.", "Takes QRIS payment; empty when not known."),
    "nib": ("text (13 digits) or empty", "Nomor Induk Berusaha dari OSS.",
            "Business registration number (Nomor Induk Berusaha) from OSS."),
    "halal": ("text ('ID' + digits) or empty", "Nomor sertifikat halal BPJPH; terisi berarti "
              "bersertifikat halal.", "BPJPH halal certificate number; filled means "
              "halal-certified."),
    "pirt": ("text (digits) or empty", "Nomor P-IRT (izin pangan industri rumah tangga).",
             "P-IRT number (home food industry permit)."),
    "photos": ("CSV: number of photos; JSON: list of objects {url, width, height, alt, credit}",
               "Foto usaha; url mengarah ke JPEG terbesar, di-host direktori ini.",
               "Photos of the business; url points to the largest JPEG, hosted here."),
    "features": ("list of objects {rubric, featured_on, post_url, reach}, newest first",
                 "Setiap penampilan di rubrik.", "Every appearance in the rubrics."),
}

JSON_FIELDS = ("slug", "name", "owner", "category", "category_label", "district",
               "district_slug", "district_code", "kelurahan", "kelurahan_slug", "address",
               "products", "description", "instagram", "whatsapp", "website", "established",
               "sentra", "subsector", "fictional",
               "price_min", "price_max", "price_range", "order_links", "qris", "nib", "halal",
               "pirt", "photos", "created_at", "updated_at", "url", "features")

EXPORTS = (
    ("/api/v1/export/businesses.csv", "text/csv", BUSINESS_COLUMNS,
     "Satu baris per usaha.", "One row per business."),
    ("/api/v1/export/features.csv", "text/csv", FEATURE_COLUMNS,
     "Satu baris per penampilan, dalam format impor staf.",
     "One row per appearance, in the staff import format."),
    ("/api/v1/export/businesses.ndjson", "application/x-ndjson", JSON_FIELDS,
     "Satu objek JSON per baris, per usaha.", "One JSON object per line, one per business."),
    ("/api/v1/export/businesses.json", "application/json", JSON_FIELDS,
     "Satu dokumen JSON {meta, items}.", "One JSON document {meta, items}."),
)


def _field(name: str) -> dict:
    kind, meaning_id, meaning_en = FIELDS[name]
    return {"name": name, "type": kind, "id": meaning_id, "en": meaning_en}


def about(config) -> dict:
    """Return the licence, source and caveats that travel with every export."""
    return {
        "title": "Direktori UMKM Kota Malang",
        "source": {
            "id": "Unggahan rubrik UMKM of The Week, Ekraf of The Week dan Kuliner Legendaris "
                  "di media sosial Pemerintah Kota Malang.",
            "en": "The City of Malang government's social-media posts in its rubrics UMKM of "
                  "The Week, Ekraf of The Week and Kuliner Legendaris.",
        },
        "licence": {"name": config["DATA_LICENCE_NAME"], "url": config["DATA_LICENCE_URL"]},
        "fictional": {
            "id": "Data contoh (fictional = true) adalah rekaan: nama, nomor dan alamatnya "
                  "bukan usaha nyata.",
            "en": "Sample data (fictional = true) is made up: its names, numbers and "
                  "addresses are not real businesses.",
        },
        "updates": {
            "id": "Berubah setiap kali staf mengimpor unggahan baru, biasanya sekali seminggu.",
            "en": "Changes whenever staff import new posts, usually once a week.",
        },
    }


def dictionary(config, vocabulary_additions=()) -> dict:
    """Return the dictionary; `vocabulary_additions` are the staff's search additions."""
    return {
        **about(config),
        "csv": {
            "encoding": "UTF-8; ?bom=1 adds a byte-order mark for spreadsheets",
            "delimiter": "comma by default; ?delimiter=semicolon for a spreadsheet set to "
                         "Indonesian, ?delimiter=tab",
            "lists": "separated by '; ' inside one cell",
            "empty": "an empty cell is an unknown value",
        },
        "exports": [
            {"path": path, "content_type": content_type, "id": about_id, "en": about_en,
             "fields": [_field(name) for name in columns]}
            for path, content_type, columns, about_id, about_en in EXPORTS
        ],
        "search_vocabulary": {
            "id": "Tambahan kosakata pencarian dari staf (di atas kosakata bawaan): kelompok "
                  "ejaan/sinonim, dan pasangan lebih luas > lebih sempit.",
            "en": "Staff additions to the search vocabulary (on top of the shipped one): "
                  "groups of spellings/synonyms, and broader > narrower pairs.",
            "additions": [{"kind": row.kind, "broader": row.broader, "entries": row.entries,
                           "text": row.text, "created_at": row.created_at}
                          for row in vocabulary_additions],
        },
    }
