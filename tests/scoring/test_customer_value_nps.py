"""NetPromoterScore: the standard NPS (Reichheld 2003), per account and pooled, never NaN."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from kamlib import FeatureTable
from kamlib.errors import (
    InvalidTypeError,
    InvalidValueError,
    MissingFeatureError,
)
from kamlib.model import NpsResponse
from kamlib.scoring import NPS_COLUMNS, NetPromoterScore, NpsSummary, load_scorer, nps_summary
from kamlib.testing import assert_scores_equal

T0 = dt.datetime(2024, 6, 1, tzinfo=dt.UTC)
FILL = NetPromoterScore()  # missing="fill", fill_value=0.0: the defaults
RAISE = NetPromoterScore(missing="raise")


def _table(
    rows: list[tuple[float, float, float]], missing: list[bool] | None = None
) -> FeatureTable:
    ids = [f"A{i}" for i in range(len(rows))]
    cols = {name: [r[j] for r in rows] for j, name in enumerate(NPS_COLUMNS)}
    masks = None if missing is None else {NPS_COLUMNS[0]: np.array(missing)}
    return FeatureTable.from_columns(ids, cols, missing=masks)


# ------------------------------------------------------------------ the definition


def test_categories_follow_the_standard_definition() -> None:
    """Reichheld (2003): 9-10 promoters, 7-8 passives, 0-6 detractors."""
    s = nps_summary(NpsResponse(T0, k) for k in range(11))
    assert (s.promoters, s.passives, s.detractors) == (2.0, 2.0, 7.0)
    # 2 of 11 promoters minus 7 of 11 detractors
    assert s.nps == pytest.approx(100 * (2 - 7) / 11, abs=1e-12)


@pytest.mark.parametrize(
    ("counts", "want"),
    [
        ((6, 2, 2), 40.0),  # 60 % - 20 %
        ((1, 1, 2), -25.0),  # 25 % - 50 %
        ((10, 0, 0), 100.0),  # all promoters: the top of the scale
        ((0, 0, 3), -100.0),  # all detractors: the bottom
        ((0, 5, 0), 0.0),  # passives only
        ((50, 30, 20), 30.0),
    ],
)
def test_hand_computed_scores(counts: tuple[float, float, float], want: float) -> None:
    st_ = RAISE.score(_table([counts]))
    assert st_.scores.tolist() == [want]
    assert st_.contributions.sum(axis=1).tolist() == [want]
    assert NpsSummary(*counts).nps == want  # the summary computes the same bits


def test_contributions_are_the_promoter_and_detractor_shares() -> None:
    st_ = RAISE.score(_table([(6, 2, 2)]))
    assert st_.components == ("promoters", "detractors")
    assert st_.contributions.tolist() == [[60.0, -20.0]]
    assert FILL.score(_table([(6, 2, 2)])).contributions.tolist() == [[60.0, -20.0, 0.0]]
    e = st_.explain("A0")
    assert e.inputs == (("nps_promoters", 6.0), ("nps_passives", 2.0), ("nps_detractors", 2.0))
    assert "6 promoters, 2 passives, 2 detractors of 10 responses -> NPS 40" in e.summary


def test_weighted_counts_are_accepted() -> None:
    st_ = NetPromoterScore().score(_table([(1.5, 0.5, 0.5)]))
    assert st_.scores[0] == pytest.approx(100 * (1.5 - 0.5) / 2.5)


# ------------------------------------------------------------------ no responses


def test_no_responses_is_refused_with_raise_naming_the_account() -> None:
    with pytest.raises(InvalidValueError) as info:
        RAISE.score(_table([(1, 0, 0), (0, 0, 0)]))
    assert info.value.value == "A1"
    assert "no NPS response" in info.value.reason


def test_no_responses_with_fill_is_declared_missing_never_nan() -> None:
    st_ = FILL.score(_table([(1, 0, 0), (0, 0, 0)]))
    assert np.isfinite(st_.scores).all()
    assert st_.scores.tolist() == [100.0, 0.0]
    assert st_.coverage.tolist() == [1.0, 0.0]
    assert st_.reasons_of("A1") == ("no_responses",)
    assert st_.reasons_of("A0") == ()
    assert st_.missing_of("A1") == ("promoters", "detractors")
    assert st_.contributions.tolist() == [[100.0, 0.0, 0.0], [0.0, 0.0, 0.0]]
    assert "no NPS response" in st_.explain("A1").summary
    assert (FILL.missing, FILL.fill_value) == ("fill", 0.0)
    filled = NetPromoterScore(fill_value=-30).score(_table([(0, 0, 0)]))
    assert filled.scores.tolist() == [-30.0]
    assert filled.contributions.sum(axis=1).tolist() == [-30.0]


def test_a_declared_missing_count_means_no_nps() -> None:
    t = _table([(5, 1, 1), (5, 1, 1)], missing=[False, True])
    st_ = FILL.score(t)
    assert st_.coverage.tolist() == [1.0, 0.0]
    with pytest.raises(InvalidValueError):
        RAISE.score(t)
    assert NetPromoterScore().response_counts(t).tolist() == [7.0, 0.0]


def test_summary_without_responses_is_none() -> None:
    assert NpsSummary(0, 0, 0).nps is None
    assert nps_summary([]).nps is None
    assert nps_summary([]).responses == 0.0


# ------------------------------------------------------------------ windows and portfolios


def test_nps_summary_window_is_half_open_like_the_features() -> None:
    answers = [
        NpsResponse(T0 - dt.timedelta(days=30), 10),  # exactly at the window start: out
        NpsResponse(T0 - dt.timedelta(days=29), 9),
        NpsResponse(T0, 0),  # exactly at as_of: in
        NpsResponse(T0 + dt.timedelta(seconds=1), 10),  # after as_of: out
    ]
    s = nps_summary(answers, as_of=T0, window_days=30)
    assert (s.promoters, s.passives, s.detractors) == (1.0, 0.0, 1.0)
    assert s.nps == 0.0
    assert nps_summary(answers, as_of=T0).responses == 3.0


def test_portfolio_nps_pools_answers_not_account_scores() -> None:
    t = _table([(9, 1, 0), (1, 0, 9), (0, 0, 0)])
    s = FILL.portfolio(t)
    assert (s.promoters, s.passives, s.detractors, s.responses) == (10.0, 1.0, 9.0, 20.0)
    assert s.nps == 5.0  # (10 - 9) / 20; the mean of the two accounts' NPS would be 0.0
    shuffled = t.take(np.array([2, 0, 1]))
    assert FILL.portfolio(shuffled) == s
    assert FILL.portfolio(_table([(0, 0, 0)])).nps is None


# ------------------------------------------------------------------ bad input


@pytest.mark.parametrize(
    ("kwargs", "path"),
    [
        ({"missing": "fill", "fill_value": None}, "NetPromoterScore.fill_value"),
        ({"missing": "raise", "fill_value": 10.0}, "NetPromoterScore.fill_value"),
        ({"fill_value": 101}, "NetPromoterScore.fill_value"),
        ({"missing": "renormalise"}, "NetPromoterScore.missing"),
        ({"columns": ("a", "b")}, "NetPromoterScore.columns"),
        ({"columns": ("a", "a", "b")}, "NetPromoterScore.columns"),
    ],
)
def test_bad_options_name_the_parameter(kwargs: dict[str, object], path: str) -> None:
    with pytest.raises(InvalidValueError) as info:
        NetPromoterScore(**kwargs)  # type: ignore[arg-type]
    assert info.value.path == path


def test_negative_count_is_refused_naming_column_and_account() -> None:
    with pytest.raises(InvalidValueError) as info:
        NetPromoterScore().score(_table([(1, 0, 0), (1, -1, 0)]))
    assert info.value.path == "nps.table['nps_passives']"
    assert info.value.value == "A1"


def test_nan_and_missing_column_are_typed_errors() -> None:
    with pytest.raises(InvalidValueError):
        _table([(float("nan"), 0, 0)])  # undeclared NaN: the table refuses it
    t = FeatureTable.from_columns(["A"], {"nps_promoters": [1], "nps_passives": [1]})
    with pytest.raises(MissingFeatureError):
        NetPromoterScore().score(t)
    with pytest.raises(MissingFeatureError):
        NetPromoterScore().fit(t)


def test_nps_summary_refuses_what_is_not_a_response() -> None:
    with pytest.raises(InvalidTypeError) as info:
        nps_summary([NpsResponse(T0, 9), 9])  # type: ignore[list-item]
    assert info.value.path == "nps_summary.responses[1]"
    with pytest.raises(InvalidValueError):
        nps_summary([], window_days=30)
    with pytest.raises(InvalidValueError):
        nps_summary([], as_of=dt.datetime(2024, 1, 1))


def test_empty_and_single_account_tables() -> None:
    empty = FILL.score(_table([]))
    assert len(empty) == 0
    assert empty.contributions.shape == (0, 3)
    assert FILL.portfolio(_table([])).nps is None
    one = NetPromoterScore().score(_table([(3, 0, 1)]))
    assert one.scores.tolist() == [50.0]


# ------------------------------------------------------------------ properties

counts = st.integers(0, 500).map(float)


@given(st.lists(st.tuples(counts, counts, counts), min_size=1, max_size=30))
def test_score_is_the_definition_in_range_and_order_free(
    rows: list[tuple[float, float, float]],
) -> None:
    t = _table(rows)
    st_ = FILL.score(t)
    for (p, a, d), got in zip(rows, st_.scores.tolist(), strict=True):
        n = p + a + d
        assert got == (0.0 if n == 0 else pytest.approx(100 * (p - d) / n, abs=1e-9))
        assert -100.0 <= got <= 100.0
    perm = np.random.default_rng(len(rows)).permutation(len(rows))
    assert_scores_equal(FILL.score(t.take(perm)), st_.take(perm))
    for i in range(len(rows)):
        alone = FILL.score(t.take([i]))
        assert np.array_equal(alone.scores, st_.scores[[i]])
        assert np.array_equal(alone.contributions, st_.contributions[[i]])


real_counts = st.floats(0.0, 1e6, allow_nan=False)


@given(real_counts, real_counts, real_counts)
@example(729.6581498754798, 0.0, 0.0)  # (100 p) / n gave 100.00000000000001
@example(0.0, 0.0, 11.519680637101263)  # and -100.00000000000001
def test_nps_never_leaves_its_range_by_a_rounding_step(p: float, a: float, d: float) -> None:
    summary = NpsSummary(p, a, d).nps
    st_ = FILL.score(_table([(p, a, d)]))
    got = st_.scores.tolist()[0]
    assert -100.0 <= got <= 100.0
    if summary is not None:
        assert -100.0 <= summary <= 100.0
        assert summary == got  # the summary and the scorer agree bit for bit
    if p > 0 and a == 0 and d == 0:
        assert got == 100.0
    if d > 0 and a == 0 and p == 0:
        assert got == -100.0


def test_config_round_trips_through_json_and_the_registry() -> None:
    for s in (RAISE, FILL, NetPromoterScore(("p", "q", "r"))):
        cfg = json.loads(json.dumps(s.get_config()))
        assert NetPromoterScore.from_config(cfg) == s
        assert load_scorer(cfg) == s
