"""1C document lists: reading the УТ 11.5 export layouts, linking documents into cases, OCEL 2.0.

The fixtures in data/onec/documents mirror the layouts of ONEC_FORMATS.md §2.1-2.2; no real
public sample of these exports exists (written by data/onec/make_document_fixtures.py).
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from conftest import DATA
from connectors.onec.documents import export_ocel, looks_like_onec_documents, read_documents, read_onec_documents
from connectors.onec.presentations import find_kind, parse_presentation, parse_presentations
from connectors.registry import detect_kind
from miner.errors import ColumnError, FormatError, InputError

DOCS = DATA / "onec" / "documents"
FILES = sorted(DOCS.iterdir())
O1 = "Заказ клиента 0000-000001 от 15.01.2024 10:12:30"
O2 = "Заказ клиента 0000-000002 от 16.01.2024 9:05:00"
O3 = "Заказ клиента 0000-000003 от 18.01.2024 14:40:11"
R10 = "Реализация товаров и услуг 0000-000010 от 17.01.2024 11:00:00"
R11 = "Реализация товаров и услуг 0000-000011 от 19.01.2024 16:20:00"


@pytest.fixture(scope="module")
def docset():
    return read_documents(FILES)


def test_presentations_are_parsed_from_the_right():
    p = parse_presentation("Реализация (акт, накладная, УПД) 00БП-000001 от 10.01.2023 8:47:11")
    assert (p.kind, p.number, str(p.date)) == ("Реализация (акт, накладная, УПД)", "00БП-000001", "2023-01-10 08:47:11")
    p = parse_presentation("Возврат товаров от клиента № ТД00-000123 от 01.02.2024\nТовары: 3 позиции")
    assert (p.kind, p.number, str(p.date), p.has_time) == ("Возврат товаров от клиента", "ТД00-000123",
                                                           "2024-02-01 00:00:00", False)
    assert parse_presentation("Счет покупателю 00БП-000500 от 31.02.2026") is None
    many = parse_presentations(["Заказ клиента 0000-000005 от 20.02.2024 12:12:12", "итого", None,
                                "Сборка (разборка) товаров 0000-001512 от 21.02.2019 0:00:07"])
    assert many["number"].tolist() == ["0000-000005", None, None, "0000-001512"]
    assert find_kind("Поступление (акт, накладная, УПД)").metadata == "ПриобретениеТоваровУслуг"
    assert find_kind("Счет покупателю").metadata == "СчетНаОплатуКлиенту"


def test_every_export_is_detected_and_ordinary_tables_are_not():
    assert all(looks_like_onec_documents(f) for f in FILES)
    assert [detect_kind(f) for f in FILES] == ["onec-documents"] * len(FILES)
    tabular = DATA / "tabular"
    for name in ("orders_cp1251.csv", "warehouse.xlsx", "tickets_utf8_bom.tsv"):
        if (tabular / name).exists():
            assert not looks_like_onec_documents(tabular / name), name


def test_cases_are_the_orders_with_everything_that_leads_to_them(docset):
    log = pd.concat([r.frame for r in docset.reads], ignore_index=True)
    log = log.sort_values(["case:concept:name", "time:timestamp"], kind="stable")
    got = log[["case:concept:name", "concept:name", "time:timestamp", "doc:number", "doc:amount",
               "source:row"]].astype(str).values.tolist()
    assert got == [
        [O1, "Заказ клиента", "2024-01-15 10:12:30", "0000-000001", "120000.0", "2"],
        [O1, "Счет на оплату клиенту", "2024-01-15 10:30:00", "0000-000040", "120000.0", "2"],
        [O1, "Поступление безналичных ДС", "2024-01-16 12:00:00", "0000-000020", "120000.0", "2"],
        [O1, "Реализация товаров и услуг", "2024-01-17 11:00:00", "0000-000010", "165500.0", "6"],
        [O2, "Заказ клиента", "2024-01-16 09:05:00", "0000-000002", "45500.0", "3"],
        [O2, "Реализация товаров и услуг", "2024-01-17 11:00:00", "0000-000010", "165500.0", "6"],  # closes 2 orders
        [O2, "Поступление безналичных ДС", "2024-01-20 10:00:00", "0000-000021", "20000.0", "3"],  # partial payment
        [O2, "Поступление безналичных ДС", "2024-01-25 15:30:00", "0000-000022", "25500.0", "4"],
        [O3, "Заказ клиента", "2024-01-18 14:40:11", "0000-000003", "80000.0", "4"],
        [O3, "Реализация товаров и услуг", "2024-01-19 16:20:00", "0000-000011", "80000.0", "8"],
        [O3, "Возврат товаров от клиента", "2024-01-22 09:15:00", "0000-000030", "8000.0", "2"],  # via the shipment
    ]
    order = log[log["doc:number"] == "0000-000001"].iloc[0]
    assert (order["org:resource"], order["doc:status"], order["Приоритет"], order["doc:kind"]) == (
        "Петрова А.С.", "Закрыт", "Средний", "ЗаказКлиента")


def test_each_file_accounts_for_its_rows(docset):
    by_file = {r.info.file: r for r in docset.reads}
    shipments = by_file["Реализация товаров и услуг (товары).xlsx"]
    assert (shipments.info.rows_read, len(shipments.frame), shipments.info.details["documents"]) == (4, 3, 2)
    assert {r.reason: r.count for r in shipments.problems.reasons} == {
        "total row (Итого/Всего)": 1, "another line of the same document (its links are merged)": 1}
    assert shipments.info.details["header_row"] == 5 and shipments.info.details["kind_from"] == "presentation column"
    assert shipments.info.columns["link:ЗаказКлиента"] == "Товары.Заказ клиента"
    # a version-1 GUID carries the creation time (UTC): 18:05:12 in Moscow, two days after the document date
    assert str(shipments.frame["doc:created_utc"].iat[0]) == "2024-01-19 15:05:12"
    for read in docset.reads:
        used = read.info.rows_read - read.problems.rejected - read.problems.excluded
        assert used == read.info.details["documents"]
        assert len(read.frame) == read.frame.drop_duplicates("doc:number")["doc:cases"].sum()  # one event per case
    assert by_file["Возвраты товаров от клиентов.csv"].info.encoding == "cp1251"
    assert by_file["Поступления безналичных ДС.txt"].info.encoding == "utf-8-sig"


def test_the_link_table_keeps_every_many_to_many_link(docset):
    docs = docset.documents.set_index("doc")["presentation"]
    links = docset.links.assign(source=docset.links["source"].map(docs), target=docset.links["target"].map(docs))
    assert sorted(links[["source", "attribute", "target"]].itertuples(index=False, name=None)) == sorted([
        ("Возврат товаров от клиента 0000-000030 от 22.01.2024 9:15:00", "ДокументРеализации", R11),
        ("Поступление безналичных ДС 0000-000020 от 16.01.2024 12:00:00", "ОбъектРасчетов", O1),
        ("Поступление безналичных ДС 0000-000021 от 20.01.2024 10:00:00", "ОбъектРасчетов", O2),
        ("Поступление безналичных ДС 0000-000022 от 25.01.2024 15:30:00", "ОбъектРасчетов", O2),
        (R10, "ЗаказКлиента", O1), (R10, "ЗаказКлиента", O2), (R11, "ЗаказКлиента", O3),
        ("Счет на оплату клиенту 0000-000040 от 15.01.2024 10:30:00", "ДокументОснование", O1)])


def test_ocel_export_keeps_documents_links_and_customers(docset, tmp_path):
    import pm4py

    for suffix, reader in ((".jsonocel", pm4py.read_ocel2_json), (".sqlite", pm4py.read_ocel2_sqlite)):
        ocel = reader(str(export_ocel(docset, tmp_path / f"sales{suffix}")))
        assert len(ocel.events) == 10
        assert ocel.objects["ocel:type"].value_counts().to_dict() == {
            "Заказ клиента": 3, "Поступление безналичных ДС": 3, "Реализация товаров и услуг": 2, "Клиент": 2,
            "Возврат товаров от клиента": 1, "Счет на оплату клиенту": 1}
        o2o = ocel.o2o[ocel.o2o["ocel:qualifier"] == "ЗаказКлиента"]
        assert sorted(zip(o2o["ocel:oid"], o2o["ocel:oid_2"])) == [(R10, O1), (R10, O2), (R11, O3)]
        shipment = ocel.relations[ocel.relations["ocel:oid"] == O2]
        assert set(shipment["ocel:qualifier"]) == {"документ", "ЗаказКлиента", "ОбъектРасчетов"}
    with pytest.raises(FormatError, match=r"sales.csv: cannot write OCEL 2.0 as '.csv'"):
        export_ocel(docset, tmp_path / "sales.csv")


def test_root_kind_changes_what_a_case_is():
    reads = read_onec_documents(FILES, root_kind="Реализация товаров и услуг")
    cases = pd.concat([r.frame for r in reads])["case:concept:name"]
    assert sorted(cases.unique()) == sorted([R10, R11, O3, O1, O2])  # orders above a shipment head their own
    assert set(cases[pd.concat([r.frame for r in reads])["doc:number"] == "0000-000030"]) == {R11}
    with pytest.raises(InputError, match="unknown document kind 'Накладная' for --root-kind"):
        read_onec_documents(FILES, root_kind="Накладная")


def test_an_export_without_link_columns_is_read_with_a_located_warning():
    bad = DATA / "onec" / "bad" / "Реализация товаров и услуг без связей.xlsx"
    (read,) = read_onec_documents([bad])
    assert read.frame["case:concept:name"].tolist() == [R10, R11]  # each shipment heads its own case
    assert read.info.details["warnings"] == [
        'Реализация товаров и услуг без связей.xlsx, лист "TDSheet": no link column (Заказ клиента, Документ '
        "основание, Документ реализации, Объект расчетов, ...): its 2 documents cannot be tied to orders, so each "
        "starts its own case. Add the column in 1C (Еще → Изменить форму) and export the list again."]


def test_bad_exports_raise_located_errors(tmp_path):
    no_number = tmp_path / "Заказы клиентов.csv"
    no_number.write_text("Дата;Сумма;Клиент\n15.01.2024 10:00:00;100;А\n", encoding="utf-8")
    with pytest.raises(ColumnError, match=r"Заказы клиентов.csv: no «Номер» column and no «Ссылка» column"):
        read_onec_documents([no_number])
    unknown = tmp_path / "выгрузка.csv"
    unknown.write_text("Номер;Дата;Сумма\n0001;15.01.2024 10:00:00;100\n", encoding="utf-8")
    with pytest.raises(FormatError, match=r"выгрузка.csv: cannot tell which document kind this list holds"):
        read_onec_documents([unknown])
    dates = tmp_path / "Заказы клиентов.txt"
    dates.write_text("Номер\tДата\n0001\t15.01.2024 10:00:00\n0002\t31.02.2024\n\nИтого\t\n", encoding="utf-8")
    (read,) = read_onec_documents([dates])
    assert {(r.reason, r.count) for r in read.problems.reasons} == {
        ("unreadable date", 1), ("empty row", 1), ("total row (Итого/Всего)", 1)}
    (bad_date,) = [r for r in read.problems.reasons if r.reason == "unreadable date"]
    assert bad_date.examples == [{"file": "Заказы клиентов.txt", "row": 3, "column": "Дата", "value": "31.02.2024"}]
