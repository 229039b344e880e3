"""The 1C registration journal: lgf/lgp, lgd and the XML export into canonical events."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from conftest import DATA, shared_file
from connectors.onec.journal import looks_like_onec_journal, read_onec_journal
from connectors.registry import detect_kind
from miner.errors import FormatError, InputError, ValueProblemError

JOURNAL = DATA / "onec" / "journal"
BAD = DATA / "onec" / "bad"
O1 = "Заказ клиента 0000-000001 от 15.01.2024 10:12:30"
R10 = "Реализация товаров и услуг 0000-000010 от 17.01.2024 11:00:00"
P22 = "Поступление безналичных ДС 0000-000022 от 25.01.2024 15:30:00"
S40 = "Счет на оплату клиенту 0000-000040 от 15.01.2024 10:30:00"


def _balanced(read) -> bool:
    return read.info.rows_read == len(read.frame) + read.problems.rejected + read.problems.excluded


def _reasons(read) -> dict[str, int]:
    return {r.reason: r.count for r in read.problems.reasons}


# --- the shared public samples (ONEC_FORMATS.md §5) -------------------------------------------

def test_yy_lgp_sample_counts_severities_and_transactions():
    read = read_onec_journal(shared_file("onec", "yy_eventlog_lgf", "20200412130000.lgp"), case_notion="session")
    assert read.info.rows_read == 1009 and read.problems.rejected == 0
    assert read.info.details["transactions"] == {"committed": 3, "rolled_back": 0, "unfinished": 0}
    assert _reasons(read) == {"transaction service record (Begin/Commit/Rollback)": 6}
    assert read.frame["onec:severity"].value_counts().to_dict() == {
        "Предупреждение": 324, "Ошибка": 266, "Информация": 227, "Примечание": 186}  # 233 I - 6 Begin/Commit
    first = read.frame.iloc[2]
    assert (first["concept:name"], first["onec:comment"], first["onec:data"], first["onec:metadata"]) == (
        "СлучайноеИнформативноеСообщение", "1: Произвольный текст 7", "1: Простой текст 7", "Справочник.Справочник1")
    assert str(first["time:timestamp"]) == "2020-04-12 13:43:57"  # server local time, as written
    assert pd.isna(first["org:resource"])  # user code 1 is the unauthenticated "" user
    assert _balanced(read)


def test_yy_broken_sample_rejects_the_third_record_with_its_place_and_reads_the_rest():
    read = read_onec_journal(shared_file("onec", "yy_eventlog_lgf", "20200412130000_broken.lgp"),
                             case_notion="session")
    assert read.info.rows_read == 5
    assert read.frame["source:row"].tolist() == [1, 2, 4, 5]
    (reason,) = [r for r in read.problems.reasons if not r.excluded]
    assert reason.reason == "broken journal record"
    assert reason.examples == [{"file": "20200412130000_broken.lgp", "row": 3,
                                "value": "строка 14, байт 198: unexpected '0' after a value"}]
    with pytest.raises(ValueProblemError, match=r"20200412130000_broken.lgp, запись 3, строка 14 \(байт 198\): "
                                                 r"broken journal record: unexpected '0' after a value"):
        read_onec_journal(shared_file("onec", "yy_eventlog_lgf", "20200412130000_broken.lgp"), strict=True)


def test_safer_bwd_sample_without_bom_gives_document_events_with_guids():
    read = read_onec_journal(shared_file("onec", "safer_bwd_1c_log_parser", "events-small.lgp"))
    assert read.info.rows_read == 35 and len(read.frame) == 6
    assert read.info.details["transactions"] == {"committed": 11, "rolled_back": 0, "unfinished": 0}
    post = read.frame[read.frame["onec:event"] == "_$Data$_.Post"].iloc[0]  # the record ONEC_FORMATS §1.2.6 maps
    assert (post["case:concept:name"], post["concept:name"], post["org:resource"], post["onec:application"],
            post["onec:session"], post["onec:ref"]) == (
        "Документ1 000000006 от 21.01.2019 14:28:48", "Документ1: проведен", "user1", "1CV8C", 4,
        "b3e36b6d-1d6f-11e9-80f5-2c44fd838fa1")
    # metadata code 1 is first written empty, then as Справочник.Справочник1: the last one wins
    catalog = read.frame[read.frame["onec:metadata"] == "Справочник.Справочник1"]
    assert catalog["case:concept:name"].tolist() == ["Справочник1 4", "Справочник1 5"]
    assert _balanced(read)


def test_yy_lgd_sample_severity_zero_based_utc_to_local_and_repaired_data():
    path = shared_file("onec", "yy_eventlog_lgd", "1Cv8.lgd")
    read = read_onec_journal(path, case_notion="session")
    assert read.info.rows_read == 2013 and read.info.details["format"] == "lgd"
    assert read.frame["onec:severity"].value_counts().to_dict() == {
        "Информация": 601, "Примечание": 518, "Ошибка": 493, "Предупреждение": 397}  # 605 with the 4 service rows
    assert read.info.details["transactions"] == {"committed": 2, "rolled_back": 0, "unfinished": 0}
    row3 = read.frame[read.frame["source:row"] == 3].iloc[0]
    assert row3["onec:data"] == "1: Простой текст 11"  # stored as "1: РџСЂРѕСЃС‚РѕР№…"
    assert (row3["onec:application"], row3["onec:event"]) == ("1CV8C", "СлучайноеИнформативноеСообщение")
    assert str(read.frame["time:timestamp"].iat[0]) == "2020-04-12 10:49:38"  # 07:49:38 UTC + 3 h
    east = read_onec_journal(path, tz="Asia/Yekaterinburg", case_notion="session")
    assert str(east.frame["time:timestamp"].iat[0]) == "2020-04-12 12:49:38"
    assert _balanced(read)


# --- the fixture journal: a sales story in the text format --------------------------------------

def test_object_notion_names_objects_and_activities_and_decides_transactions():
    read = read_onec_journal(JOURNAL)
    got = read.frame[["case:concept:name", "concept:name", "time:timestamp", "org:resource", "onec:transaction",
                      "source:row"]].astype(str).values.tolist()
    assert got == [
        [O1, "Заказ клиента: создан", "2024-01-15 10:12:35", "Петрова А.С.", "зафиксирована", "3"],
        [O1, "Заказ клиента: проведен", "2024-01-15 10:12:35", "Петрова А.С.", "зафиксирована", "4"],
        [S40, "Счет на оплату клиенту: создан", "2024-01-15 10:30:05", "Петрова А.С.", "зафиксирована", "7"],
        [R10, "Реализация товаров и услуг: создан", "2024-01-19 18:05:12", "Иванов И.И.", "зафиксирована", "15"],
        [R10, "Реализация товаров и услуг: проведен", "2024-01-19 18:05:12", "Иванов И.И.", "зафиксирована", "16"],
        [O1, "Заказ клиента: изменен", "2024-01-19 18:20:00", "Иванов И.И.", "зафиксирована", "19"],
        [P22, "Поступление безналичных ДС: создан", "2024-01-25 16:10:00", "Сидорова Е.В.", "зафиксирована", "24"],
        [P22, "Поступление безналичных ДС: проведен", "2024-01-25 16:10:00", "Сидорова Е.В.", "зафиксирована", "25"],
        [P22, "Поступление безналичных ДС: изменен", "2024-01-25 17:00:00", "Сидорова Е.В.", "не завершена", "28"],
    ]
    assert read.info.details["transactions"] == {"committed": 5, "rolled_back": 1, "unfinished": 1}
    assert _reasons(read) == {"transaction service record (Begin/Commit/Rollback)": 13,
                              "not a change of a 1C object (session, job, message); use case notion session or "
                              "user_day": 5, "rolled-back transaction": 1}
    assert read.frame["onec:computer"].iat[0] == "SALES-02.corp.local"  # redefined later in the lgf
    assert read.frame["onec:comment"].iat[3] == 'Отгрузка задним числом,\r\nпо звонку "Ромашки" {срочно}'
    assert (read.frame["doc:kind"].iat[3], read.frame["doc:number"].iat[3]) == ("РеализацияТоваровУслуг",
                                                                                 "0000-000010")
    assert _balanced(read)


def test_rolled_back_changes_can_be_kept_and_are_flagged():
    read = read_onec_journal(JOURNAL, include_rolled_back=True)
    rolled = read.frame[read.frame["onec:transaction"] == "отменена"]
    assert rolled["case:concept:name"].tolist() == ["Заказ клиента 0000-000004 от 15.01.2024 10:44:58"]
    assert read.info.details["rolled_back_kept"] == 1 and _balanced(read)


def test_session_and_user_day_case_notions():
    session = read_onec_journal(JOURNAL, case_notion="session")
    assert session.frame["case:concept:name"].unique().tolist() == [
        "Сеанс 5 от 15.01.2024 10:10:00", "Сеанс 7 от 19.01.2024 18:00:00", "Сеанс 9 от 25.01.2024 16:10:00"]
    assert session.frame["concept:name"].tolist()[:5] == [
        "Сеанс. Начало", "Заказ клиента: создан", "Заказ клиента: проведен", "Счет на оплату клиенту: создан",
        "Сеанс. Завершение"]
    exchange = session.frame[session.frame["onec:event"] == "Обмен.Загрузка"].iloc[0]
    assert (exchange["onec:severity"], exchange["onec:data"]) == ("Предупреждение", 'обмен "сайт" {1}')
    day = read_onec_journal(JOURNAL, case_notion="user_day")
    assert day.frame["case:concept:name"].unique().tolist() == [
        "Петрова А.С. 15.01.2024", "Иванов И.И. 19.01.2024", "Сидорова Е.В. 25.01.2024"]
    assert len(session.frame) == len(day.frame) == 14 and _balanced(session) and _balanced(day)


def test_xml_export_built_from_the_documented_layout():
    """No public sample of «Выгрузить журнал регистрации» exists: journal_export.xml follows §1.4."""
    read = read_onec_journal(DATA / "onec" / "journal_export.xml", case_notion="session")
    assert read.info.details["format"] == "xml" and read.info.rows_read == 9
    assert read.frame["concept:name"].tolist() == [
        "Сеанс. Начало", "Заказ клиента: создан", "Заказ клиента: проведен", "Заказ клиента: изменен",
        "Сеанс. Завершение", "Сеанс. Начало"]
    changed = read.frame.iloc[3]
    assert (changed["onec:transaction"], changed["onec:comment"]) == ("не завершена", 'Цена "по договору" & скидка')
    assert read.frame["onec:ref"].iat[1] == "74f7b380-b375-11ee-80f5-2c44fd838fa1"
    assert read.frame["org:resource"].iat[5] == "Иванов И.И."  # an event with only Date, presentation, user
    assert _reasons(read) == {"transaction service record (Begin/Commit/Rollback)": 2, "rolled-back transaction": 1}
    assert _balanced(read)


def test_lgd_rolled_back_status_is_excluded(tmp_path):
    path = tmp_path / "1Cv8.lgd"
    con = sqlite3.connect(path)
    con.executescript((Path(__file__).parent / "data" / "onec" / "lgd_schema.sql").read_text(encoding="utf-8"))
    con.executemany("INSERT INTO EventLog VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", [
        (1, 1, 638408995550000, 1, 5, 2, 638408995550000, 77, 1, 1, 1, 2, "", "", 0, 85, "", "", 1, 1, 0),
        (2, 1, 638408995550001, 1, 5, 2, 638408995550000, 77, 1, 1, 1, 3, "", "1", 0, 82,
         "41:80f52c44fd838fa111eeb37574f7b380", O1, 1, 1, 0),
        (3, 1, 638408995550002, 1, 5, 2, 638408995550000, 77, 1, 1, 1, 4, "", "", 0, 85, "", "", 1, 1, 0)])
    con.commit()
    con.close()
    read = read_onec_journal(path)
    assert read.info.details["transactions"] == {"committed": 0, "rolled_back": 1, "unfinished": 0}
    assert _reasons(read) == {"transaction service record (Begin/Commit/Rollback)": 2, "rolled-back transaction": 1}
    kept = read_onec_journal(path, include_rolled_back=True).frame.iloc[0]
    assert (kept["concept:name"], str(kept["time:timestamp"])) == ("Заказ клиента: создан", "2024-01-15 10:12:35")


# --- bad input ---------------------------------------------------------------------------------

def test_truncated_lgp_reports_the_cut_record_and_keeps_the_rest():
    read = read_onec_journal(BAD / "truncated")
    assert read.info.rows_read == 28 and len(read.frame) == 8
    broken = [r for r in read.problems.reasons if not r.excluded]
    assert [(r.reason, r.examples) for r in broken] == [("broken journal record", [
        {"file": "20240115000000.lgp", "row": 28,
         "value": "строка 140, байт 3604: the record is cut off: the file ends inside it"}])]
    assert _balanced(read)


def test_lgf_missing_a_code_rejects_its_events_and_warns_about_the_rest():
    read = read_onec_journal(BAD / "missing_code")
    assert _reasons(read)["event code 5 missing from 1Cv8.lgf"] == 3
    assert read.info.details["warnings"] == [  # counted among the records that become events
        "20240115000000.lgp, запись 24: 1Cv8.lgf has no computers code 3 (2 records); copy 1Cv8.lgf again, "
        "after the *.lgp files"]
    assert set(read.frame.loc[read.frame["org:resource"] == "Сидорова Е.В.", "onec:computer"]) == {
        "<код 3 нет в 1Cv8.lgf>"}
    assert _balanced(read)
    with pytest.raises(ValueProblemError, match=r"^20240115000000.lgp, запись 4: event code 5 missing from 1Cv8.lgf "
                                                r"\(3 records like this\)"):
        read_onec_journal(BAD / "missing_code", strict=True)


def test_lgd_that_is_not_sqlite_is_refused_with_a_clear_message():
    with pytest.raises(FormatError, match=r"^not_sqlite.lgd: is not an SQLite database \(file is not a database\), "
                                          r"so it is not a 1C journal \(1Cv8.lgd\)"):
        read_onec_journal(BAD / "not_sqlite.lgd")


def test_other_bad_arguments(tmp_path):
    with pytest.raises(InputError, match="unknown time zone 'Moscow'"):
        read_onec_journal(JOURNAL, tz="Moscow")
    with pytest.raises(InputError, match="unknown case notion 'day'"):
        read_onec_journal(JOURNAL, case_notion="day")
    with pytest.raises(FormatError, match="holds no 1C registration journal"):
        read_onec_journal(tmp_path)
    lonely = tmp_path / "x.lgp"
    lonely.write_bytes((JOURNAL / "20240115000000.lgp").read_bytes())
    with pytest.raises(FormatError, match=r"x.lgp: the dictionary 1Cv8.lgf is not beside the journal files"):
        read_onec_journal(lonely)


def test_detection_of_every_journal_form(tmp_path):
    assert looks_like_onec_journal(JOURNAL) and looks_like_onec_journal(JOURNAL / "1Cv8.lgf")
    assert looks_like_onec_journal(DATA / "onec" / "journal_export.xml")
    assert not looks_like_onec_journal(BAD / "not_sqlite.lgd")
    assert detect_kind(JOURNAL / "20240115000000.lgp") == "onec-journal"
    infobase = tmp_path / "base"
    (infobase / "1Cv8Log").mkdir(parents=True)
    for f in JOURNAL.iterdir():
        (infobase / "1Cv8Log" / f.name).write_bytes(f.read_bytes())
    assert detect_kind(infobase) == "onec-journal"
    assert len(read_onec_journal(infobase).frame) == 9


def test_cli_ingest_with_journal_options(tmp_path):
    from miner.cli import cli

    out = tmp_path / "j.parquet"
    result = CliRunner().invoke(cli, ["ingest", str(JOURNAL), "-o", str(out), "--case-notion", "session",
                                      "--include-rolled-back"])
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "j.parquet.ingest.json").read_text(encoding="utf-8"))
    assert (report["rows_read"], report["events"], report["excluded"]) == (28, 15, 13)
    assert pd.read_parquet(out)["case:concept:name"].nunique() == 3


@pytest.mark.parametrize("raw, text", [(b'{"S","B"}', "B"), (b'{"S","U"}', "U"), (b'{"N",7}', "7"),
                                       ('{"S","Иванов"}'.encode(), "Иванов"), (b'{"B",1}', "Истина")])
def test_a_data_value_that_reads_like_a_type_letter_is_kept(raw, text):
    from connectors.onec.lgf import decode_data

    assert decode_data(raw)[2] == text
