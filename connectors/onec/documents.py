"""Read 1C document lists («Вывести список», «Универсальный отчет») and link them into cases.

One file per document kind (Заказ клиента, Реализация товаров и услуг, Поступление безналичных
ДС, ...), as xlsx, txt (UTF-8 or windows-1251) or a CSV re-saved from Russian Excel. Columns are
found by their headers (synonyms, any order); the kind of a file comes from its «Ссылка» column
(document presentations), the title above the header, or the file name. Link columns (ЗаказКлиента,
ДокументОснование, ДокументРеализации, ОбъектРасчетов, ... — ONEC_FORMATS.md §2.4) connect the
files; :mod:`connectors.onec.links` turns the links into cases. Each document is one event at its
own date (business time) with its kind as the activity; a document that belongs to two cases is
one row and two events.

Example:
    >>> docs = read_documents(["Заказы клиентов.xlsx", "Реализации.xlsx"])  # doctest: +SKIP
    >>> docs.links[["source", "attribute", "target"]].head()               # doctest: +SKIP
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from connectors.onec.doctable import DocTable, read_doc_table, sniff_doc_table
from connectors.onec.links import assign_cases, root_kinds
from miner import eventlog as ev
from miner.errors import InputError
from miner.rejects import RowProblems, SourceInfo, SourceRead

__all__ = ["DocumentSet", "looks_like_onec_documents", "read_documents", "read_onec_documents", "export_ocel"]


@dataclass(frozen=True)
class DocumentSet:
    """Documents of several list exports, the many-to-many links between them, and their cases.

    ``documents``: one row per document (``doc`` id, ``metadata``, ``kind``, ``number``, ``date``,
    ``presentation``, ``amount``, ``status``, ``file``, ``row``, ``loaded``; documents only named in
    a link have ``loaded=False``). ``links``: ``source``, ``target`` (doc ids or -1), ``attribute``,
    ``text`` (the cell), ``file``, ``row``. ``cases``: ``doc``, ``case``. ``reads``: the events, one
    :class:`SourceRead` per file.
    """

    documents: pd.DataFrame
    links: pd.DataFrame
    cases: pd.DataFrame
    reads: list[SourceRead]

    def __repr__(self) -> str:
        loaded = int(self.documents["loaded"].sum())
        return (f"DocumentSet({loaded} documents in {len(self.reads)} files, {len(self.links)} links, "
                f"{self.cases['case'].nunique()} cases)")


def looks_like_onec_documents(path: str | Path) -> bool:
    """Tell whether ``path`` is a 1C document list: Номер + Дата headers, a known kind or link columns,
    and no event/activity column (so ordinary event CSVs are never taken). Reads only the head.
    """
    try:
        return sniff_doc_table(Path(path))
    except (InputError, OSError, ValueError):
        return False


def read_onec_documents(paths: list[Path], *, root_kind: str | None = None, encoding: str | None = None,
                        sep: str | None = None, sheet: str | None = None, strict: bool = False,
                        progress: bool = False) -> list[SourceRead]:
    """Read document-list exports (one per kind) into events linked into cases; one SourceRead per file.

    Args:
        paths: the exports, e.g. orders, shipments, payments, returns.
        root_kind: the document kind that starts a case («Заказ клиента», «Счет на оплату клиенту»...);
            by default every Заказ клиента and Заказ поставщику.
        encoding, sep, sheet: override detection for text files / choose the Excel sheet.
        strict: raise on the first bad row instead of rejecting it.
        progress: unused (list exports are small); accepted for a uniform interface.
    Returns:
        One :class:`SourceRead` per file; events carry ``doc:*`` attributes and the source columns.
    Raises:
        FormatError, ColumnError: a file is no document list, or has no Номер/Дата column.
    Example:
        >>> reads = read_onec_documents([Path("Заказы клиентов.xlsx")])  # doctest: +SKIP
    """
    return read_documents(paths, root_kind=root_kind, encoding=encoding, sep=sep, sheet=sheet,
                          strict=strict).reads


def read_documents(paths: list[str | Path], *, root_kind: str | None = None, encoding: str | None = None,
                   sep: str | None = None, sheet: str | None = None, strict: bool = False) -> DocumentSet:
    """Read and link document-list exports; see :func:`read_onec_documents` for the arguments."""
    try:
        roots = root_kinds(root_kind)
    except ValueError as exc:
        raise InputError(f"unknown document kind '{root_kind}' for --root-kind; use e.g. «Заказ клиента», "
                         "«Счет на оплату клиенту», «Заказ поставщику»") from exc
    tables = [read_doc_table(Path(p), encoding=encoding, sep=sep, sheet=sheet, strict=strict) for p in paths]
    docs, links, problems = _collect(tables)
    cases = assign_cases(docs, links[links["target"] >= 0], roots)
    membership = cases.membership.merge(docs[["doc", "presentation"]].rename(columns={"doc": "root"}), on="root")
    membership = membership.rename(columns={"presentation": "case"})[["doc", "root", "case"]]
    reads = [_events(t, docs, links, membership, problems[i], roots) for i, t in enumerate(tables)]
    if cases.orphans:
        reads[0].info.details["documents_without_root"] = cases.orphans
    return DocumentSet(docs, links, membership[["doc", "case"]], reads)


def _collect(tables: list[DocTable]) -> tuple[pd.DataFrame, pd.DataFrame, list[RowProblems]]:
    """Merge the documents of all files (a document listed twice is read once) and resolve links."""
    rows, link_parts, problems, offset = [], [], [], 0
    for t in tables:
        rows.append(t.documents.assign(file=t.file, table=len(problems)))
        link_parts.append(t.links.assign(line=t.links["line"] + offset))
        problems.append(t.problems)
        offset += len(t.documents)
    docs = pd.concat(rows, ignore_index=True)
    key = docs["metadata"].astype(str) + "|" + docs["number"].astype(str) + "|" + docs["date"].dt.strftime("%Y%m%d")
    first = ~key.duplicated()
    for i in np.flatnonzero(~first.to_numpy()):  # another line of a document already read
        earlier = docs.loc[key == key.iat[i]].iloc[0]
        same_file = earlier["file"] == docs["file"].iat[i]
        reason = ("another line of the same document (its links are merged)" if same_file
                  else f"the same document already read from {earlier['file']}")
        problems[int(docs["table"].iat[i])].exclude(reason, 1, [{"file": docs["file"].iat[i], "row": int(docs["row"].iat[i])}])
    doc_of_key = {k: i for i, k in enumerate(key[first])}
    docs["doc"] = key.map(doc_of_key).astype(np.int64)
    links = pd.concat(link_parts, ignore_index=True)
    links["source"] = docs["doc"].to_numpy()[links["line"].to_numpy(dtype=np.int64)]
    unique_docs = docs[first.to_numpy()].reset_index(drop=True).assign(loaded=True)
    unique_docs, links = _resolve(unique_docs, links, doc_of_key)
    return unique_docs, links.drop(columns=["line"]), problems


def _resolve(docs: pd.DataFrame, links: pd.DataFrame, doc_of_key: dict[str, int]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Find each link's target by (kind, number, date); a known-by-number target is matched if unique.

    Targets that are named by a full presentation but were not exported become documents with
    ``loaded=False``: they still head cases (the shipment of an order missing from the export stays
    in that order's case) but make no events.
    """
    by_number: dict[tuple[str, str], list[int]] = {}
    for d, meta, number in zip(docs["doc"], docs["metadata"], docs["number"]):
        by_number.setdefault((meta, number), []).append(int(d))
    targets, extra = [], []
    for meta, kind, number, date, text in zip(links["target_metadata"], links["target_kind"], links["target_number"],
                                              links["target_date"], links["text"]):
        if meta is None:
            targets.append(-1)
        elif pd.notna(date):
            key = f"{meta}|{number}|{pd.Timestamp(date):%Y%m%d}"
            if key not in doc_of_key:
                doc_of_key[key] = len(doc_of_key)
                extra.append({"doc": doc_of_key[key], "metadata": meta, "kind": kind, "number": number,
                              "date": pd.Timestamp(date), "presentation": text, "loaded": False})
            targets.append(doc_of_key[key])
        else:
            found = by_number.get((meta, number), [])
            targets.append(found[0] if len(found) == 1 else -1)
    links = links.assign(target=np.asarray(targets, dtype=np.int64))
    links = links.drop_duplicates(["source", "target", "attribute"]).reset_index(drop=True)
    if extra:
        docs = pd.concat([docs, pd.DataFrame(extra)], ignore_index=True)
    return docs, links


def _events(table: DocTable, docs: pd.DataFrame, links: pd.DataFrame, membership: pd.DataFrame,
            problems: RowProblems, roots: tuple[str, ...]) -> SourceRead:
    """One event per (document of this file, case it belongs to)."""
    mine = docs[docs["loaded"] & (docs["file"] == table.file)]
    pairs = mine.merge(membership, on="doc", how="inner")
    outgoing = links[links["source"].isin(mine["doc"])]
    texts = outgoing.groupby("source")["text"].agg(lambda t: "\n".join(t))
    frame = pd.DataFrame({
        ev.CASE: pairs["case"].astype("string"),
        ev.ACTIVITY: pairs["kind"].astype("string"),
        ev.TIMESTAMP: pairs["date"].astype("datetime64[ns]"),
        ev.RESOURCE: pairs["resource"].astype("string"),
        ev.SYSTEM: "1C", ev.FILE: table.file, ev.ROW: pairs["row"].astype("int64"),
        "doc:kind": pairs["metadata"].astype("string"), "doc:number": pairs["number"].astype("string"),
        "doc:date": pairs["date"].astype("datetime64[ns]"), "doc:presentation": pairs["presentation"].astype("string"),
        "doc:amount": pairs["amount"].astype(float), "doc:status": pairs["status"].astype("string"),
        "doc:guid": pairs["guid"].astype("string"), "doc:created_utc": pairs["created"].astype("datetime64[ns]"),
        "doc:links": pairs["doc"].map(texts).astype("string"),
        "doc:cases": pairs["doc"].map(membership.groupby("doc").size()).astype("int64"),
    })
    for column in table.attributes:
        frame[column] = pairs[column].to_numpy() if column in pairs else pd.NA
    n_docs = len(mine)
    details = {"document_kind": table.kind_title, "documents": int(n_docs), "events": int(len(frame)),
               "header_row": table.header_row, "kind_from": table.kind_source, "links": int(len(outgoing)),
               "unresolved_links": int((outgoing["target"] < 0).sum()), "root_kinds": list(roots)}
    if len(frame) > n_docs:
        details["note"] = "a document that belongs to several cases is one row and one event per case"
    if table.warnings:
        details["warnings"] = table.warnings
    info = SourceInfo(file=table.file, kind="onec-documents", rows_read=table.rows_read, encoding=table.encoding,
                      columns=table.columns, details=details)
    return SourceRead(frame, info, problems)


def export_ocel(documents: DocumentSet | list[str | Path], path: str | Path, **options: Any) -> Path:
    """Write the documents, their links and customers as an OCEL 2.0 log with pm4py.

    The format follows the suffix: ``.jsonocel``/``.json`` (JSON), ``.sqlite``/``.db`` (SQLite),
    ``.xmlocel``/``.xml`` (XML). Every document is an object of its kind and one event at its
    date; links are object-to-object relations qualified by the link attribute (ЗаказКлиента...),
    so nothing of the many-to-many structure is flattened away.

    Args:
        documents: a :class:`DocumentSet`, or the export files to read (``options`` go to
            :func:`read_documents`).
        path: where to write.
    Example:
        >>> export_ocel(["Заказы клиентов.xlsx", "Реализации.xlsx"], "sales.jsonocel")  # doctest: +SKIP
    """
    from connectors.onec.ocel import build_ocel, write_ocel

    docset = documents if isinstance(documents, DocumentSet) else read_documents(list(documents), **options)
    return write_ocel(build_ocel(docset), Path(path))
