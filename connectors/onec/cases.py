"""Case ids, activities and document attributes of journal events, computed on categorical codes.

A big journal has millions of records but few distinct users, events and metadata, and one
distinct presentation per document. Everything here works on the codes of categoricals whose
labels stay in pyarrow arrays, so no Python string is made per record or per document.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np
import pandas as pd

from connectors.onec.presentations import find_kind, kind_metadata, parse_presentations_arrow, title_of_metadata

OBJECT_VERBS = {"_$Data$_.New": "создан", "_$Data$_.Update": "изменен", "_$Data$_.Post": "проведен",
                "_$Data$_.Unpost": "проведение отменено", "_$Data$_.Delete": "удален",
                "_$Data$_.NewVersion": "записана версия"}


class Cat:
    """Codes and labels of one categorical column; labels as a Python list only on demand (small columns)."""

    def __init__(self, column: pd.Series) -> None:
        cat = column if isinstance(column.dtype, pd.CategoricalDtype) else column.astype("category")
        self.codes = np.asarray(cat.cat.codes, dtype=np.int64)
        self.categories = cat.cat.categories
        self._labels: list[str] | None = None

    @property
    def labels(self) -> list[str]:
        if self._labels is None:
            self._labels = [str(c) for c in self.categories.tolist()]
        return self._labels

    def labels_at(self, row: int) -> str:
        """The label of one record (without listing all labels of a big column)."""
        code = self.codes[row]
        return "" if code < 0 else str(self.categories[code])

    @property
    def arrow(self) -> Any:
        import pyarrow as pa

        return pa.array(self.categories.array, type=pa.string()) if len(self.categories) else pa.array([], pa.string())

    def mask(self, test: Callable[[str], bool]) -> np.ndarray:
        """Per-record mask of the labels that pass ``test`` (missing values never pass)."""
        lut = np.array([bool(test(c)) for c in self.labels] + [False], dtype=bool)
        return lut[self.codes]  # code -1 (missing) indexes the trailing False

    def nonempty(self) -> np.ndarray:
        """Per-record mask of non-empty labels, computed in pyarrow (fine for big columns)."""
        import pyarrow.compute as pc

        lut = pc.not_equal(self.arrow, "").fill_null(False).to_numpy(zero_copy_only=False)
        return np.append(lut, False)[self.codes]


def as_string(codes: np.ndarray, labels: Any) -> pd.arrays.ArrowStringArray:
    """Per-record text from codes into labels (list or pyarrow array); -1 → missing.

    The canonical columns are strings (CONTRACTS.md §1); taken in pyarrow, they cost no Python
    objects, unlike a categorical that is converted later.
    """
    import pyarrow as pa

    table = labels if isinstance(labels, pa.Array) else pa.array(labels, type=pa.string())
    return pd.arrays.ArrowStringArray(table.cast(pa.string()).take(pa.array(np.maximum(codes, 0), mask=codes < 0)))


def as_categorical(codes: np.ndarray, labels: Any) -> pd.Categorical:
    """Categorical from codes into possibly repeating labels (list or pyarrow array; None → missing)."""
    import pyarrow as pa

    from connectors.onec.lgf import fast_categorical

    table = labels if isinstance(labels, pa.Array) else pa.array(labels, type=pa.string())
    encoded = table.cast(pa.string()).dictionary_encode()
    remap = np.append(encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64), -1)
    return fast_categorical(remap[np.where(codes < 0, len(table), codes)], encoded.dictionary)


class Presentations:
    """Each distinct data presentation parsed once (in pyarrow): kind, number, date, is-a-document."""

    BATCH = 262_144  # parse in slices: the regex's intermediate strings stay small

    def __init__(self, column: pd.Series) -> None:
        import pyarrow as pa

        self.cat = Cat(column)
        texts = self.cat.arrow
        parts = [parse_presentations_arrow(texts.slice(i, self.BATCH)) for i in range(0, len(texts), self.BATCH)]
        if parts:
            self.kind = pa.concat_arrays([p[0] for p in parts])
            self.number = pa.concat_arrays([p[1] for p in parts])
            dates = np.concatenate([p[2] for p in parts])
        else:
            self.kind, self.number, dates = parse_presentations_arrow(texts)
        self.dates = np.append(dates, np.datetime64("NaT"))
        self.is_doc = np.append(self.kind.is_valid().to_numpy(zero_copy_only=False), False)

    def at(self, codes: np.ndarray) -> np.ndarray:
        """Codes with -1 turned into the index of the trailing "missing" entry."""
        return np.where(codes < 0, len(self.kind), codes)


def doc_kinds(pres: Presentations, meta: Cat) -> pd.Categorical:
    """``doc:kind`` as document lists have it (``ЗаказКлиента``): from the metadata, else the presentation."""
    import pyarrow as pa

    from_meta = [m.split(".", 1)[1] if m.startswith("Документ.") else None for m in meta.labels] + [None]
    kinds = pres.kind.dictionary_encode()
    mapped = [(kind_metadata(k) or k) for k in kinds.dictionary.to_pylist()]
    names = sorted({x for x in from_meta + mapped if x})
    index = {n: i for i, n in enumerate(names)}
    meta_code = np.array([index.get(x, -1) if x else -1 for x in from_meta], dtype=np.int64)[
        np.where(meta.codes < 0, len(from_meta) - 1, meta.codes)]
    kind_of_pres = np.append(np.array([index[m] if m else -1 for m in mapped], dtype=np.int64), -1)
    pres_idx = np.append(kinds.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64), -1)
    pres_code = kind_of_pres[pres_idx[pres.at(pres.cat.codes)]]
    codes = np.where(meta_code >= 0, meta_code, pres_code)
    return pd.Categorical.from_codes(codes, categories=pd.Index(pd.arrays.ArrowStringArray(pa.array(names,
                                                                                                    pa.string()))))


def _kind_by_metadata(pres: Presentations, meta: Cat) -> dict[int, str]:
    """Learn the user-facing kind of each metadata object from its document presentations."""
    doc = pres.is_doc[pres.at(pres.cat.codes)] & (meta.codes >= 0)
    if not doc.any():
        return {}
    pairs = pd.DataFrame({"meta": meta.codes[doc], "pres": pres.cat.codes[doc]}).drop_duplicates()
    pairs["kind"] = pd.arrays.ArrowStringArray(pres.kind.take(pairs["pres"].to_numpy()))
    votes = pairs.groupby(["meta", "kind"]).size().reset_index(name="n").sort_values("n", kind="stable")
    return dict(zip(votes["meta"], votes["kind"]))  # the most frequent kind is written last and wins


def activities(kept: pd.DataFrame, pres: Presentations, meta: Cat, title: Callable[[str], str]) -> pd.Categorical:
    """«Заказ клиента: проведен» for object changes, the event's presentation (``title``) for the rest."""
    event = Cat(kept["event"])
    kinds = _kind_by_metadata(pres, meta)
    width = len(meta.labels) + 1
    codes, uniques = pd.factorize(event.codes * width + (meta.codes + 1))
    labels = []
    for k in uniques:
        e, m = divmod(int(k), width)
        labels.append(activity_label(event.labels[e] if e >= 0 else "", meta.labels[m - 1] if m > 0 else "",
                                     kinds.get(m - 1), title))
    return as_categorical(codes, labels)


def activity_label(event: str, metadata: str, kind: str | None, title: Callable[[str], str]) -> str:
    """«Заказ клиента: проведен» for a change of an object (``kind`` = its kind in presentations, if
    known), else the event's presentation (``title``).

    >>> activity_label("_$Data$_.Post", "Документ.ЗаказКлиента", "Заказ клиента", str)
    'Заказ клиента: проведен'
    """
    verb = OBJECT_VERBS.get(event)
    if verb and metadata:
        return f"{kind or title_of_metadata(metadata)}: {verb}"
    return title(event) or "<событие не указано>"


def kinds_by_metadata(votes: pd.DataFrame) -> dict[str, str]:
    """The kind of each metadata object from ``votes`` (columns meta, kind, n = its documents):
    the most frequent kind; among equally frequent ones the last in (meta, kind) order, as
    :func:`activities` decides."""
    ordered = votes.sort_values(["meta", "kind"]).sort_values("n", kind="stable")
    return dict(zip(ordered["meta"], ordered["kind"]))


def object_cases(kept: pd.DataFrame, pres: Presentations, meta: Cat) -> pd.arrays.ArrowStringArray:
    """One case per object: its latest document presentation; else «<metadata title> <presentation or ref>».

    An object is its reference (GUID) when it has one, else its metadata + data value, else its
    metadata + presentation. Two objects that print the same get their GUID's first 8 characters.
    Document objects reuse the presentation column's labels (taken in pyarrow, no Python objects).
    """
    import pyarrow as pa

    ref, data = Cat(kept["ref"]), Cat(kept["data"])
    has_ref, has_data = ref.nonempty(), data.nonempty()
    obj = _object_ids(ref, data, pres, meta, has_ref, has_data)
    n_obj = int(obj.max()) + 1 if len(obj) else 0
    positions = np.arange(len(obj), dtype=np.int64)
    first_row = np.full(n_obj, len(obj), dtype=np.int64)
    np.minimum.at(first_row, obj, positions)
    used = first_row < len(obj)  # ids are reference codes: a reference of a dropped record has no rows
    first_row = np.minimum(first_row, max(len(obj) - 1, 0))
    nonempty = pres.cat.nonempty()
    last_row = np.full(n_obj, -1, dtype=np.int64)
    np.maximum.at(last_row, obj[nonempty], positions[nonempty])
    pres_of = np.where(last_row >= 0, pres.cat.codes[np.maximum(last_row, 0)], -1)
    del positions, nonempty, last_row
    n_pres = len(pres.cat.categories)
    is_doc = pres.is_doc[pres.at(pres_of)]
    shared = np.bincount(pres_of[is_doc], minlength=n_pres)  # objects per document presentation
    dup = is_doc & (shared[np.maximum(pres_of, 0)] > 1) if n_pres else np.zeros(n_obj, bool)
    extra = np.flatnonzero((~is_doc | dup) & used)
    code = np.where(is_doc & ~dup, pres_of, -1)
    if not len(extra):
        return as_string(code[obj], pres.cat.arrow)
    plain = np.flatnonzero(is_doc & ~dup & used)
    doc_labels = pres.cat.arrow.take(pa.array(pres_of[plain])) if len(plain) else pa.array([], pa.string())
    labels = _extra_labels(extra, first_row, pres_of, dup, pres, meta, ref, data, has_ref, has_data, doc_labels)
    code[extra] = n_pres + np.arange(len(extra))
    return as_string(code[obj], pa.concat_arrays([pres.cat.arrow, pa.array(labels, pa.string())]))


def _extra_labels(extra: np.ndarray, first_row: np.ndarray, pres_of: np.ndarray, dup: np.ndarray,
                  pres: Presentations, meta: Cat, ref: Cat, data: Cat, has_ref: np.ndarray,
                  has_data: np.ndarray, doc_labels: Any) -> list[str]:
    """Labels for objects that are not documents, or whose presentation another object prints too.

    A label several objects would print, or one a document prints, gets the object's GUID's first
    8 characters (or of the MD5 of its key, without a GUID); if that is still shared, the whole of
    it. The rule does not depend on the order the objects come in, so the streamed reader
    (:mod:`connectors.onec.outofcore`) gives the same labels.
    """
    import hashlib
    from collections import Counter

    import pyarrow as pa
    import pyarrow.compute as pc

    pres_texts = pres.cat.arrow.take(pa.array(np.maximum(pres_of[extra], 0))).to_pylist() if len(
        pres.cat.categories) else [""] * len(extra)
    bases, marks = [], []
    for k, o in enumerate(extra):
        row = first_row[o]
        text = pres_texts[k] if pres_of[o] >= 0 else ""
        guid = ref.labels_at(row) if has_ref[row] else ""
        m = meta.codes[row]
        name = meta.labels[m] if m >= 0 else ""
        value = data.labels_at(row) if has_data[row] else ""
        if dup[o]:
            bases.append(text)
        else:
            title = title_of_metadata(name) if name else "Объект"
            bases.append(f"{title} {text or guid or value}".strip())
        key = guid or (f"d\x1f{name}\x1f{value}" if value else f"p\x1f{name}\x1f{text}")
        marks.append(guid or hashlib.md5(key.encode("utf-8")).hexdigest())

    def printed_by_a_document(labels: list[str]) -> list[bool]:
        return pc.is_in(pa.array(labels, pa.string()), value_set=doc_labels).to_pylist()

    count = Counter(bases)
    first = [f"{b} [{mark[:8]}]" if dup[o] or count[b] > 1 or clash else b
             for b, mark, o, clash in zip(bases, marks, extra, printed_by_a_document(bases))]
    count = Counter(first)
    return [f"{b} [{mark}]" if f != b and (count[f] > 1 or clash) else f
            for b, f, mark, clash in zip(bases, first, marks, printed_by_a_document(first))]


def _object_ids(ref: Cat, data: Cat, pres: Presentations, meta: Cat, has_ref: np.ndarray,
                has_data: np.ndarray) -> np.ndarray:
    """Object ids: the reference's code, else one id per (metadata, data, presentation) after them."""
    key = np.where(has_ref, ref.codes, -1).astype(np.int64)  # dense enough: no factorizing of millions
    other = ~has_ref
    if other.any():
        rest = pd.DataFrame({"m": meta.codes[other], "d": np.where(has_data[other], data.codes[other], -1),
                             "p": np.where(has_data[other], -1, pres.cat.codes[other])})
        key[other] = len(ref.categories) + rest.groupby(["m", "d", "p"], sort=False).ngroup().to_numpy()
    return key


def session_cases(kept: pd.DataFrame) -> pd.arrays.ArrowStringArray:
    """«Сеанс 12 от 21.01.2019 14:28:34»: a session number starts a new run at each Session.Start."""
    session = kept["session"].to_numpy()
    start = Cat(kept["event"]).mask(lambda c: c == "_$Session$_.Start").astype(np.int64)
    run = pd.Series(start).groupby(session).cumsum().to_numpy()
    group = pd.DataFrame({"s": session, "r": run}).groupby(["s", "r"], sort=False).ngroup().to_numpy()
    first = pd.Series(kept["date"].to_numpy()).groupby(group).min()
    sess = pd.Series(session).groupby(group).first()
    labels = [f"Сеанс {s} от {pd.Timestamp(d).strftime('%d.%m.%Y %H:%M:%S')}" for s, d in zip(sess, first)]
    return as_string(group, labels)


def user_day_cases(kept: pd.DataFrame) -> pd.arrays.ArrowStringArray:
    """«Иванов И.И. 21.01.2019»: one case per user and calendar day."""
    user = Cat(kept["user"])
    day = kept["date"].to_numpy().astype("datetime64[D]").astype(np.int64)
    codes, uniques = pd.factorize(pd.MultiIndex.from_arrays([user.codes, day]))
    labels = []
    for u, d in uniques:
        name = user.labels[u] if u >= 0 and user.labels[u] else "<Не определен>"
        labels.append(f"{name} {np.datetime64(int(d), 'D').astype(object):%d.%m.%Y}")
    return as_string(codes, labels)
