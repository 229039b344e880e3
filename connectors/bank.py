"""Read bank statements in the 1CClientBankExchange format (``kl_to_1c.txt``) as payment events.

The file is ``key=value`` lines (ONEC_FORMATS.md §2.6): a header, «СекцияРасчСчет» blocks with
balances, and one «СекцияДокумент=<вид>» … «КонецДокумента» block per payment. Encoding is what
``Кодировка=`` says (Windows → cp1251, DOS → cp866), but lines that are valid UTF-8 are read as
UTF-8 (some bank clients mix them). Amounts use a decimal point. The order or invoice a payment is
for appears only in «НазначениеПлатежа»; it is extracted as an attribute and names the case.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from miner import eventlog as ev
from miner.errors import EmptySourceError, FormatError, ValueProblemError
from miner.rejects import RowProblems, SourceInfo, SourceRead

MAGIC = "1CClientBankExchange"
INCOMING, OUTGOING = "Поступление на расчетный счет", "Списание с расчетного счета"
TO_BANK = "Платежное поручение передано в банк"  # a file 1C writes for the bank: orders not yet executed
_ONE_C = re.compile(r"1С|1C|Предприяти|Бухгалтери|Управлени|Комплексн", re.IGNORECASE)
_REFERENCE = re.compile(r"(?P<kind>заказ\w*(?:\s+(?:клиента|покупателя|поставщику))?|сч[её]т\w*(?:\s+на\s+оплату)?|"
                        r"договор\w*|накладн\w*|упд)\s*(?:№|N|#|номер)?\s*(?P<number>[\w/.-]*\d[\w/.-]*)",
                        re.IGNORECASE)
_KIND_TITLES = {"заказ": "Заказ", "сч": "Счет", "догов": "Договор", "накл": "Накладная", "упд": "УПД"}


def _decode(data: bytes, encoding: str | None) -> tuple[list[str], str]:
    """Split into lines and decode each: UTF-8 if it is valid UTF-8, else the declared encoding."""
    declared = encoding
    if declared is None:
        declared = "cp1251"
        for enc in ("cp1251", "utf-8", "cp866"):
            m = re.search("Кодировка=(\\w+)".encode(enc), data[:4096])
            if m:
                declared = "cp866" if m.group(1).upper() == b"DOS" else "cp1251"
                break
    lines = []
    for raw in data.lstrip(b"\xef\xbb\xbf").split(b"\n"):
        raw = raw.rstrip(b"\r")
        try:
            lines.append(raw.decode("utf-8"))
        except UnicodeDecodeError:
            lines.append(raw.decode(declared, errors="replace"))
    return lines, declared


@dataclass
class _Document:
    kind: str
    line: int
    fields: dict[str, str]
    closed: bool = False


def _sections(lines: list[str]) -> tuple[dict[str, Any], list[_Document]]:
    """Header values (accounts collected as a set) and the document blocks with their first line."""
    header: dict[str, Any] = {"accounts": set()}
    docs: list[_Document] = []
    current: _Document | None = None
    for number, line in enumerate(lines, 1):
        key, _, value = line.strip().partition("=")
        if key == "СекцияДокумент":
            current = _Document(value.strip() or "Платежный документ", number, {})
            docs.append(current)
        elif key == "КонецДокумента":
            if current is not None:
                current.closed = True
            current = None
        elif current is not None:
            current.fields[key] = value.strip()
        elif key == "РасчСчет" and value.strip():
            header["accounts"].add(value.strip())
        elif key and key not in header:
            header[key] = value.strip()
    return header, docs


def read_bank(path: str | Path, *, encoding: str | None = None, strict: bool = False) -> SourceRead:
    """Read a 1CClientBankExchange statement: one payment event per «СекцияДокумент».

    Args:
        path: ``kl_to_1c.txt`` (bank → 1C) or ``to_bank.txt`` (1C → bank).
        encoding: override ``Кодировка=``.
        strict: raise on the first payment without a readable date instead of rejecting it.
    Returns:
        :class:`SourceRead`: activity «Поступление на расчетный счет» / «Списание с расчетного
        счета» (a file 1C wrote for the bank: «Платежное поручение передано в банк»), timestamp = the date money arrived / left (else the document date), case = the
        order or invoice named in the purpose («Заказ №9614»), else the payment itself; ``source:row``
        is the line of «СекцияДокумент». Attributes ``bank:*`` hold number, amount, payer, recipient,
        INNs, purpose and the extracted reference.
    Raises:
        FormatError: not a 1CClientBankExchange file. EmptySourceError: no payments in it.
    Example:
        >>> read_bank("kl_to_1c.txt").frame["concept:name"].tolist()  # doctest: +SKIP
    """
    path = Path(path)
    data = path.read_bytes()
    if not data.lstrip(b"\xef\xbb\xbf").startswith(MAGIC.encode()):
        raise FormatError(f"{path.name}: not a bank statement in the 1CClientBankExchange format (the first line "
                          "must be «1CClientBankExchange»). Export the statement from the bank client for 1C.")
    lines, used = _decode(data, encoding)
    header, docs = _sections(lines)
    if not docs:
        raise EmptySourceError(f"{path.name}: the statement holds no payments (no «СекцияДокумент»).")
    to_bank = bool(_ONE_C.search(str(header.get("Отправитель", "")))) and not _ONE_C.search(
        str(header.get("Получатель", "")))
    frame = _frame([_payment(d, header["accounts"], to_bank) for d in docs])
    problems = RowProblems()
    bad = frame[ev.TIMESTAMP].isna().to_numpy()
    if bad.any():
        first = docs[int(np.flatnonzero(bad)[0])]
        if strict:
            raise ValueProblemError(f"{path.name}, строка {first.line}: payment «{first.kind}» №"
                                    f"{first.fields.get('Номер', '?')} has no readable date (Дата=«"
                                    f"{first.fields.get('Дата', '')}»). Fix it, or drop --strict.")
        problems.reject("payment without a readable date", path.name, frame.loc[bad, ev.ROW].tolist(), "Дата",
                        [d.fields.get("Дата", "") for d, b in zip(docs, bad) if b])
    frame = frame[~bad].reset_index(drop=True)
    frame[ev.FILE] = path.name
    open_docs = [d.line for d in docs if not d.closed]
    details = {"sender": header.get("Отправитель"), "receiver": header.get("Получатель"),
               "period": f"{header.get('ДатаНачала', '')} - {header.get('ДатаКонца', '')}",
               "accounts": sorted(header["accounts"]), "format_version": header.get("ВерсияФормата")}
    if open_docs:
        details["warnings"] = [f"{path.name}, строка {n}: «СекцияДокумент» without «КонецДокумента»; read up to "
                               "the next section" for n in open_docs[:5]]
    info = SourceInfo(file=path.name, kind="bank", rows_read=len(docs), encoding=used,
                      columns={"case": "НазначениеПлатежа (order/invoice №)", "activity": "direction",
                               "timestamp": "ДатаПоступило / ДатаСписано / Дата"}, details=details)
    return SourceRead(frame, info, problems)


def _date(text: str | None) -> pd.Timestamp:
    return pd.to_datetime(text, format="%d.%m.%Y", errors="coerce") if text else pd.NaT


def _frame(payments: list[dict[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame(payments)
    for column in (ev.TIMESTAMP, "bank:date"):
        frame[column] = pd.to_datetime(frame[column]).astype("datetime64[ns]")
    return frame


def _amount(text: str | None) -> float:
    try:
        return float(str(text).replace("\u00a0", "").replace(" ", "").replace(",", "."))
    except ValueError:
        return float("nan")


def _payment(doc: _Document, accounts: set[str], to_bank: bool) -> dict[str, Any]:
    """One payment: direction from our accounts (else from ДатаПоступило/ДатаСписано), dates, reference."""
    f = doc.fields
    payer_acc = f.get("ПлательщикСчет") or f.get("ПлательщикРасчСчет", "")
    payee_acc = f.get("ПолучательСчет") or f.get("ПолучательРасчСчет", "")
    if to_bank:
        direction, when, party = TO_BANK, f.get("Дата"), "Получатель"
    elif payee_acc in accounts or (payer_acc not in accounts and f.get("ДатаПоступило")):
        direction, when, party = INCOMING, f.get("ДатаПоступило") or f.get("Дата"), "Плательщик"
    elif payer_acc in accounts or f.get("ДатаСписано"):
        direction, when, party = OUTGOING, f.get("ДатаСписано") or f.get("Дата"), "Получатель"
    else:
        direction, when, party = doc.kind, f.get("Дата"), "Плательщик"
    purpose = f.get("НазначениеПлатежа") or " ".join(f.get(f"НазначениеПлатежа{i}", "") for i in range(1, 7)).strip()
    ref_kind, ref_number = _reference(purpose)
    number, date = f.get("Номер", ""), f.get("Дата", "")
    case = f"{ref_kind} №{ref_number}" if ref_number else f"{doc.kind} №{number} от {date}"
    name = f.get(party + "1") or f.get(party, "").split(",", 1)[-1].strip()
    return {ev.CASE: case, ev.ACTIVITY: direction, ev.TIMESTAMP: _date(when), ev.RESOURCE: None,
            ev.SYSTEM: "Bank", ev.ROW: doc.line, "bank:document": doc.kind, "bank:number": number,
            "bank:date": _date(date), "bank:amount": _amount(f.get("Сумма")), "bank:counterparty": name,
            "bank:counterparty_inn": f.get(party + "ИНН", ""), "bank:payer": f.get("Плательщик1") or f.get("Плательщик"),
            "bank:recipient": f.get("Получатель1") or f.get("Получатель"), "bank:purpose": purpose,
            "bank:reference_kind": ref_kind, "bank:reference_number": ref_number}


def _reference(purpose: str) -> tuple[str | None, str | None]:
    """The order/invoice/contract a payment names: «по заказу клиента №9614» → («Заказ», «9614»).

    >>> _reference("Оплата по заказу клиента №9614, НДС не облагается")
    ('Заказ', '9614')
    >>> _reference("За товары, по счету №125 на сумму 175000-00")
    ('Счет', '125')
    """
    m = _REFERENCE.search(purpose or "")
    if m is None:
        return None, None
    word = m.group("kind").casefold()
    kind = next((title for stem, title in _KIND_TITLES.items() if word.startswith(stem)), m.group("kind"))
    return kind, m.group("number").rstrip(".,")
