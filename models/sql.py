"""SQL both backends speak differently: a row as one JSON value, a dialect's own INSERT.

The hot path reads several small facts in one statement (scalar subqueries), each fact a
single value; `json_row` packs one row into that value.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, String, Table, literal_column
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.sql.selectable import ScalarSelect


class json_row(FunctionElement[Any]):  # noqa: N801  (named like the SQL functions it stands for)
    """A JSON array of the given expressions: json_build_array / json_array."""

    type = JSON()
    inherit_cache = True
    name = "json_row"


@compiles(json_row, "postgresql")
def _json_row_postgresql(element: json_row, compiler: SQLCompiler, **kw: Any) -> str:
    """Render json_build_array(...) for PostgreSQL."""
    return f"json_build_array({compiler.process(element.clauses, **kw)})"


@compiles(json_row)
def _json_row_sqlite(element: json_row, compiler: SQLCompiler, **kw: Any) -> str:
    """Render json_array(...), SQLite's name (and the default)."""
    return f"json_array({compiler.process(element.clauses, **kw)})"


def dialect_insert(dialect_name: str, table: Table) -> Any:
    """Return the dialect's own INSERT of a table, the one that knows ON CONFLICT."""
    module = postgresql if dialect_name == "postgresql" else sqlite
    return module.insert(table)


class returned(FunctionElement[Any]):  # noqa: N801  (used like the SQL functions above)
    """A scalar subquery in a RETURNING clause, its column names qualified by their tables.

    SQLite's compiler writes RETURNING columns bare, and passes that on into subqueries,
    where a join's `id` or `active` would then be ambiguous.
    """

    inherit_cache = True
    name = "returned"

    def __init__(self, subquery: ScalarSelect[Any]) -> None:
        """Wrap the subquery, taking its type."""
        super().__init__(subquery)
        self.type = subquery.type


@compiles(returned)
def _returned(element: returned, compiler: SQLCompiler, **kw: Any) -> str:
    """Render the subquery with table-qualified names."""
    kw["include_table"] = True
    return str(compiler.process(element.clauses, **kw))


class folded_detail(FunctionElement[str]):  # noqa: N801  (used like the SQL functions above)
    """A JSON column's text at one key, in capitals and without spaces.

    Written with literals only, the same in a query as in the index that serves it: the
    planners use an expression index only for the very same expression, and PostgreSQL's
    generic plans know no parameter's value.
    """

    type = String()
    inherit_cache = True
    name = "folded_detail"

    def __init__(self, column: Any, key: str) -> None:
        """Read `key` (a plain word) of the JSON `column`."""
        if not key.isidentifier():
            raise ValueError(f"not a plain key: {key!r}")
        super().__init__(column, literal_column(key))


@compiles(folded_detail)
def _folded_detail_postgresql(element: folded_detail, compiler: SQLCompiler, **kw: Any) -> str:
    """Render upper(replace(column ->> 'key', ' ', '')), PostgreSQL's form (the default)."""
    column, key = element.clauses
    return f"upper(replace({compiler.process(column, **kw)} ->> '{key.name}', ' ', ''))"


@compiles(folded_detail, "sqlite")
def _folded_detail_sqlite(element: folded_detail, compiler: SQLCompiler, **kw: Any) -> str:
    """Render upper(replace(json_extract(column, '$.key'), ' ', '')), SQLite's form."""
    column, key = element.clauses
    return f"upper(replace(json_extract({compiler.process(column, **kw)}, '$.{key.name}'), " \
           "' ', ''))"
