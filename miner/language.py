"""The languages of what people read: ``Lang``, plural forms and agreement, unbreakable numbers, display names.

One home for everything that depends on the output language, so that no module re-declares
``Lang`` or chooses words with an inline ``lang == "ru"``:

- ``pick(lang, ru, en)`` chooses between the two wordings;
- ``plural``/``plural_category`` choose the word form for a number by the CLDR plural rules
  (Babel): 1 шаг, 2 шага, 5 шагов, 2,5 дня;
- ``agree`` inflects a dictionary-form phrase to agree with a number (pymorphy3):
  «4 различных действия», «в 21 заказе» (:func:`miner.units.format_counted` puts the number
  in front); ``word_form`` gives a noun's form without a number («заявки», «заявок»); ``agree_adjective`` gives an adjective the gender of a
  noun («другая роль»);
- ``typeset`` keeps numbers whole on paper: no-break spaces inside digit groups and before ``%``
  and units;
- ``system_name``, ``source_kind``, ``reject_reason``, ``column_key`` turn the contract's keys
  (``1C``, ``excel``, ``unreadable date``, ``case``) into the words a person reads.

This module is at the event-log stage: it imports nothing from the analyses, and Babel and
pymorphy3 are imported on first use so that ``miner --help`` stays instant.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Literal, TypeVar

Lang = Literal["ru", "en"]
LANGS: tuple[Lang, ...] = ("ru", "en")

NBSP = "\u00a0"  # no-break space: between a number and its unit or ``%``
NNBSP = "\u202f"  # narrow no-break space: between digit groups («1 000»)
THIN = "\u2009"  # a thin space: Word and browsers break lines at it, so never in a number

T = TypeVar("T")


def pick(lang: Lang, ru: T, en: T) -> T:
    """Return the Russian or the English variant of a text (or of anything else).

    Example:
        >>> pick("ru", "шаг", "step"), pick("en", "шаг", "step")
        ('шаг', 'step')
    """
    return ru if lang == "ru" else en


# --- plural forms (Babel: CLDR plural rules) ---------------------------------------------------

@lru_cache(maxsize=2)
def _plural_rule(lang: Lang) -> Any:
    from babel import Locale

    return Locale(lang).plural_form


def plural_category(n: float, lang: Lang = "ru") -> str:
    """Return the CLDR plural category of ``n``: ``one``, ``few``, ``many`` or ``other``.

    Russian: 1, 21 → one; 2-4, 22 → few; 0, 5-20, 25 → many; fractions (2,5) → other.

    Example:
        >>> [plural_category(n) for n in (1, 3, 11, 2.5)]
        ['one', 'few', 'many', 'other']
    """
    return str(_plural_rule(lang)(abs(n)))


def plural(n: float, forms: tuple[str, str, str], lang: Lang = "ru") -> str:
    """Return the form of a word for ``n`` from Russian ``(one, few, many)`` or English ``(one, other, other)``.

    Fractions take the genitive singular in Russian («2,5 дня»), which is the *few* form.

    Example:
        >>> plural(21, ("вариант", "варианта", "вариантов")), plural(922, ("событие", "события", "событий"))
        ('вариант', 'события')
        >>> plural(2.5, ("день", "дня", "дней"))
        'дня'
    """
    category = plural_category(n, lang)
    if lang != "ru":
        return forms[0] if category == "one" else forms[1]
    return {"one": forms[0], "few": forms[1], "many": forms[2]}.get(category, forms[1])


# --- agreement (pymorphy3) ---------------------------------------------------------------------

# Where the dictionary's counted form is not the one people use after a number.
_COUNTED: dict[str, tuple[str, str, str]] = {"человек": ("человек", "человека", "человек")}
_CASES = {"nomn", "gent", "datv", "accs", "ablt", "loct"}


@lru_cache(maxsize=1)
def _morph() -> Any:
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


@lru_cache(maxsize=4096)
def _lemma(word: str, pos: str) -> Any:
    """The dictionary-form parse of ``word`` as ``pos`` (NOUN or ADJF), or None."""
    for parse in _morph().parse(word):
        tag = parse.tag
        # an adjective may come in any gender («различное»); a noun must be its own dictionary form
        if tag.POS == pos and tag.case == "nomn" and (parse.normal_form == word or pos == "ADJF") and \
                (tag.number == "sing" or "Pltm" in tag):
            return parse
    return None


def _inflect(word: str, pos: str, grammemes: set[str]) -> str:
    lower = word.casefold()
    parse = _lemma(lower, pos)
    form = parse.inflect(grammemes) if parse is not None else None
    if form is None:
        return word
    return form.word.capitalize() if word[:1].isupper() else form.word


def _gender(noun: str) -> str:
    parse = _lemma(noun.casefold(), "NOUN")
    return str(parse.tag.gender) if parse is not None and parse.tag.gender else "masc"


def agree(n: float, phrase: str, *, case: str = "nomn") -> str:
    """Return ``phrase`` (adjectives and a noun in the dictionary form) agreeing with the number ``n``.

    The number's plural category comes from the CLDR rules, the word forms from the OpenCorpora
    dictionary (pymorphy3). After 2-4 an adjective takes the genitive plural, or the nominative
    plural with a feminine noun («2 новые заявки»); in the other cases (``case="loct"``: «в 21
    заказе», «в 114 заказах») the phrase is singular after *one* and plural otherwise. Unknown
    words stay as they are.

    Args:
        n: the number the phrase is counted with.
        phrase: e.g. ``"различное действие"``; only the last word is taken as the noun.
        case: the grammatical case the number stands in (OpenCorpora names: nomn, gent, datv,
            accs, ablt, loct).

    Example:
        >>> agree(4, "различное действие"), agree(21, "вариант"), agree(922, "событие")
        ('различных действия', 'вариант', 'события')
        >>> agree(114, "заказ", case="loct")
        'заказах'
    """
    if case not in _CASES:
        raise ValueError(f"unknown grammatical case {case!r}; use one of {sorted(_CASES)}")
    *adjectives, noun = phrase.split()
    category = plural_category(n)
    gender = _gender(noun)
    if case in ("nomn", "accs"):
        noun_form = {"one": {"sing", case}, "few": {"sing", "gent"}, "other": {"sing", "gent"}}.get(
            category, {"plur", "gent"})
        adj_form = {"one": {gender, "sing", case}, "few": {"plur", "nomn" if gender == "femn" else "gent"}}.get(
            category, {"plur", "gent"})
    else:
        noun_form = {"sing", case} if category == "one" else {"plur", case}
        adj_form = ({gender, "sing", case} if category == "one" else {"plur", case})
    if case in ("nomn", "accs") and noun.casefold() in _COUNTED:
        counted_noun = plural(n, _COUNTED[noun.casefold()])
    else:
        counted_noun = _inflect(noun, "NOUN", noun_form)
    return " ".join([_inflect(a, "ADJF", adj_form) for a in adjectives] + [counted_noun])


def word_form(noun: str, *, number: str = "sing", case: str = "nomn") -> str:
    """Return a noun (given in the dictionary form) in ``number`` and ``case``: «заказы», «заказов».

    Example:
        >>> word_form("заявка", number="plur"), word_form("заявка", number="plur", case="gent")
        ('заявки', 'заявок')
    """
    return _inflect(noun, "NOUN", {number, case})


def agree_adjective(adjective: str, noun: str, *, case: str = "nomn") -> str:
    """Return ``adjective`` in the gender of ``noun`` (singular): «другая роль», «другое подразделение».

    Example:
        >>> agree_adjective("другой", "роль"), agree_adjective("другой", "подразделение")
        ('другая', 'другое')
    """
    return _inflect(adjective, "ADJF", {_gender(noun), "sing", case})


# --- frequency words --------------------------------------------------------------------------

Often = Literal["never", "rarely", "sometimes", "often", "almost_always", "always"]
RARELY, SOMETIMES, ALMOST_ALWAYS = 0.2, 0.5, 0.9  # upper bounds of «редко», «иногда»; lower of «почти всегда»


def how_often(share: float) -> Often:
    """Return the word band for a share of cases, so a text never calls 82 % «редко».

    ``never`` is exactly 0 and ``always`` exactly 1; «редко» is up to 20 %, «иногда» up to 50 %,
    «часто» below 90 %, «почти всегда» from 90 %.

    Example:
        >>> how_often(0.0), how_often(0.11), how_often(0.82), how_often(0.95)
        ('never', 'rarely', 'often', 'almost_always')
    """
    if share <= 0:
        return "never"
    if share >= 1:
        return "always"
    if share <= RARELY:
        return "rarely"
    if share <= SOMETIMES:
        return "sometimes"
    return "often" if share < ALMOST_ALWAYS else "almost_always"


# --- numbers that do not break ------------------------------------------------------------------

_GROUPED = re.compile(r"(?<![\d.,])\d{1,3}(?:[ \u2009\u00a0\u202f]\d{3})+(?![\d])")
_SPACE = re.compile(r"[ \u2009\u00a0]")
_BEFORE_UNIT = re.compile(r"(?<=\d)[ \u2009](?=(%|‰|мин|ч|дн|раб\.|с|руб|тыс|млн|min|h|d|s)(?![\w]))")


def typeset(text: str) -> str:
    """Return ``text`` with numbers that cannot break across lines.

    Digit groups are joined by a narrow no-break space (U+202F), a number and its ``%`` or unit
    (``мин``, ``ч``, ``дн``, ``раб.``) by a no-break space (U+00A0); a thin space U+2009, at which
    Word and browsers wrap, is left nowhere between digits. A dash keeps to the word before it, so a
    line never starts with «—».

    Example:
        >>> typeset("из 2 000 (13 %), медиана 4,5 дн") == "из 2\u202f000 (13\u00a0%), медиана 4,5\u00a0дн"
        True
    """
    text = _GROUPED.sub(lambda m: _SPACE.sub(NNBSP, m.group(0)), text)
    return _BEFORE_UNIT.sub(NBSP, text).replace(" — ", NBSP + "— ")  # a dash never starts a line


# --- display names of the contract's keys --------------------------------------------------------

_ONEC = re.compile(r"(?<![\w.\-/\\])1[CС](?![\w\-])")


def system_name(text: str, lang: Lang = "ru") -> str:
    """Return ``text`` with 1C spelled the one way of the language: Cyrillic «1С» in Russian.

    The ``source:system`` value stays ``1C`` in the data (CONTRACTS); file names such as
    ``sales_1c.csv`` or ``1Cv8Log`` are left alone.

    Example:
        >>> system_name("1C + Excel"), system_name("1С", "en"), system_name("1Cv8Log")
        ('1С + Excel', '1C', '1Cv8Log')
    """
    return _ONEC.sub(pick(lang, "1С", "1C"), text)


_KINDS = {
    "csv": ("файл CSV", "CSV file"), "excel": ("лист Excel", "Excel sheet"), "xes": ("журнал XES", "XES log"),
    "parquet": ("таблица Parquet", "Parquet table"), "onec-journal": ("журнал регистрации 1С", "1C journal"),
    "onec-documents": ("документы 1С", "1C documents"), "bank": ("банковская выписка", "bank statement"),
    "frame": ("готовая таблица", "ready table"),
}


def source_kind(kind: str, lang: Lang = "ru") -> str:
    """Return the name of a source kind (``excel``, ``onec-documents``) a person reads.

    Example:
        >>> source_kind("onec-documents"), source_kind("excel", "en")
        ('документы 1С', 'Excel sheet')
    """
    ru, en = _KINDS.get(kind, (kind, kind))
    return pick(lang, ru, en)


_REASONS = {
    "empty case id": "пустой номер случая", "empty activity": "пустое действие", "empty date": "пустая дата",
    "unreadable date": "дата не читается", "empty row": "пустая строка", "total row (Итого/Всего)": "строка итогов",
    "duplicate event": "повтор события", "duplicate row": "повтор строки",
    "rolled-back transaction": "отменённая транзакция 1С",
    "transaction service record (Begin/Commit/Rollback)": "служебная запись транзакции",
    "unreadable date in the record": "дата записи не читается", "broken journal record": "повреждённая запись журнала",
    "unreadable amount": "сумма не читается", "unreadable number": "число не читается",
    "before the period": "раньше периода", "after the period": "позже периода",
    "outside the period chosen with --from/--to": "вне периода, выбранного --from/--to",
    "event kind not chosen with --events": "вид события не выбран в --events",
    "data change without an object reference": "изменение данных без ссылки на объект",
    "payment without a readable date": "платёж без читаемой даты", "wrong number of fields": "неверное число полей",
    "no date in the presentation": "в представлении документа нет даты", "no document number": "нет номера документа",
    "another line of the same document (its links are merged)": "другая строка того же документа (связи объединены)",
    "not a change of a 1C object (session, job, message); use case notion session or user_day":
        "не изменение объекта 1С (сеанс, задание, сообщение); чтобы учесть, выберите случаи по сеансу или "
        "по пользователю и дню (--case-notion session или user_day)",
}
# Reasons that name a file or a code: English pattern -> Russian template of its groups.
_REASON_PATTERNS = (
    (re.compile(r"the same document already read from (.+)"), "тот же документ уже прочитан из {0}"),
    (re.compile(r"event code (\S+) missing from (.+)"), "кода события {0} нет в {1}"),
)


def reject_reason(reason: str, lang: Lang = "ru") -> str:
    """Return an ingest reason (a contract key in ingest.json) in the words of ``lang``.

    A reason with no translation is shown as it is in English and in quotes in Russian, so a new
    key is visible rather than silently mixed into Russian prose.

    Example:
        >>> reject_reason("unreadable date"), reject_reason("unreadable date", "en")
        ('дата не читается', 'unreadable date')
    """
    if lang != "ru":
        return reason
    for pattern, template in _REASON_PATTERNS:
        match = pattern.fullmatch(reason)
        if match:
            return template.format(*match.groups())
    return _REASONS.get(reason, _REASONS.get(reason.split(":")[0].strip(), f"«{reason}»"))


_COLUMN_KEYS = {
    "case": ("случай", "case"), "activity": ("действие", "activity"), "timestamp": ("время", "time"),
    "resource": ("исполнитель", "resource"), "role": ("роль", "role"), "department": ("подразделение", "department"),
    "client": ("клиент", "client"), "entered": ("время ввода", "entry time"), "amount": ("сумма", "amount"),
    "product": ("товар", "product"), "system": ("система", "system"), "document": ("документ", "document"),
}


def column_key(key: str, lang: Lang = "ru") -> str:
    """Return a column-mapping key (``case``, ``activity``, ...) as a person reads it.

    Example:
        >>> column_key("timestamp"), column_key("case", "en")
        ('время', 'case')
    """
    ru, en = _COLUMN_KEYS.get(key, (key, key))
    return pick(lang, ru, en)


_METHODS = {"alignments": ("выравнивания", "alignments"), "token-replay": ("воспроизведение фишек", "token replay")}


def method_name(method: str, lang: Lang = "ru") -> str:
    """Return the name of a fitness method (``alignments``, ``token-replay``) a person reads.

    Example:
        >>> method_name("token-replay"), method_name("token_replay", "en")
        ('воспроизведение фишек', 'token replay')
    """
    ru, en = _METHODS.get(method.replace("_", "-"), (method, method))
    return pick(lang, ru, en)


def polish(text: str, lang: Lang = "ru") -> str:
    """Return ``text`` ready for paper: unbreakable numbers and, in Russian, «1С».

    Example:
        >>> polish("1C: 1 000 (13 %)") == "1С: 1\u202f000 (13\u00a0%)"
        True
    """
    return system_name(typeset(text), lang)
