"""Bring an existing database up to the models: add the columns a newer version declares.

`init-db` calls this after `create_all()` (which makes missing tables but never touches a
table that exists), so an instance made by an older version keeps its data and needs no
manual step. Only additive changes are made: a new column must be nullable or carry a
server default, which is the project's rule for schema changes.
"""

from sqlalchemy import Column, Engine, MetaData, inspect, text
from sqlalchemy.schema import CreateIndex


class SchemaUpgradeError(RuntimeError):
    """A declared column cannot be added to rows that already exist."""


def _column_ddl(engine: Engine, column: Column) -> str:
    preparer = engine.dialect.identifier_preparer
    ddl = f"{preparer.format_column(column)} {column.type.compile(dialect=engine.dialect)}"
    if column.server_default is not None:
        default = column.server_default.arg
        default = default.text if hasattr(default, "text") else f"'{default}'"
        ddl += f" DEFAULT {default}"
    if not column.nullable:
        ddl += " NOT NULL"
    return ddl


def add_missing_columns(engine: Engine, metadata: MetaData) -> list[str]:
    """Add every declared column the database lacks; return them as `table.column`."""
    inspector = inspect(engine)
    existing_tables = set(inspector.get_table_names())
    added: list[str] = []
    with engine.begin() as connection:
        for table in metadata.sorted_tables:
            if table.name not in existing_tables:
                continue
            present = {column["name"] for column in inspector.get_columns(table.name)}
            for column in table.columns:
                if column.name in present:
                    continue
                if not column.nullable and column.server_default is None:
                    raise SchemaUpgradeError(
                        f"{table.name}.{column.name} is NOT NULL without a server default: "
                        "it cannot be added to a table that already has rows")
                name = engine.dialect.identifier_preparer.format_table(table)
                connection.execute(text(
                    f"ALTER TABLE {name} ADD COLUMN {_column_ddl(engine, column)}"))
                added.append(f"{table.name}.{column.name}")
            for index in table.indexes:
                if ({c.name for c in index.columns} & {a.split(".", 1)[1] for a in added
                                                       if a.startswith(table.name + ".")}):
                    connection.execute(CreateIndex(index, if_not_exists=True))
    return added
