"""Write the 1C fixtures of tests/test_onec_*.py (run once; the outputs are committed).

A small sales story in УТ 11.5, told three ways: document-list exports (the layouts of
ONEC_FORMATS.md §2.2), the registration journal of the same documents (text format, CRLF, BOM),
and a journal XML export. No public sample of the XML export or of the list exports exists: these
follow the documented layouts and are marked as such in the tests.

    python tests/data/onec/make_fixtures.py
"""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
GUID = "7f3b6c2e-1a2b-4c3d-8e9f-0a1b2c3d4e5f"
HEADER = f"\ufeff1CV8LOG(ver 2.0)\r\n{GUID}\r\n"

O1 = "Заказ клиента 0000-000001 от 15.01.2024 10:12:30"
O2 = "Заказ клиента 0000-000002 от 16.01.2024 9:05:00"
O3 = "Заказ клиента 0000-000003 от 18.01.2024 14:40:11"
R10 = "Реализация товаров и услуг 0000-000010 от 17.01.2024 11:00:00"
R11 = "Реализация товаров и услуг 0000-000011 от 19.01.2024 16:20:00"
P22 = "Поступление безналичных ДС 0000-000022 от 25.01.2024 15:30:00"
S40 = "Счет на оплату клиенту 0000-000040 от 15.01.2024 10:30:00"


def v1_guid(utc: datetime, node: int) -> str:
    """A version-1 GUID whose timestamp is ``utc`` (as the platform makes refs)."""
    ticks = int((utc - datetime(1582, 10, 15)).total_seconds() * 10_000_000)
    low, mid, high = ticks & 0xFFFFFFFF, (ticks >> 32) & 0xFFFF, (ticks >> 48) & 0x0FFF
    return str(uuid.UUID(fields=(low, mid, high | 0x1000, 0x80, 0xF5, node)))


def ref_hex(guid: str) -> str:
    """The journal's byte order of a GUID (inverse of ONEC_FORMATS.md §1.2.4)."""
    g1, g2, g3, g4, g5 = guid.split("-")
    return g4 + g5 + g3 + g2 + g1


GUID_O1 = v1_guid(datetime(2024, 1, 15, 7, 12, 35), 0x2C44FD838FA1)
GUID_S40 = v1_guid(datetime(2024, 1, 15, 7, 30, 5), 0x2C44FD838FA1)
GUID_R10 = v1_guid(datetime(2024, 1, 19, 15, 5, 12), 0x2C44FD838FA1)
GUID_R11 = v1_guid(datetime(2024, 1, 19, 13, 20, 3), 0x2C44FD838FA1)
GUID_P22 = v1_guid(datetime(2024, 1, 25, 13, 10, 0), 0x2C44FD838FA1)
GUID_O4 = v1_guid(datetime(2024, 1, 15, 7, 44, 58), 0x2C44FD838FA1)


def txn(when: str, number: int) -> str:
    dt = datetime.strptime(when, "%Y%m%d%H%M%S")
    return f"{int((dt - datetime(1, 1, 1)).total_seconds() * 10000):x},{number:x}"


def rec(when: str, status: str, trans: str, user: int, comp: int, event: int, meta: int = 0, data: str = '{"U"}',
        pres: str = "", comment: str = "", severity: str = "I", session: int = 5, conn: int = 11) -> str:
    return (f"{{{when},{status},\r\n{{{trans}}},{user},{comp},1,{conn},{event},{severity},\"{comment}\",{meta},\r\n"
            f"{data},\"{pres}\",1,1,1,{session},0,\r\n{{0}}\r\n}}")


def ref(meta: int, guid: str) -> str:
    return f'{{"R",{40 + meta}:{ref_hex(guid)}}}'


def write_journal(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    lgf = [
        '{1,00000000-0000-0000-0000-000000000000,"",1}', '{1,9a1f3c52-7d2e-4b8a-9c01-5e6f7a8b9c0d,"Петрова А.С.",2}',
        '{1,1b2c3d4e-5f60-4718-92a3-b4c5d6e7f809,"Иванов И.И.",3}',
        '{1,2c3d4e5f-6071-4829-a3b4-c5d6e7f8091a,"Сидорова Е.В.",4}',
        '{2,"SALES-02",1}', '{2,"SKLAD-01",2}', '{2,"BUH-01",3}', '{3,"1CV8C",1}',
        '{4,"_$Session$_.Start",1}', '{4,"_$Transaction$_.Begin",2}', '{4,"_$Data$_.New",3}',
        '{4,"_$Transaction$_.Commit",4}', '{4,"_$Data$_.Post",5}', '{4,"_$Session$_.Finish",6}',
        '{4,"_$Data$_.Update",7}', '{4,"_$Transaction$_.Rollback",8}', '{4,"Обмен.Загрузка",9}',
        '{5,1d8b0c2a-0000-4000-8000-000000000001,"Документ.ЗаказКлиента",1}',
        '{5,1d8b0c2a-0000-4000-8000-000000000002,"Документ.РеализацияТоваровУслуг",2}',
        '{5,1d8b0c2a-0000-4000-8000-000000000003,"Документ.ПоступлениеБезналичныхДенежныхСредств",3}',
        '{5,1d8b0c2a-0000-4000-8000-000000000005,"Документ.СчетНаОплатуКлиенту",5}',
        '{6,"SRV-1C",1}', "{7,1560,1}", "{8,1561,1}", "{11,\r\n{0},1}", "{13,1,2}",
        '{2,"SALES-02.corp.local",1}',  # the same code written again later: the last one wins
    ]
    (folder / "1Cv8.lgf").write_bytes((HEADER + ",\r\n".join(lgf)).encode("utf-8"))
    a, b, c = txn("20240115101235", 0x1A1), txn("20240115103005", 0x1B2), txn("20240115104500", 0x1C3)
    d, e, f, g = (txn("20240119180512", 0x2D4), txn("20240119182000", 0x2E5), txn("20240125161000", 0x3F6),
                  txn("20240125170000", 0x407))
    records = [
        rec("20240115101000", "N", "0,0", 2, 1, 1),
        rec("20240115101235", "C", a, 2, 1, 2), rec("20240115101235", "U", a, 2, 1, 3, 1, ref(1, GUID_O1), O1),
        rec("20240115101235", "U", a, 2, 1, 5, 1, ref(1, GUID_O1), O1), rec("20240115101235", "C", a, 2, 1, 4),
        rec("20240115103005", "C", b, 2, 1, 2), rec("20240115103005", "U", b, 2, 1, 3, 5, ref(5, GUID_S40), S40),
        rec("20240115103005", "C", b, 2, 1, 4),
        rec("20240115104500", "R", c, 2, 1, 2),
        rec("20240115104500", "R", c, 2, 1, 3, 1, ref(1, GUID_O4), "Заказ клиента 0000-000004 от 15.01.2024 10:44:58"),
        rec("20240115104500", "R", c, 2, 1, 8),
        rec("20240115110000", "N", "0,0", 2, 1, 6),
        rec("20240119180000", "N", "0,0", 3, 2, 1, session=7, conn=14),
        rec("20240119180512", "C", d, 3, 2, 2, session=7, conn=14),
        rec("20240119180512", "U", d, 3, 2, 3, 2, ref(2, GUID_R10), R10, session=7, conn=14,
            comment='Отгрузка задним числом,\r\nпо звонку ""Ромашки"" {срочно}'),
        rec("20240119180512", "U", d, 3, 2, 5, 2, ref(2, GUID_R10), R10, session=7, conn=14),
        rec("20240119180512", "C", d, 3, 2, 4, session=7, conn=14),
        rec("20240119182000", "C", e, 3, 2, 2, session=7, conn=14),
        rec("20240119182000", "U", e, 3, 2, 7, 1, ref(1, GUID_O1), O1, comment="Статус: Закрыт", session=7, conn=14),
        rec("20240119182000", "C", e, 3, 2, 4, session=7, conn=14),
        rec("20240119183000", "N", "0,0", 3, 2, 9, 0, '{"S","обмен ""сайт"" {1}"}', comment="Загружено 3 объекта",
            severity="W", session=7, conn=14),
        rec("20240119183500", "N", "0,0", 3, 2, 6, session=7, conn=14),
        rec("20240125161000", "C", f, 4, 3, 2, session=9, conn=20),
        rec("20240125161000", "U", f, 4, 3, 3, 3, ref(3, GUID_P22), P22, session=9, conn=20),
        rec("20240125161000", "U", f, 4, 3, 5, 3, ref(3, GUID_P22), P22, session=9, conn=20),
        rec("20240125161000", "C", f, 4, 3, 4, session=9, conn=20),
        rec("20240125170000", "U", g, 4, 3, 2, session=9, conn=20),
        rec("20240125170000", "U", g, 4, 3, 7, 3, ref(3, GUID_P22), P22, session=9, conn=20),
    ]
    text = HEADER + "\r\n" + ",\r\n".join(records)
    (folder / "20240115000000.lgp").write_bytes(text.encode("utf-8"))


def write_bad_journals(folder: Path, good: Path) -> None:
    """A truncated lgp, and an lgf that lacks a code the lgp uses."""
    trunc = folder / "truncated"
    trunc.mkdir(parents=True, exist_ok=True)
    (trunc / "1Cv8.lgf").write_bytes((good / "1Cv8.lgf").read_bytes())
    data = (good / "20240115000000.lgp").read_bytes()
    (trunc / "20240115000000.lgp").write_bytes(data[:-60])  # cut inside the last record
    missing = folder / "missing_code"
    missing.mkdir(parents=True, exist_ok=True)
    lgf = (good / "1Cv8.lgf").read_bytes().decode("utf-8")
    lgf = lgf.replace(',\r\n{4,"_$Data$_.Post",5}', "").replace(',\r\n{2,"BUH-01",3}', "")
    (missing / "1Cv8.lgf").write_bytes(lgf.encode("utf-8"))
    (missing / "20240115000000.lgp").write_bytes(data)
    (folder / "not_sqlite.lgd").write_text("Это не база данных, а текст, сохраненный с расширением .lgd\n",
                                           encoding="utf-8")


XML_EVENT = """  <v8e:Event>
    <v8e:Level>{level}</v8e:Level>
    <v8e:Date>{date}</v8e:Date>
    <v8e:ApplicationName>1CV8C</v8e:ApplicationName>
    <v8e:ApplicationPresentation>Тонкий клиент</v8e:ApplicationPresentation>
{event}    <v8e:User>9a1f3c52-7d2e-4b8a-9c01-5e6f7a8b9c0d</v8e:User>
    <v8e:UserName>{user}</v8e:UserName>
    <v8e:Computer>SALES-02</v8e:Computer>
{meta}    <v8e:Comment>{comment}</v8e:Comment>
{data}    <v8e:TransactionStatus>{status}</v8e:TransactionStatus>
    <v8e:TransactionID>{txn}</v8e:TransactionID>
    <v8e:Connection>11</v8e:Connection>
    <v8e:Session>5</v8e:Session>
    <v8e:ServerName>SRV-1C</v8e:ServerName>
    <v8e:Port>1560</v8e:Port>
    <v8e:SyncPort>1561</v8e:SyncPort>
  </v8e:Event>
"""


def write_xml(path: Path) -> None:
    """The journal XML export laid out as ONEC_FORMATS.md §1.4 documents it (no public sample exists)."""
    def event(date: str, name: str, title: str, status: str = "NotApplicable", txn_id: str = "", meta: str = "",
              guid: str = "", pres: str = "", comment: str = "", level: str = "Information",
              user: str = "Петрова А.С.") -> str:
        ev = (f"    <v8e:Event>{name}</v8e:Event>\n" if name else "") + \
            f"    <v8e:EventPresentation>{title}</v8e:EventPresentation>\n"
        md = (f"    <v8e:Metadata>{meta}</v8e:Metadata>\n"
              f"    <v8e:MetadataPresentation>Заказ клиента</v8e:MetadataPresentation>\n") if meta else ""
        data = (f'    <v8e:Data xsi:type="DocumentRef.{meta.split(".")[-1]}">{guid}</v8e:Data>\n'
                f"    <v8e:DataPresentation>{pres}</v8e:DataPresentation>\n") if guid else \
            "    <v8e:Data xsi:nil=\"true\"/>\n    <v8e:DataPresentation/>\n"
        return XML_EVENT.format(level=level, date=date, event=ev, user=user, meta=md, comment=comment, data=data,
                                status=status, txn=txn_id)

    tid = "{243c385051d90,1a1}"
    body = [
        event("2024-01-15T10:10:00", "_$Session$_.Start", "Сеанс. Начало"),
        event("2024-01-15T10:12:35", "_$Transaction$_.Begin", "Транзакция. Начало", "Committed", tid),
        event("2024-01-15T10:12:35", "_$Data$_.New", "Данные. Добавление", "Committed", tid, "Документ.ЗаказКлиента",
              GUID_O1, O1),
        event("2024-01-15T10:12:35", "", "Данные. Проведение", "Committed", tid, "Документ.ЗаказКлиента", GUID_O1, O1),
        event("2024-01-15T10:12:35", "_$Transaction$_.Commit", "Транзакция. Фиксация", "Committed", tid),
        event("2024-01-15T10:44:58", "_$Data$_.New", "Данные. Добавление", "RolledBack", "{243c3850aa000,1c3}",
              "Документ.ЗаказКлиента", GUID_O4, "Заказ клиента 0000-000004 от 15.01.2024 10:44:58"),
        event("2024-01-15T10:46:00", "", "Данные. Изменение", "Unfinished", "{243c3850bb000,1c4}",
              "Документ.ЗаказКлиента", GUID_O1, O1, comment="Цена &quot;по договору&quot; &amp; скидка"),
        event("2024-01-15T11:00:00", "_$Session$_.Finish", "Сеанс. Завершение", level="Warning"),
    ]
    text = ('<?xml version="1.0" encoding="UTF-8"?>\n<v8e:EventLog xmlns:v8e="http://v8.1c.ru/eventLog" '
            'xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
            + "".join(body) +
            # the one real public fragment carries only these three elements
            "  <v8e:Event>\n    <v8e:Date>2024-01-15T11:05:00</v8e:Date>\n"
            "    <v8e:EventPresentation>Сеанс. Начало</v8e:EventPresentation>\n"
            "    <v8e:UserName>Иванов И.И.</v8e:UserName>\n  </v8e:Event>\n</v8e:EventLog>\n")
    path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    write_journal(HERE / "journal")
    write_bad_journals(HERE / "bad", HERE / "journal")
    write_xml(HERE / "journal_export.xml")
    from make_document_fixtures import write_documents  # noqa: E402  (beside this file)

    write_documents(HERE / "documents", HERE / "bad")
