"""Writes a transaction sends together at its end: one statement on PostgreSQL.

A conversation turn ends with several independent writes (its state, the message's replies,
the sender's contact, a filed report's events, routes, alerts and tallies). PostgreSQL runs
data-modifying statements inside WITH, so they all go in one statement and one round trip;
SQLite has no such thing, so there each part is one statement (an executemany for its rows).
The parts must not read what another part writes: inside one statement they all see the
database as it was before it.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import (
    JSON,
    Connection,
    Executable,
    Table,
    bindparam,
    func,
    insert,
    literal_column,
    select,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.schema import ColumnDefault
from sqlalchemy.sql import visitors
from sqlalchemy.sql.dml import Update
from sqlalchemy.sql.elements import BindParameter
from sqlalchemy.types import TypeDecorator

from models.sql import dialect_insert

Row = dict[str, Any]


@dataclass(frozen=True)
class Part:
    """One write: an insert, an upsert that adds counts, or a prebuilt update, with its rows."""

    kind: str  # "insert" | "upsert" | "update"
    table: Table
    rows: tuple[Row, ...]
    summed: tuple[str, ...] = ()  # an upsert's columns added to the row already there
    update: Update | None = None  # an update's prebuilt statement (its binds named)

    def shape(self) -> Hashable:
        """Return what the part's statement looks like, apart from its values."""
        names = tuple(self.rows[0]) if self.kind != "update" else ()
        return (self.kind, self.table.name, names, self.summed, self.update)


@dataclass
class Batch:
    """Writes gathered during a transaction, sent by `run` before it commits."""

    parts: list[Part] = field(default_factory=list)

    def insert(self, table: Table, rows: Sequence[Row]) -> None:
        """Insert rows (all with the same columns) into a table."""
        if rows:
            self.parts.append(Part("insert", table, _defaulted(table, rows)))

    def upsert(self, table: Table, summed: Sequence[str], rows: Sequence[Row]) -> None:
        """Insert rows, or add their `summed` columns to the rows with the same primary key."""
        if rows:
            self.parts.append(Part("upsert", table, _defaulted(table, rows), tuple(summed)))

    def change(self, statement: Update, values: Row) -> None:
        """Run a prebuilt UPDATE with these values for its bound parameters."""
        self.parts.append(Part("update", cast(Table, statement.table), (values,),
                               update=statement))

    def run(self, connection: Connection) -> None:
        """Send every write: one statement on PostgreSQL, one per part elsewhere."""
        parts, self.parts = self.parts, []
        dialect = connection.dialect.name
        if dialect == "postgresql" and len(parts) > 1:
            connection.execute(_built(("together", *(p.shape() for p in parts)), parts),
                               _numbered(parts, connection.dialect))
            return
        for part in parts:
            statement = _built(("alone", dialect, part.shape()), [part])
            connection.execute(statement, list(part.rows) if len(part.rows) > 1
                               else part.rows[0])


def _defaulted(table: Table, rows: Sequence[Row]) -> tuple[Row, ...]:
    """Return the rows with the columns' Python-side defaults where they give no value.

    An executemany applies them itself; a multi-row VALUES inside WITH does not.
    """
    defaults = _DEFAULTS.get(table)
    if defaults is None:
        defaults = _DEFAULTS[table] = [
            (column.name, column.default) for column in table.columns
            if isinstance(column.default, ColumnDefault) and not column.primary_key]
    missing = [(name, default) for name, default in defaults if name not in rows[0]]
    if not missing:
        return tuple(rows)
    return tuple({**row, **{name: _value(default, row) for name, default in missing}}
                 for row in rows)


class _RowContext:
    """What a context-sensitive column default reads: the row being inserted."""

    def __init__(self, row: Row) -> None:
        """Stand for the execution context of inserting `row`."""
        self._row = row

    def get_current_parameters(self) -> Row:
        """Return the row's values, as SQLAlchemy's execution context would."""
        return self._row


def _value(default: ColumnDefault, row: Row) -> Any:
    """Return a column default's value for `row` (calling a callable default)."""
    if default.is_callable:
        # SQLAlchemy wraps a callable default to take one argument, the execution context;
        # a default such as the outbox lane reads the row's other values from it.
        return default.arg(_RowContext(row))
    return default.arg


_DEFAULTS: dict[Table, list[tuple[str, ColumnDefault]]] = {}
# Statements by shape: building one costs more than running it, and shapes are few.
_BUILT: dict[Hashable, Executable] = {}
MAX_SHAPES = 512


def _built(key: tuple[Any, ...], parts: Sequence[Part]) -> Executable:
    """Return the statement for these parts, built the first time their shape is seen."""
    found = _BUILT.get(key)
    if found is None:
        if len(_BUILT) >= MAX_SHAPES:
            _BUILT.clear()
        if key[0] == "together":
            found = _together(parts)
        else:
            found = _alone(parts[0], key[1])
        _BUILT[key] = found
    return found


def _alone(part: Part, dialect: str) -> Executable:
    """Return a part's statement on its own (several rows are sent as an executemany)."""
    if part.update is not None:
        return part.update
    if part.kind == "insert":
        return insert(part.table)
    return _upsert(dialect_insert(dialect, part.table), part)


def _upsert(statement: Any, part: Part) -> Executable:
    """Add ON CONFLICT (primary key) DO UPDATE adding the summed columns."""
    keys = [column.name for column in part.table.primary_key.columns]
    table = part.table
    return cast(Executable, statement.on_conflict_do_update(
        index_elements=keys,
        set_={name: table.c[name] + statement.excluded[name] for name in part.summed}))


def _together(parts: Sequence[Part]) -> Executable:
    """Return every part as one PostgreSQL statement: data-modifying WITH clauses."""
    ctes = [_numbered_statement(part, f"w{index}_").cte(f"w{index}")
            for index, part in enumerate(parts)]
    return select(literal_column("1")).add_cte(*ctes)


def _numbered_statement(part: Part, prefix: str) -> Any:
    """Return a part's statement for WITH, its parameters named after `prefix`.

    An update's parameters are renamed `prefix` + `0_` + name. Rows to insert travel as one
    JSON parameter, `prefix` + `rows`, read back by json_populate_recordset into the table's
    own row type: a statement with few parameters is parsed and prepared once by psycopg,
    one with many is parsed anew each time.
    """
    if part.update is not None:

        def rename(element: Any, **_kw: Any) -> Any:
            """Give a bound parameter the part's prefix."""
            if isinstance(element, BindParameter):
                return bindparam(f"{prefix}0_{element.key}", type_=element.type)
            return None

        return visitors.replacement_traverse(part.update, {}, rename)
    table, names = part.table, list(part.rows[0])
    rows = func.json_populate_recordset(
        literal_column(f"NULL::{table.name}"), bindparam(f"{prefix}rows", type_=JSON),
    ).table_valued(*names)
    base = insert(table) if part.kind == "insert" else dialect_insert("postgresql", table)
    statement = base.from_select(names, select(*(rows.c[name] for name in names)),
                                 include_defaults=False)
    return statement if part.kind == "insert" else _upsert(statement, part)


def _numbered(parts: Sequence[Part], dialect: Dialect) -> Row:
    """Return every part's values under the names `_numbered_statement` gives them."""
    values: Row = {}
    for index, part in enumerate(parts):
        if part.update is not None:
            values.update((f"w{index}_0_{name}", value) for name, value in part.rows[0].items())
        else:
            values[f"w{index}_rows"] = [_as_json(part.table, row, dialect)
                                        for row in part.rows]
    return values


def _as_json(table: Table, row: Row, dialect: Dialect) -> Row:
    """Return a row's values as JSON gives them to PostgreSQL: instants as naive UTC text."""
    return {name: _instant(table.c[name].type, value, dialect)
            if isinstance(value, datetime) else value for name, value in row.items()}


def _instant(kind: Any, value: datetime, dialect: Dialect) -> str:
    """Return an instant as the column stores it (naive UTC), in ISO form."""
    if isinstance(kind, TypeDecorator):
        value = kind.process_bind_param(value, dialect)
    elif value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.isoformat()
