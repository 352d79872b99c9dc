"""Writing rows in one statement each, where the ORM would take more: many rows at once for
work done in batches, and an insert that a unique index may refuse without an error.

Django's ``bulk_update`` builds one ``CASE WHEN id = … THEN …`` expression per field and row;
for a batch of a few hundred rows building it costs more CPU than the database spends on the
update (measured on the payment webhook batches: 3.5 of 4.6 s). ``update_rows`` sends one
parameterised ``UPDATE … WHERE id = %s`` for all rows with ``executemany`` instead: the
statement is built once, and psycopg pipelines the rows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, cast

from django.db import connections, models, router


def update_rows(objects: Sequence[models.Model], field_names: Sequence[str]) -> None:
    """Write ``field_names`` of each object (all of one model, already saved) by primary key.

    Like ``bulk_update``: no signals, no ``auto_now``; values go through each field's
    ``get_db_prep_save`` as in ``save()``."""
    if not objects:
        return
    model = type(objects[0])
    connection = connections[router.db_for_write(model)]
    opts = model._meta
    qn = connection.ops.quote_name
    fields = [cast(models.Field[Any, Any], opts.get_field(name)) for name in field_names]
    assignments = ", ".join(f"{qn(field.column)} = %s" for field in fields)
    # The SQL is built from quoted column names only; values are parameters.
    sql = f"UPDATE {qn(opts.db_table)} SET {assignments} WHERE {qn(opts.pk.column)} = %s"  # noqa: S608
    rows = [
        [field.get_db_prep_save(getattr(obj, field.attname), connection) for field in fields]
        + [obj.pk]
        for obj in objects
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def insert_unless_present(
    model: type[models.Model], values: Mapping[str, Any], *, unique: Sequence[str]
) -> bool:
    """INSERT one row of ``model`` (``values`` by field name) unless a row with the same
    ``unique`` fields exists; True when it was inserted.

    One statement (``INSERT … ON CONFLICT (…) DO NOTHING RETURNING``, PostgreSQL and SQLite
    3.35+): two requests inserting the same row at once are settled by the unique index, not
    by a lock, an extra read, or an IntegrityError that would spoil the caller's
    transaction. ``unique`` must match a unique constraint exactly."""
    connection = connections[router.db_for_write(model)]
    opts = model._meta
    qn = connection.ops.quote_name
    fields = [cast(models.Field[Any, Any], opts.get_field(name)) for name in values]
    params = [
        field.get_db_prep_save(value, connection)
        for field, value in zip(fields, values.values(), strict=True)
    ]
    conflict = ", ".join(
        qn(cast(models.Field[Any, Any], opts.get_field(name)).column) for name in unique
    )
    # The SQL is built from quoted column names only; values are parameters.
    sql = (
        f"INSERT INTO {qn(opts.db_table)} ({', '.join(qn(f.column) for f in fields)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(fields))}) "
        f"ON CONFLICT ({conflict}) DO NOTHING RETURNING {qn(opts.pk.column)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone() is not None
