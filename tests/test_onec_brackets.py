"""The brackets tokenizer and the chunked record splitter of the 1C text journal."""
from __future__ import annotations

from pathlib import Path

import pytest

from connectors.onec.brackets import BracketsSyntaxError, iter_nodes, parse_node, scan_record, unquote
from connectors.onec.lgp import read_lgp

LGF = ("\ufeff1CV8LOG(ver 2.0)\r\n5e9a7aa8-4efa-11e9-a98f-005056aea130\r\n"
       '{1,11111111-0000-4000-8000-000000000000,"Иванов ""Ваня""",1},\r\n{2,"PC-1",1},\r\n{3,"1CV8C",1},\r\n'
       '{4,"_$Data$_.New",1},\r\n{4,"_$Data$_.Post",2},\r\n'
       '{5,22222222-0000-4000-8000-000000000000,"Документ.ЗаказКлиента",1},\r\n{6,"SRV",1},\r\n{7,1560,1},\r\n'
       "{8,1561,1}")
ORDER = '{"R",41:8c8214109fd4d3af11eb518292a423f8},"Заказ клиента 0000-000001 от 01.01.2024 10:00:00"'
# Records that break naive parsers: the record separator inside a comment, quotes and braces in
# strings, a data node nested five levels deep, a record on one line.
TRICKY = [
    '{20240101100000,N,\r\n{0,0},1,1,1,1,1,I,"простой",1,\r\n' + ORDER + ',1,1,1,5,0,\r\n{0}\r\n}',
    '{20240101100001,N,\r\n{0,0},1,1,1,1,2,I,"с разделителем\r\n},\r\n{20240101100009,N, внутри",1,\r\n' + ORDER
    + ',1,1,1,5,0,\r\n{0}\r\n}',
    '{20240101100002,N,\r\n{0,0},1,1,1,1,1,I,"кавычки ""и"" {скобки}, запятые",1,\r\n{"S","строка ""x"" {y}"},"",'
    '1,1,1,5,0,\r\n{0}\r\n}',
    '{20240101100003,N,\r\n{0,0},1,1,1,1,1,I,"",1,\r\n{"P",{1,{"P",{2,{"P",{3,{"S","глубоко"}}}}}}},"",1,1,1,5,0,'
    '\r\n{0}\r\n}',
    '{20240101100004,N,{0,0},1,1,1,1,1,I,"в одну строку",1,{"U"},"",1,1,1,5,0,{0}}',
]


def test_parse_node_reads_escaped_quotes_braces_and_newlines():
    node, end = parse_node(b'{1,"a""b {c}, d\r\ne",{"R",49:8c82},{}}tail')
    assert node == ["1", 'a"b {c}, d\r\ne', ["R", "49:8c82"], []]
    assert end == len(b'{1,"a""b {c}, d\r\ne",{"R",49:8c82},{}}')


def test_parse_node_rejects_broken_nodes_with_the_offset():
    with pytest.raises(BracketsSyntaxError, match="after a value") as exc:
        parse_node(b'{1,"\\"0,0"\\",2}')  # the malformed field of the YY broken sample
    assert exc.value.offset == 6
    with pytest.raises(BracketsSyntaxError, match="string is not closed"):
        parse_node(b'{1,"open')
    with pytest.raises(BracketsSyntaxError, match="not closed"):
        parse_node(b"{1,{2}")


def test_iter_nodes_skips_a_broken_dictionary_entry_and_goes_on():
    nodes = list(iter_nodes(b'{4,"a",1},\r\n{4,"b" x,2},\r\n{4,"c",3}'))
    assert [n for n, _, _ in nodes] == [["4", "a", "1"], None, ["4", "c", "3"]]
    assert "after a value" in nodes[1][2]


def test_scan_record_needs_more_data_inside_an_open_string():
    assert scan_record(b'{2024,N,"abc},\r\n{', 0, eof=False).status == "more"
    cut = scan_record(b'{2024,N,"abc},\r\n{', 0, eof=True)
    assert (cut.status, cut.reason) == ("bad", "the record is cut off: the file ends inside it")


def test_unquote():
    assert unquote(b'"Srvr=""id-1c:1541"";"') == 'Srvr="id-1c:1541";'


def _write(folder: Path, *, crlf: bool = True, bom: bool = True, tail: str = "") -> Path:
    folder.mkdir()
    (folder / "1Cv8.lgf").write_bytes(LGF.encode("utf-8"))
    text = (("\ufeff" if bom else "") + "1CV8LOG(ver 2.0)\r\n5e9a7aa8-4efa-11e9-a98f-005056aea130\r\n\r\n"
            + ",\r\n".join(TRICKY * 3) + tail)
    if not crlf:
        text = text.replace("\r\n", "\n")
    (folder / "a.lgp").write_bytes(text.encode("utf-8"))
    return folder


@pytest.mark.parametrize("crlf,bom", [(True, True), (False, False)])
def test_records_are_the_same_whatever_the_chunk_borders(tmp_path, crlf, bom):
    folder = _write(tmp_path / "j", crlf=crlf, bom=bom)
    reads = [read_lgp(folder / "1Cv8.lgf", [folder / "a.lgp"], chunk_bytes=size) for size in (1 << 20, 97, 7)]
    frames = [r.frame.astype(str) for r in reads]
    assert all(f.equals(frames[0]) for f in frames)
    first = reads[0].frame
    assert reads[0].records == len(first) == 15 and not reads[0].broken
    eol = "\r\n" if crlf else "\n"
    assert first["comment"].iat[1] == f"с разделителем{eol}}},{eol}{{20240101100009,N, внутри"
    assert first["comment"].iat[2] == 'кавычки "и" {скобки}, запятые'
    assert first["data"].iat[2] == 'строка "x" {y}'
    assert first["data"].iat[3] == "2; 3; глубоко"
    assert first["user"].iat[0] == 'Иванов "Ваня"'
    assert first["ref"].iat[0] == "92a423f8-5182-11eb-8c82-14109fd4d3af"


def test_a_record_cut_at_the_end_is_reported_with_its_place(tmp_path):
    folder = _write(tmp_path / "j", tail=',\r\n{20240101100009,N,\r\n{0,0},1,1,1,1,1,I,"обрез')
    for size in (1 << 20, 50, 3):
        read = read_lgp(folder / "1Cv8.lgf", [folder / "a.lgp"], chunk_bytes=size)
        assert len(read.frame) == 15 and read.records == 16
        (file, broken), = read.broken
        assert (file, broken.record, broken.line, broken.reason) == (
            "a.lgp", 16, 73, "the record is cut off: the file ends inside it")
