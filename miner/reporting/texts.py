"""Texts of the report in Russian and English: section titles, table headers, sentences.

``texts(lang)`` returns a mapping; sentences are ``str.format`` templates with named fields. A field
that stands beside a counted noun is filled with the number *and* the noun agreeing with it
(:func:`miner.language.counted`), so no template writes «6 983 событий». ``typeset_document``
readies the composed report for paper (unbreakable numbers, «1С»).
"""
from __future__ import annotations

from dataclasses import replace
from typing import Mapping

from miner.language import Lang, pick, polish, reject_reason
from miner.reporting.blocks import Block, Document, Figure, Heading, Metrics, Paragraph, Table


_RU: dict[str, str] = {
    "title": "Процесс по данным учётных систем",
    "subtitle": "Источники: {sources}. Период: {period}. Отчёт сформирован {today}.",
    "pseudonymized": "Имена сотрудников заменены кодами.",
    "pseudonymized_clients": "Названия клиентов заменены кодами.",
    "toc": "Содержание",
    "toc_hint": "Оглавление: в Word нажмите F9, чтобы обновить номера страниц.",
    # 1
    "s_data": "1. Данные",
    "data_lead": "Проанализировано {events} в {cases}: {activities}, {variants} их последовательности, "
                 "период с {start} по {end}.",
    "m_cases": "Случаев", "m_events": "Событий", "m_activities": "Действий", "m_variants": "Вариантов",
    "m_period": "Период", "m_sources": "Источников",
    "s_sources": "1.1 Источники",
    "h_file": "Файл", "h_kind": "Тип", "h_encoding": "Кодировка / лист", "h_rows_read": "Строк прочитано",
    "h_events": "Событий", "h_mapping": "Сопоставление столбцов",
    "map_case": "случай", "map_activity": "действие", "map_timestamp": "время", "map_resource": "исполнитель",
    "map_role": "роль", "map_department": "подразделение",
    "s_rejected": "1.2 Что отклонено и почему",
    "rows_line": "Строк прочитано: {rows_read}; использовано: {rows_used}, отклонено: {rejected} (не удалось "
                 "прочитать), исключено намеренно: {excluded}.",
    "rows_clean": "Все строки источников прочитаны, отклонённых нет.",
    "rows_unknown": "Журнал передан готовой таблицей: сведений о чтении исходных файлов нет.",
    "h_reason": "Причина", "h_reason_kind": "Вид", "h_rows": "Строк", "h_examples": "Примеры (файл:строка)",
    "rejected": "отклонено", "excluded": "исключено",
    "ingest_note": "Полный отчёт о чтении каждой строки — в файле ingest.json рядом с отчётом.",
    # 2
    "s_process": "2. Реальный процесс",
    "s_freq_map": "2.1 Карта процесса: частоты",
    "freq_map_text": "Прямоугольники — действия и число их событий; стрелки — сколько раз одно действие "
                     "непосредственно следовало за другим. Чем толще стрелка, тем чаще переход. Зелёная точка — "
                     "начало случая, красный круг — завершение.",
    "c_freq_map": "Рисунок {n}. Карта процесса: частоты.",
    "s_perf_map": "2.2 Карта процесса: время",
    "perf_map_text": "Та же карта; на стрелках — медиана времени между действиями. Тёмные толстые стрелки — "
                     "самые долгие переходы.",
    "c_perf_map": "Рисунок {n}. Карта процесса: медианное время переходов.",
    "s_variants": "2.3 Основные варианты",
    "variants_text": "Всего вариантов: {n}. Самые частые ({top}) покрывают {share} случаев.",
    "h_rank": "№", "h_cases": "Случаев", "h_share": "Доля", "h_steps": "Шагов", "h_variant": "Последовательность действий",
    "s_durations": "2.4 Длительность случаев",
    "durations_text": "От первого до последнего события случая: медиана {median}, 90 % случаев укладываются "
                      "в {p90}, в среднем {mean}, самый долгий — {max}.",
    "ch_durations": "Длительность случаев", "ax_durations": "Длительность, {unit}", "ax_cases": "Случаев",
    "median_mark": "медиана {v}", "p90_mark": "90 % — {v}", "longer_mark": "не показаны случаи дольше {limit}: {n}",
    "c_durations": "Рисунок {n}. Распределение длительности случаев.",
    "s_activities": "2.5 Действия по частоте",
    "ch_activities": "Действия по числу событий", "ax_events": "Событий",
    "c_activities": "Рисунок {n}. Действия по числу событий.",
    "h_activity": "Действие", "h_case_share": "Доля случаев",
    # 3
    "s_compare": "3. Заявленный и реальный процесс",
    "no_declared": "Описание процесса со слов руководителя не задано. Запустите отчёт с --declared ФАЙЛ "
                   "(YAML, лист Excel или BPMN), чтобы сравнить его с данными и получить требования к CRM.",
    "declared_by": "Описание: {by}. Файл: {file}.",
    "fitness_text": "Соответствие данных описанию: {fitness} из 1 (метод: {method}). Точно по описанию "
                    "проходят {conforming} случаев.",
    "c_compare_map": "Рисунок {n}. Реальный процесс и описание «{process}»: серые — как описано, красные — не "
                     "описано, синие пунктиром — описано, но не встречается.",
    "s_findings": "Находки",
    "h_finding": "Что показывают данные", "h_example_cases": "Примеры случаев",
    "no_findings": "Расхождений данных с описанием не найдено.",
    "s_requirements": "Предлагаемые требования к CRM",
    "requirements_text": "Каждое требование — предложение для обсуждения с руководителем: отклонение может "
                         "означать и пробел в описании, и нарушение регламента.",
    "h_requirement": "Требование к CRM", "h_acceptance": "Как принять",
    "s_accepted": "Согласованные отклонения",
    "accepted_text": "Эти отклонения руководитель признал допустимыми; в требования они не входят.",
    "outside_title": "Шаги вне системы",
    "unmatched": "Шаги описания, которых нет в данных: {steps}.",
    "s_common_findings": "Находки, общие для всех описаний",
    "conflict": "Описания расходятся: {summary}",
    "more_rows": "Показаны первые {shown} из {total}; все — в файле {file}.",
    # 4
    "s_people": "4. Люди и подразделения",
    "no_people": "В данных нет исполнителей и подразделений.",
    "s_employees": "4.1 Сотрудники",
    "h_employee": "Сотрудник", "h_department": "Подразделение", "h_role": "Роль",
    "h_main_activities": "Основные действия (доля событий)",
    "s_workload": "4.2 Нагрузка по времени",
    "workload_text": "Число событий по {period}: по сотрудникам (самые загруженные {top}) и по подразделениям.",
    "period_W": "неделям", "period_M": "месяцам", "period_Q": "кварталам",
    "ch_workload": "События по сотрудникам", "ch_departments": "События по подразделениям",
    "c_workload": "Рисунок {n}. Нагрузка сотрудников по {period} (число событий; столбец — начало периода).",
    "c_departments": "Рисунок {n}. Нагрузка подразделений по {period}.",
    "s_handovers": "4.3 Передачи между подразделениями",
    "handovers_text": "Сколько раз случай переходил из одного подразделения в другое (следующее событие случая "
                      "записано другим подразделением). «{unknown}» — подразделение не указано.",
    "no_departments": "Подразделения в данных не указаны.",
    "unknown_department": "не указано",
    "c_handovers": "Рисунок {n}. Передачи между подразделениями.",
    "h_from": "Откуда", "h_to": "Куда", "h_handovers": "Передач", "h_median_time": "Медиана времени",
    "s_who_what": "4.4 Кто что делает",
    "ch_who_what": "События по сотрудникам и действиям",
    "c_who_what": "Рисунок {n}. Кто выполняет какие действия (число событий).",
    # 5
    "s_clients": "5. Клиенты и товары",
    "no_clients": "В данных нет столбца с клиентом или товаром (Клиент, Контрагент, Покупатель, Товар, "
                  "Номенклатура).",
    "s_problem_clients": "5.1 Проблемные клиенты",
    "problem_text": "Проблемный случай — с повтором действия, с возвратом или рекламацией, или дольше, чем 90 % "
                    "всех случаев. Клиенты с наибольшим числом проблемных случаев:",
    "h_client": "Клиент", "h_rework": "Повторы", "h_returns": "Возвраты", "h_slow": "Долгие",
    "h_problems": "Проблемные", "h_problem_share": "Доля проблемных", "h_median_duration": "Медиана длительности",
    "s_revenue_clients": "5.2 Выручка по клиентам",
    "revenue_text": "Сумма случая — значение столбца «{column}» в первом событии случая, где оно есть.",
    "ch_revenue_clients": "Сумма по клиентам", "ax_amount": "Сумма", "thousands": "тыс.", "millions": "млн",
    "c_revenue_clients": "Рисунок {n}. Сумма по клиентам (крупнейшие {top}).",
    "h_amount": "Сумма", "h_amount_share": "Доля суммы",
    "s_revenue_products": "5.3 Выручка по товарам",
    "h_product": "Товар",
    "ch_revenue_products": "Сумма по товарам",
    "c_revenue_products": "Рисунок {n}. Сумма по товарам (крупнейшие {top}).",
    "no_amount": "Столбца с суммой (Сумма, Amount) в данных нет.",
    # 6
    "s_entry": "6. Как информация попадает в систему",
    "s_systems": "6.1 Источники по случаям",
    "systems_text": "Из каких систем приходят события каждого случая.",
    "h_systems": "Системы",
    "s_outside": "6.2 Шаги, которые записываются только вне 1С",
    "outside_text": "Эти действия ни разу не записаны в 1С — их ведут в других файлах; в CRM их нужно "
                    "перенести или интегрировать.",
    "no_outside": "Все действия хотя бы иногда записываются в 1С.",
    "no_1c": "Событий из 1С в данных нет; где записано каждое действие:",
    "h_where": "Где записано",
    "s_late": "6.3 Поздний ввод и ввод задним числом",
    "late_text": "По журналу регистрации 1С: событие введено позже, чем на сутки после даты документа, — поздний "
                 "ввод; дата документа поставлена задним числом — ввод задним числом.",
    "no_journal": "Журнал регистрации 1С к документам не присоединён, поэтому поздний ввод и ввод задним "
                  "числом не оценивались. Передайте выгрузку журнала (1Cv8Log) вместе со списками документов.",
    "h_measured": "С временем ввода", "h_late": "Поздний ввод", "h_backdated": "Задним числом",
    "h_median_lag": "Медиана задержки", "late_columns": "Столбцы журнала: {columns}.",
    "files_title": "Файлы отчёта",
}

_EN: dict[str, str] = {
    "title": "The process in the company's records",
    "subtitle": "Sources: {sources}. Period: {period}. Generated on {today}.",
    "pseudonymized": "Employee names are replaced by codes.",
    "pseudonymized_clients": "Client names are replaced by codes.",
    "toc": "Contents",
    "toc_hint": "Table of contents: press F9 in Word to update page numbers.",
    "s_data": "1. The data",
    "data_lead": "{events} in {cases} were analysed: {activities}, {variants} of their order, "
                 "from {start} to {end}.",
    "m_cases": "Cases", "m_events": "Events", "m_activities": "Activities", "m_variants": "Variants",
    "m_period": "Period", "m_sources": "Sources",
    "s_sources": "1.1 Sources",
    "h_file": "File", "h_kind": "Kind", "h_encoding": "Encoding / sheet", "h_rows_read": "Rows read",
    "h_events": "Events", "h_mapping": "Column mapping",
    "map_case": "case", "map_activity": "activity", "map_timestamp": "time", "map_resource": "resource",
    "map_role": "role", "map_department": "department",
    "s_rejected": "1.2 What was rejected and why",
    "rows_line": "{rows_read} rows read: {rows_used} used, {rejected} rejected (unreadable), {excluded} excluded on purpose.",
    "rows_clean": "Every source row was read; none was rejected.",
    "rows_unknown": "The log was given as a ready table: there is no record of reading the source files.",
    "h_reason": "Reason", "h_reason_kind": "Kind", "h_rows": "Rows", "h_examples": "Examples (file:row)",
    "rejected": "rejected", "excluded": "excluded",
    "ingest_note": "The full account of every row is in ingest.json beside the report.",
    "s_process": "2. The real process",
    "s_freq_map": "2.1 Process map: frequencies",
    "freq_map_text": "Boxes are activities with their number of events; arrows say how often one activity "
                     "directly followed another. The thicker the arrow, the more frequent. The green dot is "
                     "where cases start, the red circle where they end.",
    "c_freq_map": "Figure {n}. Process map: frequencies.",
    "s_perf_map": "2.2 Process map: time",
    "perf_map_text": "The same map; arrows show the median time between the activities. Dark thick arrows are "
                     "the slowest steps.",
    "c_perf_map": "Figure {n}. Process map: median time of each step.",
    "s_variants": "2.3 Top variants",
    "variants_text": "{n} variants in all. The {top} most frequent cover {share} of the cases.",
    "h_rank": "#", "h_cases": "Cases", "h_share": "Share", "h_steps": "Steps", "h_variant": "Sequence of activities",
    "s_durations": "2.4 Case durations",
    "durations_text": "From the first to the last event of a case: median {median}, 90 % of the cases within "
                      "{p90}, mean {mean}, longest {max}.",
    "ch_durations": "Case durations", "ax_durations": "Duration, {unit}", "ax_cases": "Cases",
    "median_mark": "median {v}", "p90_mark": "90 % — {v}", "longer_mark": "{n} cases longer than {limit} not shown",
    "c_durations": "Figure {n}. Distribution of case durations.",
    "s_activities": "2.5 Activities by frequency",
    "ch_activities": "Activities by number of events", "ax_events": "Events",
    "c_activities": "Figure {n}. Activities by number of events.",
    "h_activity": "Activity", "h_case_share": "Share of cases",
    "s_compare": "3. Declared vs real process",
    "no_declared": "No declared process was given. Run the report with --declared FILE (YAML, an Excel sheet or "
                   "BPMN) to compare it with the data and get CRM requirements.",
    "declared_by": "Described by: {by}. File: {file}.",
    "fitness_text": "Fitness of the data to the description: {fitness} (method: {method}). {conforming} of the "
                    "cases follow the description exactly.",
    "c_compare_map": "Figure {n}. The real process and «{process}»: grey — as described, red — not described, "
                     "blue dashed — described but never seen.",
    "s_findings": "Findings",
    "h_finding": "What the data shows", "h_example_cases": "Example cases",
    "no_findings": "The data does not deviate from the description.",
    "s_requirements": "Proposed CRM requirements",
    "requirements_text": "Each requirement is a proposal to discuss with the process owner: a deviation may be a "
                         "gap in the description as well as a breach of the rules.",
    "h_requirement": "CRM requirement", "h_acceptance": "How to accept it",
    "s_accepted": "Accepted deviations",
    "accepted_text": "The process owner accepted these deviations; they are not turned into requirements.",
    "outside_title": "Steps outside the system",
    "unmatched": "Described steps not found in the data: {steps}.",
    "s_common_findings": "Findings common to all descriptions",
    "conflict": "The descriptions disagree: {summary}",
    "more_rows": "The first {shown} of {total} are shown; all are in {file}.",
    "s_people": "4. People and departments",
    "no_people": "The data names no people or departments.",
    "s_employees": "4.1 Employees",
    "h_employee": "Employee", "h_department": "Department", "h_role": "Role",
    "h_main_activities": "Main activities (share of events)",
    "s_workload": "4.2 Workload over time",
    "workload_text": "Events per {period}: per employee (the {top} busiest) and per department.",
    "period_W": "week", "period_M": "month", "period_Q": "quarter",
    "ch_workload": "Events per employee", "ch_departments": "Events per department",
    "c_workload": "Figure {n}. Employee workload per {period} (events; a column is the period's start).",
    "c_departments": "Figure {n}. Department workload per {period}.",
    "s_handovers": "4.3 Handovers between departments",
    "handovers_text": "How often a case passed from one department to another (the next event of the case was "
                      "recorded by another department). «{unknown}» means no department was given.",
    "no_departments": "The data gives no departments.",
    "unknown_department": "not given",
    "c_handovers": "Figure {n}. Handovers between departments.",
    "h_from": "From", "h_to": "To", "h_handovers": "Handovers", "h_median_time": "Median time",
    "s_who_what": "4.4 Who does what",
    "ch_who_what": "Events per employee and activity",
    "c_who_what": "Figure {n}. Who performs which activities (events).",
    "s_clients": "5. Clients and products",
    "no_clients": "The data has no client or product column (Client, Customer, Product, ...).",
    "s_problem_clients": "5.1 Problem clients",
    "problem_text": "A problem case has a repeated activity, a return or complaint, or takes longer than 90 % of "
                    "all cases. Clients with the most problem cases:",
    "h_client": "Client", "h_rework": "Repeats", "h_returns": "Returns", "h_slow": "Slow",
    "h_problems": "Problem cases", "h_problem_share": "Problem share", "h_median_duration": "Median duration",
    "s_revenue_clients": "5.2 Revenue by client",
    "revenue_text": "A case's amount is the value of «{column}» in its first event that has one.",
    "ch_revenue_clients": "Amount by client", "ax_amount": "Amount", "thousands": "thousands", "millions": "millions",
    "c_revenue_clients": "Figure {n}. Amount by client (the {top} largest).",
    "h_amount": "Amount", "h_amount_share": "Share of amount",
    "s_revenue_products": "5.3 Revenue by product",
    "h_product": "Product",
    "ch_revenue_products": "Amount by product",
    "c_revenue_products": "Figure {n}. Amount by product (the {top} largest).",
    "no_amount": "The data has no amount column (Сумма, Amount).",
    "s_entry": "6. How information enters the systems",
    "s_systems": "6.1 Sources per case",
    "systems_text": "Which systems each case's events come from.",
    "h_systems": "Systems",
    "s_outside": "6.2 Steps recorded only outside 1C",
    "outside_text": "These activities are never recorded in 1C — they are kept in other files; the CRM must take "
                    "them over or integrate them.",
    "no_outside": "Every activity is recorded in 1C at least sometimes.",
    "no_1c": "The data has no events from 1C; where each activity is recorded:",
    "h_where": "Recorded in",
    "s_late": "6.3 Late entry and back-dating",
    "late_text": "From the 1C registration journal: an event entered more than a day after the document's date "
                 "is a late entry; a document dated in the past is back-dated.",
    "no_journal": "The 1C registration journal was not joined to the documents, so late entry and back-dating "
                  "were not assessed. Pass the journal (1Cv8Log) together with the document lists.",
    "h_measured": "With entry time", "h_late": "Late", "h_backdated": "Back-dated",
    "h_median_lag": "Median delay", "late_columns": "Journal columns: {columns}.",
    "files_title": "Files of the report",
}


# The deviation tables of section 3 and the record quality of section 1.
_DEVIATIONS = {
    "ru": {"s_deviations": "Отклонения", "s_detail": "Находки — проявления отклонений",
           "deviations_text": "Отклонение — одна причина, которую видно в данных; находки — её проявления "
                              "(пропущенный шаг и переход в обход него, лишний шаг и возвраты после него). "
                              "«Где чаще» — сотрудники, подразделения, клиенты и другие признаки, при которых "
                              "отклонение встречается заметно чаще (точный критерий Фишера с поправкой Холма).",
           "h_deviation": "Отклонение", "h_findings_ids": "Находки", "h_drivers": "Где чаще",
           "h_id": "№", "no_drivers": "—", "time_lost": "сверх норматива: {hours} раб. ч",
           "s_quality": "1.3 Качество записей",
           "quality_text": "Это свойства записей, а не работы: повторное сохранение той же записи тем же "
                           "сотрудником через несколько минут и копии одного события из разных файлов. "
                           "В сравнении с описанием учитывается первая запись; в отклонения, требования и "
                           "вопросы интервью они не входят.",
           "h_quality": "Что найдено", "h_records": "Записей",
           "repeated_entry": "Повторное сохранение", "duplicate_event": "Копия из другого файла"},
    "en": {"s_deviations": "Deviations", "s_detail": "Findings: the symptoms of the deviations",
           "deviations_text": "A deviation is one cause seen in the data; its findings are its symptoms (a skipped "
                              "step and the path around it, an extra step and the repeats after it). «More often "
                              "where» lists the people, departments, clients and other values under which it is "
                              "markedly more frequent (Fisher's exact test, Holm correction).",
           "h_deviation": "Deviation", "h_findings_ids": "Findings", "h_drivers": "More often where",
           "h_id": "No.", "no_drivers": "—", "time_lost": "over the limit: {hours} working h",
           "s_quality": "1.3 Record quality",
           "quality_text": "These are properties of the records, not of the work: the same record saved again by "
                           "the same person minutes later, and copies of one event from several files. The "
                           "comparison counts the first record; they are never deviations, requirements or "
                           "interview questions.",
           "h_quality": "Found", "h_records": "Records",
           "repeated_entry": "Saved again", "duplicate_event": "Copy from another file"},
}
_RU.update(_DEVIATIONS["ru"])
_EN.update(_DEVIATIONS["en"])


def texts(lang: Lang = "ru") -> Mapping[str, str]:
    """Return the report's texts in ``lang`` (``"ru"`` or ``"en"``).

    Example:
        >>> texts("en")["s_data"]
        '1. The data'
    """
    return pick(lang, _RU, _EN)


def reason(text: str, lang: Lang = "ru") -> str:
    """Return a reject/exclude reason (a key of ingest.json) in ``lang``: :func:`miner.language.reject_reason`."""
    return reject_reason(text, lang)


def typeset_document(document: Document) -> Document:
    """Return the report with every text ready for paper: unbreakable numbers and, in Russian, «1С».

    HTML and DOCX call this before laying out, so both keep «из 2 000» and «(13 %)» on one line.

    Example:
        >>> doc = Document("Из 2 000", (), (Paragraph("1C: 13 %"),))
        >>> typeset_document(doc).blocks[0].text == "1С: 13\u00a0%"
        True
    """
    lang = document.lang
    return replace(document, title=polish(document.title, lang),
                   subtitle=tuple(polish(line, lang) for line in document.subtitle),
                   blocks=tuple(_typeset(block, lang) for block in document.blocks))


def _typeset(block: Block, lang: Lang) -> Block:
    if isinstance(block, (Heading, Paragraph)):
        return replace(block, text=polish(block.text, lang))
    if isinstance(block, Metrics):
        return replace(block, items=tuple((polish(k, lang), polish(v, lang)) for k, v in block.items))
    if isinstance(block, Table):
        return replace(block, columns=tuple(polish(c, lang) for c in block.columns),
                       rows=tuple(tuple(polish(v, lang) for v in row) for row in block.rows))
    if isinstance(block, Figure):
        return replace(block, caption=polish(block.caption, lang))
    return block
