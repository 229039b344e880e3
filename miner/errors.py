"""Exceptions raised by miner and its connectors.

Every error a user can cause is a :class:`MinerError`; its message names the file, the row or
cell and the column, and says what to do. The CLI prints it as one ``Error: ...`` line and exits 1.
"""
from __future__ import annotations


class MinerError(Exception):
    """Root of every error miner raises on purpose."""


class InputError(MinerError):
    """An input file cannot be read as asked (bad encoding, format, columns, values)."""


class EncodingError(InputError):
    """The file's bytes do not decode in the detected or requested encoding."""


class FormatError(InputError):
    """The file is not what its extension or the requested source kind says, or is corrupt."""


class EmptySourceError(InputError):
    """The file holds no data rows."""


class ColumnError(InputError):
    """A required column is missing, ambiguous, or named wrongly on the command line."""


class ValueProblemError(InputError):
    """Rows hold values that cannot be read (raised in strict mode, or when nothing is usable)."""


class DeclaredProcessError(InputError):
    """The declared-process description is malformed or inconsistent."""


class UnknownOptionError(MinerError, TypeError):
    """A read option is misspelt or unknown (``miner.stats("x.csv", sheeet=3)``); the message suggests the close one."""


class DeclaredStepError(DeclaredProcessError):
    """A declared step does not occur in the data while a close name does (a typo)."""


class UnsafeFileError(InputError):
    """The file looks hostile (XML bomb, zip bomb, encrypted container) and is refused."""


class OutputError(MinerError):
    """An output file or folder cannot be written (a file in the way, no permission, no such place)."""


def located(file: str, message: str, *, row: int | None = None, column: str | None = None,
            cell: str | None = None, sheet: str | None = None) -> str:
    """Return ``message`` prefixed with where it happened, in the user's terms.

    >>> located("orders.csv", "is not a date.", row=14, column="Дата")
    'orders.csv, строка 14 (столбец "Дата"): is not a date.'
    """
    where = [file]
    if sheet is not None:
        where.append(f'лист "{sheet}"')
    if cell is not None:
        where.append(f"ячейка {cell}" + (f' (столбец "{column}")' if column else ""))
    elif row is not None:
        where.append(f"строка {row}" + (f' (столбец "{column}")' if column else ""))
    elif column is not None:
        where.append(f'столбец "{column}"')
    return ", ".join(where) + ": " + message
