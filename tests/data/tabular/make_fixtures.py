"""Write the tabular fixtures (run once; the files are committed). Shaped like real exports."""
import datetime as dt
import zipfile
from pathlib import Path

import openpyxl

HERE = Path(__file__).parent
NBSP = "\u00a0"

orders = f"""Отчет по заказам клиентов;;;;;
Период: 01.03.2026 - 31.03.2026;;;;;
;;;;;
Номер заказа;Событие;Дата;Ответственный;Подразделение;Сумма
З-000101;Создан заказ клиента;02.03.2026 8:47:11;Иванова А.;Отдел продаж;1{NBSP}234,50
З-000101;Согласован заказ;02.03.2026 10:05:00;Петров И.;Отдел продаж;1{NBSP}234,50
З-000101;Отгрузка;03.03.2026 0:00:00;Сидоров П.;Склад;1{NBSP}234,50
З-000102;Создан заказ клиента;02.03.2026 9:15;Иванова А.;Отдел продаж;12{NBSP}000,00
;Согласован заказ;02.03.2026 11:00:00;Петров И.;Отдел продаж;12{NBSP}000,00
З-000102;Отгрузка;31.02.2026 15:00:00;Сидоров П.;Склад;12{NBSP}000,00
NA;Создан заказ клиента;05.03.2026;Иванова А.;Отдел продаж;300
Итого;;;;;13{NBSP}534,50
"""
(HERE / "orders_cp1251.csv").write_bytes(orders.replace("\n", "\r\n").encode("cp1251"))

tickets = "Case ID\tActivity\tTimestamp\tResource\n" \
          "T-1\tRegister\t2026-03-02T09:00:00+03:00\tAnna\n" \
          "T-1\tClose\t2026-03-02 12:30:00\tBoris\n"
(HERE / "tickets_utf8_bom.tsv").write_bytes(b"\xef\xbb\xbf" + tickets.encode("utf-8"))

(HERE / "bad_mixed_dates.csv").write_text(
    "Заказ;Событие;Дата\nЗ-1;Создан;13/01/2026\nЗ-1;Отгружен;01/14/2026\n", encoding="utf-8")
(HERE / "bad_no_activity.csv").write_text("Заказ;Дата;Сумма\nЗ-1;01.03.2026;5\n", encoding="utf-8")
(HERE / "bad_ambiguous.csv").write_text(
    "Заказ;Событие;Дата начала;Дата отмены\nЗ-1;Создан;01.03.2026;02.03.2026\n", encoding="utf-8")
(HERE / "bad_empty.csv").write_bytes(b"")
(HERE / "bad_all_dates.csv").write_text("Заказ;Событие;Дата\nЗ-1;Создан;вчера\nЗ-2;Создан;сегодня\n",
                                        encoding="utf-8")
(HERE / "bad_text_named_xlsx.xlsx").write_text("Заказ;Событие;Дата\n", encoding="utf-8")

wb = openpyxl.Workbook()
ws = wb.active
ws.title = "Журнал отгрузок"
ws["A1"] = "Журнал отгрузок склада"
ws["A2"] = "Период: 01.03.2026 - 31.03.2026"
ws.append([])
ws.append(["№ заказа", "Операция", "Дата и время", "Кладовщик", None])
ws.merge_cells("D4:E4")
ws.append(["З-000101", "Собран заказ", dt.datetime(2026, 3, 2, 15, 5), "Сидоров П.", "склад 1"])
ws.append([102, "Отгрузка", "03.03.2026 9:00", "Сидоров П.", None])
ws.append(["З-000103", "Отгрузка", 46084.5, None, None])
ws.append(["З-000104", "Отгрузка", "вчера", "Кузнецов В.", None])
wb.create_sheet("Пустой")
wb.properties.created = wb.properties.modified = dt.datetime(2026, 3, 31)
wb.save(HERE / "warehouse.xlsx")

data = (HERE / "warehouse.xlsx").read_bytes()
(HERE / "bad_truncated.xlsx").write_bytes(data[: len(data) // 2])

with zipfile.ZipFile(HERE / "bad_not_workbook.xlsx", "w") as zf:
    zf.writestr("word/document.xml", "<w:document/>")

bomb = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
        '<workbook>&lol2;</workbook>')
with zipfile.ZipFile(HERE / "bad_xml_bomb.xlsx", "w") as zf:
    zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
    zf.writestr("xl/workbook.xml", bomb)

# An encrypted OOXML workbook is an OLE container with an "EncryptedPackage" stream; only the
# markers matter to the check, so this stand-in holds the OLE magic and the stream name.
(HERE / "bad_password.xlsx").write_bytes(
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 64)

# A cover sheet before the journal: without --sheet the reader must skip it.
wb = openpyxl.Workbook()
ws = wb.active
ws.title = "Титул"
ws["B2"] = "Журнал заявок отдела закупок"
ws["B3"] = "Составил: Петрова"
ws["B4"] = "Версия 3"
ws2 = wb.create_sheet("Заявки")
ws2.append(["Заявка", "Этап", "Период"])
ws2.append(["ЗП-1", "Создана", dt.datetime(2026, 3, 2, 9, 0)])
ws2.append(["ЗП-1", "Согласована", dt.datetime(2026, 3, 2, 11, 30)])
wb.properties.created = wb.properties.modified = dt.datetime(2026, 3, 31)
wb.save(HERE / "cover_then_journal.xlsx")
