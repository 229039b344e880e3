"""Wording of the interview guide in Russian and English: templates, nouns for cases, lists.

Templates are ``str.format`` strings; the numbers in them are already formatted by
:mod:`miner.units` (no-break thousands, ``11 %``, ``2,5 дн``). The case noun is guessed from
how cases start («Создан заказ клиента» → заказ), so a question reads «в 114 заказах (11 %)»
rather than «в 114 случаях».
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from miner.language import Lang, agree, pick, word_form
from miner.units import format_count, format_share, plural
from miner.comparison.wording import INTERVIEW_QUESTIONS


# stem in the start activity -> the Russian noun (dictionary form; its forms come from
# miner.language) and the English noun (singular, plural)
_NOUNS = (
    ("заказ", "заказ", ("order", "orders")), ("заявк", "заявка", ("request", "requests")),
    ("договор", "договор", ("contract", "contracts")), ("обращени", "обращение", ("ticket", "tickets")),
    ("сделк", "сделка", ("deal", "deals")),
)
_CASE = ("случай", ("case", "cases"))
NOUN_SHARE = 0.8  # the start activity naming the noun must begin this share of cases


@dataclass(frozen=True)
class Words:
    """How to say counts and shares of cases: «114 заказов», «в 114 заказах», «11 % заказов».

    ``ru`` is the Russian noun in the dictionary form; its forms agree with each number through
    :func:`miner.language.agree`.
    """

    lang: Lang
    ru: str
    en: tuple[str, str]

    def _en(self, count: int) -> str:
        return f"{format_count(count)} {plural(count, (self.en[0], self.en[1], self.en[1]), lang='en')}"

    def n(self, count: int) -> str:
        """«114 заказов» / «114 orders»."""
        return pick(self.lang, f"{format_count(count)} {agree(count, self.ru)}", self._en(count))

    def of_n(self, count: int) -> str:
        """After «из»: «из 891 заказа», «из 1 000 заказов» / "of 891 orders"."""
        return pick(self.lang, f"{format_count(count)} {agree(count, self.ru, case='gent')}", self._en(count))

    def in_n(self, count: int) -> str:
        """«в 114 заказах» / «in 114 orders»."""
        return pick(self.lang, f"в {format_count(count)} {agree(count, self.ru, case='loct')}", f"in {self._en(count)}")

    def pct(self, share: float) -> str:
        """«11 % заказов» / «11 % of orders»."""
        return pick(self.lang, f"{format_share(share)} {self.many}", f"{format_share(share, lang='en')} of {self.en[1]}")

    @property
    def plural(self) -> str:
        """«заказы» / «orders»."""
        return pick(self.lang, word_form(self.ru, number="plur"), self.en[1])

    @property
    def many(self) -> str:
        """«заказов» / «orders» (after a number or a share)."""
        return pick(self.lang, word_form(self.ru, number="plur", case="gent"), self.en[1])


def case_words(start_activities: dict[str, int], n_cases: int, lang: Lang) -> Words:
    """Pick the noun for cases from the activity most cases start with (default «случай»/«case»)."""
    if start_activities and n_cases:
        name, count = max(start_activities.items(), key=lambda kv: kv[1])
        if count >= NOUN_SHARE * n_cases:
            folded = name.casefold().replace("ё", "е")
            for stem, ru, en in _NOUNS:
                if stem in folded:
                    return Words(lang, ru, en)
    return Words(lang, *_CASE)


def quoted(names: Iterable[str], lang: Lang, *, limit: int = 3) -> str:
    """«А», «Б» и «В» / "A", "B" and "C" (at most ``limit``, then «и ещё N» / "and N more")."""
    items = list(names)
    shown = [q(n, lang) for n in items[:limit]]
    if len(items) > limit:
        shown.append(_more(len(items) - limit, lang))
    if len(shown) < 2:
        return "".join(shown)
    return ", ".join(shown[:-1]) + pick(lang, " и ", " and ") + shown[-1]


def q(name: str, lang: Lang) -> str:
    """One quoted name."""
    return pick(lang, f"«{name}»", f"“{name}”")


def _more(count: int, lang: Lang) -> str:
    return pick(lang, f"ещё {format_count(count)}", f"{format_count(count)} more")


def counted(pairs: Sequence[tuple[str, int]], lang: Lang, *, limit: int = 4, total: int | None = None) -> str:
    """«Кузнецов О. В. (1 026), Иванова М. С. (232)»; shares instead of counts when ``total`` is given."""
    parts = []
    for name, count in pairs[:limit]:
        value = format_share(count / total, lang=lang) if total else format_count(count)
        parts.append(f"{name} ({value})")
    if len(pairs) > limit:
        parts.append(_more(len(pairs) - limit, lang))
    return ", ".join(parts)


def times(count: int, lang: Lang) -> str:
    """«1 026 раз» / «1 026 times»."""
    return things(count, ("раз", "раза", "раз"), ("time", "times"), lang)


def things(count: int, forms_ru: tuple[str, str, str], forms_en: tuple[str, str], lang: Lang) -> str:
    """«4 действия» / «4 activities»."""
    forms = pick(lang, forms_ru, (forms_en[0], forms_en[1], forms_en[1]))
    return f"{format_count(count)} {plural(count, forms, lang=lang)}"


ACTIVITY_FORMS = (("действие", "действия", "действий"), ("activity", "activities"))
EVENT_FORMS = (("событие", "события", "событий"), ("event", "events"))
PEOPLE_FORMS = (("человек", "человека", "человек"), ("person", "people"))

LABELS = {
    "ru": {"title": "Вопросы для интервью с руководителями подразделений",
           "about": "Источник: {source}. {cases}, {events}, период {period}.",
           "how": "Вопросы подготовлены по данным: под каждым — что показали данные. Сначала спросите, "
                  "как работа устроена, затем — о расхождениях. Примеры — номера, которые можно открыть в системе.",
           "declared": "Сравнение с описанием: {names}.",
           "work": "Как устроена работа", "data": "Что показывают данные", "answer": "Ответ:",
           "data_prefix": "Данные: ", "examples": "примеры", "start": "начало", "end": "конец",
           "department": "{name}", "role": "Должность «{name}» (подразделение не указано)",
           "file": "Подразделение не указано: {name}", "all": "Весь процесс (подразделения в данных нет)",
           "rest": "Подразделение не указано",
           "pseudonymized": "Имена сотрудников заменены кодами.", "unknown": "не указано"},
    "en": {"title": "Interview questions for the heads of departments",
           "about": "Source: {source}. {cases}, {events}, period {period}.",
           "how": "The questions are based on the data: under each is what the data showed. Ask how the work "
                  "is done first, then about the deviations. Examples are ids you can open in the system.",
           "declared": "Compared with the description: {names}.",
           "work": "How the work is done", "data": "What the data show", "answer": "Answer:",
           "data_prefix": "Data: ", "examples": "examples", "start": "start", "end": "end",
           "department": "{name}", "role": "Role “{name}” (no department given)",
           "file": "No department given: {name}", "all": "The whole process (no departments in the data)",
           "rest": "No department given",
           "pseudonymized": "Employee names are replaced by codes.", "unknown": "not given"},
}

# Question templates. Fields: {act}, {usual}, {from_}, {to} are quoted names; {in_cases} is «в 114
# заказах»; {pct} a bare share («11 %»); {plural}/{many} the case noun.
QUESTIONS = {
    "ru": {
        "work": "Чем занимается ваше подразделение? В данных у вас {activities}: {top}. "
                "Это вся ваша работа или часть делается вне {systems}?",
        "work_data": "{events} {in_cases} из {total} ({pct}); сотрудники: {people}",
        "roles": "; должности: {roles}",
        "frequent": "Что вы делаете чаще всего? В данных это {act}: {times}, {in_cases} ({pct}). "
                    "Сколько времени это занимает и от чего зависит?",
        "frequent_data": "{act}: {times} {in_cases}; делают: {people}",
        "rare": "Что бывает редко? Реже всего у вас {act}: {times}, {in_cases} ({pct}). Когда и почему это бывает?",
        "rare_some": "Что у вас бывает не всегда? Реже других шагов — {act}: {times}, {in_cases} ({pct}). "
                     "От чего зависит, нужен ли этот шаг?",
        "rare_one": "Бывает ли у вас работа не по обычному порядку? В данных у вас только {act} — {times}.",
        "rare_even": "Что бывает редко? В данных все ваши шаги есть почти всегда: {acts}. Какие бывают "
                     "исключения и как они видны в системе?",
        "rare_data": "по частоте: {rare}",
        "inputs_start": "Откуда к вам приходят {plural} и данные по ним? {in_cases_cap} ({pct}) работа начинается "
                        "у вас, с {own}. Как вы узнаёте, что пора начинать: из {systems}, по почте, по телефону?",
        "inputs_after": "Откуда к вам приходят {plural} и данные по ним? Чаще всего ({pct}) перед вами идёт {act} "
                        "({unit}), затем у вас {own}. Как вы узнаёте, что пора начинать: из {systems}, "
                        "по почте, по телефону?",
        "inputs_data": "записано в: {systems}; перед вами: {before}",
        "processing": "Как вы обрабатываете {plural}? Обычный порядок у вас: {sequence} — так {in_cases} "
                      "из {total} ({pct}).",
        "processing_wait": " Дольше всего ожидание перед {act}: медиана {median} после предыдущего шага, "
                           "у 10 % — больше {p90}. От чего зависит срок?",
        "processing_single": "Как вы обрабатываете {plural}? В данных виден только итог — {act}; до него от "
                             "предыдущего шага проходит медиана {median}, у 10 % — больше {p90}. Что происходит "
                             "за это время и от чего зависит срок?",
        "processing_none": " Какие бывают исключения?",
        "processing_data": "вариантов порядка: {variants}",
        "elapsed": "; от вашего первого до последнего шага — медиана {elapsed}",
        "outputs_end": "Куда уходит результат вашей работы? {in_cases_cap} ({pct}) на вас процесс заканчивается "
                       "(последний шаг — {own}). Кому и как вы сообщаете, что работа сделана?",
        "outputs_next": "Куда уходит результат вашей работы? Чаще всего ({pct}) после вас идёт {act} ({unit}). "
                        "Как вы передаёте работу дальше и как узнаёте, что её приняли?",
        "outputs_data": "после вас: {after}",
        "approvals": "Кто, что и как у вас согласует? {act} в данных делает {who}; от предыдущего шага до "
                     "согласования — медиана {median}, у 10 % — больше {p90}.{absent} По каким правилам "
                     "согласуют и когда можно без согласования?",
        "approvals_absent": " {in_cases_cap} ({pct}) согласования нет.",
        "approvals_data": "{act}: {times} {in_cases}; без него — {absent}",
        "approvals_none": "Кто и что у вас согласует или утверждает? В данных шагов согласования у вас нет — "
                          "где это фиксируется: на бумаге, в почте, устно?",
        "approvals_none_data": "среди ваших действий ({activities}) нет слов «согласов», «утвержд», «одобр»",
        "reports": "Какие отчёты вы готовите, для кого и как часто? За период {period} через вас прошло {cases} — "
                   "в среднем {per_month} в месяц. По каким цифрам оценивают вашу работу?",
        "reports_data": "период: {period}; {events}",
        "inversion": "{jumped} раньше {usual} — {in_cases} ({pct}): кто это разрешает и на каком основании?",
        "inversion_data": "обычно {usual} раньше; наоборот — {cases} из {both}, где есть оба шага",
        "changed": "{act} — {in_cases} ({pct}) уже после {approval}: почему меняют после согласования "
                   "и согласуют ли заново?",
        "changed_data": "{cases} из {with_approval} с шагом {approval}",
        "missing": "{in_cases_cap} ({pct}) нет шага {act}: в каких случаях без него обходятся?",
        "missing_data": "{act} есть в {present} из {total}",
        "rework": "{act} повторяется {in_cases} ({pct}): почему приходится делать это снова?",
        "rework_data": "{cases} из {with_activity} с этим шагом",
        **INTERVIEW_QUESTIONS["ru"],  # the questions about each finding kind: miner.comparison.wording
        "outside": "{act} по описанию делается вне системы ({system}): как проверить, что это сделано, "
                   "и где остаётся след?",
        "declared_data": "описание {process}: {cases} из {total}",
        "start_word": "начало", "end_word": "конец",
    },
    "en": {
        "work": "What does your department do? In the data you have {activities}: {top}. "
                "Is that all your work, or is part of it done outside {systems}?",
        "work_data": "{events} {in_cases} of {total} ({pct}); staff: {people}",
        "roles": "; roles: {roles}",
        "frequent": "What do you do most often? In the data it is {act}: {times}, {in_cases} ({pct}). "
                    "How long does it take and what does that depend on?",
        "frequent_data": "{act}: {times} {in_cases}; done by: {people}",
        "rare": "What happens rarely? Your rarest step is {act}: {times}, {in_cases} ({pct}). "
                "When and why does it happen?",
        "rare_some": "What does not always happen? Your least frequent step is {act}: {times}, {in_cases} "
                     "({pct}). What decides whether it is needed?",
        "rare_one": "Does work ever go outside the usual order? The data show only {act} for you — {times}.",
        "rare_even": "What happens rarely? In the data all your steps happen almost always: {acts}. What "
                     "exceptions are there, and how do they show in the system?",
        "rare_data": "by frequency: {rare}",
        "inputs_start": "Where do {plural} and their data come to you from? {in_cases_cap} ({pct}) the work "
                        "starts with you, at {own}. How do you learn it is time to start: from {systems}, "
                        "by e-mail, by phone?",
        "inputs_after": "Where do {plural} and their data come to you from? Most often ({pct}) {act} ({unit}) "
                        "comes before you, then your {own}. How do you learn it is time to start: from "
                        "{systems}, by e-mail, by phone?",
        "inputs_data": "recorded in: {systems}; before you: {before}",
        "processing": "How do you process {plural}? Your usual order: {sequence} — {in_cases} of {total} ({pct}).",
        "processing_wait": " The longest wait is before {act}: median {median} after the previous step, "
                           "10 % wait more than {p90}. What does the time depend on?",
        "processing_single": "How do you process {plural}? The data show only the result — {act}; it comes a "
                             "median {median} after the previous step, for 10 % more than {p90}. What happens in "
                             "that time, and what does it depend on?",
        "processing_none": " What exceptions are there?",
        "processing_data": "step sequences: {variants}",
        "elapsed": "; from your first to your last step — median {elapsed}",
        "outputs_end": "Where does your work go? {in_cases_cap} ({pct}) the process ends with you (last step "
                       "{own}). Whom do you tell that the work is done, and how?",
        "outputs_next": "Where does your work go? Most often ({pct}) {act} ({unit}) comes after you. "
                        "How do you hand the work over, and how do you know it was accepted?",
        "outputs_data": "after you: {after}",
        "approvals": "Who approves what, and how? In the data {act} is done by {who}; from the previous step "
                     "to the approval — median {median}, 10 % wait more than {p90}.{absent} What are the "
                     "rules, and when may the approval be skipped?",
        "approvals_absent": " {in_cases_cap} ({pct}) there is no approval.",
        "approvals_data": "{act}: {times} {in_cases}; without it — {absent}",
        "approvals_none": "Who approves or signs off what in your department? The data show no approval "
                          "steps for you — where is it recorded: on paper, by e-mail, orally?",
        "approvals_none_data": "none of your activities ({activities}) mentions approval",
        "reports": "Which reports do you prepare, for whom and how often? In the period {period} you handled {cases} — "
                   "{per_month} a month on average. By which numbers is your work judged?",
        "reports_data": "period: {period}; {events}",
        "inversion": "{jumped} before {usual} — {in_cases} ({pct}): who allows this, and on what grounds?",
        "inversion_data": "usually {usual} comes first; the other way round in {cases} of {both} with both steps",
        "changed": "{act} — {in_cases} ({pct}) after {approval}: why is it changed after approval, and is it "
                   "approved again?",
        "changed_data": "{cases} of {with_approval} with {approval}",
        "missing": "{in_cases_cap} ({pct}) there is no {act}: when do you do without it?",
        "missing_data": "{act} is in {present} of {total}",
        "rework": "{act} repeats {in_cases} ({pct}): why does it have to be done again?",
        "rework_data": "{cases} of {with_activity} with this step",
        **INTERVIEW_QUESTIONS["en"],
        "outside": "The description says {act} is done outside the system ({system}): how can one check it "
                   "was done, and where does it leave a trace?",
        "declared_data": "description {process}: {cases} of {total}",
        "start_word": "start", "end_word": "end",
    },
}
