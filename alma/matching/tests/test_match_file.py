"""`alma match-file`: the happy path for each solver and a clear error for each malformed input."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from alma.matching.management.commands.match_file import Command

PROGRAM = {
    "left": [{"id": "ann", "capacity": 1}, {"id": "bob", "capacity": 1}, {"id": 7, "capacity": 1}],
    "right": [{"id": "lawyer", "capacity": 1}, {"id": "banker", "capacity": 2}],
    "pairs": [
        {"left": "ann", "right": "lawyer", "score": 0.9},
        {"left": "ann", "right": "banker", "score": 0.8},
        {"left": "bob", "right": "lawyer", "score": 0.8},
        {"left": 7, "right": "banker", "score": 0.25},
    ],
}


def run(tmp_path, document, *args):
    path = tmp_path / "input.json"
    path.write_text(document if isinstance(document, str) else json.dumps(document))
    out = io.StringIO()
    call_command("match_file", str(path), *args, stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.parametrize(
    ("solver", "assignment", "total"),
    [
        ("optimal", [(7, "banker", 0.25), ("ann", "banker", 0.8), ("bob", "lawyer", 0.8)], 1.85),
        ("stable", [(7, "banker", 0.25), ("ann", "lawyer", 0.9)], 1.15),
        ("greedy", [(7, "banker", 0.25), ("ann", "lawyer", 0.9)], 1.15),
    ],
)
def test_each_solver_prints_the_assignment_and_total(tmp_path, solver, assignment, total):
    result = run(tmp_path, PROGRAM, "--solver", solver)
    assert [(p["left"], p["right"], p["score"]) for p in result["assignment"]] == assignment
    assert result["total"] == pytest.approx(total)


def test_optimal_is_the_default_and_reads_standard_input(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(PROGRAM)))
    out = io.StringIO()
    call_command("match_file", "-", stdout=out)
    assert json.loads(out.getvalue())["total"] == pytest.approx(1.85)


def with_changes(**changes):
    document = json.loads(json.dumps(PROGRAM))
    for key, value in changes.items():
        document[key] = value
    return document


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ("{not json", "is not valid JSON: Expecting property name"),
        ("[1, 2]", "expected a JSON object with the keys left, right and pairs"),
        ({"left": [], "right": []}, "missing key 'pairs'"),
        (with_changes(left=[{"id": "ann"}]), r"left\[0\]: missing key 'capacity'"),
        (with_changes(right={"id": "x"}), "right: expected a list"),
        (
            with_changes(left=[{"id": "ann", "capacity": -1}]),
            r"left\[0\].capacity: a capacity cannot be negative",
        ),
        (
            with_changes(left=[{"id": "ann", "capacity": 1.5}]),
            r"left\[0\].capacity: a capacity must be a whole number",
        ),
        (
            with_changes(left=[{"id": None, "capacity": 1}]),
            r"left\[0\].id: an id must be an integer or a string",
        ),
        (
            with_changes(right=[{"id": "x", "capacity": 1}, {"id": "x", "capacity": 2}]),
            r"right\[1\]: duplicate right id 'x' \(first at right\[0\]\)",
        ),
        (
            with_changes(pairs=[{"left": "ann", "right": "nobody", "score": 1}]),
            r"pairs\[0\].right: unknown right id 'nobody'",
        ),
        (
            with_changes(pairs=[{"left": "zed", "right": "lawyer", "score": 1}]),
            r"pairs\[0\].left: unknown left id 'zed'",
        ),
        (
            with_changes(pairs=[{"left": "ann", "right": "lawyer", "score": "high"}]),
            r"pairs\[0\].score: a score must be a number",
        ),
        (
            with_changes(pairs=[{"left": "ann", "right": "lawyer", "score": True}]),
            r"pairs\[0\].score: a score must be a number",
        ),
        (
            '{"left": [{"id": "a", "capacity": 1}], "right": [{"id": "b", "capacity": 1}],'
            ' "pairs": [{"left": "a", "right": "b", "score": NaN}]}',
            r"pairs\[0\].score: a score must be a finite number",
        ),
        (
            with_changes(
                pairs=[
                    {"left": "ann", "right": "lawyer", "score": 1},
                    {"left": "ann", "right": "lawyer", "score": 2},
                ]
            ),
            r"pairs\[1\]: the pair \('ann', 'lawyer'\) is listed twice \(first at pairs\[0\]\)",
        ),
    ],
)
def test_malformed_input_gets_a_clear_error(tmp_path, document, message):
    with pytest.raises(CommandError, match=message):
        run(tmp_path, document)


def test_a_missing_file_and_an_unknown_solver_are_errors(tmp_path):
    with pytest.raises(CommandError, match="cannot read"):
        call_command("match_file", str(tmp_path / "nope.json"))
    with pytest.raises(CommandError, match="invalid choice: 'best'"):
        call_command("match_file", "-", "--solver", "best")


def test_from_the_command_line_an_error_exits_non_zero_without_a_traceback(tmp_path, capsys):
    path = tmp_path / "bad.json"
    path.write_text('{"left": [], "right": [], "pairs": [{"left": 1}]}')
    with pytest.raises(SystemExit) as exited:
        Command().run_from_argv(["alma", "match-file", str(path)])
    assert exited.value.code != 0
    err = capsys.readouterr().err
    assert "pairs[0]: missing key 'right'" in err
    assert "Traceback" not in err


def test_the_hyphenated_command_name_is_registered():
    from django.core.management import get_commands

    assert get_commands()["match-file"] == "alma.matching"
