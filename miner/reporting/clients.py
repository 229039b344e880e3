"""Section 5 of the report: problem clients and revenue by client and product, where the log has them.

Client, product and amount columns are source attributes kept under their own names; they are
found by header synonyms («Клиент»/«Контрагент»/«Покупатель»/«Партнер», «Товар»/«Номенклатура»,
«Сумма»/«Amount»). A case's amount is that of its first event with an amount (the order's sum
as 1C repeats it on every line; a later partial payment does not count twice).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from miner.discovery.dfg import CodedLog
from miner.ingestion.pseudonymize import CLIENT_HEADERS, find_column
from miner.reporting.sections import case_durations, case_first, case_rework, event_values

PRODUCT_HEADERS = ("товар", "номенклатура", "продукт", "продукция", "артикул", "product", "item", "sku")
AMOUNT_HEADERS = ("сумма", "сумма документа", "сумма заказа", "стоимость", "выручка", "amount", "sum",
                  "total", "revenue")
RETURN_WORDS = re.compile(r"возврат|рекламац|return|complaint", re.IGNORECASE)
TOP_CLIENTS = 15


@dataclass(frozen=True)
class Clients:
    """Problem clients and revenue.

    Attributes:
        client_column, product_column, amount_column: the columns used (None when absent).
        problems: ``client, cases, rework, returns, slow, problem_share, median_seconds`` (cases
            with a repeated activity, with a return, longer than 90 % of all cases), worst first.
        by_client: ``client, cases, amount``; by_product: ``product, cases, amount``, largest first.
    """

    client_column: str | None
    product_column: str | None
    amount_column: str | None
    problems: pd.DataFrame
    by_client: pd.DataFrame
    by_product: pd.DataFrame


def clients(log: pd.DataFrame, coded: CodedLog) -> Clients | None:
    """Return section 5, or None when the log has neither a client nor a product column.

    Example:
        >>> c = clients(log, encode(log))  # doctest: +SKIP
        >>> c.client_column, c.amount_column  # doctest: +SKIP
        ('Клиент', 'Сумма')
    """
    client_col = find_column(log, CLIENT_HEADERS)
    product_col = find_column(log, PRODUCT_HEADERS)
    amount_col = find_column(log, AMOUNT_HEADERS)
    if client_col is None and product_col is None:
        return None
    amounts = case_amounts(log, coded, amount_col) if amount_col else None
    problems, by_client = _empty_problems(), _empty_totals("client")
    if client_col is not None:
        client = case_first(log, coded, client_col)
        problems = _problems(coded, client, returns_mask(coded))
        by_client = _totals(client, amounts, "client")
    by_product = _empty_totals("product")
    if product_col is not None and amount_col is not None:
        by_product = _product_totals(log, coded, product_col, amount_col)
    return Clients(client_col, product_col, amount_col, problems, by_client, by_product)


def to_number(column: pd.Series) -> pd.Series:
    """Return a numeric column: numbers as they are, text like «188 859,09» parsed (else NaN)."""
    if pd.api.types.is_numeric_dtype(column):
        return column.astype(float)
    text = column.astype("str").str.replace(r"[\s\u00a0\u2009]", "", regex=True).str.replace(",", ".", regex=False)
    return pd.to_numeric(text, errors="coerce")


def case_amounts(log: pd.DataFrame, coded: CodedLog, column: str) -> np.ndarray:
    """Return each case's amount: its first event with an amount (NaN when none)."""
    numbers = to_number(log[column]).to_numpy(dtype=float, na_value=np.nan)[coded.rows]
    idx = np.flatnonzero(~np.isnan(numbers))
    out = np.full(coded.n_cases, np.nan)
    cases = coded.case_index[idx]  # non-decreasing: the first of each run is the case's first amount
    first = np.r_[True, cases[1:] != cases[:-1]] if cases.size else np.zeros(0, dtype=bool)
    out[cases[first]] = numbers[idx[first]]
    return out


def returns_mask(coded: CodedLog) -> np.ndarray:
    """Return, per case, whether it has an activity that names a return or a complaint."""
    is_return = np.array([bool(RETURN_WORDS.search(a)) for a in coded.activities], dtype=bool)
    if not is_return.any():
        return np.zeros(coded.n_cases, dtype=bool)
    out = np.zeros(coded.n_cases, dtype=bool)
    out[coded.case_index[is_return[coded.codes]]] = True
    return out


def _problems(coded: CodedLog, client: np.ndarray, returns: np.ndarray) -> pd.DataFrame:
    durations = case_durations(coded)
    slow = durations > np.percentile(durations, 90) if durations.size else np.zeros(0, bool)
    frame = pd.DataFrame({"client": client, "rework": case_rework(coded), "returns": returns,
                          "slow": slow, "seconds": durations}).dropna(subset=["client"])
    frame["problem"] = frame["rework"] | frame["returns"] | frame["slow"]
    grouped = frame.groupby("client", sort=False)
    out = pd.DataFrame({"cases": grouped.size(), "rework": grouped["rework"].sum(),
                        "returns": grouped["returns"].sum(), "slow": grouped["slow"].sum(),
                        "problems": grouped["problem"].sum(), "median_seconds": grouped["seconds"].median()})
    out["problem_share"] = out["problems"] / out["cases"]
    out = out.reset_index().sort_values(["problems", "problem_share", "client"], ascending=[False, False, True],
                                        kind="stable")
    cols = ["client", "cases", "rework", "returns", "slow", "problems", "problem_share", "median_seconds"]
    return out[cols].reset_index(drop=True)


def _empty_problems() -> pd.DataFrame:
    return pd.DataFrame(columns=["client", "cases", "rework", "returns", "slow", "problems", "problem_share",
                                 "median_seconds"])


def _totals(keys: np.ndarray, amounts: np.ndarray | None, name: str) -> pd.DataFrame:
    frame = pd.DataFrame({name: keys, "amount": amounts if amounts is not None else np.nan}).dropna(subset=[name])
    grouped = frame.groupby(name, sort=False)
    out = pd.DataFrame({"cases": grouped.size(), "amount": grouped["amount"].sum(min_count=1)}).reset_index()
    by = ["amount", "cases"] if amounts is not None else ["cases"]
    return out.sort_values(by + [name], ascending=[False] * len(by) + [True], kind="stable").reset_index(drop=True)


def _empty_totals(name: str) -> pd.DataFrame:
    return pd.DataFrame(columns=[name, "cases", "amount"])


def _product_totals(log: pd.DataFrame, coded: CodedLog, product_col: str, amount_col: str) -> pd.DataFrame:
    """Sum, per product, the first amount of each (case, product) pair."""
    frame = pd.DataFrame({"case": coded.case_index, "product": event_values(log, coded, product_col),
                          "amount": to_number(log[amount_col]).to_numpy()[coded.rows]}).dropna(subset=["product"])
    firsts = frame.dropna(subset=["amount"]).drop_duplicates(["case", "product"])
    grouped = firsts.groupby("product", sort=False)
    cases = frame.groupby("product", sort=False)["case"].nunique()
    out = pd.DataFrame({"cases": cases, "amount": grouped["amount"].sum()}).reset_index(names="product")
    return out.sort_values(["amount", "product"], ascending=[False, True], kind="stable").reset_index(drop=True)
