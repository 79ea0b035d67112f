"""No command prints a traceback for any input: every command of the tree — found from the application, not
listed by hand — is driven with generated arguments (numbers far out of range, dates at the ends of the calendar,
odd text, paths that are not there) and must end with a bilingual message and an exit code of CONVENTIONS.md."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
import typer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import NANJING_ROW, SUZHOU_ROW, ingest_export
from ipstrong.cli import app, main

pytestmark = pytest.mark.slow  # property tests over every command: `make test` runs it, `make check` does not

# commands that serve or work until stopped, or generate as much data as they are told
LONG_RUNNING = {"serve", "worker", "demo", "synth"}
INTS = st.one_of(st.sampled_from([0, -1, 2**31, 2**63, 10**20, 99999999]), st.integers(-10, 5000)).map(str)
FLOATS = st.one_of(st.sampled_from(["nan", "inf", "-1", "1e308", "0"]), st.floats(-1e6, 1e6).map(str))
DATES = st.sampled_from(["9999-12-31", "0001-01-01", "2024-02-30", "2024-01-31", "1899-12-31", "20241231", "x"])
TEXT = st.one_of(st.text(max_size=40).filter(lambda s: not s.startswith("-")), st.sampled_from(["", "320500", "999999", "SELEC"]))


def _commands() -> list[tuple[list[str], object]]:
    def walk(command, path):
        if hasattr(command, "commands"):
            for name, sub in command.commands.items():
                yield from walk(sub, [*path, name])
        elif path[0] not in LONG_RUNNING:
            yield path, command

    return list(walk(typer.main.get_command(app), []))


def _value(param) -> st.SearchStrategy[str]:
    annotation = param.type_descriptor.annotation
    options = [a for a in getattr(annotation, "__args__", (annotation,)) if a is not type(None)]
    if int in options:
        return INTS
    if float in options:
        return FLOATS
    return st.one_of(DATES, TEXT, INTS)


def _arguments(command) -> st.SearchStrategy[list[str]]:
    parts = []
    for param in command.params:
        if param.param_type_name == "argument":
            parts.append(_value(param).map(lambda v: [v]))
        elif getattr(param, "is_flag", False):
            parts.append(st.sampled_from([[], [param.opts[0]]]))
        else:
            chosen = _value(param).map(lambda v, opt=param.opts[0]: [opt, v])
            parts.append(chosen if param.required else st.one_of(st.just([]), chosen))
    return st.tuples(*parts).map(lambda groups: [a for g in groups for a in g]) if parts else st.just([])


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("cli-fuzz") / "data"
    ingest_export(data, SUZHOU_ROW, NANJING_ROW)
    return data


@pytest.mark.filterwarnings("ignore::getpass.GetPassWarning")  # a password prompt answered by nobody
@pytest.mark.parametrize("path", [" ".join(p) for p, _c in _commands()])
def test_no_command_prints_a_traceback(path: str, data: Path, tmp_path: Path, monkeypatch, capsys) -> None:
    command = dict((" ".join(p), c) for p, c in _commands())[path]
    monkeypatch.chdir(tmp_path)  # files a command is told to write land here

    @given(arguments=_arguments(command))
    @settings(max_examples=10, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
    def check(arguments: list[str]) -> None:
        argv = ["ipstrong", "--data-dir", str(data), *path.split(), *arguments]
        monkeypatch.setattr(sys, "argv", argv)
        monkeypatch.setattr(sys, "stdin", io.StringIO(""))  # a prompt gets no answer
        code = 0
        try:
            main()
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        out, err = capsys.readouterr()
        assert "Traceback" not in out + err and "internal error" not in err, (argv, err[-2000:])
        assert code in (0, 1, 2), (argv, code, err[-500:])

    check()


def test_the_commands_that_broke_are_driven() -> None:
    driven = {" ".join(p) for p, _c in _commands()}
    assert {"sql", "workdays add", "workdays months", "reference series", "indicators compute"} <= driven
