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

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

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
    except (InputError, OSError, ValueError, csv.Error):
        return False


def read_onec_documents(paths: list[Path], *, root_kind: str | None = None, encoding: str | None = None,
                        sep: str | None = None, sheet: str | None = None, header_row: int | None = None,
                        keep_unlinked: bool = False, strict: bool = False,
                        progress: bool = False) -> list[SourceRead]:
    """Read document-list exports (one per kind) into events linked into cases; one SourceRead per file.

    Args:
        paths: the exports, e.g. orders, shipments, payments, returns.
        root_kind: the document kind that starts a case («Заказ клиента», «Счет на оплату клиенту»...);
            by default every Заказ клиента and Заказ поставщику.
        encoding, sep, sheet, header_row: override detection for text files / choose the Excel
            sheet / name the 1-based row with the column names.
        keep_unlinked: keep documents that lead to no order (advance payments, a shipment without
            an order) as cases of their own; by default they are excluded with the reason
            «документ не связан с заказом» and listed under ``details["data_quality"]``.
        strict: raise on the first bad row instead of rejecting it.
        progress: unused (list exports are small); accepted for a uniform interface.
    Returns:
        One :class:`SourceRead` per file; events carry ``doc:*`` attributes and the source columns.
    Raises:
        FormatError, ColumnError: a file is no document list, or has no Номер/Дата column.
    Example:
        >>> reads = read_onec_documents([Path("Заказы клиентов.xlsx")])  # doctest: +SKIP
    """
    return read_documents(paths, root_kind=root_kind, encoding=encoding, sep=sep, sheet=sheet, header_row=header_row,
                          keep_unlinked=keep_unlinked, strict=strict).reads


def read_documents(paths: Sequence[str | Path], *, root_kind: str | None = None, encoding: str | None = None,
                   sep: str | None = None, sheet: str | None = None, header_row: int | None = None,
                   keep_unlinked: bool = True, strict: bool = False) -> DocumentSet:
    """Read and link document-list exports; see :func:`read_onec_documents` for the arguments.

    Unlike :func:`read_onec_documents`, documents linked to no order are kept by default here
    (the document set shows every document and link).
    """
    try:
        roots = root_kinds(root_kind)
    except ValueError as exc:
        raise InputError(f"unknown document kind '{root_kind}' for --root-kind; use e.g. «Заказ клиента», "
                         "«Счет на оплату клиенту», «Заказ поставщику»") from exc
    tables = [read_doc_table(Path(p), encoding=encoding, sep=sep, sheet=sheet, header_row=header_row, strict=strict)
              for p in paths]
    docs, links, problems = _collect(tables)
    cases = assign_cases(docs, links[links["target"] >= 0], roots)
    membership = cases.membership.merge(docs[["doc", "presentation"]].rename(columns={"doc": "root"}), on="root")
    membership = membership.rename(columns={"presentation": "case"})[["doc", "root", "case"]]
    unlinked = _unlinked(docs, cases.unlinked, tables, roots)
    excluded = not keep_unlinked and not root_kind and bool(unlinked)
    if excluded:
        membership = membership[~membership["doc"].isin(unlinked)]
    reads = [_events(t, docs, links, membership, problems[i], roots) for i, t in enumerate(tables)]
    if cases.orphans:
        reads[0].info.details["documents_without_root"] = cases.orphans
    if unlinked:
        reads[0].info.details["data_quality"] = [unlinked_documents(docs, unlinked, kept=not excluded)]
        if excluded:
            _exclude_unlinked(docs, unlinked, tables, problems)
    return DocumentSet(docs, links, membership[["doc", "case"]], reads)


UNLINKED = "документ не связан с заказом"


def unlinked_documents(docs: pd.DataFrame, unlinked: tuple[int, ...], *, kept: bool) -> dict[str, Any]:
    """The data-quality item for documents that lead to no order (money before any order, ...).

    Returns:
        ``{"kind": "unlinked_documents", "count", "kept", "amount", "by_kind": {kind: count},
        "examples": [{"file", "row", "document", "date", "amount"}]}``.
    """
    mine = docs[docs["doc"].isin(unlinked) & docs["loaded"].astype(bool)]
    amount = pd.to_numeric(mine["amount"], errors="coerce")
    examples = [{"file": str(r.file), "row": int(r.row), "document": str(r.presentation),
                 "date": f"{pd.Timestamp(r.date):%Y-%m-%d}", **({"amount": float(a)} if pd.notna(a) else {})}
                for r, a in zip(mine.head(5).itertuples(), amount.head(5))]
    return {"kind": "unlinked_documents", "count": int(len(mine)), "kept": kept, "reason": UNLINKED,
            "amount": float(amount.sum()) if amount.notna().any() else None,
            "by_kind": {str(k): int(n) for k, n in mine["kind"].value_counts().items()}, "examples": examples}


def _unlinked(docs: pd.DataFrame, orphans: tuple[int, ...], tables: list[DocTable],
              roots: tuple[str, ...]) -> tuple[int, ...]:
    """Orphans that could have been linked: their file has link columns and orders were read.

    A list exported without any link column cannot tell which order its documents belong to; its
    documents stay cases of their own (with the warning that says how to export the links).
    """
    linkable = {t.file for t in tables if any(k.startswith("link:") for k in t.columns)}
    has_roots = bool((docs["loaded"].astype(bool) & docs["metadata"].isin(roots)).any())
    if not has_roots:
        return ()
    chosen = docs[docs["doc"].isin(orphans) & docs["file"].isin(linkable)]
    return tuple(int(d) for d in chosen["doc"])


def _exclude_unlinked(docs: pd.DataFrame, unlinked: tuple[int, ...], tables: list[DocTable],
                      problems: list[RowProblems]) -> None:
    """Count the rows of unlinked documents as excluded, in the problems of the file each came from."""
    mine = docs[docs["doc"].isin(unlinked) & docs["loaded"].astype(bool)]
    for i, table in enumerate(tables):
        rows = mine[mine["file"] == table.file]
        examples = [{"file": table.file, "row": int(r.row), "value": str(r.presentation)} for r in rows.head(5).itertuples()]
        problems[i].exclude(UNLINKED, int(len(rows)), examples)


def _collect(tables: list[DocTable]) -> tuple[pd.DataFrame, pd.DataFrame, list[RowProblems]]:
    """Merge the documents of all files (a document listed twice is read once) and resolve links."""
    rows: list[Any] = []
    link_parts: list[Any] = []
    problems: list[Any] = []
    offset = 0
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
    if "customer" in pairs and pairs["customer"].notna().any():  # CONTRACTS.md §6, and under its own header
        frame[ev.CLIENT] = pairs["customer"].astype("string")
        header = table.columns.get("customer") or table.columns.get("counterparty")
        if header and header not in frame.columns:
            frame[header] = frame[ev.CLIENT]
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
