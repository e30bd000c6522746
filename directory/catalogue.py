"""/data.json: the directory as one dataset in a DCAT catalogue, for data portals to harvest.

Project Open Data (DCAT-US) v1.1: one plain JSON file that CKAN harvests as it is
(ckanext-dcat's `dcat_json` harvester); docs/journalists.md says why this one.
"""

from flask import current_app, jsonify
from marshmallow import Schema, fields
from sqlalchemy import func, select

from . import changelog
from .api.blueprint import Blueprint
from .feeds import ALL, base_url
from .models import Business, Feature, Rubric, db

SCHEMA = "https://project-open-data.cio.gov/v1.1/schema"
KEYWORDS = ["UMKM", "usaha mikro kecil dan menengah", "ekonomi kreatif", "ekraf", "kuliner",
            "kuliner legendaris", "sentra", "direktori usaha", "Kota Malang", "Jawa Timur"]
# Exports that exist only on some versions (GeoJSON comes with locations) are listed when
# the route is there.
OPTIONAL_EXPORTS = {"/api/v1/export/businesses.geojson": (
    "application/geo+json", "GeoJSON", "Usaha yang lokasinya diketahui, sebagai titik peta.")}

bp = Blueprint("catalogue", __name__, description="A DCAT catalogue for data portals")


class CatalogueSchema(Schema):
    """The Project Open Data v1.1 catalogue (its JSON Schema: `describedBy`)."""

    context = fields.String(data_key="@context")
    id = fields.String(data_key="@id")
    type = fields.String(data_key="@type")
    conformsTo = fields.String()
    describedBy = fields.String()
    dataset = fields.List(fields.Dict(), metadata={
        "description": "One dataset: the directory, with its distributions"})


def _span():
    return db.session.execute(
        select(func.min(Feature.featured_on), func.max(Feature.featured_on))
        .join(Business).where(Business.deleted_at.is_(None))).one()


def _modified() -> str:
    latest = changelog.latest_change_at() or db.session.scalar(
        select(func.max(Business.updated_at)))
    return latest.replace(microsecond=0).isoformat() + "Z" if latest else "2021-05-07"


def _distribution(base: str, path: str, media_type: str, format_: str, about: str,
                  download: bool = True) -> dict:
    key = "downloadURL" if download else "accessURL"
    return {"@type": "dcat:Distribution", key: base + path, "mediaType": media_type,
            "format": format_, "title": path.rsplit("/", 1)[-1], "description": about,
            "describedBy": base + "/api/v1/export/dictionary",
            "describedByType": "application/json"}


def distributions(base: str) -> list[dict]:
    rules = {rule.rule for rule in current_app.url_map.iter_rules()}
    files = [
        ("/api/v1/export/businesses.csv", "text/csv", "CSV", "Satu baris per usaha (UTF-8, koma; "
         "?bom=1&delimiter=semicolon untuk spreadsheet berbahasa Indonesia)."),
        ("/api/v1/export/features.csv", "text/csv", "CSV",
         "Satu baris per penampilan di rubrik, dalam format impor staf."),
        ("/api/v1/export/businesses.ndjson", "application/x-ndjson", "NDJSON",
         "Satu objek JSON per baris, per usaha, dengan semua penampilannya."),
        ("/api/v1/export/businesses.json", "application/json", "JSON",
         "Satu dokumen JSON {meta, items}: lisensi, sumber, lalu semua usaha."),
        *((path, *details) for path, details in OPTIONAL_EXPORTS.items() if path in rules),
    ]
    found = [_distribution(base, *item) for item in files]
    rubrics = db.session.execute(select(Rubric.slug, Rubric.label).order_by(Rubric.position))
    found.append(_distribution(base, f"/feeds/{ALL}.atom", "application/atom+xml", "Atom",
                               "Umpan Atom: penampilan terbaru di semua rubrik."))
    found += [_distribution(base, f"/feeds/{slug}.atom", "application/atom+xml", "Atom",
                            f"Umpan Atom: penampilan terbaru di rubrik {label}.")
              for slug, label in rubrics]
    found.append(_distribution(base, "/api/v1/changes", "application/json", "JSON API",
                               "Umpan perubahan untuk aplikasi: usaha yang dibuat, diubah, "
                               "dihapus atau dipulihkan sejak sebuah kursor.", download=False))
    found.append({"@type": "dcat:Distribution", "accessURL": base + "/api/docs",
                  "mediaType": "text/html", "format": "API",
                  "title": "API JSON (OpenAPI 3)", "conformsTo": base + "/api/openapi.json",
                  "description": "Pencarian, saringan dan statistik; dokumen OpenAPI di "
                                 "/api/openapi.json."})
    return found


def catalogue() -> dict:
    """Return the Project Open Data catalogue with the directory as its one dataset."""
    base, config = base_url(), current_app.config
    first, last = _span()
    contact = {"@type": "vcard:Contact", "fn": config["CATALOGUE_CONTACT_NAME"]}
    if config.get("CATALOGUE_CONTACT_EMAIL"):
        contact["hasEmail"] = "mailto:" + config["CATALOGUE_CONTACT_EMAIL"]
    dataset = {
        "@type": "dcat:Dataset",
        "identifier": base + "/data.json#umkm-kota-malang",
        "title": "Direktori UMKM Kota Malang: usaha yang tampil di rubrik Pemkot Malang",
        "description": "Setiap usaha yang pernah tampil di rubrik UMKM of The Week, Ekraf of "
                       "The Week dan Kuliner Legendaris di media sosial Pemerintah Kota "
                       "Malang sejak Mei 2021: nama, kategori, kecamatan (dengan kode "
                       "Kemendagri) dan kelurahan, produk, kontak yang diunggah usaha itu "
                       "sendiri, sentra, subsektor ekonomi kreatif, dan tiap penampilannya "
                       "(tanggal, rubrik, tautan unggahan, jangkauan).",
        "keyword": KEYWORDS,
        "modified": _modified(),
        "publisher": {"@type": "org:Organization", "name": "Pemerintah Kota Malang"},
        "contactPoint": contact,
        "accessLevel": "public",
        "license": config["DATA_LICENCE_URL"],
        "spatial": "Kota Malang, Jawa Timur, Indonesia (kode wilayah Kemendagri 35.73)",
        "language": ["id"],
        "landingPage": base + "/",
        "describedBy": base + "/api/v1/export/dictionary",
        "describedByType": "application/json",
        "accrualPeriodicity": "R/P1W",
        "theme": ["Ekonomi", "UMKM"],
        "distribution": distributions(base),
    }
    if first:
        dataset["temporal"] = f"{first.isoformat()}/{last.isoformat()}"
    return {"@context": SCHEMA + "/catalog.jsonld", "@id": base + "/data.json",
            "@type": "dcat:Catalog", "conformsTo": SCHEMA,
            "describedBy": SCHEMA + "/catalog.json", "dataset": [dataset]}


@bp.route("/data.json")
@bp.response(200, CatalogueSchema)
def data_json():
    """Serve the catalogue."""
    response = jsonify(catalogue())
    response.headers["Access-Control-Allow-Origin"] = "*"  # portals read it from anywhere
    return response
