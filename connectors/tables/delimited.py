"""CSV and TXT tables: 1C «Сохранить как» text, CSV re-saved from Russian Excel, any event CSV."""
from __future__ import annotations

from pathlib import Path

from connectors.tables.layout import read_text_table
from connectors.tables.events import table_to_events
from miner.rejects import SourceRead


def read_delimited(path: str | Path, *, encoding: str | None = None, sep: str | None = None,
                   case: str | None = None, activity: str | None = None, timestamp: str | None = None,
                   resource: str | None = None, role: str | None = None, department: str | None = None,
                   client: str | None = None, entered: str | None = None, header_row: int | None = None,
                   date_format: str | None = None, strict: bool = False) -> SourceRead:
    """Read a delimited text file into events.

    Example:
        >>> read_delimited("orders.csv").info.columns  # doctest: +SKIP
        {'case': 'Номер заказа', 'activity': 'Событие', 'timestamp': 'Дата'}
    """
    table = read_text_table(Path(path), encoding=encoding, sep=sep, header_row=header_row)
    return table_to_events(table, kind="csv", system="CSV", case=case, activity=activity, timestamp=timestamp,
                           resource=resource, role=role, department=department, client=client, entered=entered,
                           date_format=date_format, strict=strict)
