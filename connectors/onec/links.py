"""Link 1C documents to each other and into cases (ONEC_FORMATS.md §2.4).

The links that build a case are the attributes of the FilterCriterion «Связанные документы»
(ЗаказКлиента, ДокументОснование, ДокументРеализации, ЗаказПоставщику, ОбъектРасчетов,
ОснованиеПлатежа, ...), shown in list exports as columns of document presentations. They are
many-to-many: a shipment can close several orders, an order can be paid in parts. The link table
keeps every link; cases are a view of it: one case per root document (by default every
Заказ клиента and Заказ поставщику), and a document belongs to every root it leads to.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from connectors.onec.presentations import find_kind

# normalised header -> (link attribute, kind a bare number in the column refers to)
LINK_COLUMNS: dict[str, tuple[str, str | None]] = {
    "заказклиента": ("ЗаказКлиента", "ЗаказКлиента"),
    "заказпокупателя": ("ЗаказКлиента", "ЗаказКлиента"),
    "документоснование": ("ДокументОснование", None),
    "основаниедокумент": ("ДокументОснование", None),
    "документреализации": ("ДокументРеализации", "РеализацияТоваровУслуг"),
    "заказпоставщику": ("ЗаказПоставщику", "ЗаказПоставщику"),
    "объектрасчетов": ("ОбъектРасчетов", None),
    "основаниеплатежа": ("ОснованиеПлатежа", None),
    "счетнаоплату": ("СчетНаОплату", "СчетНаОплатуКлиенту"),
    "счетнаоплатуклиенту": ("СчетНаОплату", "СчетНаОплатуКлиенту"),
    "счетпокупателю": ("СчетНаОплату", "СчетНаОплатуКлиенту"),
    "сторнируемыйдокумент": ("СторнируемыйДокумент", None),
    "документвыдачи": ("ДокументВыдачи", None),
    "заявканавозврат": ("ЗаявкаНаВозврат", None),
    "заявканавозвраттоваровотклиента": ("ЗаявкаНаВозврат", None),
    "распоряжение": ("Распоряжение", None),
    "допоступлениеподокументу": ("ДопоступлениеПоДокументу", None),
}
# Tabular-section prefixes of «Универсальный отчет» field names: «Товары.Заказ клиента».
_SECTIONS = ("товары", "расшифровкаплатежа", "услуги", "товарыпораспоряжениям")
DEFAULT_ROOTS = ("ЗаказКлиента", "ЗаказПоставщику")
_SPLIT_CELL = re.compile(r"\s*(?:\r?\n|;)\s*")


def header_key(header: str) -> str:
    """Normalise a header for lookups: casefold, ё→е, letters and digits only, section prefix dropped.

    >>> header_key("Товары.Заказ клиента")
    'заказклиента'
    """
    text = str(header).casefold().replace("ё", "е")
    parts = [re.sub(r"[^0-9a-zа-я№]+", "", p) for p in text.split(".")]
    parts = [p for p in parts if p]
    while len(parts) > 1 and parts[0] in _SECTIONS + ("ссылка",):
        parts = parts[1:]
    return "".join(parts)


def link_column(header: str) -> tuple[str, str | None] | None:
    """Return (attribute, implied kind) when ``header`` names a link attribute, else None.

    «Основание» alone is not one: in УТ 11.5 it is free text for the printed form.
    """
    return LINK_COLUMNS.get(header_key(header))


def split_cell(text: str) -> list[str]:
    """Split a cell that lists several documents (one per line, or «;»-separated)."""
    return [part for part in _SPLIT_CELL.split(text.strip()) if part] if text else []


@dataclass(frozen=True)
class Cases:
    """The case view of the link graph: which root each document belongs to (many-to-many)."""

    membership: pd.DataFrame  # doc, root
    roots: list[int]
    orphans: int  # documents that reach no root of the chosen kinds and head their own chain
    unlinked: tuple[int, ...] = ()  # those documents' ids


def root_kinds(root_kind: str | None) -> tuple[str, ...]:
    """Metadata names of the case roots: the kind named by the user, else orders of both flows.

    Raises:
        ValueError: ``root_kind`` is no known document kind.
    """
    if not root_kind:
        return DEFAULT_ROOTS
    kind = find_kind(root_kind)
    if kind is None:
        raise ValueError(root_kind)
    return (kind.metadata,)


def assign_cases(docs: pd.DataFrame, links: pd.DataFrame, roots: tuple[str, ...]) -> Cases:
    """Put each document into the case of every root document its links lead to.

    Args:
        docs: one row per document with columns ``doc`` (id) and ``metadata`` (kind).
        links: resolved links with columns ``source`` and ``target`` (document ids).
        roots: kinds whose documents start cases.
    Returns:
        :class:`Cases`. Links are followed from a document to what it was based on, stopping at
        the first root on each path; a document that reaches no root joins the case(s) of the
        top of its chain (a shipment without an order makes its own case with its payments).
    Example:
        >>> docs = pd.DataFrame({"doc": [0, 1, 2], "metadata": ["ЗаказКлиента", "ЗаказКлиента", "РеализацияТоваровУслуг"]})
        >>> assign_cases(docs, pd.DataFrame({"source": [2, 2], "target": [0, 1]}), DEFAULT_ROOTS).membership.values.tolist()
        [[0, 0], [1, 1], [2, 0], [2, 1]]
    """
    import networkx as nx

    graph = nx.DiGraph()
    graph.add_nodes_from(docs["doc"].tolist())
    graph.add_edges_from(zip(links["source"].tolist(), links["target"].tolist()))
    is_root = dict(zip(docs["doc"].tolist(), docs["metadata"].isin(roots).tolist()))
    pairs: list[tuple[int, int]] = []
    unlinked: list[int] = []
    for doc in docs["doc"].tolist():
        found = _reachable_roots(graph, doc, is_root)
        if not found:
            unlinked.append(doc)
            found = _chain_tops(graph, doc)
        pairs.extend((doc, r) for r in sorted(found))
    membership = pd.DataFrame(pairs, columns=["doc", "root"])
    return Cases(membership, sorted(set(membership["root"])), len(unlinked), tuple(unlinked))


def _reachable_roots(graph: object, doc: int, is_root: dict[int, bool]) -> set[int]:
    """Roots reached from ``doc`` along links; a path stops at the first root it meets."""
    if is_root.get(doc):
        return {doc}
    seen, stack, found = {doc}, [doc], set()
    while stack:
        for nxt in graph.successors(stack.pop()):  # type: ignore[attr-defined]
            if nxt in seen:
                continue
            seen.add(nxt)
            if is_root.get(nxt):
                found.add(nxt)
            else:
                stack.append(nxt)
    return found


def _chain_tops(graph: object, doc: int) -> set[int]:
    """The documents at the top of ``doc``'s chain: reachable ones that link to nothing further."""
    import networkx as nx

    reach = nx.descendants(graph, doc) | {doc}
    tops = {n for n in reach if graph.out_degree(n) == 0}  # type: ignore[attr-defined]
    return tops or {min(reach)}  # a cycle of links: take one of its documents
