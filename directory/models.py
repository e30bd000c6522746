"""Database tables: reference data (categories, rubrics, places) and the directory itself.

The database is the source of truth; the search index is derived from it.
"""

import sqlite3
from datetime import UTC, date, datetime

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import JSON, ForeignKey, UniqueConstraint, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


STATUSES = ("buka", "tutup-sementara", "tutup")


class Category(db.Model):
    slug: Mapped[str] = mapped_column(primary_key=True)
    label: Mapped[str]
    label_en: Mapped[str]
    position: Mapped[int] = mapped_column(default=0)


class Rubric(db.Model):
    slug: Mapped[str] = mapped_column(primary_key=True)
    label: Mapped[str]
    about: Mapped[str] = mapped_column(default="")
    position: Mapped[int] = mapped_column(default=0)


class Kecamatan(db.Model):
    slug: Mapped[str] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(unique=True)
    code: Mapped[str]
    kelurahan: Mapped[list["Kelurahan"]] = relationship(
        back_populates="kecamatan", order_by="Kelurahan.name"
    )


class Kelurahan(db.Model):
    slug: Mapped[str] = mapped_column(primary_key=True)
    name: Mapped[str]
    kecamatan_slug: Mapped[str] = mapped_column(ForeignKey("kecamatan.slug"), index=True)
    # Other spellings seen in the wild ("Rampal Celaket" for Rampalcelaket).
    also_written: Mapped[list[str]] = mapped_column(JSON, default=list)
    kecamatan: Mapped[Kecamatan] = relationship(back_populates="kelurahan")


class Business(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(unique=True)
    name: Mapped[str]
    owner: Mapped[str | None]
    category_slug: Mapped[str] = mapped_column(ForeignKey("category.slug"), index=True)
    kelurahan_slug: Mapped[str] = mapped_column(ForeignKey("kelurahan.slug"), index=True)
    address: Mapped[str | None]
    products: Mapped[list[str]] = mapped_column(JSON, default=list)
    description: Mapped[str | None]
    instagram: Mapped[str | None]
    whatsapp: Mapped[str | None]  # normalised to +62...
    website: Mapped[str | None]
    established: Mapped[int | None]
    # WGS84 as the business gave them (never more precise), inside the box around the city.
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    maps_url: Mapped[str | None]  # the map link staff pasted (a short link holds no point)
    opening_hours: Mapped[str | None]  # OpenStreetMap `opening_hours` syntax; times are WIB
    # buka, tutup-sementara (temporarily closed) or tutup (closed for good, history kept).
    status: Mapped[str] = mapped_column(default="buka", server_default="buka")
    verified_on: Mapped[date | None]  # when the details were last checked with the business
    # What it costs and how to buy (DATA-FORMAT.md, "More about a business").
    price_min: Mapped[int | None]  # rupiah, the cheapest price posted
    price_max: Mapped[int | None]  # rupiah; equal to price_min for a single price
    # [{platform, url}]; None is SQL NULL, so json_array_length never meets a JSON null.
    order_links: Mapped[list[dict] | None] = mapped_column(JSON(none_as_null=True))
    qris: Mapped[bool | None]  # None: not known
    nib: Mapped[str | None]  # Nomor Induk Berusaha, 13 digits
    halal: Mapped[str | None]  # BPJPH certificate number, "ID" + digits
    pirt: Mapped[str | None]  # P-IRT number, digits
    # The production centre (sentra) it belongs to and, for creative-economy businesses, the
    # ekraf subsector: slugs of `data/reference.json` (directory/sentra.py reads them).
    sentra_slug: Mapped[str | None] = mapped_column(default=None, index=True)
    subsector_slug: Mapped[str | None] = mapped_column(default=None, index=True)
    # Sample businesses are made up; the API says so on every record.
    fictional: Mapped[bool] = mapped_column(default=False)
    deleted_at: Mapped[datetime | None] = mapped_column(default=None, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    category: Mapped[Category] = relationship(lazy="joined")
    kelurahan: Mapped[Kelurahan] = relationship(lazy="joined")
    features: Mapped[list["Feature"]] = relationship(
        back_populates="business",
        order_by="(Feature.featured_on.desc(), Feature.rubric_slug)",
        cascade="all, delete-orphan",
    )
    photos: Mapped[list["Photo"]] = relationship(
        back_populates="business", order_by="(Photo.position, Photo.id)",
        cascade="all, delete-orphan",
    )

    @property
    def price_range(self) -> str | None:
        """The price as Indonesians write it: 'Rp10.000–Rp35.000'."""
        from .importers.commerce import format_price_range

        return format_price_range(self.price_min, self.price_max)

    @property
    def kecamatan(self) -> Kecamatan:
        return self.kelurahan.kecamatan

    @property
    def latest_feature(self) -> "Feature | None":
        return self.features[0] if self.features else None


class Feature(db.Model):
    """One appearance of a business in a rubric (one weekly post)."""

    __table_args__ = (UniqueConstraint("business_id", "rubric_slug", "featured_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    business_id: Mapped[int] = mapped_column(ForeignKey("business.id"), index=True)
    rubric_slug: Mapped[str] = mapped_column(ForeignKey("rubric.slug"), index=True)
    featured_on: Mapped[date] = mapped_column(index=True)
    post_url: Mapped[str | None]
    reach: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    business: Mapped[Business] = relationship(back_populates="features")
    rubric: Mapped[Rubric] = relationship(lazy="joined")


class Photo(db.Model):
    """One photo of a business: its files live under PHOTO_DIR, named by content hash."""

    id: Mapped[int] = mapped_column(primary_key=True)
    business_id: Mapped[int] = mapped_column(ForeignKey("business.id"), index=True)
    # sha256 of the re-encoded largest JPEG: names the files, and two uploads of the same
    # picture share them.
    digest: Mapped[str] = mapped_column(index=True)
    width: Mapped[int]  # of the largest stored rendition
    height: Mapped[int]
    widths: Mapped[list[int]] = mapped_column(JSON, default=list)  # renditions stored
    position: Mapped[int] = mapped_column(default=0)  # 0 is the card's photo
    caption: Mapped[str | None]
    alt: Mapped[str | None]  # staff write it; the caption when blank
    credit: Mapped[str | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    business: Mapped[Business] = relationship(back_populates="photos")


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(connection, _record) -> None:
    # WAL: readers (every worker, a long reindex) never block a staff write, nor it them.
    if isinstance(connection, sqlite3.Connection):
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()


def engine_options(app) -> dict:
    """Make a connection lost (a database restarted, a failover) cost no failed request."""
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    # Test each pooled connection before use: one that died while idle is replaced.
    options.setdefault("pool_pre_ping", True)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        # An unreachable server answers 503 after this long instead of holding the worker.
        connect_args = dict(options.get("connect_args") or {})
        connect_args.setdefault("connect_timeout", int(app.config["DATABASE_CONNECT_TIMEOUT"]))
        options["connect_args"] = connect_args
    return options


def init_app(app) -> None:
    from . import changelog  # its table, and the hook that writes it beside every change

    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(app)
    db.init_app(app)
    changelog.listen()
