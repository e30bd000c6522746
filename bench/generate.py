"""Generate N fictional businesses in the staff import format, deterministically."""

import csv
import io
import random

from directory.reference import reference_data

WORDS = {
    "kuliner": ["keripik tempe", "kripik apel", "bakso", "rawon", "sambal bawang", "kopi bubuk",
                "kue basah", "cwie mie", "pecel", "frozen food", "oleh-oleh", "soto ayam"],
    "fesyen": ["batik tulis", "hijab", "jilbab", "kaos sablon", "sepatu kulit", "tas rajut"],
    "kriya": ["vas keramik", "gerabah", "anyaman bambu", "ecoprint", "kerajinan daur ulang"],
    "seni": ["topeng malangan", "lukisan", "wayang kulit", "gamelan"],
    "perabot": ["mebel jati", "kursi rotan", "lemari", "dekorasi rumah"],
    "kecantikan-kesehatan": ["jamu kunyit asam", "sabun herbal", "minyak atsiri"],
    "pertanian": ["sayur hidroponik", "madu hutan", "jamur tiram", "tanaman hias"],
    "desain-digital": ["desain grafis", "fotografi produk", "animasi", "aplikasi kasir"],
    "jasa": ["katering", "konveksi", "laundry", "percetakan"],
}
NAMES = ["Sri", "Budi", "Yuli", "Agus", "Ratna", "Dimas", "Sarti", "Ahmad", "Dewi", "Eko"]
COLUMNS = ["featured_on", "rubric", "slug", "name", "owner", "category", "district",
           "kelurahan", "address", "products", "description", "whatsapp", "fictional"]


def businesses_csv(count: int, seed: int = 7) -> bytes:
    """Return a CSV of `count` businesses with one appearance each."""
    rng = random.Random(seed)
    places = [(k["name"], kel["name"]) for k in reference_data()["kecamatan"]
              for kel in k["kelurahan"]]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for number in range(count):
        category = rng.choice(list(WORDS))
        products = rng.sample(WORDS[category], k=min(3, len(WORDS[category])))
        kecamatan, kelurahan = rng.choice(places)
        owner = rng.choice(NAMES)
        name = f"{products[0].title()} {owner} {number}"
        year, week = 2021 + number % 5, number % 52
        writer.writerow([
            f"{year}-{1 + week // 5:02d}-{1 + week % 28:02d}", "umkm-of-the-week", "", name,
            owner, category, kecamatan, kelurahan, f"Jl. Contoh No. {number}",
            "; ".join(products),
            f"Usaha {products[0]} milik {owner} di {kelurahan}, {kecamatan}. Contoh fiktif.",
            f"08123456{number % 10000:04d}", "true",
        ])
    return out.getvalue().encode()
