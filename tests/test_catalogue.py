"""/data.json: a Project Open Data (DCAT-US v1.1) catalogue data portals can harvest."""

from directory import staff

# Required by the v1.1 schema for every dataset (bureauCode/programCode: US federal only).
REQUIRED = {"@type", "title", "description", "keyword", "modified", "publisher",
            "contactPoint", "identifier", "accessLevel", "license", "spatial", "temporal",
            "distribution"}


def test_catalogue_has_the_required_fields(client):
    response = client.get("/data.json")
    assert response.status_code == 200 and response.is_json
    catalogue = response.json
    assert catalogue["conformsTo"] == "https://project-open-data.cio.gov/v1.1/schema"
    assert catalogue["@type"] == "dcat:Catalog"
    (dataset,) = catalogue["dataset"]
    assert REQUIRED <= set(dataset)
    assert dataset["publisher"] == {"@type": "org:Organization",
                                    "name": "Pemerintah Kota Malang"}
    assert dataset["contactPoint"]["fn"]
    assert dataset["accessLevel"] == "public"
    assert dataset["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert "35.73" in dataset["spatial"] and "Kota Malang" in dataset["spatial"]
    assert dataset["temporal"] == "2021-05-07/2023-01-13"  # first to last appearance
    assert "UMKM" in dataset["keyword"] and "ekonomi kreatif" in dataset["keyword"]
    assert dataset["language"] == ["id"]


def test_every_distribution_answers(client):
    dataset = client.get("/data.json").json["dataset"][0]
    formats = {d["format"] for d in dataset["distribution"]}
    assert {"CSV", "NDJSON", "JSON", "Atom", "JSON API", "API"} <= formats
    for distribution in dataset["distribution"]:
        url = distribution.get("downloadURL") or distribution["accessURL"]
        assert url.startswith("http://127.0.0.1:5000/")
        response = client.get(url.removeprefix("http://127.0.0.1:5000"))
        assert response.status_code == 200, url
        if distribution["mediaType"] != "text/html":
            assert response.mimetype == distribution["mediaType"], url
        response.close()  # a file sent as it is (the API docs page) stays open otherwise


def test_modified_is_the_latest_change_and_the_contact_is_configurable(app, client):
    before = client.get("/data.json").json["dataset"][0]["modified"]
    with app.app_context():
        staff.update_business("keripik-tempe-bu-sri", {"owner": "Bu Sri"})
    after = client.get("/data.json").json["dataset"][0]["modified"]
    assert after > before and after.endswith("Z")
    app.config.update(CATALOGUE_CONTACT_NAME="Diskominfo", CATALOGUE_CONTACT_EMAIL="data@x.id")
    contact = client.get("/data.json").json["dataset"][0]["contactPoint"]
    assert contact == {"@type": "vcard:Contact", "fn": "Diskominfo",
                       "hasEmail": "mailto:data@x.id"}
