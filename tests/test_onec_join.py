"""Joining the registration journal to document lists: entry time, late entry, back-dating."""
from __future__ import annotations

import pandas as pd

from conftest import DATA
from connectors.onec.documents import read_onec_documents
from connectors.onec.join import join_journal
from connectors.onec.journal import read_onec_journal


def _inputs() -> tuple[pd.DataFrame, pd.DataFrame]:
    docs = pd.concat([r.frame for r in read_onec_documents(sorted((DATA / "onec" / "documents").iterdir()))],
                     ignore_index=True)
    return docs, read_onec_journal(DATA / "onec" / "journal").frame


def test_documents_get_entry_time_user_lag_and_flags():
    docs, journal = _inputs()
    docs_before, journal_before = docs.copy(), journal.copy()
    out = join_journal(docs, journal)
    assert docs.equals(docs_before) and journal.equals(journal_before)  # inputs are not touched
    got = out.drop_duplicates("doc:number").set_index("doc:number")
    rows = got.loc[["0000-000001", "0000-000010", "0000-000022", "0000-000040", "0000-000002"],
                   ["onec:entered", "onec:entered_by", "onec:first_posted", "onec:changes", "doc:late_entry",
                    "doc:back_dated"]].map(lambda v: "-" if pd.isna(v) else str(v)).values.tolist()
    assert rows == [
        ["2024-01-15 10:12:35", "Петрова А.С.", "2024-01-15 10:12:35", "3", "False", "False"],  # on time
        ["2024-01-19 18:05:12", "Иванов И.И.", "2024-01-19 18:05:12", "2", "True", "True"],  # 2 days late
        ["2024-01-25 16:10:00", "Сидорова Е.В.", "2024-01-25 16:10:00", "3", "False", "True"],  # dated 40 min back
        ["2024-01-15 10:30:05", "Петрова А.С.", "-", "1", "False", "False"],  # never posted
        ["-", "-", "-", "-", "-", "-"],  # not in the journal: unknown, not False
    ]
    assert round(got.loc["0000-000010", "doc:lag_hours"], 3) == 55.087
    assert round(got.loc["0000-000022", "doc:lag_hours"], 3) == 0.667
    assert len(out) == len(docs) and list(out.columns[: len(docs.columns)]) == list(docs.columns)


def test_thresholds_are_options_and_guid_and_key_both_match():
    docs, journal = _inputs()
    out = join_journal(docs, journal, late_after="3d", back_dated_after="1h")
    got = out.drop_duplicates("doc:number").set_index("doc:number")
    assert not got.loc["0000-000010", "doc:late_entry"] and got.loc["0000-000010", "doc:back_dated"]
    assert not got.loc["0000-000022", "doc:back_dated"]
    # the shipment list carries GUIDs (matched by GUID); the orders list does not (kind + number + date)
    no_guid = join_journal(docs.drop(columns=["doc:guid"]), journal)
    assert no_guid["onec:entered"].equals(join_journal(docs, journal)["onec:entered"])
