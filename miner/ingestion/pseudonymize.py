"""Replace employee and client names with stable codes before anything is computed.

The report goes to people outside the company; with ``--pseudonymize`` it must not name the
employees. Names are replaced in the log itself (``org:resource`` and every other text column,
case ids included: a 1C journal read by user makes cases like «Иванова М. С. 12.01.2026»), so the
maps, charts, JSON, CSV and DOCX made from it are clean by construction.

Codes are given in the sorted order of the names: «Сотрудник 01», «Сотрудник 02», ... (``lang="en"``:
«Employee 01»); clients «Клиент 001». The same input gives the same codes on every run.

Inside free text (comments, ``described_by`` of a declared process) a person is found by the full
name, by the surname with initials in either order («Кузнецов О. В.», «О.В. Кузнецов») and by the
surname alone in any case ending («Кузнецову», «Соколовой»).
"""
from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path


import numpy as np
import pandas as pd

from miner.eventlog import RESOURCE
from miner.language import Lang


CLIENT_HEADERS = ("клиент", "контрагент", "покупатель", "партнер", "партнёр", "заказчик", "client",
                  "customer", "counterparty")
PERSON_HEADERS = ("ответственный", "автор", "менеджер", "исполнитель", "сотрудник", "кладовщик", "пользователь",
                  "user", "author", "manager", "employee", "owner")
_PREFIX = {"ru": ("Сотрудник", "Клиент"), "en": ("Employee", "Client")}
_INITIAL = re.compile(r"^[A-ZА-ЯЁ]\.$")
_WORD = re.compile(r"[A-Za-zА-Яа-яЁё][A-Za-zА-Яа-яЁё'-]*\.?")
_TRAILING_INITIALS = r"(?:\s[A-ZА-ЯЁ]\.\s?(?:[A-ZА-ЯЁ]\.)?)?"
MIN_SURNAME = 4  # shorter surnames are too likely to be parts of ordinary words
_ENDINGS = r"(?:а|у|е|ым|ом|ой|ою|ую|ых|ыми|им|ими|ого|ому|ая|ий|ей|ев|ов|и|ы|s)?"


@dataclass(frozen=True)
class Pseudonyms:
    """Real name -> code for employees and clients, and a scrubber for free text.

    Example:
        >>> p = Pseudonyms({"Кузнецов Олег Викторович": "Сотрудник 01"})
        >>> p.scrub("согласовал Кузнецов О. В., потом Кузнецову позвонили")
        'согласовал Сотрудник 01, потом Сотрудник 01 позвонили'
    """

    employees: Mapping[str, str] = field(default_factory=dict)
    clients: Mapping[str, str] = field(default_factory=dict)

    @property
    def names(self) -> tuple[str, ...]:
        """Every real name replaced (employees, then clients)."""
        return tuple(self.employees) + tuple(self.clients)

    @cached_property
    def _pattern(self) -> tuple[re.Pattern[str] | None, dict[str, str]]:
        forms: dict[str, str] = {}
        for name, code in self.clients.items():
            for form in _client_forms(name):
                forms.setdefault(form, code)
        for name, code in self.employees.items():
            for form in _person_forms(name):
                forms.setdefault(form, code)
        if not forms:
            return None, {}
        alternatives = []
        for form in sorted(forms, key=len, reverse=True):
            if form.startswith("\x00"):  # a surname stem: any case ending, whole word, initials after it
                alternatives.append(re.escape(form[1:]) + _ENDINGS + r"(?![\wЁё])" + _TRAILING_INITIALS)
            else:
                alternatives.append(re.escape(form) + (r"(?![\wЁё])" if form[-1].isalnum() else ""))
        lookup = {k.lstrip("\x00"): v for k, v in forms.items()}
        return re.compile(r"(?<![\wЁё])(?:" + "|".join(alternatives) + ")"), lookup

    def scrub(self, text: str) -> str:
        """Return ``text`` with every form of every known name replaced by its code."""
        pattern, lookup = self._pattern
        if pattern is None or not isinstance(text, str) or not text:
            return text
        return pattern.sub(lambda m: self._code_of(m.group(0), lookup), text)

    @staticmethod
    def _code_of(found: str, lookup: dict[str, str]) -> str:
        found = re.sub(_TRAILING_INITIALS + "$", "", found) or found
        for cut in range(4):  # a surname stem matched with a case ending of up to three letters
            code = lookup.get(found[: len(found) - cut])
            if code is not None:
                return code
        return found

    def scrub_column(self, column: pd.Series) -> pd.Series:
        """Return a text column with names replaced, scrubbing each distinct value once."""
        if isinstance(column.dtype, pd.CategoricalDtype):
            column = column.astype("str")
        codes, uniques = pd.factorize(column)
        if not len(uniques):
            return column.copy()
        replaced = np.array([self.scrub(str(u)) for u in uniques], dtype=object)
        values = np.where(codes >= 0, replaced[np.maximum(codes, 0)], None)
        return pd.Series(values, index=column.index, name=column.name, dtype=column.dtype
                         if pd.api.types.is_string_dtype(column.dtype) else "str")


def _person_forms(name: str) -> list[str]:
    """Return the ways a person's name is written: full, surname + initials, the surname stem."""
    name = " ".join(name.split())
    forms = [name]
    words = name.replace(".", ". ").split()
    words = [w for w in words if w]
    full = [w for w in words if not _INITIAL.match(w)]
    initials = [w[0] + "." for w in words if _INITIAL.match(w)]
    surname = full[0] if full else None
    if len(full) >= 2 and not initials:
        initials = [w[0] + "." for w in full[1:3]]
        forms.append(" ".join(full[:2]))                                # Фамилия Имя
        forms.append(" ".join(full[1:2] + full[:1]))                    # Имя Фамилия
        forms.append(" ".join(full[1:3] + full[:1]))                    # Имя Отчество Фамилия
    if surname and initials:
        spaced, tight = " ".join(initials), "".join(initials)
        forms += [f"{surname} {spaced}", f"{surname} {tight}", f"{spaced} {surname}", f"{tight} {surname}"]
    if surname and len(surname) >= MIN_SURNAME and surname[0].isupper():
        forms.append("\x00" + _stem(surname))
    return list(dict.fromkeys(f for f in forms if f.strip()))


def _stem(surname: str) -> str:
    """Cut the ending that declension changes: Соколова -> Соколов, Лебедева -> Лебедев."""
    for ending in ("ская", "цкая", "ий", "ой", "ый", "ая", "а", "я"):
        if surname.endswith(ending) and len(surname) - len(ending) >= MIN_SURNAME:
            return surname[: -len(ending)]
    return surname


def _client_forms(name: str) -> list[str]:
    """Return the full client name and the part in quotes («Торговый дом Восток»)."""
    forms = [" ".join(name.split())]
    inner = re.findall(r'["«“]([^"»”]{4,})["»”]', name)
    forms += [i.strip() for i in inner if len(i.strip()) >= MIN_SURNAME]
    return [f for f in forms if f]


def make_codes(names: Iterable[str], prefix: str, width: int) -> dict[str, str]:
    """Give each distinct non-empty name a code ``prefix NN`` in sorted order.

    Example:
        >>> make_codes(["Петров", "Иванов", "Петров"], "Сотрудник", 2)
        {'Иванов': 'Сотрудник 01', 'Петров': 'Сотрудник 02'}
    """
    distinct = sorted({str(n).strip() for n in names if isinstance(n, str) and str(n).strip()})
    width = max(width, len(str(len(distinct))))
    return {n: f"{prefix} {i:0{width}d}" for i, n in enumerate(distinct, 1)}


def find_column(log: pd.DataFrame, headers: Iterable[str]) -> str | None:
    """Return the first non-canonical column whose header is one of ``headers`` (case-folded).

    A header matches when it equals a synonym or starts with it followed by a space or
    punctuation («Клиент (покупатель)», «Номенклатура, артикул»).
    """
    wanted = [h.casefold() for h in headers]
    for col in log.columns:
        if ":" in str(col):
            continue
        text = str(col).strip().casefold().replace("ё", "е")
        for h in wanted:
            h = h.replace("ё", "е")
            if text == h or (text.startswith(h) and not text[len(h)].isalnum()):
                return str(col)
    return None


def person_columns(log: pd.DataFrame) -> list[str]:
    """Return the columns that hold people: ``org:resource``, who entered a 1C document, «Автор», «Менеджер»...

    Example:
        >>> person_columns(pd.DataFrame(columns=["org:resource", "onec:entered_by", "Менеджер", "Клиент"]))
        ['org:resource', 'onec:entered_by', 'Менеджер']
    """
    found = []
    for col in log.columns:
        name = str(col).casefold()
        if col == RESOURCE or name.endswith(("entered_by", ":user", "_by")) or \
                find_column(pd.DataFrame(columns=[col]), PERSON_HEADERS) is not None:
            found.append(str(col))
    return found


def pseudonymize_log(log: pd.DataFrame, *, employees: bool = True, clients: bool = False,
                     lang: Lang = "ru", client_column: str | None = None) -> tuple[pd.DataFrame, Pseudonyms]:
    """Return a copy of ``log`` with employee (and client) names replaced by stable codes.

    Employees are the values of ``org:resource`` and of other columns that hold people
    (:func:`person_columns`); clients those of ``client_column`` (found by its header,
    «Клиент»/«Контрагент»/«Покупатель»/..., when None). Every text column is
    scrubbed: the name columns get the codes, free text has each form of each name replaced.

    Args:
        log: a canonical log (not modified).
        employees: replace employee names.
        clients: replace client names.
        lang: language of the codes («Сотрудник 01» or «Employee 01»).
        client_column: the column with client names.

    Returns:
        ``(log, pseudonyms)``; ``pseudonyms.scrub`` cleans other texts (a declared process's
        ``described_by``, the ingest report's examples).

    Example:
        >>> clean, p = pseudonymize_log(log, clients=True)  # doctest: +SKIP
        >>> clean["org:resource"].iloc[0]  # doctest: +SKIP
        'Сотрудник 07'
    """
    person, client = _PREFIX[lang]
    staff_columns = person_columns(log) if employees else []
    names = set().union(*(log[c].dropna().astype(str).unique() for c in staff_columns)) if staff_columns else set()
    people = make_codes(names, person, 2)
    column = client_column or (find_column(log, CLIENT_HEADERS) if clients else None)
    firms = make_codes(log[column].dropna().unique(), client, 3) if clients and column in log else {}
    pseudonyms = Pseudonyms(people, firms)
    if not people and not firms:
        return log.copy(), pseudonyms
    out = log.copy()
    for col in out.columns:
        series = out[col]
        if not (pd.api.types.is_string_dtype(series.dtype) or isinstance(series.dtype, pd.CategoricalDtype)):
            continue
        if col in staff_columns:
            out[col] = _exact(series, people, pseudonyms)
        elif col == column:
            out[col] = _exact(series, firms, pseudonyms)
        else:
            out[col] = pseudonyms.scrub_column(series)
    return out, pseudonyms


def _exact(series: pd.Series, codes: Mapping[str, str], pseudonyms: Pseudonyms) -> pd.Series:
    """Map a name column to codes (values outside ``codes`` are scrubbed as free text)."""
    mapped = series.astype("str").str.strip().map(codes).astype(object)
    todo = mapped.isna() & series.notna()
    if todo.any():
        mapped[todo] = pseudonyms.scrub_column(series[todo]).astype(object)
    return mapped.astype("str")


TEXT_SUFFIXES = frozenset({".html", ".htm", ".svg", ".json", ".csv", ".gv", ".md", ".txt", ".bpmn", ".pnml",
                           ".xml", ".yaml", ".yml", ".tsv"})
ZIP_SUFFIXES = frozenset({".docx", ".xlsx", ".pptx"})


def find_names(folder: str | Path, names: Iterable[str], *,
               files: Iterable[str | Path] | None = None) -> list[tuple[Path, str]]:
    """Return ``(file, name)`` for every real name found in a file under ``folder`` (or in ``files``).

    Searches text files (HTML, SVG, JSON, CSV, DOT, Markdown, BPMN, ...) and the XML inside DOCX
    and XLSX, for each full name and each surname, as written and XML-escaped. PNG pictures cannot
    be searched; their SVG twins are.

    Example:
        >>> find_names("out", ["Кузнецов Олег Викторович"])  # doctest: +SKIP
        []
    """
    wanted: dict[str, str] = {}
    for name in names:
        forms = [name] + [f for f in _person_forms(name)[1:] if not f.startswith("\x00")]
        words = name.split()
        if len(words) >= 2 and len(words[0]) >= MIN_SURNAME and not _INITIAL.match(words[0]):
            forms.append(words[0])
        for form in forms:
            for variant in (form, html.escape(form), html.escape(form, quote=False)):
                wanted.setdefault(variant, name)
    found: list[tuple[Path, str]] = []
    paths = sorted(Path(folder).rglob("*")) if files is None else sorted({Path(f) for f in files})
    for path in paths:
        if not path.is_file():
            continue
        for content in _contents(path):
            hits = {wanted[v] for v in wanted if v in content}
            found += [(path, n) for n in sorted(hits) if (path, n) not in found]
    return found


def _contents(path: Path) -> list[str]:
    """Return the searchable texts of a file: itself, or the XML members of a DOCX/XLSX."""
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        return [path.read_text(encoding="utf-8-sig", errors="replace")]
    if suffix in ZIP_SUFFIXES:
        import zipfile

        with zipfile.ZipFile(path) as archive:
            return [archive.read(member).decode("utf-8", errors="replace") for member in archive.namelist()
                    if member.endswith((".xml", ".rels"))]
    return []
