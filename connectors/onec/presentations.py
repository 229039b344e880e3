"""Document kinds of УТ/КА/ERP/БП, their synonyms, and document presentations as 1C prints them.

A presentation is ``<вид> <номер> от дд.мм.гггг[ Ч:мм[:сс]]`` (ONEC_FORMATS.md §2.3): the hour is
not zero-padded and the kind may hold spaces, commas and parentheses, so it is parsed from the
right. A document is identified by (kind, number, date) because numbers restart yearly or per prefix.
"""
from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class DocumentKind:
    """One document kind: metadata name, the name shown to users, other names, and its process role."""

    metadata: str
    title: str
    aliases: tuple[str, ...]
    role: str  # order, invoice, shipment, payment, return, purchase_order, receipt, other


KINDS: tuple[DocumentKind, ...] = (
    DocumentKind("ЗаказКлиента", "Заказ клиента", ("Заказы клиентов", "Заказ покупателя", "Заказы покупателей"), "order"),
    DocumentKind("СчетНаОплатуКлиенту", "Счет на оплату клиенту",
                 ("Счет на оплату", "Счета на оплату клиентам", "Счет покупателю", "Счета покупателям",
                  "Счет на оплату покупателю", "СчетНаОплатуПокупателю"), "invoice"),
    DocumentKind("РеализацияТоваровУслуг", "Реализация товаров и услуг",
                 ("Реализация (акт, накладная, УПД)", "Реализация (акт, накладная)", "Реализация (акты, накладные, УПД)",
                  "Реализации товаров и услуг", "Реализация товаров", "Документы реализации"), "shipment"),
    DocumentKind("ПоступлениеБезналичныхДенежныхСредств", "Поступление безналичных ДС",
                 ("Поступление безналичных денежных средств", "Поступления безналичных ДС",
                  "Поступление на расчетный счет", "Поступления на расчетный счет", "ПоступлениеНаРасчетныйСчет"),
                 "payment"),
    DocumentKind("ВозвратТоваровОтКлиента", "Возврат товаров от клиента",
                 ("Возвраты товаров от клиентов", "Возврат товаров от покупателя", "Возвраты товаров от покупателей",
                  "ВозвратТоваровОтПокупателя"), "return"),
    DocumentKind("ЗаказПоставщику", "Заказ поставщику", ("Заказы поставщикам",), "purchase_order"),
    DocumentKind("ПриобретениеТоваровУслуг", "Приобретение товаров и услуг",
                 ("Приобретения товаров и услуг", "Поступление (акт, накладная, УПД)", "Поступление (акт, накладная)",
                  "Поступление (акты, накладные, УПД)", "Поступление товаров и услуг", "ПоступлениеТоваровУслуг"),
                 "receipt"),
    DocumentKind("СборкаТоваров", "Сборка (разборка) товаров", ("Сборки (разборки) товаров",), "other"),
)

_PRESENTATION = re.compile(
    r"^\s*(?P<kind>.+?)\s+(?:№\s*)?(?P<number>\S+)\s+от\s+(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})"
    r"(?:\s+(?P<time>(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?))?\s*$")


def _key(name: str) -> str:
    return re.sub(r"[\s_]+", " ", str(name).replace("ё", "е").replace("Ё", "Е")).strip().casefold()


_BY_NAME: dict[str, DocumentKind] = {}
for _kind in KINDS:
    for _name in (_kind.metadata, _kind.title, *_kind.aliases):
        _BY_NAME[_key(_name)] = _kind


def find_kind(name: str) -> DocumentKind | None:
    """Return the known document kind called ``name`` (title, alias or metadata name), or None.

    >>> find_kind("Реализация (акт, накладная, УПД)").metadata
    'РеализацияТоваровУслуг'
    """
    if not name:
        return None
    key = _key(name)
    if key.startswith("документ."):
        key = key[len("документ."):]
    return _BY_NAME.get(key)


def kind_metadata(name: str) -> str | None:
    """Return the metadata name (``ЗаказКлиента``) of the known document kind ``name``, or None."""
    kind = find_kind(name)
    return kind.metadata if kind is not None else None


def kind_title(name: str) -> str | None:
    """Return the title («Заказ клиента») of the known document kind ``name``, or None."""
    kind = find_kind(name)
    return kind.title if kind is not None else None


def split_camel(name: str) -> str:
    """Turn a metadata name into words: ``ЗаказКлиента`` → ``Заказ клиента``."""
    words = re.findall(r"[А-ЯЁA-Z][а-яёa-z0-9]*|[а-яёa-z0-9]+", name)
    if not words:
        return name
    return " ".join([words[0]] + [w.lower() if not w.isupper() else w for w in words[1:]])


def title_of_metadata(metadata: str) -> str:
    """Return the user-facing name for a metadata object (``Документ.ЗаказКлиента`` → ``Заказ клиента``)."""
    short = metadata.split(".", 1)[1] if "." in metadata else metadata
    kind = find_kind(short)
    return kind.title if kind else split_camel(short)


@dataclass(frozen=True)
class Presentation:
    """A parsed document presentation."""

    kind: str
    number: str
    date: datetime
    has_time: bool


def parse_presentation(text: str) -> Presentation | None:
    """Parse «<вид> <номер> от дд.мм.гггг[ Ч:мм:сс]»; only the first line of a multi-line cell counts.

    >>> p = parse_presentation("Реализация (акт, накладная, УПД) 00БП-000001 от 10.01.2023 8:47:11")
    >>> (p.kind, p.number, p.date.isoformat())
    ('Реализация (акт, накладная, УПД)', '00БП-000001', '2023-01-10T08:47:11')
    """
    if not isinstance(text, str) or " от " not in text:
        return None
    m = _PRESENTATION.match(text.split("\n", 1)[0])
    if m is None:
        return None
    try:  # datetime() rejects 31.02 and 24:00 itself; strptime would be 10x slower here
        date = datetime(int(m["y"]), int(m["m"]), int(m["d"]), int(m["H"] or 0), int(m["M"] or 0), int(m["S"] or 0))
    except ValueError:
        return None
    return Presentation(m["kind"], m["number"], date, bool(m["time"]))


def parse_presentations_arrow(texts: Any) -> tuple[Any, Any, np.ndarray]:
    """Parse a pyarrow string array of presentations in C: (kind, number) arrays with nulls, dates.

    Only the first line of a cell counts; impossible dates (31.02, 25:00) are not presentations.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    if len(texts) == 0:
        empty = pa.array([], pa.string())
        return empty, empty, np.zeros(0, "datetime64[s]")
    if pc.any(pc.match_substring(texts, "\n")).as_py():
        texts = pc.list_element(pc.split_pattern(texts, pattern="\n", max_splits=1), 0)
    found = pc.extract_regex(texts, pattern=_PRESENTATION.pattern)
    matched = pc.is_valid(found).to_numpy(zero_copy_only=False)

    def number(name: str) -> np.ndarray:
        field = found.field(name)
        return pc.if_else(pc.equal(field, ""), "0", field).cast(pa.int64()).fill_null(1).to_numpy(zero_copy_only=False)

    y, m, d = number("y"), number("m"), number("d")
    hh, mm, ss = number("H"), number("M"), number("S")
    ok = matched & (m >= 1) & (m <= 12) & (d >= 1) & (d <= 31) & (hh < 24) & (mm < 60) & (ss < 60)
    y, m, d = np.where(ok, y, 1970), np.where(ok, m, 1), np.where(ok, d, 1)
    month = (y - 1970).astype("datetime64[Y]").astype("datetime64[M]") + (m - 1).astype("timedelta64[M]")
    day = month.astype("datetime64[D]") + (d - 1).astype("timedelta64[D]")
    ok &= day.astype("datetime64[M]") == month  # 31.02 rolls into March: not a date
    seconds = day.astype("datetime64[s]") + (hh * 3600 + mm * 60 + ss).astype("timedelta64[s]")
    dates = np.where(ok, seconds, np.datetime64("NaT", "s"))
    valid = pa.array(ok)
    empty = pa.scalar(None, pa.string())
    return pc.if_else(valid, found.field("kind"), empty), pc.if_else(valid, found.field("number"), empty), dates


def parse_presentations(values: list[str] | pd.Series) -> pd.DataFrame:
    """Parse many presentations at once (in C, via pyarrow); returns columns kind, number, date.

    Rows that are not presentations get missing values. Only the first line of a cell counts.

    >>> parse_presentations(["Заказ клиента 0000-000005 от 20.02.2024 12:12:12", "итого"])["number"].tolist()
    ['0000-000005', None]
    """
    import pyarrow as pa

    texts = pa.array(list(values), type=pa.string(), from_pandas=True)
    kind, number, dates = parse_presentations_arrow(texts)
    index = values.index if isinstance(values, pd.Series) else pd.RangeIndex(len(texts))
    return pd.DataFrame({"kind": pd.Series(kind.to_pylist(), dtype=object, index=index),
                         "number": pd.Series(number.to_pylist(), dtype=object, index=index),
                         "date": pd.Series(dates.astype("datetime64[ns]"), index=index)})


def ref_to_guid(ref: str) -> str | None:
    """Convert a journal reference ``49:8c82...`` (1C byte order) into the object's GUID.

    >>> ref_to_guid("49:8c8214109fd4d3af11eb518292a423f8")
    '92a423f8-5182-11eb-8c82-14109fd4d3af'
    """
    h = ref.rsplit(":", 1)[-1].strip().lower()
    if len(h) != 32 or not re.fullmatch(r"[0-9a-f]{32}", h):
        return None
    return f"{h[24:32]}-{h[20:24]}-{h[16:20]}-{h[0:4]}-{h[4:16]}"


_GREGORIAN_OFFSET = timedelta(seconds=0x01B21DD213814000 // 10_000_000)


def guid_created(guid: str) -> datetime | None:
    """Return the UTC creation time hidden in a version-1 GUID (platform-made refs), else None.

    >>> guid_created("b3e36b6d-1d6f-11e9-80f5-2c44fd838fa1").isoformat(timespec="seconds")
    '2019-01-21T11:28:40'
    """
    try:
        u = uuid.UUID(str(guid).strip("{} "))
    except ValueError:
        return None
    if u.version != 1:
        return None
    return datetime(1970, 1, 1) + timedelta(microseconds=u.time // 10) - _GREGORIAN_OFFSET
