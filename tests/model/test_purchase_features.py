"""Purchases to RFM columns: the column door and the object door give the same table."""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from kamlib import FeatureTable
from kamlib.errors import (
    CurrencyMismatchError,
    DuplicateIdError,
    InvalidTypeError,
    InvalidValueError,
    UnknownIdError,
)
from kamlib.features import (
    CUSTOMER_VALUE_FEATURES,
    FEATURES,
    NPS_COUNT_FEATURES,
    PURCHASE_FEATURES,
    PurchaseColumns,
    extract_features,
    purchase_features,
)
from kamlib.model import Account, Money, NpsResponse, Portfolio, Purchase
from kamlib.scoring import RFM, NetPromoterScore, nps_summary
from kamlib.testing import strategies as ks

AS_OF = dt.datetime(2024, 6, 30, 12, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)
QUIET = settings(database=None, suppress_health_check=[HealthCheck.too_slow], max_examples=40)


def _acc(aid: str, **kw: Any) -> Account:
    return Account(
        aid,
        aid,
        industry="retail",
        region="east",
        size_band="large",
        cooperation_start=dt.date(2020, 1, 1),
        **kw,
    )


def _same(a: FeatureTable, b: FeatureTable) -> None:
    assert a.ids.tolist() == b.ids.tolist()
    assert a.names == b.names
    assert a.values.tobytes() == b.values.tobytes()  # the same bits, NaN included
    assert (a.missing is None) == (b.missing is None)
    if a.missing is not None:
        assert b.missing is not None
        assert np.array_equal(a.missing, b.missing)


# ------------------------------------------------------------------ hand-computed


def test_hand_computed_rfm_columns_and_window_edges() -> None:
    ids = ["A1", "A1", "A1", "A1", "A2", "A2"]
    times = [
        AS_OF - 365 * DAY,  # exactly at the window start: out of F and M, but the history
        AS_OF - 364 * DAY,
        AS_OF - 0.5 * DAY,
        AS_OF + DAY,  # after as_of: never read
        AS_OF,  # exactly at as_of: in
        AS_OF - 500 * DAY,
    ]
    amounts = [1000.0, 200.0, 100.0, 5000.0, 60.0, 40.0]
    ft = purchase_features(
        PurchaseColumns.from_columns(ids, times, amounts), as_of=AS_OF, accounts=["A1", "A2", "A3"]
    )
    assert ft.names == tuple(PURCHASE_FEATURES)
    assert ft.column("purchase_recency_days").tolist()[:2] == [0.5, 0.0]
    assert ft.column("purchase_frequency").tolist() == [2.0, 1.0, 0.0]
    assert ft.column("purchase_total").tolist() == [300.0, 60.0, 0.0]
    assert ft.column("purchase_mean").tolist()[:2] == [150.0, 60.0]
    assert ft.is_missing("purchase_recency_days").tolist() == [False, False, True]
    assert ft.is_missing("purchase_mean").tolist() == [False, False, True]
    short = purchase_features(
        PurchaseColumns.from_columns(ids, times, amounts), as_of=AS_OF, window_days=1
    )
    assert short.ids.tolist() == ["A1", "A2"]  # default rows: the accounts that bought
    assert short.column("purchase_frequency").tolist() == [1.0, 1.0]


def test_an_account_whose_purchases_all_lie_before_the_window() -> None:
    cols = PurchaseColumns.from_columns(["A1"], [AS_OF - 800 * DAY], [10.0])
    ft = purchase_features(cols, as_of=AS_OF)
    assert ft.column("purchase_recency_days").tolist() == [800.0]
    assert ft.column("purchase_frequency").tolist() == [0.0]
    assert ft.is_missing("purchase_mean").tolist() == [True]


def test_time_zones_are_only_how_a_moment_is_written() -> None:
    utc8 = dt.timezone(dt.timedelta(hours=8))
    a = PurchaseColumns.from_columns(["A"], [AS_OF - DAY], [1.0])
    b = PurchaseColumns.from_columns(["A"], [(AS_OF - DAY).astimezone(utc8)], [1.0])
    assert a.times.tolist() == b.times.tolist()
    _same(purchase_features(a, as_of=AS_OF), purchase_features(b, as_of=AS_OF.astimezone(utc8)))


def test_pandas_columns_with_a_time_zone_are_accepted() -> None:
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame(
        {
            "account": ["A1", "A2"],
            "at": pd.to_datetime(
                ["2024-06-01T08:00:00+08:00", "2024-06-29T12:00:00+00:00"], utc=True
            ),
            "amount": [10.0, 20.0],
        }
    )
    cols = PurchaseColumns.from_columns(df["account"], df["at"], df["amount"])
    ft = purchase_features(cols, as_of=AS_OF)
    assert ft.column("purchase_recency_days").tolist() == [29.5, 1.0]
    naive = pd.Series(pd.to_datetime(["2024-06-01T08:00:00"]))
    with pytest.raises(InvalidValueError):
        PurchaseColumns.from_columns(["A1"], naive, [1.0])


# ------------------------------------------------------------------ both doors


def _portfolio() -> Portfolio:
    buys = [
        Purchase("S1", "A1", AS_OF - 3 * DAY, Money(120, "USD"), product="licences"),
        Purchase("S2", "A2", AS_OF - 40 * DAY, Money(80, "USD")),
        Purchase("S3", "A1", AS_OF - 90 * DAY, Money(0.1, "USD")),
        Purchase("S4", "A1", AS_OF - 90 * DAY, Money(0.2, "USD"), area="cloud"),
        Purchase("S5", "A2", AS_OF + 3 * DAY, Money(1e6, "USD")),
    ]
    return Portfolio([_acc("A1"), _acc("A2"), _acc("A3")], purchases=buys)


def test_object_door_equals_column_door() -> None:
    pf = _portfolio()
    by_objects = purchase_features(pf, as_of=AS_OF)
    p = pf.purchases
    by_columns = purchase_features(
        PurchaseColumns.from_columns(
            [s.account_id for s in p], [s.at for s in p], [s.amount.amount for s in p]
        ),
        as_of=AS_OF,
        accounts=[a.id for a in pf.accounts],
    )
    _same(by_objects, by_columns)
    assert by_objects.ids.tolist() == ["A1", "A2", "A3"]  # the portfolio's accounts


def test_the_order_of_purchases_changes_no_bit() -> None:
    pf = _portfolio()
    back = attrs.evolve(pf, purchases=pf.purchases[::-1])
    _same(purchase_features(pf, as_of=AS_OF), purchase_features(back, as_of=AS_OF))


@QUIET
@given(ks.portfolios(with_purchases=True, max_records_per_account=4, max_accounts=4))
def test_doors_agree_on_any_portfolio(pf: Portfolio) -> None:
    if len({s.amount.currency for s in pf.purchases}) > 1:
        with pytest.raises(CurrencyMismatchError):
            purchase_features(pf, as_of=AS_OF)
        return
    p = pf.purchases
    cols = PurchaseColumns.from_columns(
        [s.account_id for s in p], [s.at for s in p], [s.amount.amount for s in p]
    )
    want = purchase_features(cols, as_of=AS_OF, accounts=[a.id for a in pf.accounts])
    got = purchase_features(pf, as_of=AS_OF)
    _same(got, want)
    freq = got.column("purchase_frequency")
    assert (freq >= 0).all()
    assert (got.column("purchase_total") >= 0).all()
    assert np.array_equal(got.is_missing("purchase_mean"), freq == 0)


def test_extract_features_adds_the_customer_value_columns_only_when_asked() -> None:
    pf = attrs.evolve(
        _portfolio(),
        accounts=[
            _acc("A1", nps=[NpsResponse(AS_OF - DAY, 10), NpsResponse(AS_OF - 2 * DAY, 3)]),
            _acc("A2", nps=[NpsResponse(AS_OF - 500 * DAY, 9)]),  # outside the NPS window
            _acc("A3"),
        ],
    )
    plain = extract_features(pf, as_of=AS_OF, network=False)
    assert not set(CUSTOMER_VALUE_FEATURES) & set(plain.names)
    full = extract_features(pf, as_of=AS_OF, network=False, customer_value=True)
    assert set(CUSTOMER_VALUE_FEATURES) <= set(full.names)
    assert set(FEATURES) <= set(full.names)
    bought = purchase_features(pf, as_of=AS_OF)
    for name in PURCHASE_FEATURES:
        assert full.column(name).tobytes() == bought.column(name).tobytes()
        assert np.array_equal(full.is_missing(name), bought.is_missing(name))
    assert [full.column(n).tolist() for n in NPS_COUNT_FEATURES] == [
        [1.0, 0.0, 0.0],
        [0.0, 0.0, 0.0],
        [1.0, 0.0, 0.0],
    ]
    nps = NetPromoterScore().score(full)
    assert nps.scores[0] == nps_summary(pf.accounts[0].nps, as_of=AS_OF, window_days=365).nps
    assert nps.scores[0] == full.column("nps")[0] == 0.0
    assert nps.coverage.tolist() == [1.0, 0.0, 0.0]  # no answer in the window: no NPS
    rfm = RFM(bins=2).fit(full).score(full)
    assert rfm.reasons_of("A3") == ("partial_data",)  # never bought: worst recency bin
    longer = extract_features(
        pf, as_of=AS_OF, network=False, customer_value=True, purchase_window_days=30
    )
    assert longer.column("purchase_frequency").tolist() == [1.0, 0.0, 0.0]


# ------------------------------------------------------------------ typed errors

T = AS_OF - DAY


@pytest.mark.parametrize(
    ("args", "error", "path"),
    [
        ((["A1", "A2"], [T], [1.0, 2.0]), InvalidValueError, "PurchaseColumns.times"),
        ((["A1"], [T], [1.0, 2.0]), InvalidValueError, "PurchaseColumns.amounts"),
        ((["A1"], [T], [float("nan")]), InvalidValueError, "PurchaseColumns.amounts[0]"),
        ((["A1"], [T], [float("inf")]), InvalidValueError, "PurchaseColumns.amounts[0]"),
        ((["A1", "A1"], [T, T], [1.0, -5.0]), InvalidValueError, "PurchaseColumns.amounts[1]"),
        ((["A1"], [T], [2e15]), InvalidValueError, "PurchaseColumns.amounts[0]"),
        ((["A1"], [T], ["7"]), InvalidTypeError, "PurchaseColumns.amounts[0]"),
        ((["A1"], [T], [True]), InvalidTypeError, "PurchaseColumns.amounts[0]"),
        ((["A1"], [dt.datetime(2024, 1, 1)], [1.0]), InvalidValueError, "PurchaseColumns.times[0]"),
        ((["A1"], [dt.date(2024, 1, 1)], [1.0]), InvalidTypeError, "PurchaseColumns.times[0]"),
        (
            (["A1"], np.array(["2024-01-01"], dtype="datetime64[us]"), [1.0]),
            InvalidValueError,
            "PurchaseColumns.times[0]",
        ),
        ((["A1"], [T], np.array([np.nan])), InvalidValueError, "PurchaseColumns.amounts[0]"),
        ((["A1"], [T], np.array([True])), InvalidTypeError, "PurchaseColumns.amounts[0]"),
        ((["A1"], [T], np.array(["7"])), InvalidTypeError, "PurchaseColumns.amounts[0]"),
        ((["A1"], [T], np.ones((1, 1))), InvalidTypeError, "PurchaseColumns.amounts[0]"),
        (([3], [T], [1.0]), InvalidTypeError, "PurchaseColumns.account_ids[0]"),
        (([["A"]], [T], [1.0]), InvalidTypeError, "PurchaseColumns.account_ids[0]"),
        (([""], [T], [1.0]), InvalidValueError, "PurchaseColumns.account_ids[0]"),
        (("A1", [T], [1.0]), InvalidTypeError, "PurchaseColumns.account_ids"),
    ],
)
def test_bad_columns_are_typed_errors_naming_the_cell(
    args: tuple[Any, Any, Any], error: type[Exception], path: str
) -> None:
    with pytest.raises(error) as info:
        PurchaseColumns.from_columns(*args)
    assert getattr(info.value, "path", None) == path


@pytest.mark.parametrize(
    ("args", "error", "path"),
    [
        ((np.array(["A", "B"], dtype=object), np.array([0]), np.array([1.0, 2.0])),
         InvalidValueError, "PurchaseColumns.times"),
        ((np.array(["A"], dtype=object), np.array([0]), np.array([1.0, 2.0])),
         InvalidValueError, "PurchaseColumns.amounts"),
        ((np.array(["A", "A"], dtype=object), np.array([0, 1]), np.array([-5.0, 1.0])),
         InvalidValueError, "PurchaseColumns.amounts[0]"),
        ((np.array(["A", "A"], dtype=object), np.array([0, 1]), np.array([1.0, np.nan])),
         InvalidValueError, "PurchaseColumns.amounts[1]"),
        ((np.array(["A"], dtype=object), np.array([0]), np.array([2e15])),
         InvalidValueError, "PurchaseColumns.amounts[0]"),
        ((np.array([""], dtype=object), np.array([0]), np.array([1.0])),
         InvalidValueError, "PurchaseColumns.account_ids[0]"),
        ((np.array([3], dtype=object), np.array([0]), np.array([1.0])),
         InvalidTypeError, "PurchaseColumns.account_ids[0]"),
        ((np.array(["A"], dtype=object), np.array([0.5]), np.array([1.0])),
         InvalidTypeError, "PurchaseColumns.times"),
        ((np.array(["A"], dtype=object), np.array([2**62]), np.array([1.0])),
         InvalidValueError, "PurchaseColumns.times[0]"),
    ],
)  # fmt: skip
def test_the_raw_constructor_validates_like_from_columns(
    args: tuple[Any, Any, Any], error: type[Exception], path: str
) -> None:
    # it checked nothing: a bare IndexError later, or a negative purchase_total accepted
    with pytest.raises(error) as info:
        PurchaseColumns(*args)
    assert getattr(info.value, "path", None) == path
    with pytest.raises(InvalidValueError):
        PurchaseColumns(np.array(["A"], dtype=object), np.array([0]), np.array([1.0]), "usd")


def test_the_raw_constructor_copies_and_reads_like_from_columns() -> None:
    ids, times, amounts = np.array(["A1", "A1"], dtype=object), np.array([1, 2]), [3.0, 4.0]
    raw = PurchaseColumns(ids, times, amounts)  # type: ignore[arg-type]
    ids[0] = "B"
    times[0] = 7
    assert raw.account_ids.tolist() == ["A1", "A1"]
    assert raw.times.tolist() == [1, 2]
    assert raw.times.dtype == np.int64
    assert not raw.amounts.flags.writeable
    t0 = dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(microseconds=1)
    doors = PurchaseColumns.from_columns(
        ["A1", "A1"], [t0, t0 + dt.timedelta(microseconds=1)], [3.0, 4.0]
    )
    _same(purchase_features(raw, as_of=AS_OF), purchase_features(doors, as_of=AS_OF))


def test_an_amount_beyond_the_float_range_names_its_purchase() -> None:
    buys = [Purchase("S1", "A1", T, Money(1, "USD")), Purchase("S2", "A1", T, Money(2, "USD"))]
    object.__setattr__(buys[1].amount, "amount", 10**400)  # past Money's own check
    pf = Portfolio([_acc("A1")], purchases=buys)
    with pytest.raises(InvalidValueError) as info:
        purchase_features(pf, as_of=AS_OF)
    assert info.value.path == "Portfolio.purchases[1].amount.amount"  # was always [0]


def test_refunds_are_rejected_with_the_reason() -> None:
    with pytest.raises(InvalidValueError) as info:
        PurchaseColumns.from_columns(["A1"], [T], [-1.0])
    assert "refund" in info.value.reason


def test_bad_feature_calls_are_typed_errors() -> None:
    cols = PurchaseColumns.from_columns(["A1"], [T], [1.0])
    with pytest.raises(UnknownIdError) as info:
        purchase_features(cols, as_of=AS_OF, accounts=["A2"])
    assert info.value.value == "A1"
    with pytest.raises(DuplicateIdError):
        purchase_features(cols, as_of=AS_OF, accounts=["A1", "A1"])
    with pytest.raises(InvalidValueError):
        purchase_features(cols, as_of=dt.datetime(2024, 6, 30))
    with pytest.raises(InvalidValueError):
        purchase_features(cols, as_of=AS_OF, window_days=0)
    with pytest.raises(InvalidTypeError):
        purchase_features([("A1", T, 1.0)], as_of=AS_OF)  # type: ignore[arg-type]
    with pytest.raises(InvalidValueError):
        PurchaseColumns.from_columns(["A1"], [T], [1.0], currency="usd")
    with pytest.raises(InvalidValueError):
        extract_features(_portfolio(), as_of=AS_OF, customer_value=True, purchase_window_days=0)


def test_mixed_currencies_in_a_portfolio_are_refused() -> None:
    pf = Portfolio(
        [_acc("A1")],
        purchases=[
            Purchase("S1", "A1", T, Money(1, "USD")),
            Purchase("S2", "A1", T, Money(1, "EUR")),
        ],
    )
    with pytest.raises(CurrencyMismatchError) as info:
        purchase_features(pf, as_of=AS_OF)
    assert info.value.path == "Portfolio.purchases[1].amount.currency"


def test_empty_inputs_give_empty_or_zero_columns() -> None:
    empty = PurchaseColumns.from_columns([], [], [])
    assert len(empty) == 0
    assert len(purchase_features(empty, as_of=AS_OF)) == 0
    ft = purchase_features(Portfolio([_acc("A1")]), as_of=AS_OF)
    assert ft.column("purchase_frequency").tolist() == [0.0]
    assert ft.is_missing("purchase_recency_days").tolist() == [True]


def test_columns_are_read_only_copies() -> None:
    amounts = np.array([1.0, 2.0])
    cols = PurchaseColumns.from_columns(["A", "B"], [T, T], amounts)
    amounts[0] = 99.0
    assert cols.amounts.tolist() == [1.0, 2.0]
    with pytest.raises(ValueError, match="read-only"):
        cols.amounts[0] = 5.0
