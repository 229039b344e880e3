"""How a deviation is named, in one place: its title in plain Russian (and English).

A deviation (:mod:`miner.comparison.deviations`) is named after its main finding, with the
context its other findings give: a skipped step names the path that bypasses it, an
undeclared step the step it sends the case back to, a group of paths the two steps whose order
is swapped. The report, the interview guide and findings.json all take the title from here.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from miner.declared.model import END, START

Lang = Literal["ru", "en"]


def _q(name: Any) -> str:
    return f"«{name}»"


def title(main: Any, others: Sequence[Any], swap: tuple[str, str] | None = None, lang: Lang = "ru") -> str:
    """Return the title of a deviation whose main finding is ``main``.

    Args:
        main: the finding that names the cause (a ``Finding``).
        others: the deviation's other findings (context for the title).
        swap: ``(earlier, later)`` when the deviation is two steps done in the order opposite
            to the description: ``later`` is done before ``earlier``.
        lang: ``"ru"`` or ``"en"``.

    Example:
        >>> from miner.comparison.findings import Finding
        >>> title(Finding("skipped_step", 9, 0.1, (), "", {"activity": "Согласован заказ"}), [])
        'Пропускают шаг «Согласован заказ»'
    """
    f = main.fields
    a = f.get("activity")
    ru = lang == "ru"
    if swap is not None:
        early, late = swap
        return (f"Порядок нарушен: {_q(late)} раньше, чем {_q(early)}" if ru
                else f"Order reversed: {_q(late)} before {_q(early)}")
    kind = main.kind
    if kind == "skipped_step":
        bypass = [o for o in others if o.kind == "undeclared_path" and START not in (o.fields["from"],)
                  and END not in (o.fields["to"],)]
        if bypass:
            b = bypass[0].fields
            return (f"После {_q(b['from'])} сразу переходят к {_q(b['to'])}, минуя {_q(a)}" if ru
                    else f"{_q(b['to'])} right after {_q(b['from'])}, skipping {_q(a)}")
        return f"Пропускают шаг {_q(a)}" if ru else f"{_q(a)} is skipped"
    if kind == "unobserved_step":
        return (f"Шаг {_q(a)} не отражается в системе" if ru else f"{_q(a)} is not recorded in the system")
    if kind == "undeclared_step":
        back = [o.fields["activity"] for o in others if o.kind == "rework" and o.fields["activity"] != a]
        if back:
            return (f"Шаг {_q(a)} не описан; после него повторяют {_q(back[0])}" if ru
                    else f"{_q(a)} is not described; after it {_q(back[0])} is done again")
        return f"Шаг {_q(a)} не описан, но выполняется" if ru else f"{_q(a)} is done but not described"
    if kind == "role_mismatch":
        other = "другое подразделение" if f.get("attribute") == "department" else "другая роль"
        return (f"Шаг {_q(a)} выполняет не {_q(f.get('declared'))}, а {other}" if ru
                else f"{_q(a)} is done by someone other than {_q(f.get('declared'))}")
    if kind == "slow_step":
        return (f"Шаг {_q(a)} дольше норматива" if ru else f"{_q(a)} takes longer than its limit")
    if kind == "rework":
        return f"Шаг {_q(a)} повторяют" if ru else f"{_q(a)} is repeated"
    return _path_title(kind, f.get("from"), f.get("to"), ru)


def _path_title(kind: str, a: Any, b: Any, ru: bool) -> str:
    if kind == "unobserved_path":
        return (f"Переход {_q(a)} → {_q(b)} описан, но не встречается" if ru
                else f"{_q(a)} → {_q(b)} is described but never seen")
    if a == START:
        return f"Процесс начинают с {_q(b)}" if ru else f"Cases start with {_q(b)}"
    if b == END:
        return f"Процесс заканчивают на {_q(a)}" if ru else f"Cases end at {_q(a)}"
    return f"Переходят от {_q(a)} к {_q(b)}, хотя это не описано" if ru else f"{_q(a)} → {_q(b)} is not described"
