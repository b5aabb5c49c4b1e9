"""`kamlib.frames.purchases_from_frame`: the frame door of the transaction columns."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import polars as pl
import pytest

from kamlib.errors import FieldError, InvalidTypeError, InvalidValueError, MissingFeatureError
from kamlib.features import PurchaseColumns, purchase_features
from kamlib.frames import purchases_from_frame

AS_OF = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
IDS = ["A1", "A2", "A1", "A3"]
TIMES = [
    dt.datetime(2025, 3, 1, 9, 30, tzinfo=dt.UTC),
    dt.datetime(2025, 7, 4, tzinfo=dt.UTC),
    dt.datetime(2025, 12, 24, 17, 0, 0, 123456, tzinfo=dt.UTC),
    dt.datetime(2024, 1, 2, tzinfo=dt.UTC),
]
AMOUNTS = [120.5, 80.0, 999.99, 0.0]


def _frames() -> list[object]:
    data = {"account_id": IDS, "at": TIMES, "amount": AMOUNTS}
    return [pd.DataFrame(data), pl.DataFrame(data)]


@pytest.mark.parametrize("df", _frames(), ids=["pandas", "polars"])
def test_a_frame_gives_the_columns_from_columns_gives(df: object) -> None:
    via_frame = purchase_features(purchases_from_frame(df), as_of=AS_OF)
    via_lists = purchase_features(PurchaseColumns.from_columns(IDS, TIMES, AMOUNTS), as_of=AS_OF)
    assert via_frame.ids.tolist() == via_lists.ids.tolist() == ["A1", "A2", "A3"]
    for name in via_lists.names:
        # a declared-missing cell reads as NaN in both: compare the masks, then the bits
        assert np.array_equal(via_frame.is_missing(name), via_lists.is_missing(name)), name
        assert np.array_equal(via_frame.column(name), via_lists.column(name), equal_nan=True)
    assert via_frame.column("purchase_total").tolist()[0] == 120.5 + 999.99


def test_the_frame_is_not_changed() -> None:
    df = pd.DataFrame({"account_id": IDS, "at": TIMES, "amount": AMOUNTS})
    before = df.copy()
    purchases_from_frame(df)
    pd.testing.assert_frame_equal(df, before)


def test_other_column_names() -> None:
    df = pl.DataFrame({"acc": IDS, "when": TIMES, "eur": AMOUNTS})
    cols = purchases_from_frame(df, account_id="acc", at="when", amount="eur", currency="EUR")
    assert purchase_features(cols, as_of=AS_OF).column("purchase_frequency").tolist() == [
        2.0,
        1.0,
        0.0,
    ]


@pytest.mark.parametrize(
    ("df", "kwargs", "error", "path"),
    [
        (pd.DataFrame({"account_id": IDS, "at": TIMES}), {}, MissingFeatureError, "amount"),
        (
            pd.DataFrame({"account_id": IDS, "at": TIMES, "amount": AMOUNTS}),
            {"at": "time"},
            MissingFeatureError,
            "at",
        ),
        (
            pd.DataFrame(
                {
                    "account_id": IDS,
                    "at": [t.replace(tzinfo=None) for t in TIMES],
                    "amount": AMOUNTS,
                }
            ),
            {},
            InvalidValueError,
            "df['at']",
        ),
        (
            pd.DataFrame({"account_id": IDS, "at": ["2025-01-01"] * 4, "amount": AMOUNTS}),
            {},
            InvalidTypeError,
            "df['at']",
        ),
        (
            pd.DataFrame({"account_id": [1, 2, 3, 4], "at": TIMES, "amount": AMOUNTS}),
            {},
            InvalidTypeError,
            "df['account_id']",
        ),
        (
            pd.DataFrame({"account_id": IDS, "at": TIMES, "amount": ["1", "2", "3", "4"]}),
            {},
            InvalidTypeError,
            "df['amount']",
        ),
        (
            pl.DataFrame({"account_id": IDS, "at": TIMES, "amount": [1.0, None, 2.0, 3.0]}),
            {},
            InvalidValueError,
            "df['amount'][1]",
        ),
    ],
)
def test_bad_frames_get_typed_errors_naming_the_column(
    df: object, kwargs: dict[str, str], error: type[FieldError], path: str
) -> None:
    with pytest.raises(error) as info:
        purchases_from_frame(df, **kwargs)
    assert info.value.path == f"purchases_from_frame.{path}"


def test_a_negative_amount_is_refused_as_from_columns_refuses_it() -> None:
    df = pd.DataFrame({"account_id": IDS, "at": TIMES, "amount": [1.0, -2.0, 3.0, 4.0]})
    with pytest.raises(InvalidValueError, match="refund") as info:
        purchases_from_frame(df)
    assert info.value.path == "PurchaseColumns.amounts[1]"


def test_not_a_frame() -> None:
    with pytest.raises(InvalidTypeError) as info:
        purchases_from_frame({"account_id": IDS})
    assert info.value.path == "purchases_from_frame.df"
