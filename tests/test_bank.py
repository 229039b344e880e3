"""Bank statements in the 1CClientBankExchange format as payment events."""
from __future__ import annotations

import pytest

from conftest import shared_file
from connectors.bank import INCOMING, OUTGOING, TO_BANK, read_bank
from connectors.registry import detect_kind
from miner.errors import EmptySourceError, FormatError, ValueProblemError

STATEMENT = """1CClientBankExchange
ВерсияФормата=1.03
Кодировка={coding}
Отправитель=Сбербанк Бизнес Онлайн
Получатель=1С:Предприятие
ДатаНачала=15.01.2024
ДатаКонца=31.01.2024
РасчСчет=40702810900000012345
СекцияРасчСчет
РасчСчет=40702810900000012345
НачальныйОстаток=1000.00
КонецРасчСчет
СекцияДокумент=Платежное поручение
Номер=512
Дата={date}
Сумма=120000.00
ПлательщикСчет=40702810100000099999
ДатаПоступило={date}
Плательщик1=ООО "Ромашка"
ПлательщикИНН=7701234567
ПолучательСчет=40702810900000012345
Получатель1=ООО "Торговый дом"
НазначениеПлатежа=Оплата по счету на оплату № 0000-000040 от 15.01.2024. В т.ч. НДС 20%
КонецДокумента
СекцияДокумент=Платежное поручение
Номер=77
Дата=18.01.2024
Сумма=5000,50
ПлательщикСчет=40702810900000012345
ДатаСписано=18.01.2024
Получатель1=ИП Сидоров
ПолучательИНН=770400112233
НазначениеПлатежа=Аренда склада за январь
КонецДокумента
КонецФайла
"""


def _write(tmp_path, coding="Windows", encoding="cp1251", date="16.01.2024"):
    """The statement with the first payment's dates given (or empty)."""
    path = tmp_path / "kl_to_1c.txt"
    path.write_bytes(STATEMENT.format(coding=coding, date=date).replace("\n", "\r\n").encode(encoding))
    return path


@pytest.mark.parametrize("coding,encoding", [("Windows", "cp1251"), ("DOS", "cp866")])
def test_payments_have_direction_reference_and_amount(tmp_path, coding, encoding):
    read = read_bank(_write(tmp_path, coding, encoding))
    got = read.frame[["case:concept:name", "concept:name", "time:timestamp", "bank:amount", "bank:counterparty",
                      "source:row"]].astype(str).values.tolist()
    assert str(read.frame["time:timestamp"].dtype) == "datetime64[ns]"
    assert got == [["Счет №0000-000040", INCOMING, "2024-01-16", "120000.0", 'ООО "Ромашка"', "13"],
                   ["Платежное поручение №77 от 18.01.2024", OUTGOING, "2024-01-18", "5000.5", "ИП Сидоров",
                    "25"]]
    assert read.info.encoding == encoding and read.info.rows_read == 2
    assert read.info.details["accounts"] == ["40702810900000012345"]
    assert detect_kind(tmp_path / "kl_to_1c.txt") == "bank"


def test_a_payment_without_a_date_is_rejected_with_its_line(tmp_path):
    path = _write(tmp_path, date="")
    read = read_bank(path)
    assert len(read.frame) == 1 and read.info.rows_read == 2
    (reason,) = read.problems.reasons
    assert (reason.reason, reason.examples) == ("payment without a readable date", [
        {"file": "kl_to_1c.txt", "row": 13, "column": "Дата", "value": ""}])
    with pytest.raises(ValueProblemError, match=r"kl_to_1c.txt, строка 13: payment «Платежное поручение» №512 "
                                                r"has no readable date"):
        read_bank(path, strict=True)


def test_not_a_statement(tmp_path):
    other = tmp_path / "x.txt"
    other.write_text("Номер;Дата\n", encoding="utf-8")
    with pytest.raises(FormatError, match=r"x.txt: not a bank statement in the 1CClientBankExchange format"):
        read_bank(other)
    empty = tmp_path / "e.txt"
    empty.write_text("1CClientBankExchange\nВерсияФормата=1.03\nКонецФайла\n", encoding="cp1251")
    with pytest.raises(EmptySourceError, match="holds no payments"):
        read_bank(empty)


def test_shared_samples_from_and_to_the_bank():
    read = read_bank(shared_file("onec", "dronm_clbnk", "kl_to_1c.txt"))
    assert read.frame["case:concept:name"].tolist() == [
        "Банковский ордер №69147 от 01.01.2024", "Заказ №9614", "Заказ №9614"]
    assert read.frame["bank:amount"].tolist() == [6936.0, 13056.0, 150000.0]
    assert read.frame["source:row"].tolist() == [20, 86, 152]
    out = read_bank(shared_file("onec", "dronm_clbnk", "to_bank.txt"))  # cp1251 with a UTF-8 last line
    assert out.frame["concept:name"].tolist() == [TO_BANK, TO_BANK]
    assert out.frame["bank:reference_number"].tolist() == ["125", "777"]
    assert out.frame["bank:recipient"].tolist() == ["ИП Иванов А.А.", "ИП Иванов А.А."]
