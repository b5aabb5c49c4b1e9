"""The demo CLI: ``python -m kamlib demo`` prints a portfolio review a KAM team can read."""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import json
import math
import subprocess
import sys
from typing import Any

import pytest

import kamlib
from kamlib.__main__ import build_review, explain_account, main, plural, render_review
from kamlib.features import extract_features
from kamlib.network import FlagCode
from kamlib.scoring import HealthModel, WeightedPoints
from kamlib.synthetic import synthetic_portfolio

SMALL = ["demo", "--accounts", "60", "--seed", "3"]
AS_OF = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def review() -> dict[str, Any]:
    portfolio = synthetic_portfolio(60, seed=3, as_of=AS_OF)
    return build_review(portfolio, as_of=AS_OF, provenance={"source": "synthetic", "seed": 3})


# ---------------------------------------------------------------------------- text review
def test_demo_prints_the_whole_review(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, *SMALL)
    assert code == 0, err
    for heading in (
        "1. Strategic value matrix",
        "2. Key-account list x quadrant x light",
        "3. Health",
        "4. Stakeholder red flags across accounts",
        "guardrail:",
        "purchase down >=15% two quarters running",
        "worst accounts",
        "--account A",
    ):
        assert heading in out, heading
    for quadrant in ("strategic", "potential", "profit", "ordinary"):
        assert quadrant in out


def test_the_table_has_one_row_per_key_account(
    capsys: pytest.CaptureFixture[str], review: dict[str, Any]
) -> None:
    _, out, _ = _run(capsys, *SMALL)
    lines = out.splitlines()
    header = next(i for i, line in enumerate(lines) if line.split()[:2] == ["#", "id"])
    for name in ("id", "name", "points", "quadrant", "light", "reasons"):
        assert name in lines[header]
    rows = review["key_accounts"]["rows"]
    assert rows  # seed 3 at 60 accounts has key accounts
    for offset, row in enumerate(rows, start=1):
        line = lines[header + offset]
        assert row["id"] in line
        assert f"{row['points']:.2f}" in line
        assert (row["quadrant"] or "-") in line
        assert row["light"] in line  # whatever the health model calls it today
        for reason in row["reasons"]:
            assert reason in line


def test_key_accounts_are_crossed_with_the_scorers(review: dict[str, Any]) -> None:
    portfolio = synthetic_portfolio(60, seed=3, as_of=AS_OF)
    table = extract_features(portfolio, as_of=AS_OF)
    points = WeightedPoints(threshold=6.0).fit(table)
    kal = points.key_accounts(points.score(table))
    health = HealthModel().fit(table).score(table)
    rows = review["key_accounts"]["rows"]
    assert [r["id"] for r in rows] == list(kal.ids)
    assert review["key_accounts"]["qualifying"] == kal.qualifying
    for r in rows:
        assert r["light"] == health.label_of(r["id"])
        assert r["reasons"] == list(health.reasons_of(r["id"]))


def test_red_flags_are_summarised_across_accounts(review: dict[str, Any]) -> None:
    rf = review["red_flags"]
    assert rf["accounts"] == 60
    assert sorted(c["code"] for c in rf["by_code"]) == sorted(c.value for c in FlagCode)
    counts = [c["count"] for c in rf["by_code"]]
    assert counts == sorted(counts, reverse=True)  # most frequent first
    assert sum(c["count"] for c in rf["by_code"]) == sum(len(w["codes"]) for w in rf["worst"])
    assert rf["flagged"] == len(rf["worst"])
    sizes = [len(w["codes"]) for w in rf["worst"]]
    assert sizes == sorted(sizes, reverse=True)  # worst first


@pytest.mark.parametrize(
    ("n", "text"),
    [(0, "0 key accounts"), (1, "1 key account"), (2, "2 key accounts")],
)
def test_plural(n: int, text: str) -> None:
    assert plural(n, "key account") == text


def test_one_key_account_is_singular(capsys: pytest.CaptureFixture[str]) -> None:
    # a threshold that only the best account of this portfolio reaches
    portfolio = synthetic_portfolio(60, seed=3, as_of=AS_OF)
    table = extract_features(portfolio, as_of=AS_OF)
    scores = sorted(WeightedPoints(threshold=6.0).fit(table).score(table).scores)
    threshold = (scores[-1] + scores[-2]) / 2
    code, out, err = _run(capsys, *SMALL, "--threshold", repr(float(threshold)))
    assert code == 0, err
    assert "guardrail: 1 key account: fewer than 5" in out
    assert "1 key accounts" not in out
    assert " 1 accounts" not in out


def test_long_lists_say_how_many_more(review: dict[str, Any]) -> None:
    text = render_review(review)
    worst = review["red_flags"]["worst"]
    assert len(worst) > 5
    assert f"… and {len(worst) - 5} more" in text
    for q in review["value_matrix"]["quadrants"]:
        if q["count"] > 5:
            assert f"… and {q['count'] - 5} more" in text


def test_demo_is_deterministic(capsys: pytest.CaptureFixture[str]) -> None:
    for extra in ((), ("--json",), ("--account", "A00004")):
        _, first, _ = _run(capsys, "demo", "--accounts", "30", "--seed", "11", *extra)
        _, second, _ = _run(capsys, "demo", "--accounts", "30", "--seed", "11", *extra)
        assert first == second, extra
    _, other, _ = _run(capsys, "demo", "--accounts", "30", "--seed", "12")
    assert other != first


# ---------------------------------------------------------------------------- --account
def test_account_is_explained_end_to_end(capsys: pytest.CaptureFixture[str]) -> None:
    portfolio = synthetic_portfolio(60, seed=3, as_of=AS_OF)
    table = extract_features(portfolio, as_of=AS_OF)
    points = WeightedPoints(threshold=6.0).fit(table).score(table)
    health = HealthModel().fit(table).score(table)
    aid = "A00004"
    code, out, err = _run(capsys, *SMALL, "--account", aid)
    assert code == 0, err
    assert f"Account {aid}" in out
    assert str(points.explain(aid)) in out  # the scorer's own explanation, verbatim
    assert str(health.explain(aid)) in out
    assert "value_matrix" in out
    assert "stakeholder red flags" in out
    assert "meet next" in out
    assert "4. Stakeholder red flags across accounts" not in out  # one account, not the review


def test_unknown_account_exits_2_with_a_message(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, *SMALL, "--account", "NOPE")
    assert code == 2
    assert out == ""
    assert "NOPE" in err
    assert "--account" in err
    assert "A00000 to A00059" in err
    assert "Traceback" not in err


def test_explain_account_data(review: dict[str, Any]) -> None:
    portfolio = synthetic_portfolio(60, seed=3, as_of=AS_OF)
    first = review["key_accounts"]["rows"][0]
    acc = explain_account(portfolio, first["id"], as_of=AS_OF)["account"]
    assert acc["key_account"] == {
        "listed": True,
        "rank": 1,
        "of": len(review["key_accounts"]["rows"]),
    }
    assert acc["light"] == first["light"]
    assert acc["quadrant"] == first["quadrant"]
    assert [f["code"] for f in acc["red_flags"]] == first["red_flags"]
    assert (acc["meet_next"][0] if acc["meet_next"] else None) == first["meet_next"]


# ---------------------------------------------------------------------------- --json
def _no_nan(value: object) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, dict):
        return all(_no_nan(v) for v in value.values())
    if isinstance(value, list):
        return all(_no_nan(v) for v in value)
    return True


def test_json_review(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, *SMALL, "--json")
    assert code == 0, err
    assert "NaN" not in out
    assert "Infinity" not in out
    doc = json.loads(out)
    assert list(doc) == [
        "kamlib", "data", "value_matrix", "key_accounts", "health", "red_flags", "inbox",
    ]  # fmt: skip
    assert doc["data"] == {
        "source": "synthetic",
        "seed": 3,
        "accounts": 60,
        "people": doc["data"]["people"],
        "as_of": "2026-01-01",
        "threshold": 6.0,
    }
    assert set(doc["key_accounts"]) == {"threshold", "bounds", "qualifying", "flag", "rows"}
    row_keys = {
        "rank", "id", "name", "points", "coverage", "quadrant", "light", "health",
        "reasons", "points_reasons", "top_criteria", "red_flags", "meet_next",
    }  # fmt: skip
    for row in doc["key_accounts"]["rows"]:
        assert set(row) == row_keys
    assert set(doc["health"]) == {"lights", "reason_texts", "two_quarter_decline"}
    assert sum(light["count"] for light in doc["health"]["lights"]) == 60
    assert set(doc["red_flags"]) == {"accounts", "flagged", "by_code", "worst"}
    inbox = doc["inbox"]
    assert set(inbox) == {
        "as_of", "accounts", "alerts", "by_severity", "by_kind", "key_accounts", "guardrail",
        "worst",
    }  # fmt: skip
    assert inbox["accounts"] == 60
    assert sum(inbox["by_severity"].values()) == inbox["alerts"]
    assert sum(sum(row.values()) for row in inbox["by_kind"].values()) == inbox["alerts"]
    # the demo's key accounts are the review's: one scoring run feeds both
    assert inbox["key_accounts"] == [row["id"] for row in doc["key_accounts"]["rows"]]
    assert _no_nan(doc)


def test_text_review_has_the_inbox(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, *SMALL)
    assert code == 0, err
    assert "5. Alerts inbox (kamlib.operations.review)" in out
    assert "attention first" in out


def test_json_account(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, *SMALL, "--json", "--account", "A00004")
    assert code == 0, err
    doc = json.loads(out)
    assert list(doc) == ["kamlib", "data", "account"]
    acc = doc["account"]
    assert set(acc) == {
        "id", "name", "key_account", "quadrant", "light", "explanations", "red_flags",
        "meet_next",
    }  # fmt: skip
    assert set(acc["explanations"]) == {"value_matrix", "weighted_points", "health"}
    assert acc["explanations"]["weighted_points"]["scorer"] == "weighted_points"
    assert _no_nan(doc)


def test_json_account_without_assessment_has_null_quadrant(review: dict[str, Any]) -> None:
    aid = review["value_matrix"]["unassessed"][0]
    portfolio = synthetic_portfolio(60, seed=3, as_of=AS_OF)
    acc = explain_account(portfolio, aid, as_of=AS_OF)["account"]
    assert acc["quadrant"] is None
    assert acc["explanations"]["value_matrix"] is None
    json.dumps(acc, allow_nan=False)


# ---------------------------------------------------------------------------- misc
def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "--version")
    assert code == 0
    assert out == f"kamlib {importlib.metadata.version('kamlib')}\n"
    assert out == f"kamlib {kamlib.__version__}\n"


def test_help_documents_the_json(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["demo", "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    for word in ("--json", "--account", "never NaN", '"key_accounts"', '"red_flags"'):
        assert word in out, word


def test_no_command_is_a_usage_error() -> None:
    with pytest.raises(SystemExit) as exc:
        main([])
    assert exc.value.code == 2


def test_kamlib_error_becomes_exit_code_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "demo", "--accounts", "-1")
    assert code == 2
    assert out == ""
    assert "n_accounts" in err


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
