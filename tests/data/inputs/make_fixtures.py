"""Write the fixtures of «inputs you can trust» (run once; the small files are committed).

Each file is shaped the way a client's export comes (CSV from 1C in windows-1251 with ';', the
same data re-saved as XLSX with minutes only, overlapping monthly exports, a workbook with a
sheet per month, merged group-header rows, trackers of other departments, 1C placeholders).
The events come from :func:`order_events`, a small generator with a known truth, so the tests
compare with what was generated, not with numbers copied from a run.

    python tests/data/inputs/make_fixtures.py
"""
from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

HERE = Path(__file__).parent
STEPS = ("Создан заказ", "Согласован заказ", "Собран заказ", "Отгружен заказ")
PEOPLE = ("Иванова А.", "Петров И.", "Сидоров П.", "Кузнецова В.")
CLIENTS = ('ООО "Ромашка"', 'ООО "Вектор"', 'АО "Восток"')
HEADER = ["Номер заказа", "Событие", "Дата", "Ответственный", "Клиент"]


def order_events(n_cases: int, *, start: dt.datetime = dt.datetime(2026, 1, 5, 9, 0), seed: int = 7,
                 first: int = 1) -> list[list[object]]:
    """Rows of ``n_cases`` orders, each going through :data:`STEPS` (times with seconds).

    Orders start one per working hour from ``start``; each step takes 1-20 hours.
    """
    rnd = random.Random(seed)
    rows: list[list[object]] = []
    for i in range(n_cases):
        when = start + dt.timedelta(hours=3 * i, minutes=rnd.randrange(60), seconds=rnd.randrange(1, 60))
        client = CLIENTS[i % len(CLIENTS)]
        for step in STEPS:
            rows.append([f"З-{first + i:06d}", step, when, PEOPLE[rnd.randrange(len(PEOPLE))], client])
            when += dt.timedelta(hours=rnd.randrange(1, 20), minutes=rnd.randrange(60), seconds=rnd.randrange(60))
    return rows


def write_csv(path: Path, rows: list[list[object]], header: list[str] = HEADER, *, encoding: str = "cp1251",
              fmt: str = "%d.%m.%Y %H:%M:%S") -> Path:
    """A 1C-style CSV: ';', dates as dd.mm.yyyy hh:mm:ss, windows-1251, CRLF."""
    def cell(v: object) -> str:
        text = v.strftime(fmt) if isinstance(v, dt.datetime) else str(v)
        return '"' + text.replace('"', '""') + '"' if ";" in text or '"' in text else text

    lines = [";".join(header)] + [";".join(cell(v) for v in r) for r in rows]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def write_xlsx(path: Path, sheets: dict[str, list[list[object]]], *, minutes_only: bool = False,
               header: list[str] = HEADER, above: list[list[object]] | None = None,
               merges: list[str] | None = None) -> Path:
    """A workbook with one sheet per entry; ``minutes_only`` drops the seconds as Excel users do."""
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in above or []:
            sheet.append(row)
        for merge in merges or []:
            sheet.merge_cells(merge)
        sheet.append(header)
        for r in rows:
            sheet.append([v.replace(second=0) if minutes_only and isinstance(v, dt.datetime) else v for v in r])
    book.properties.created = book.properties.modified = dt.datetime(2026, 4, 1)
    book.save(path)
    return path


def main() -> None:
    rows = order_events(30)
    # 1. The same export as CSV and as its XLSX copy (minutes only): one copy of every event must stay.
    write_csv(HERE / "orders_march.csv", rows)
    write_xlsx(HERE / "orders_march_copy.xlsx", {"Заказы": rows}, minutes_only=True)
    # 2. Two monthly exports that overlap by the orders 11-20.
    write_csv(HERE / "orders_part1.csv", [r for r in rows if int(str(r[0])[2:]) <= 20])
    write_csv(HERE / "orders_part2.csv", [r for r in rows if int(str(r[0])[2:]) > 10])
    # 3. A journal with the same record twice in one second (kept, counted).
    write_csv(HERE / "identical_rows.csv", rows[:8] + [rows[3]])
    # 4. A merged group-header row above the real header.
    write_xlsx(HERE / "group_header.xlsx", {"Журнал": rows[:12]}, above=[["Заказ", None, "Выполнение", "Кто", "Кому"]],
               merges=["A1:B1"])
    # 5. A public log's timestamps: 2014/10/22 11:15:41.000.
    write_csv(HERE / "slash_dates.csv", rows[:8], fmt="%Y/%m/%d %H:%M:%S.000", encoding="utf-8")
    # 6. A workbook with a sheet per month and a pivot sheet with other columns.
    by_month = {"Январь": rows[:40], "Февраль": rows[40:80], "Март": rows[80:]}
    write_xlsx(HERE / "months.xlsx", by_month)
    import openpyxl

    book = openpyxl.load_workbook(HERE / "months.xlsx")
    pivot = book.create_sheet("Сводная")
    pivot.append(["Клиент", "Заказов"])
    for c in CLIENTS:
        pivot.append([c, 10])
    book.save(HERE / "months.xlsx")
    # 7. Trackers of other departments.
    write_trackers(HERE)
    # 8. 1C placeholders and client / entry-time columns.
    write_placeholders(HERE / "placeholders.csv")
    write_csv(HERE / "entered.csv", [[r[0], r[1], r[2], r[3], r[4], r[2] + dt.timedelta(days=2)] for r in rows[:8]],
              header=["Заказ", "Событие", "Дата", "Менеджер", "Контрагент", "Дата ввода"])
    # 9. Two sources that name the case differently, with a column each that guessing cannot tell apart.
    write_csv(HERE / "shop_a.csv", [[r[0], "X-" + str(r[0]), r[1], r[2]] for r in rows[:8]],
              header=["Номер", "Номер документа", "Событие", "Дата"])
    write_csv(HERE / "shop_b.csv", [[r[0], r[1], r[2]] for r in rows[8:16]], header=["Код", "Событие", "Дата"])
    # 10. 1C list exports in a folder: orders and payments, one payment an advance linked to no order.
    write_advance(HERE / "advance")


def write_advance(folder: Path) -> None:
    """«Заказы клиентов» and «Поступления безналичных ДС» list exports; payment 0000-000052 is an advance."""
    folder.mkdir(exist_ok=True)
    orders = [["0000-000001", "15.01.2024 10:12:30", 'ООО "Ромашка"', "Петрова А.С."],
              ["0000-000002", "16.01.2024 9:05:00", 'ООО "Вектор"', "Петрова А.С."]]
    write_xlsx(folder / "Заказы клиентов.xlsx", {"TDSheet": orders}, header=["Номер", "Дата", "Клиент", "Менеджер"])
    o1, o2 = ("Заказ клиента 0000-000001 от 15.01.2024 10:12:30", "Заказ клиента 0000-000002 от 16.01.2024 9:05:00")
    payments = [["0000-000050", "16.01.2024 12:00:00", "120 000,00", 'ООО "Ромашка"', o1],
                ["0000-000051", "18.01.2024 10:00:00", "45 500,00", 'ООО "Вектор"', o2],
                ["0000-000052", "20.01.2024 15:30:00", "30 000,00", 'АО "Восток"', ""]]
    lines = ["\t".join(["Номер", "Дата", "Сумма", "Плательщик", "Объект расчетов"])] + ["\t".join(r) for r in payments]
    (folder / "Поступления безналичных ДС.txt").write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1251"))


def write_trackers(folder: Path) -> None:
    """Workbooks of design, HR, approvals, service desk, sales and projects, with their own headers."""
    start = dt.datetime(2026, 2, 2, 10, 0)
    specs = {
        "design_tasks.xlsx": (["Задача", "Этап", "Исполнитель", "Дата", "Проект"], ["Эскиз", "Согласование", "Макет"]),
        "hr_vacancies.xlsx": (["Вакансия", "Этап", "Рекрутер", "Дата"], ["Открыта", "Интервью", "Оффер"]),
        "approvals.csv": (["Документ", "Действие", "Кто", "Дата"], ["Отправлен", "Согласовал", "Утвердил"]),
        "service_desk.csv": (["Обращение", "Статус", "Исполнитель", "Дата изменения"], ["Новое", "В работе", "Решено"]),
        "sales_deals.xlsx": (["Сделка", "Стадия", "Менеджер", "Дата", "Клиент"], ["Лид", "КП", "Договор"]),
        "projects.csv": (["Проект", "Этап", "Ответственный", "Дата"], ["Старт", "Разработка", "Сдача"]),
    }
    for name, (header, steps) in specs.items():
        rows = []
        for i in range(1, 5):
            for j, step in enumerate(steps):
                row: list[object] = [f"{header[0][:3].upper()}-{i}", step, PEOPLE[(i + j) % 4],
                                     start + dt.timedelta(days=i, hours=3 * j)]
                rows.append(row + ([f"ПР-{i % 2}"] if "Проект" in header[4:] else [])
                            + ([CLIENTS[i % 3]] if "Клиент" in header[4:] else []))
        if name.endswith(".csv"):
            write_csv(folder / name, rows, header=header, encoding="utf-8")
        else:
            write_xlsx(folder / name, {"Лист1": rows}, header=header)


def write_placeholders(path: Path) -> None:
    """A 1C list with empty references («<Не указан>») and a broken one («<Объект не найден>»)."""
    rows = order_events(3)
    out = []
    for i, r in enumerate(rows):
        department = "<Не указан>" if i % 4 == 1 else ("Отдел продаж" if i % 2 == 0 else "Склад")
        client = "<Объект не найден> (12:b3f0a1c2d3e4f5a6)" if i == 5 else r[4]
        out.append([r[0], r[1], r[2], r[3] if i != 2 else "<Пусто>", department, client])
    write_csv(path, out, header=["Номер заказа", "Событие", "Дата", "Ответственный", "Подразделение", "Клиент"])


if __name__ == "__main__":
    main()
