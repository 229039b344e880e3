"""The read options: one typed, documented set used by the Python API and the command line alike.

Every option is a field of :class:`ReadOptions`; its metadata says which source kinds it applies
to and gives the help text of its ``--option`` on the command line (``miner.cli`` builds its
options from here). A misspelt option is an error that names it and suggests the close one; an
option that applies to none of the sources read is reported, never silently dropped.
"""
from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from miner.errors import ColumnError, InputError, UnknownOptionError

# Source kinds, in the order the CLI lists them (the readers are in connectors.registry.KINDS).
SOURCE_KINDS = ("csv", "excel", "xes", "parquet", "onec-journal", "onec-documents", "bank")
TABLES = ("csv", "excel")
ALL = SOURCE_KINDS
DOCS = ("onec-documents",)
JOURNAL = ("onec-journal",)
MAPPING_FIELDS = ("case", "activity", "timestamp", "resource", "role", "department", "client", "entered")
FILE_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xls", ".xlsm", ".xes", ".gz", ".parquet", ".lgf", ".lgp", ".lgd",
                 ".xml")

Column = str | Mapping[str, str] | None


def _opt(kinds: tuple[str, ...], help: str, **cli: Any) -> Any:
    return field(default=cli.pop("default", None), metadata={"kinds": kinds, "help": help, "cli": cli})


def _column(what: str) -> Any:
    return _opt(TABLES, f"Column with {what}. Several sources: --{{name}} FILE=COLUMN, repeatable.", multiple=True)


@dataclass(frozen=True)
class ReadOptions:
    """How to read the sources: the column mapping and the reading options.

    Column fields (``case`` ... ``entered``) take a column name for every tabular source, or a
    mapping ``{file name: column}`` (on the command line ``--case orders.csv=Номер``) when
    several sources are read at once and name things differently. Each field's metadata lists
    the source kinds it applies to (``ReadOptions.applies_to("sheet")``).

    Example:
        >>> ReadOptions.build(case="Номер", sheet="all").sheet
        'all'
        >>> ReadOptions.build(sheeet=3)  # doctest: +SKIP
        UnknownOptionError: unknown read option 'sheeet'; did you mean 'sheet'? ...
    """

    case: Column = _column("the case id (order, ticket, task, document number)")
    activity: Column = _column("the activity (event, operation, status, stage)")
    timestamp: Column = _column("the date and time of the event")
    resource: Column = _column("who did it")
    role: Column = _column("the person's role or position")
    department: Column = _column("the department")
    client: Column = _column("the client or counterparty (case:client)")
    entered: Column = _column("when the record was entered into the system (time:entered)")
    mapping: str | None = _opt(TABLES, "A YAML file of column names per source, e.g. 'shop_b.csv: {case: Код}'; "
                                       "the column options given beside it win.")
    encoding: str | None = _opt(("csv", "onec-documents", "bank"), "File encoding (utf-8, cp1251, ...); detected when omitted.")
    sep: str | None = _opt(("csv", "onec-documents"), "CSV separator (';', ',', 'tab'); detected when omitted.")
    date_format: str | None = _opt(TABLES, "strptime format of dates, e.g. '%d.%m.%Y %H:%M:%S'.")
    sheet: str | None = _opt(("excel", "onec-documents"),
                             "Excel sheet name or 1-based number, or 'all' for every sheet that reads as an event "
                             "table; by default the first such sheet and every sheet with its columns.")
    header_row: int | None = _opt(TABLES + DOCS, "1-based row that holds the column names (when guessing fails).",
                                  type=int)
    kind: str | None = _opt(ALL, "Force the source kind instead of detecting it from content.",
                            flag="--source", choice=SOURCE_KINDS)
    system: str | None = _opt(ALL, "Where these sources were recorded (source:system), e.g. 1C or Excel; "
                                   "by default the kind of file, and 1C for files named *1c*.")
    strict: bool = _opt(ALL, "Stop at the first bad row instead of rejecting it.", default=False, is_flag=True)
    tz: str | None = _opt(JOURNAL, "1C journal: the infobase's time zone; 1Cv8.lgd stores UTC (default Europe/Moscow).")
    case_notion: str | None = _opt(JOURNAL, "1C journal: one case per document/object (default), per session, "
                                            "or per user and day.", choice=("object", "session", "user_day"))
    include_rolled_back: bool | None = _opt(JOURNAL, "1C journal: keep data changes of rolled-back transactions "
                                                     "(flagged) instead of excluding them.", is_flag=True)
    date_from: str | None = _opt(JOURNAL, "1C journal: keep records from this date on (31.01.2024 or 2024-01-31, a "
                                          "time may follow); the rest is counted as excluded.", flag="--from")
    date_to: str | None = _opt(JOURNAL, "1C journal: keep records up to this date (a date alone includes the whole "
                                        "day).", flag="--to")
    events: str | Sequence[str] | None = _opt(JOURNAL, "1C journal: keep these event kinds only (repeat or "
                                                       "comma-separate): data, documents, _$Data$_.Post, "
                                                       "'Данные. Проведение', Документ.ЗаказКлиента.", multiple=True)
    root_kind: str | None = _opt(DOCS, "1C document lists: the document kind that starts a case, e.g. "
                                       "'Заказ клиента' (default: Заказ клиента and Заказ поставщику).")
    keep_unlinked: bool | None = _opt(DOCS, "1C document lists: keep documents linked to no order (advance "
                                            "payments, ...) as cases of their own instead of excluding them.",
                                      is_flag=True)

    def __post_init__(self) -> None:
        """Check the values whose type or choices are fixed (the CLI checks them too, Python callers not)."""
        if self.header_row is not None and (isinstance(self.header_row, bool) or not isinstance(self.header_row, int)
                                            or self.header_row < 1):
            raise InputError(f"header_row must be a row number from 1 (as the spreadsheet shows it), "
                             f"not {self.header_row!r}")
        for name in ("kind", "case_notion"):
            value, choices = getattr(self, name), _field(name).metadata["cli"]["choice"]
            if value is not None and value not in choices:
                raise InputError(f"{name}={value!r} is not one of: {', '.join(choices)}")

    @classmethod
    def names(cls) -> tuple[str, ...]:
        """Every option name, in the order the CLI shows them."""
        return tuple(f.name for f in fields(cls))

    @classmethod
    def applies_to(cls, name: str) -> tuple[str, ...]:
        """The source kinds option ``name`` applies to."""
        return tuple(_field(name).metadata["kinds"])

    @classmethod
    def build(cls, options: "ReadOptions | None" = None, **keywords: Any) -> "ReadOptions":
        """Return the options given as keywords (on top of ``options``); misspelt names are refused.

        Raises:
            UnknownOptionError: a keyword is no read option; the message suggests the close one.
        """
        known = cls.names()
        for name in keywords:
            if name not in known:
                raise UnknownOptionError(_unknown(name, known))
        given: dict[str, Any] = {k: _column_value(v) if k in MAPPING_FIELDS else v for k, v in keywords.items()}
        return replace(options or cls(), **given)

    def given(self) -> dict[str, Any]:
        """The options that differ from their defaults."""
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) != f.default}

    def for_kind(self, kind: str) -> dict[str, Any]:
        """Keywords for the reader of ``kind``: the options given that apply to it."""
        return {k: v for k, v in self.given().items()
                if kind in self.applies_to(k) and k not in ("kind", "system")}

    def unused(self, kinds: set[str]) -> list[str]:
        """Names of the options given that apply to none of ``kinds``."""
        return [k for k in self.given() if not kinds & set(self.applies_to(k))]

    def per_file(self, paths: Sequence[Path]) -> dict[Path, "ReadOptions"]:
        """Resolve ``FILE=COLUMN`` mappings: the options for each of ``paths`` with plain column names.

        Raises:
            ColumnError: a mapping names a file that is not among ``paths``.
        """
        base = self if self.mapping is None else _with_file(self, paths)
        out = {p: replace(base, mapping=None) for p in paths}
        for name in MAPPING_FIELDS:
            value = getattr(base, name)
            if not isinstance(value, Mapping):
                continue
            for path in paths:
                column = _lookup(value, path)
                changed: dict[str, Any] = {name: column}
                out[path] = replace(out[path], **changed)
            unknown = [k for k in value if k != "*" and not any(_names_file(k, p) for p in paths)]
            if unknown:
                listed = ", ".join(p.name for p in paths)
                raise ColumnError(f'--{name} "{unknown[0]}={value[unknown[0]]}": no source named "{unknown[0]}" '
                                  f"among {listed}. Write the file name as given, e.g. --{name} {paths[0].name}=COLUMN.")
        return out

    @staticmethod
    def flag(name: str) -> str:
        """The command-line spelling of option ``name`` (``date_format`` → ``--date-format``)."""
        return _field(name).metadata["cli"].get("flag") or "--" + name.replace("_", "-")


def _with_file(options: ReadOptions, paths: Sequence[Path]) -> ReadOptions:
    """Merge the mapping file into the column options (a column option given directly wins).

    Raises:
        InputError: the file cannot be read, is not YAML of ``file: {field: column}``, or names an
            unknown field.
    """
    import yaml

    path = Path(str(options.mapping))
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(f"{path.name}: cannot read the mapping file ({exc}).") from exc
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise InputError(f"{path.name}: a mapping file lists sources, each with its columns, e.g. "
                         "'orders.csv: {case: Номер, activity: Событие}'.")
    per_field: dict[str, dict[str, str]] = {}
    for file, columns in data.items():
        for name, column in columns.items():
            if name not in MAPPING_FIELDS:
                raise InputError(f"{path.name}, {file}: unknown field '{name}'; use {', '.join(MAPPING_FIELDS)}.")
            per_field.setdefault(name, {})[str(file)] = str(column)
    changed: dict[str, Any] = {}
    for name, by_file in per_field.items():
        given = getattr(options, name)
        if isinstance(given, str):
            continue
        changed[name] = {**by_file, **(dict(given) if isinstance(given, Mapping) else {})}
    return replace(options, **changed)


def _field(name: str) -> Any:
    for f in fields(ReadOptions):
        if f.name == name:
            return f
    raise UnknownOptionError(_unknown(name, ReadOptions.names()))


def _unknown(name: str, known: Sequence[str]) -> str:
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    hint = f"did you mean '{close[0]}'? " if close else ""
    return f"unknown read option '{name}'; {hint}the read options are: {', '.join(known)}."


def _column_value(value: Any) -> Column:
    """A column option as given: a name, ``{file: column}``, or (CLI) a list of NAME / FILE=NAME."""
    if value is None or isinstance(value, (str, Mapping)):
        if isinstance(value, str) and "=" in value and _looks_like_file(value.split("=", 1)[0]):
            file, column = value.split("=", 1)
            return {file.strip(): column.strip()}
        return value
    items = [str(v) for v in value]
    if not items:
        return None
    if len(items) == 1:
        return _column_value(items[0])
    out: dict[str, str] = {}
    for item in items:
        file, column = item.split("=", 1) if "=" in item and _looks_like_file(item.split("=", 1)[0]) else ("*", item)
        out[file.strip()] = column.strip()
    return out


def _looks_like_file(text: str) -> bool:
    return Path(text.strip()).suffix.lower() in FILE_SUFFIXES


def _names_file(key: str, path: Path) -> bool:
    key = key.strip()
    return key in (path.name, str(path), path.stem) or Path(key).name == path.name


def _lookup(mapping: Mapping[str, str], path: Path) -> str | None:
    for key, column in mapping.items():
        if key != "*" and _names_file(key, path):
            return column
    return mapping.get("*")
