"""Write the example notebooks of ``notebooks/`` from the cells below, without outputs.

Run ``python notebooks/build_notebooks.py`` after changing a cell; the notebooks are committed
without outputs and executed in CI by ``tests/test_notebooks.py`` (cwd = ``notebooks/``). They
use only the public API of ``miner`` and the files of ``sample_data/``.
"""
from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent

SETUP = '''\
import sys
import tempfile
from pathlib import Path

import pandas as pd
from IPython.display import SVG, Markdown, display

# The repository root is the folder with sample_data/, found from where the notebook runs.
ROOT = next(p for p in [Path.cwd(), *Path.cwd().parents] if (p / "sample_data").is_dir())
try:
    import miner
except ImportError:  # a clone without `pip install -e .`
    sys.path.insert(0, str(ROOT))
    import miner
DATA = ROOT / "sample_data"
pd.set_option("display.max_colwidth", 120)'''

QUICK_START = [
    ("md", "# Быстрый старт: от выгрузки к карте процесса\n\n"
           "Небольшая оптовая компания: заказы клиентов выгружены из 1С в CSV (`sales_1c.csv`, кодировка "
           "cp1251), отгрузки склад ведёт в Excel (`warehouse.xlsx`). Блокнот читает обе выгрузки в один "
           "журнал событий, показывает, что стало с каждой строкой, считает статистику и рисует карты "
           "реального процесса."),
    ("code", SETUP),
    ("md", "## 1. Чтение выгрузок\n\n"
           "`miner.ingest` сам определяет вид файла, кодировку, строку заголовка и столбцы (номер заказа, "
           "событие, дата, исполнитель, должность, подразделение). Догадки можно поправить параметрами "
           "`case=`, `activity=`, `timestamp=`…"),
    ("code", 'result = miner.ingest([DATA / "sales_1c.csv", DATA / "warehouse.xlsx"])\nresult'),
    ("md", "## 2. Что стало с каждой строкой\n\n"
           "Отчёт о чтении учитывает каждую строку: прочитано = использовано + отклонено + исключено. "
           "Отклонённые строки показаны с файлом, номером строки и значением — их можно найти и исправить."),
    ("code", 'report = result.report\n'
             'print(report.summary())\n'
             'assert report.rows_read == report.rows_used + report.rejected + report.excluded\n'
             'pd.DataFrame([{"файл": s.file, "вид": s.kind, "строк": s.rows_read, "кодировка": s.encoding,\n'
             '               "столбцы": s.columns} for s in report.sources])'),
    ("code", 'pd.DataFrame([{"причина": r.reason, "строк": r.count,\n'
             '               "примеры": "; ".join(f\'{e["file"]}, строка {e["row"]}: {e.get("value", "")}\' '
             'for e in r.examples)}\n'
             '              for r in report.reasons])'),
    ("md", "## 3. Журнал событий\n\n"
           "Один журнал в формате pm4py: `case:concept:name` — заказ, `concept:name` — действие, "
           "`time:timestamp` — время; откуда пришло каждое событие, видно по `source:file` и `source:row`."),
    ("code", 'log = result.log\nlog.head(8)'),
    ("md", "## 4. Статистика\n\nСколько заказов, событий и вариантов прохождения, за какой период, "
           "какие варианты самые частые."),
    ("code", 'miner.stats(log, top=5)'),
    ("md", "## 5. Карты процесса\n\n"
           "Частотная карта: сколько раз было каждое действие и каждый переход. Карта времени: сколько "
           "в среднем (медиана) занимает переход. Редкие пути скрыты; что скрыто, написано под картой."),
    ("code", 'found = miner.discover(log)\nfound.frequency'),
    ("code", 'found.performance'),
    ("md", "## 6. Вопросы для интервью\n\n"
           "По тем же данным `miner.interview` готовит вопросы руководителю каждого подразделения; "
           "с параметром `output=` он пишет `interview.docx` и `interview.md`."),
    ("code", 'guide = miner.interview(log)\n'
             'print(guide)\n'
             'display(Markdown("\\n".join(f"- {x.text}" for x in guide.section("Бухгалтерия").questions[:4])))'),
]

DECLARED = [
    ("md", "# Как описали и как на самом деле\n\n"
           "Руководитель отдела продаж рассказал консультанту, как идёт заказ; консультант записал это в "
           "`sales_declared.yaml`. Блокнот сравнивает описание с данными 1С и склада: что пропускают, "
           "что делают сверх описания, кто делает не своё, что идёт дольше норматива."),
    ("code", SETUP),
    ("md", "## 1. Описание процесса\n\nШаги, что может идти за каждым, кто и в какой срок должен это делать."),
    ("code", 'print((DATA / "sales_declared.yaml").read_text(encoding="utf-8"))'),
    ("code", 'declared = miner.read_declared(DATA / "sales_declared.yaml")\n'
             'pd.DataFrame([{"шаг": s.name, "далее": ", ".join(s.next), "роль": s.role,\n'
             '               "подразделение": s.department, "система": s.system,\n'
             '               "норматив": s.within.text if s.within else None} for s in declared.steps.values()])'),
    ("md", "## 2. Сравнение с данными"),
    ("code", 'log = miner.ingest([DATA / "sales_1c.csv", DATA / "warehouse.xlsx"]).log\n'
             'out = Path(tempfile.mkdtemp(prefix="compare_"))\n'
             'comparison = miner.compare(log, declared, output=out)\n'
             'print(f"Соответствие описанию (fitness): {comparison.fitness:.2f}; "\n'
             '      f"точно по описанию идут {comparison.conforming_cases:.0%} заказов")'),
    ("md", "## 3. Находки\n\nСамые важные — сверху: больше затронутых заказов, больше потерянного времени."),
    ("code", 'findings = pd.DataFrame([f.to_dict() for f in comparison.findings])\n'
             'findings[["kind", "cases", "share", "summary"]]'),
    ("md", "## 4. Карта сравнения\n\nРеальная карта; переходы, которых нет в описании, выделены, у "
           "пропускаемых шагов указана доля пропусков."),
    ("code", 'SVG(filename=str(out / "comparison.svg"))'),
    ("md", "## 5. Принятые отклонения и шаги вне системы\n\n"
           "Отклонения из списка `accepted:` описания не считаются находками: они показаны отдельно. "
           "Шаги, которые делаются по телефону или на бумаге, в данных не видны — это не отклонение."),
    ("code", 'pd.DataFrame([f.to_dict() for f in comparison.accepted])[["kind", "from", "to", "cases", "summary"]]'),
    ("code", 'pd.DataFrame(list(comparison.outside_system))'),
    ("md", "## 6. Вопросы руководителям по находкам\n\n"
           "С описанием `miner.interview` превращает находки в прямые вопросы тем подразделениям, "
           "которых они касаются."),
    ("code", 'guide = miner.interview(log, declared=DATA / "sales_declared.yaml")\n'
             'display(Markdown("\\n".join(f"- {x.text}" for x in guide.section("Бухгалтерия").deviations)))'),
    ("md", "## 7. То же для закупок: описание в Excel\n\n"
           "Описание можно вести и таблицей Excel (Шаг, Далее, Роль, Подразделение, Система, Норматив)."),
    ("code", 'purchasing = miner.compare(DATA / "purchasing.xlsx", DATA / "purchasing_declared.xlsx")\n'
             'pd.DataFrame([f.to_dict() for f in purchasing.findings])[["kind", "cases", "share", "summary"]]'),
    ("md", "## 8. Что переводить в CRM: процесс или проект, и где граница\n\n"
           "`miner.scope` для каждого подразделения говорит, повторяется ли его работа (процесс — воронка "
           "в CRM, проектная работа — трекер задач), и показывает границу: где записан каждый шаг, "
           "где он должен быть по описанию, через сколько его вносят, где случай переходит из 1С в Excel."),
    ("code", 'scope_out = Path(tempfile.mkdtemp())\n'
             'scope = miner.scope([DATA / "sales_1c.csv", DATA / "warehouse.xlsx", DATA / "purchasing.xlsx"], scope_out,\n'
             '                    declared=[DATA / "sales_declared.yaml", DATA / "purchasing_declared.xlsx"])\n'
             'scope'),
    ("code", 'pd.DataFrame(scope.boundary.crossings)'),
    ("code", 'SVG(filename=str(scope_out / f"{scope.department(\'Отдел продаж\').map}.svg"))'),
]

JOURNAL = [
    ("md", "# Журнал регистрации 1С\n\n"
           "Журнал регистрации — папка `1Cv8Log` информационной базы: словарь `1Cv8.lgf` и файлы "
           "событий `*.lgp`. В нём видно, кто и когда создал, изменил и провёл каждый документ. "
           "Здесь — небольшой **синтетический** журнал (его пишет `sample_data/make_onec_journal.py`): "
           "заказы клиентов, счета, оплаты и реализации за две недели марта 2026 года."),
    ("code", SETUP),
    ("code", 'JOURNAL = DATA / "onec_journal"\nsorted(p.name for p in JOURNAL.iterdir())'),
    ("md", "## 1. Чтение журнала\n\n"
           "Каждая запись журнала — строка отчёта. Служебные записи транзакций, начала и концы сеансов "
           "исключаются с указанием причины; изменения, отменённые откатом транзакции, тоже."),
    ("code", 'result = miner.ingest(JOURNAL)\nprint(result.report.summary())\n'
             'pd.DataFrame([{"причина": r.reason, "записей": r.count, "исключены": r.excluded}\n'
             '              for r in result.report.reasons])'),
    ("md", "## 2. Итоги транзакций\n\n"
           "Итог транзакции определяется по записям «Начало», «Фиксация» и «Отмена» с одним ключом "
           "транзакции, а не по букве статуса."),
    ("code", 'source = result.report.sources[0]\n'
             'pd.Series(source.details["transactions"], name="транзакций").to_frame()'),
    ("code", '# Отменённую транзакцию можно оставить в журнале с пометкой, чтобы посмотреть на неё\n'
             'with_rollback = miner.ingest(JOURNAL, include_rolled_back=True).log\n'
             'with_rollback[with_rollback["onec:transaction"] == "отменена"][\n'
             '    ["case:concept:name", "concept:name", "time:timestamp", "org:resource", "onec:transaction"]]'),
    ("md", "## 3. События документов\n\n"
           "Случай — документ (по ссылке из журнала), действие — вид документа и что с ним сделали: "
           "«Заказ клиента: создан», «Заказ клиента: проведен»."),
    ("code", 'log = result.log\n'
             'log[["case:concept:name", "concept:name", "time:timestamp", "org:resource", "onec:transaction"]].head(8)'),
    ("code", 'log["concept:name"].value_counts().rename("событий").to_frame()'),
    ("md", "## 4. Карта\n\nЖизненный цикл документов каждого вида."),
    ("code", 'miner.discover(log).frequency'),
    ("md", "## 5. Другой взгляд: день пользователя\n\n"
           "С `case_notion=\"user_day\"` случай — работа одного пользователя за день: видно, из чего "
           "состоит рабочий день менеджера, бухгалтера, кладовщика."),
    ("code", 'days = miner.ingest(JOURNAL, case_notion="user_day").log\nminer.stats(days, top=3)'),
]

NOTEBOOKS = {"01_quick_start.ipynb": QUICK_START, "02_declared_vs_real.ipynb": DECLARED,
             "03_onec_journal.ipynb": JOURNAL}


def build(cells: list[tuple[str, str]]) -> nbformat.NotebookNode:
    """Return a notebook of markdown and code cells, no outputs, the python3 kernel."""
    nb = new_notebook()
    nb.cells = [new_markdown_cell(text) if kind == "md" else new_code_cell(text) for kind, text in cells]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    for i, cell in enumerate(nb.cells):  # stable ids keep the files byte-identical between builds
        cell["id"] = f"cell-{i:02d}"
    return nb


def main() -> None:
    for name, cells in NOTEBOOKS.items():
        path = HERE / name
        nbformat.write(build(cells), str(path))
        print(path)


if __name__ == "__main__":
    main()
