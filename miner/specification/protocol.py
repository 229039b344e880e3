"""Write ``verification.docx``: the test protocol (протокол испытаний) of the acceptance criteria.

One summary table (requirement, what was checked, before, now, target, result), then one
subsection per criterion: the requirement, what was counted, on which data and period, the value,
the result, and the cases that still show the deviation. A criterion that cannot be computed says
why. The commission's conclusion and signatures are left to the consultant (italic guidance).
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from miner.specification.criteria import describe
from miner.specification.render import Block, Grid, Heading, Text, write_document
from miner.specification.texts import EVENTS, STATUS_RU, capital, count, of_total, period_ru
from miner.units import format_share


def _share(value: float | None) -> str:
    return "—" if value is None else format_share(value)


def write_protocol(result: Any, path: str | Path) -> Path:
    """Write the protocol of a :class:`~miner.specification.verification.Verification` to ``path``.

    Example:
        >>> write_protocol(miner.verify("crm.csv", "requirements.json"), "verification.docx")  # doctest: +SKIP
    """
    d = result.data
    data = (f"{', '.join(d.get('sources') or []) or 'журнал'}; период {period_ru(d)}; "
            f"{count(d.get('cases', 0))}, {count(d.get('events', 0), EVENTS)}")
    blocks: list[Block] = [
        Heading("1 Объект и цель испытаний"),
        Text(f"Проверяется, устранены ли после внедрения отклонения процесса «{result.process}», на основании "
             f"которых сформулированы функциональные требования"
             + (f" ({result.requirements_file})" if result.requirements_file else "") + "."),
        Heading("2 Данные"),
        Text(data + "."),
    ]
    if result.mapping:
        pairs = "; ".join(f"«{k}» = {', '.join(f'«{n}»' for n in (v if isinstance(v, list) else [v]))}"
                          for k, v in result.mapping.items())
        blocks.append(Text(f"Сопоставление названий (требования = новые данные): {pairs}."))
    if result.unmatched:
        blocks.append(Text("Действия новой выгрузки, не сопоставленные ни с одним этапом описания: "
                           + ", ".join(f"«{a}»" for a in result.unmatched[:15])
                           + ". Если среди них переименованный этап, укажите его в файле сопоставления."))
    blocks += [
        Heading("3 Методика"),
        Text("Для каждого требования считается доля случаев процесса (с хотя бы одним его этапом), в которых "
             "отклонение по-прежнему встречается, так же, как считалось базовое значение до внедрения. Требование "
             "выполнено, если доля не больше цели. Если этап, о котором говорит критерий, в выгрузке не встречается "
             "вовсе, критерий не вычисляется и не считается выполненным."),
        Heading("4 Результаты"),
        Grid(("Требование", "Что проверялось", "До", "После", "Цель", "Результат"),
             tuple((c.id, capital(describe(c.criterion)), _share(c.baseline), _share(c.value),
                    f"≤ {format_share(c.limit)}", STATUS_RU[c.status]) for c in result.checks),
             (1.1, 4.2, 0.8, 0.8, 0.8, 1.3)),
        Text(f"выполнено {result.count('passed')} из {len(result.checks)}; не выполнено {result.count('failed')}; "
             f"не вычисляется {result.count('not computable')}.", label="Итого:"),
    ]
    for c in result.checks:
        blocks += _detail(c, data)
    blocks += [Heading("5 Заключение"),
               Text("Впишите заключение комиссии, замечания и сроки их устранения; подписи членов комиссии.",
                    guidance=True)]
    title = f"Протокол испытаний: {result.process}"
    subtitle = [f"Проверка критериев приёмки по выгрузке после внедрения; {dt.date.today():%d.%m.%Y}."]
    return write_document(path, title, subtitle, blocks, toc=False)


def _detail(check: Any, data: str) -> list[Block]:
    """Return the subsection of one criterion."""
    out: list[Block] = [Heading(f"{check.id}: {STATUS_RU[check.status]}", 2),
                        Text(check.text, label="Требование:"),
                        Text(f"{describe(check.criterion)}; цель — не более {format_share(check.limit)}.",
                             label="Что проверялось:"),
                        Text(data + ".", label="Данные:")]
    if check.value is None:
        out.append(Text(f"не вычисляется — {check.note}.", label="Результат:"))
        return out
    out.append(Text(f"{format_share(check.value)} ({of_total(check.cases, check.total)}), до внедрения {_share(check.baseline)}: {STATUS_RU[check.status]}.", label="Значение:"))
    if check.examples:
        out.append(Text(", ".join(check.examples), label="Случаи с отклонением (примеры):"))
    if check.note:
        out.append(Text(check.note + ".", label="Примечание:"))
    return out
