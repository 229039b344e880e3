"""An output path that cannot be written ends, in every command, in one ``Error:`` line and exit 1."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from miner.cli import cli
from miner.errors import OutputError
from miner.outputs import output_file, output_folder

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"
SOURCE = str(SAMPLE / "sales_1c.csv")
DECLARED = str(SAMPLE / "sales_declared.yaml")
COMMANDS = {
    "discover": ["discover", SOURCE, "-o"],
    "compare": ["compare", SOURCE, "--declared", DECLARED, "-o"],
    "report": ["report", SOURCE, "-o"],
    "interview": ["interview", SOURCE, "-o"],
    "demo": ["demo", "--data", str(SAMPLE), "-o"],
}


def _places(tmp_path: Path) -> dict[str, Path]:
    a_file = tmp_path / "taken.txt"
    a_file.write_text("a file, not a folder", encoding="utf-8")
    return {"a file": a_file, "under a file": a_file / "out", "impossible": Path("/proc/miner-no-such/out")}


def _one_error_line(result) -> str:
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    assert "Traceback" not in result.output
    return lines[0]


@pytest.mark.parametrize("command", list(COMMANDS))
@pytest.mark.parametrize("place", ["a file", "under a file", "impossible"])
def test_unwritable_folder_is_one_error_line(tmp_path, command, place) -> None:
    target = _places(tmp_path)[place]
    result = CliRunner().invoke(cli, COMMANDS[command] + [str(target)])
    line = _one_error_line(result)
    assert str(target) in line and "-o" in line


@pytest.mark.parametrize("place", ["a folder", "under a file", "impossible"])
def test_ingest_to_an_unwritable_file_is_one_error_line(tmp_path, place) -> None:
    places = _places(tmp_path)
    (tmp_path / "log.parquet").mkdir()
    target = {"a folder": tmp_path / "log.parquet", "under a file": places["a file"] / "log.parquet",
              "impossible": Path("/proc/miner-no-such/log.parquet")}[place]
    result = CliRunner().invoke(cli, ["-q", "ingest", SOURCE, "-o", str(target)])
    line = _one_error_line(result)
    assert (target.name in line or target.parent.name in line) and "-o" in line


def test_read_only_folder_is_reported(tmp_path) -> None:
    import os

    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        if os.access(folder, os.W_OK):  # root writes anywhere: a read-only file system then
            folder = Path("/sys/miner-out")
        with pytest.raises(OutputError, match="-o"):
            output_folder(folder)
    finally:
        (tmp_path / "ro").chmod(0o755)


def test_output_file_checks_its_folder(tmp_path) -> None:
    assert output_file(tmp_path / "new" / "log.parquet") == tmp_path / "new" / "log.parquet"
    with pytest.raises(OutputError, match="it is a folder"):
        output_file(tmp_path)
