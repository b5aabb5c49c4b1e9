"""The demo CLI: ``python -m kamlib demo`` prints every section of the portfolio review."""

from __future__ import annotations

import subprocess
import sys

import pytest

from kamlib.__main__ import main


def test_demo_prints_the_whole_review(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--accounts", "60", "--seed", "3"]) == 0
    out = capsys.readouterr().out
    for heading in (
        "1. Strategic value matrix",
        "2. Key-account list",
        "3. Health",
        "4. Account",
        "guardrail",
        "purchase down >=15% two quarters running",
        "stakeholder red flags",
    ):
        assert heading in out, heading
    for quadrant in ("strategic", "potential", "profit", "ordinary"):
        assert quadrant in out


def test_demo_is_deterministic(capsys: pytest.CaptureFixture[str]) -> None:
    main(["demo", "--accounts", "30", "--seed", "11"])
    first = capsys.readouterr().out
    main(["demo", "--accounts", "30", "--seed", "11"])
    assert capsys.readouterr().out == first


def test_kamlib_error_becomes_exit_code_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--accounts", "-1"]) == 2
    assert "n_accounts" in capsys.readouterr().err


def test_bad_date_is_a_usage_error() -> None:
    with pytest.raises(SystemExit) as exc:
        main(["demo", "--as-of", "yesterday"])
    assert exc.value.code == 2


def test_runs_as_a_module() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "kamlib", "demo", "--accounts", "25"],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "Key-account list" in done.stdout
