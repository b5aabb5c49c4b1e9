"""RFM: quantile or given cuts, the tie rule, the segment partition, the top-5 % screen [003]."""

from __future__ import annotations

import itertools
import json

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kamlib import FeatureTable
from kamlib.errors import (
    InvalidTypeError,
    InvalidValueError,
    MissingFeatureError,
    NotFittedError,
)
from kamlib.scoring import (
    DEFAULT_RFM_SEGMENTS,
    RFM,
    RFM_FEATURES,
    TOP_SHARE,
    RfmSegment,
    load_scorer,
)
from kamlib.testing import assert_scores_equal

R, F, TOTAL, MEAN = (RFM_FEATURES[k] for k in ("recency", "frequency", "total", "mean"))


def _table(
    recency: list[float | None],
    frequency: list[float],
    total: list[float],
    mean: list[float | None] | None = None,
) -> FeatureTable:
    ids = [f"A{i}" for i in range(len(recency))]
    cols: dict[str, object] = {R: recency, F: frequency, TOTAL: total}
    if mean is not None:
        cols[MEAN] = mean
    return FeatureTable.from_columns(ids, cols)


PINNED = RFM(bins=2, recency_cuts=[30], frequency_cuts=[4], monetary_cuts=[1e4], top_cut=6)


def test_source_default_is_the_top_five_percent() -> None:
    assert TOP_SHARE == 0.05  # [003]: an RFM screen picks a top 5 %
    rfm = RFM()
    assert rfm.top_share == 0.05
    assert rfm.bins == 5
    assert rfm.segments == DEFAULT_RFM_SEGMENTS
    assert rfm.required_features == (R, F, TOTAL)
    assert RFM("mean").required_features == (R, F, MEAN)


def test_hand_computed_median_cuts_and_scores() -> None:
    t = _table([3, 40, 200, 10], [12, 5, 1, 5], [90_000, 20_000, 500, 60_000])
    rfm = RFM(bins=2).fit(t)
    assert (rfm.recency_cuts, rfm.frequency_cuts, rfm.monetary_cuts) == (
        (25.0,),
        (5.0,),
        (40000.0,),
    )
    st_ = rfm.score(t)
    # A1: R2 F2 M2; A2: R1 F2 (5 is on the cut) M1; A3: R1 F1 M1; A4: R2 F2 M2
    assert st_.contributions.tolist() == [[2, 2, 2], [1, 2, 1], [1, 1, 1], [2, 2, 2]]
    assert st_.scores.tolist() == [6.0, 4.0, 3.0, 6.0]
    assert rfm.top_cut == 6.0
    assert st_.reason_flags is not None
    assert st_.reason_flags[:, 0].tolist() == [True, False, False, True]
    assert st_.labels is None  # no segment table for 2 bins


def test_quintiles_and_default_segments_by_hand() -> None:
    t = _table([3, 40, 200, 10], [12, 5, 1, 5], [90_000, 20_000, 500, 60_000])
    rfm = RFM().fit(t)
    # recency quintile cuts of [3, 10, 40, 200]: 7.2, 16, 34, 104
    assert rfm.recency_cuts == pytest.approx((7.2, 16.0, 34.0, 104.0))
    st_ = rfm.score(t)
    pts = [dict(st_.explain(f"A{i}").points) for i in range(4)]
    cells = [(int(p["recency"]), int(p["frequency"]), int(p["monetary"])) for p in pts]
    assert cells == [(5, 5, 5), (2, 4, 2), (1, 1, 1), (4, 4, 4)]
    assert st_.labels is not None
    assert st_.labels.tolist() == ["champions", "at_risk", "lost", "champions"]


def test_tie_rule_a_value_on_a_cut_goes_to_the_better_bin() -> None:
    t = _table([30.0, 30.000001, 29.999999], [4, 4, 3.999], [1e4, 1e4, 9_999.99])
    st_ = PINNED.score(t)
    assert st_.contributions.tolist() == [[2, 2, 2], [1, 2, 2], [2, 1, 1]]
    summary = st_.explain("A0").summary
    assert summary.startswith("purchase_recency_days 30 -> R2; purchase_frequency 4 -> F2")


def test_all_ties_put_everyone_in_the_best_bins() -> None:
    t = _table([7.0] * 6, [3.0] * 6, [500.0] * 6)
    rfm = RFM().fit(t)
    assert rfm.recency_cuts == (7.0,) * 4
    st_ = rfm.score(t)
    assert st_.scores.tolist() == [15.0] * 6
    assert st_.labels is not None
    assert set(st_.labels.tolist()) == {"champions"}
    assert rfm.top_cut == 15.0
    assert st_.reason_flags is not None
    assert st_.reason_flags[:, 0].all()  # ties at the cut all pass: nothing breaks them


def test_single_account_fits_and_scores() -> None:
    t = _table([12.0], [2.0], [300.0])
    rfm = RFM().fit(t)
    st_ = rfm.score(t)
    assert st_.scores.tolist() == [15.0]
    assert st_.reasons_of("A0") == ("top",)


def test_top_screen_cut_is_the_quantile_of_the_scores() -> None:
    rng = np.random.default_rng(7)
    n = 400
    t = _table(
        rng.uniform(0, 365, n).tolist(),
        rng.integers(0, 40, n).tolist(),
        rng.uniform(0, 1e5, n).tolist(),
    )
    rfm = RFM(bins=10, weights=(100.0, 10.0, 1.0)).fit(t)  # weights make most scores distinct
    st_ = rfm.score(t)
    assert rfm.top_cut == float(np.quantile(st_.scores, 1 - TOP_SHARE))
    assert st_.reason_flags is not None
    top = st_.reason_flags[:, 0]
    assert top.tolist() == (st_.scores >= rfm.top_cut).tolist()
    assert TOP_SHARE <= top.mean() <= 2 * TOP_SHARE
    assert st_.scores[top].min() > st_.scores[~top].max()


def test_monetary_mean_reads_the_mean_column() -> None:
    t = _table([1.0, 2.0], [2, 2], [10.0, 1000.0], mean=[500.0, 5.0])
    pinned = RFM(
        "mean", bins=2, recency_cuts=[5], frequency_cuts=[1], monetary_cuts=[100], top_cut=6
    )
    assert pinned.score(t).contributions[:, 2].tolist() == [2.0, 1.0]


def test_pinned_cuts_are_never_relearned() -> None:
    t = _table([3, 40, 200, 10], [12, 5, 1, 5], [90_000, 20_000, 500, 60_000])
    part = RFM(bins=2, frequency_cuts=[100.0], top_cut=1.0).fit(t)
    assert part.frequency_cuts == (100.0,)
    assert part.top_cut == 1.0
    assert part.recency_cuts == (25.0,)
    assert PINNED.fit(t) is PINNED
    refit = part.fit(t.take([0]))
    assert refit == part


# ------------------------------------------------------------------ missing values


def test_missing_recency_gets_the_worst_bin_with_penalty() -> None:
    t = _table([None, 10.0], [0, 5], [0.0, 5e4])
    st_ = PINNED.score(t)
    assert st_.contributions[0].tolist() == [1.0, 1.0, 1.0]
    assert st_.coverage.tolist() == pytest.approx([2 / 3, 1.0])
    assert st_.reasons_of("A0") == ("partial_data",)
    assert st_.missing_of("A0") == ("recency",)
    assert "purchase_recency_days missing -> R1 (worst)" in st_.explain("A0").summary
    with pytest.raises(InvalidValueError) as info:
        RFM(bins=2, missing="raise", recency_cuts=[30], frequency_cuts=[4],
            monetary_cuts=[1e4], top_cut=6).score(t)  # fmt: skip
    assert info.value.value == "A0"


def test_fit_learns_from_observed_values_only() -> None:
    t = _table([None, 10.0, 20.0], [1, 2, 3], [1.0, 2.0, 3.0])
    assert RFM(bins=2).fit(t).recency_cuts == (15.0,)
    nothing = _table([None, None], [1, 2], [1.0, 2.0])
    with pytest.raises(InvalidValueError) as info:
        RFM(bins=2).fit(nothing)
    assert "no observed value" in info.value.reason


# ------------------------------------------------------------------ segments


def test_default_segments_are_a_partition_of_the_125_cells() -> None:
    rfm = RFM()
    seen = {rfm.segment_of(r, f, m) for r, f, m in itertools.product(range(1, 6), repeat=3)}
    assert seen == set(rfm.classes)
    for r, f, m in itertools.product(range(1, 6), repeat=3):
        holders = {s.name for s in DEFAULT_RFM_SEGMENTS if s.contains(r, f, m)}
        assert len(holders) == 1


def test_uncovered_cells_are_named() -> None:
    segs = [RfmSegment("high", (2, 2), (1, 2), (1, 2)), RfmSegment("low", (1, 1), (1, 2), (1, 1))]
    with pytest.raises(InvalidValueError) as info:
        RFM(bins=2, segments=segs)
    assert info.value.path == "RFM.segments"
    assert info.value.value == ["R1F1M2", "R1F2M2"]
    assert "2 of 8 cells in no segment" in info.value.reason


def test_doubly_covered_cells_are_named_with_their_segments() -> None:
    segs = [
        RfmSegment("all", (1, 2), (1, 2), (1, 2)),
        RfmSegment("best", (2, 2), (2, 2), (2, 2)),
        RfmSegment("all", (1, 1), (1, 1), (1, 1)),  # one name twice over a cell: fine
    ]
    with pytest.raises(InvalidValueError) as info:
        RFM(bins=2, segments=segs)
    assert info.value.value == ["R2F2M2 in ['all', 'best']"]


def test_a_segment_beyond_the_bins_and_bad_rows_are_refused() -> None:
    with pytest.raises(InvalidValueError) as info:
        RFM(bins=3, segments=[RfmSegment("x", (1, 4), (1, 3), (1, 3))])
    assert info.value.path == "RFM.segments[0].recency"
    with pytest.raises(InvalidValueError):
        RfmSegment("x", (0, 2), (1, 2), (1, 2))
    with pytest.raises(InvalidTypeError):
        RfmSegment("x", (1, 2, 3), (1, 2), (1, 2))  # type: ignore[arg-type]
    with pytest.raises(InvalidValueError):
        RFM().segment_of(6, 1, 1)


def test_custom_segments_label_accounts() -> None:
    segs = [RfmSegment("key", (2, 2), (2, 2), (1, 2)), RfmSegment("rest", (1, 1), (1, 2), (1, 2)),
            RfmSegment("rest", (2, 2), (1, 1), (1, 2))]  # fmt: skip
    rfm = RFM(bins=2, segments=segs, recency_cuts=[30], frequency_cuts=[4], monetary_cuts=[1e4],
              top_cut=6)  # fmt: skip
    st_ = rfm.score(_table([1.0, 90.0], [9, 9], [1.0, 1.0]))
    assert st_.classes == ("key", "rest")
    assert st_.labels is not None
    assert st_.labels.tolist() == ["key", "rest"]


@pytest.mark.parametrize("bins", [7, 10])
def test_a_segment_per_cell_fits_in_the_codes(bins: int) -> None:
    # 343 or 1,000 names: more than a uint8 code holds (it raised a bare OverflowError)
    scores = range(1, bins + 1)
    segs = [RfmSegment(f"s{r}.{f}.{m}", (r, r), (f, f), (m, m))
            for r, f, m in itertools.product(scores, scores, scores)]  # fmt: skip
    rfm = RFM(bins=bins, segments=segs)
    assert len(rfm.classes) == bins**3
    assert rfm.segment_of(bins, bins, bins) == f"s{bins}.{bins}.{bins}"
    t = _table([1.0, 100.0], [10, 1], [100.0, 1.0])
    st_ = rfm.fit(t).score(t)
    assert (st_.label_of("A0"), st_.label_of("A1")) == (f"s{bins}.{bins}.{bins}", "s1.1.1")
    assert RFM.from_config(json.loads(json.dumps(rfm.get_config()))) == rfm


# ------------------------------------------------------------------ errors


@pytest.mark.parametrize(
    ("kwargs", "path"),
    [
        ({"bins": 1}, "RFM.bins"),
        ({"bins": 11}, "RFM.bins"),
        ({"weights": (0, 0, 0)}, "RFM.weights"),
        ({"weights": (1, 1)}, "RFM.weights"),
        ({"weights": (1, -1, 1)}, "RFM.weights[1]"),
        # the best score 2 x 3e15 could not be a top cut: named as the weights, not top_cut
        ({"bins": 2, "weights": (1e15, 1e15, 1e15)}, "RFM.weights"),
        ({"bins": 10, "weights": (1.5e14, 0, 0)}, "RFM.weights"),
        ({"top_share": 0.0}, "RFM.top_share"),
        ({"top_share": 1.0}, "RFM.top_share"),
        ({"recency_cuts": [3, 2, 4, 5]}, "RFM.recency_cuts"),
        ({"recency_cuts": [1, 2]}, "RFM.recency_cuts"),
        ({"frequency_cuts": [1, 2, float("nan"), 4]}, "RFM.frequency_cuts[2]"),
        ({"missing": "fill"}, "RFM.missing"),
        ({"monetary": "median"}, "RFM.monetary"),
    ],
)
def test_bad_options_name_the_parameter(kwargs: dict[str, object], path: str) -> None:
    with pytest.raises(InvalidValueError) as info:
        RFM(**kwargs)  # type: ignore[arg-type]
    assert info.value.path == path


def test_bad_tables_are_typed_errors() -> None:
    with pytest.raises(NotFittedError):
        RFM().score(_table([1.0], [1], [1.0]))
    with pytest.raises(MissingFeatureError):
        PINNED.score(FeatureTable.from_columns(["A"], {R: [1.0], F: [1.0]}))
    with pytest.raises(InvalidValueError) as info:
        PINNED.score(_table([1.0, -2.0], [1, 1], [1.0, 1.0]))
    assert (info.value.path, info.value.value) == ("rfm.table['purchase_recency_days']", "A1")
    with pytest.raises(InvalidValueError) as info:
        RFM().fit(_table([], [], []))  # empty: nothing to learn from
    assert (info.value.path, info.value.value) == ("rfm.fit.table", 0)  # not "all missing"
    assert "at least one row" in str(info.value)
    assert len(PINNED.score(_table([], [], []))) == 0  # pinned: an empty batch is fine


# ------------------------------------------------------------------ properties

values = st.floats(0, 1e6, allow_nan=False)


@given(st.lists(st.tuples(values, values, values), min_size=1, max_size=40))
def test_bins_are_monotone_and_order_free(rows: list[tuple[float, float, float]]) -> None:
    t = _table([r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows])
    rfm = RFM().fit(t)
    st_ = rfm.score(t)
    c = st_.contributions
    assert ((c >= 1) & (c <= 5)).all()
    order = np.argsort([r[0] for r in rows], kind="stable")
    assert (np.diff(c[order, 0]) <= 0).all()  # fewer days since: never a worse R
    order = np.argsort([r[1] for r in rows], kind="stable")
    assert (np.diff(c[order, 1]) >= 0).all()
    perm = np.random.default_rng(len(rows)).permutation(len(rows))
    assert_scores_equal(rfm.score(t.take(perm)), st_.take(perm))
    assert RFM().fit(t.take(perm)) == rfm  # the quantile cuts ignore the row order


def test_the_largest_weights_allowed_fit_and_score() -> None:
    rfm = RFM(bins=2, weights=(1e15 / 6,) * 3)  # the best score is exactly 1e15
    t = _table([3, 40, 200, 10], [12, 5, 1, 5], [90_000, 20_000, 500, 60_000])
    fitted = rfm.fit(t)
    assert fitted.top_cut is not None
    assert fitted.top_cut <= 1e15
    assert np.isfinite(fitted.score(t).scores).all()


def test_config_round_trips_through_json_and_the_registry() -> None:
    t = _table([3, 40, 200, 10], [12, 5, 1, 5], [90_000, 20_000, 500, 60_000])
    for s in (RFM(), RFM(bins=3), RFM().fit(t), PINNED):
        cfg = json.loads(json.dumps(s.get_config()))
        assert RFM.from_config(cfg) == s
        assert load_scorer(cfg) == s
