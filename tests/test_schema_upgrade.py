"""init-db brings a database made by an older version up to the models, keeping its rows."""

import pytest
from sqlalchemy import (
    Column,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    inspect,
    select,
    text,
)

from directory import services
from directory.models import Business, db
from directory.schema_upgrade import SchemaUpgradeError, add_missing_columns


def _tables(columns):
    metadata = MetaData()
    Table("shop", metadata, Column("id", Integer, primary_key=True), *columns)
    return metadata


def test_new_nullable_and_defaulted_columns_are_added_and_rows_kept(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    _tables([Column("name", String)]).create_all(engine)
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO shop (id, name) VALUES (1, 'Bu Sri')"))

    newer = _tables([Column("name", String), Column("note", String, nullable=True),
                     Column("status", String, nullable=False, server_default="buka",
                            index=True)])
    assert add_missing_columns(engine, newer) == ["shop.note", "shop.status"]

    with engine.connect() as connection:
        assert connection.execute(text("SELECT id, name, note, status FROM shop")).all() \
            == [(1, "Bu Sri", None, "buka")]
    assert "ix_shop_status" in {ix["name"] for ix in inspect(engine).get_indexes("shop")}
    assert add_missing_columns(engine, newer) == []  # idempotent


def test_a_not_null_column_without_default_is_refused_clearly(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    _tables([]).create_all(engine)
    with pytest.raises(SchemaUpgradeError, match="shop.name is NOT NULL"):
        add_missing_columns(engine, _tables([Column("name", String, nullable=False)]))


def test_init_db_adds_a_column_an_older_version_lacked(app):
    with app.app_context():
        before = services.count_live()
        db.session.execute(text("ALTER TABLE business DROP COLUMN website"))
        db.session.commit()
        assert "website" not in {c["name"] for c in inspect(db.engine).get_columns("business")}

    result = app.test_cli_runner().invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    assert "Database upgraded: added business.website." in result.output
    with app.app_context():
        assert services.count_live() == before
        assert db.session.scalars(select(Business.website)).first() is None
