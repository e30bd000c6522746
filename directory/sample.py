"""The fictional sample: made-up businesses in real places, with prices, links and photos.

`features.csv` holds the appearances; `commerce.csv` (by slug) how to buy from each business,
kept apart so each file stays readable. Sample photos are drawn here with Pillow: simple
illustrations labelled as such, never photos of real businesses.
"""

import csv
import io
from importlib import resources

from .normalise import slugify

FEATURES = "data/sample/features.csv"
COMMERCE = "data/sample/commerce.csv"


def _read(name: str) -> list[dict]:
    text = resources.files("directory").joinpath(name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def sample_sheet() -> bytes:
    """Return the sample as one staff CSV: every appearance with its business's buying details."""
    features = _read(FEATURES)
    extra = {row["slug"]: row for row in _read(COMMERCE)}
    columns = list(features[0]) + [c for c in next(iter(extra.values()), {}) if c != "slug"]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in features:
        more = extra.get(row["slug"] or slugify(row["name"]), {})
        writer.writerow({**row, **{k: v for k, v in more.items() if k != "slug"}})
    return out.getvalue().encode("utf-8")


# -- illustrative photos ------------------------------------------------------------------------

PHOTO_SHARE = 0.6  # of the sample businesses that get photos; the rest show none
CREDIT = "Ilustrasi contoh, bukan foto usaha ini"
PALETTES = (((246, 231, 210), (196, 98, 45), (120, 72, 40)),
            ((221, 236, 226), (36, 120, 90), (20, 70, 55)),
            ((230, 228, 246), (90, 80, 170), (50, 40, 110)),
            ((250, 226, 226), (190, 60, 70), (110, 30, 40)),
            ((226, 238, 248), (40, 110, 170), (25, 60, 100)))


def _illustration(category: str, rng, variant: int) -> bytes:
    """Draw a simple picture of what a business of `category` makes, labelled as such."""
    from PIL import Image, ImageDraw, ImageFont

    background, main, dark = PALETTES[rng.randrange(len(PALETTES))]
    image = Image.new("RGB", (960, 720), background)
    draw = ImageDraw.Draw(image)
    for _ in range(14):  # a soft pattern behind the object
        x, y, r = rng.randrange(960), rng.randrange(720), rng.randrange(20, 70)
        shade = tuple(min(255, c + 12) for c in background)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=shade)
    _SHAPES.get(category, _draw_box)(draw, main, dark, rng, variant)
    label = "ILUSTRASI"
    font = ImageFont.load_default(size=34)
    draw.rectangle((0, 650, 960, 720), fill=dark)
    draw.text((24, 666), label, fill=background, font=font)
    out = io.BytesIO()
    # Drawn large for smooth edges, stored at 640 wide: two renditions (320, 640) to make.
    image.resize((640, 480), Image.LANCZOS).save(out, "PNG")
    return out.getvalue()


def _draw_bowl(draw, main, dark, rng, variant):
    draw.ellipse((180, 330, 780, 560), fill=(250, 250, 250), outline=dark, width=6)  # plate
    draw.chord((260, 200, 700, 520), 0, 180, fill=main, outline=dark, width=6)  # bowl
    for _ in range(5 + variant):
        x, y = rng.randrange(320, 620), rng.randrange(300, 360)
        draw.ellipse((x - 38, y - 38, x + 38, y + 38), fill=(170, 130, 90), outline=dark,
                     width=3)
    draw.line((620, 180, 720, 330), fill=dark, width=10)  # chopsticks
    draw.line((650, 170, 750, 320), fill=dark, width=10)


def _draw_shirt(draw, main, dark, rng, variant):
    body = [(330, 180), (630, 180), (760, 280), (690, 350), (640, 310), (640, 600),
            (320, 600), (320, 310), (270, 350), (200, 280)]
    draw.polygon(body, fill=main, outline=dark, width=6)
    for row in range(6):
        for col in range(5):
            x, y = 360 + col * 60 + (row % 2) * 30, 250 + row * 55
            draw.ellipse((x - 12, y - 12, x + 12, y + 12), outline=dark, width=4)


def _draw_vase(draw, main, dark, rng, variant):
    draw.polygon([(420, 160), (540, 160), (520, 230), (640, 380), (580, 600), (380, 600),
                  (320, 380), (440, 230)], fill=main, outline=dark, width=6)
    for y in range(300, 580, 60):
        draw.line((350, y, 610, y), fill=dark, width=5)


def _draw_plant(draw, main, dark, rng, variant):
    draw.polygon([(370, 440), (590, 440), (560, 610), (400, 610)], fill=(180, 100, 60),
                 outline=dark, width=6)
    for angle in range(5 + variant):
        x = 330 + angle * 70
        draw.ellipse((x - 50, 200 + (angle % 2) * 60, x + 50, 440), fill=main, outline=dark,
                     width=4)


def _draw_bottles(draw, main, dark, rng, variant):
    for n, x in enumerate((300, 480, 660)):
        top = 220 + (n % 2) * 60
        draw.rounded_rectangle((x - 70, top, x + 70, 600), radius=30, fill=main, outline=dark,
                               width=6)
        draw.rectangle((x - 25, top - 60, x + 25, top), fill=dark)
        draw.rectangle((x - 50, top + 120, x + 50, top + 200), fill=(250, 250, 250))


def _draw_chair(draw, main, dark, rng, variant):
    draw.rectangle((340, 180, 400, 600), fill=main, outline=dark, width=5)
    draw.rectangle((340, 360, 640, 420), fill=main, outline=dark, width=5)
    draw.rectangle((580, 420, 640, 600), fill=main, outline=dark, width=5)
    for y in range(200, 360, 40):
        draw.line((345, y, 395, y), fill=dark, width=4)


def _draw_screen(draw, main, dark, rng, variant):
    draw.rounded_rectangle((220, 170, 740, 520), radius=20, fill=dark)
    draw.rectangle((250, 200, 710, 490), fill=(250, 250, 250))
    draw.ellipse((300, 250, 440, 390), fill=main)
    draw.rectangle((470, 260, 680, 290), fill=main)
    draw.rectangle((470, 320, 640, 345), fill=dark)
    draw.polygon([(420, 520), (540, 520), (580, 600), (380, 600)], fill=dark)


def _draw_mask(draw, main, dark, rng, variant):
    draw.ellipse((300, 150, 660, 610), fill=main, outline=dark, width=6)
    draw.ellipse((370, 300, 450, 350), fill=(250, 250, 250), outline=dark, width=4)
    draw.ellipse((510, 300, 590, 350), fill=(250, 250, 250), outline=dark, width=4)
    draw.arc((400, 420, 560, 520), 20, 160, fill=dark, width=8)
    draw.line((480, 340, 470, 420), fill=dark, width=6)


def _draw_box(draw, main, dark, rng, variant):
    draw.rectangle((260, 300, 700, 600), fill=main, outline=dark, width=6)
    for n in range(6):  # an awning
        draw.rectangle((240 + n * 80, 220, 320 + n * 80, 300),
                       fill=dark if n % 2 else (250, 250, 250))
    draw.rectangle((420, 420, 540, 600), fill=dark)


_SHAPES = {"kuliner": _draw_bowl, "fesyen": _draw_shirt, "kriya": _draw_vase,
           "pertanian": _draw_plant, "kecantikan-kesehatan": _draw_bottles,
           "perabot": _draw_chair, "desain-digital": _draw_screen, "seni": _draw_mask,
           "jasa": _draw_box}


def add_sample_photos() -> int:
    """Give most sample businesses one to three illustrations; return how many were added."""
    from sqlalchemy import select

    from . import gallery, services
    from .models import Business, db

    with services.changing():
        added = _add_photos(gallery, db.session.scalars(
            select(Business).where(Business.fictional).order_by(Business.slug)))
    return added


def _add_photos(gallery, businesses) -> int:
    import random

    added = 0
    for business in businesses:
        rng = random.Random(business.slug)
        if business.photos or rng.random() > PHOTO_SHARE:
            continue
        products = business.products or [business.category.label]
        for variant in range(rng.choice((1, 1, 2, 3))):
            product = products[variant % len(products)]
            photo = gallery.add_photo(
                business, _illustration(business.category_slug, rng, variant),
                filename=f"ilustrasi-{variant}.png", caption=product,
                alt=f"Gambar ilustrasi {product} (bukan foto asli usaha ini)", credit=CREDIT)
            added += photo is not None
    return added
