"""Human formats for counts, shares and durations shown on maps and in reports.

Russian by default: a narrow no-break space between thousands (``1 000``, U+202F, so that a
number never breaks across lines), a decimal comma, ``мин``/``ч``/``дн``. ``lang="en"`` keeps the
same separator (ISO 31-0) but uses a decimal point and ``min``/``h``/``d``. Word forms and the
language type come from :mod:`miner.language`.
"""
from __future__ import annotations

import math

from miner.language import NNBSP, Lang, agree, pick
from miner.language import plural as _plural

_UNITS = {
    "ru": (("с", 1), ("мин", 60), ("ч", 3600), ("дн", 86400)),
    "en": (("s", 1), ("min", 60), ("h", 3600), ("d", 86400)),
}


def format_count(value: int | float, *, lang: Lang = "ru") -> str:
    """Return an integer count with thousands separated by a narrow no-break space (U+202F).

    Args:
        value: the count; rounded to the nearest integer.
        lang: kept for symmetry; both languages use the same separator (ISO 31-0).

    Example:
        >>> format_count(1000)
        '1\u202f000'
        >>> format_count(999)
        '999'
    """
    del lang
    number = int(round(value))
    sign = "-" if number < 0 else ""
    return sign + f"{abs(number):,}".replace(",", NNBSP)


def format_number(value: float, *, digits: int = 1, lang: Lang = "ru") -> str:
    """Return ``value`` with at most ``digits`` decimals, no trailing zeros, decimal comma in Russian.

    Example:
        >>> format_number(2.5)
        '2,5'
        >>> format_number(2.0)
        '2'
        >>> format_number(1234.5, lang="en")
        '1\u202f234.5'
    """
    text = f"{value:,.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    text = text.replace(",", NNBSP)
    return pick(lang, text.replace(".", ","), text)


def format_share(share: float, *, lang: Lang = "ru") -> str:
    """Return a share (0..1) as a percentage: ``23 %``, ``0,4 %`` below one percent.

    Example:
        >>> format_share(0.23)
        '23 %'
        >>> format_share(0.004)
        '0,4 %'
    """
    percent = share * 100
    digits = 1 if 0 < abs(percent) < 10 and abs(percent) != round(abs(percent)) else 0
    return format_number(percent, digits=digits, lang=lang) + " %"


def format_duration(seconds: float | None, *, lang: Lang = "ru") -> str:
    """Return a duration in the largest unit that keeps it ≥ 1: ``35 мин``, ``4 ч``, ``2,5 дн``.

    Values below 10 of a unit keep one decimal (``2,5 дн``, ``1,5 ч``); larger ones are whole.
    A value that rounds up to the next unit is said in it (59.99 min -> ``1 ч``). A missing or
    NaN duration gives ``–``.

    Args:
        seconds: the duration in seconds.
        lang: ``"ru"`` (``мин``, ``ч``, ``дн``, decimal comma) or ``"en"`` (``min``, ``h``, ``d``).

    Example:
        >>> format_duration(35 * 60)
        '35 мин'
        >>> format_duration(2.5 * 86400)
        '2,5 дн'
        >>> format_duration(4 * 3600, lang="en")
        '4 h'
    """
    if seconds is None or math.isnan(seconds):
        return "–"
    units = _UNITS[lang]
    index = 0
    for i, (_, size) in enumerate(units):
        if abs(seconds) >= size:
            index = i
    amount = _rounded(seconds / units[index][1])
    if index + 1 < len(units) and abs(amount) * units[index][1] >= units[index + 1][1]:
        index += 1
        amount = _rounded(seconds / units[index][1])
    digits = 1 if abs(amount) < 10 else 0
    return format_number(amount, digits=digits, lang=lang) + " " + units[index][0]


def _rounded(amount: float) -> float:
    """Round to one decimal below 10 and to a whole number above."""
    return round(amount, 1) if abs(amount) < 10 else float(round(amount))


def plural(n: int, forms: tuple[str, str, str], *, lang: Lang = "ru") -> str:
    """Return the word form for ``n``: Russian (1 шаг, 2 шага, 5 шагов) or English (1 step, 2 steps).

    The form is chosen by the CLDR plural rules (:func:`miner.language.plural`).

    Args:
        n: the number.
        forms: Russian ``(one, few, many)``; for ``lang="en"`` ``(singular, plural, plural)``.

    Example:
        >>> plural(21, ("действие", "действия", "действий"))
        'действие'
        >>> plural(12, ("переход", "перехода", "переходов"))
        'переходов'
    """
    return _plural(n, forms, lang)


def format_counted(n: float, phrase: str, *, lang: Lang = "ru", en: str | None = None, case: str = "nomn") -> str:
    """Return the formatted number and the phrase agreeing with it: «4 различных действия».

    Args:
        n: the number (formatted with :func:`miner.units.format_count` when whole).
        phrase: the Russian phrase in the dictionary form.
        lang: ``"en"`` uses ``en`` (``"singular|plural"`` or a noun that takes ``s``).
        en: the English phrase; ``"activity|activities"`` gives both forms.
        case: the Russian grammatical case of the number (see :func:`miner.language.agree`).

    Example:
        >>> format_counted(6983, "событие")
        '6\u202f983 события'
        >>> format_counted(1, "различное действие", lang="en", en="distinct activity|distinct activities")
        '1 distinct activity'
    """
    number = format_count(n) if float(n).is_integer() else format_number(n, lang=lang)
    one, _, many = (en or phrase).partition("|")
    english = _plural(n, (one, many or one + "s", many or one + "s"), "en")
    return f"{number} {pick(lang, agree(n, phrase, case=case), english)}"
