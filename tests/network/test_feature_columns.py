"""relationship_features(columns=...) and extract_features(network_columns=...): a subset
of the relationship features, each column with the same bits as in the full table."""

from __future__ import annotations

import datetime as dt
import itertools

import numpy as np
import pytest

from kamlib.errors import InvalidTypeError, InvalidValueError
from kamlib.features import extract_features
from kamlib.network import RELATIONSHIP_FEATURES, relationship_features
from kamlib.synthetic import synthetic_portfolio

AS_OF = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
P = synthetic_portfolio(40, seed=5, as_of=AS_OF)
FULL = relationship_features(P, as_of=AS_OF)
SUBSETS = [
    ("interaction_frequency",),
    ("coverage",),
    ("support", "interaction_recency_days"),
    ("portrait_price", "coverage"),
    (),
]


@pytest.mark.parametrize("names", SUBSETS)
def test_a_subset_has_the_same_bits_as_the_full_table(names: tuple[str, ...]) -> None:
    part = relationship_features(P, as_of=AS_OF, columns=names)
    assert list(part.columns) == [n for n in RELATIONSHIP_FEATURES if n in names]
    assert part.ids == FULL.ids
    for n in names:
        assert np.array_equal(part.columns[n], FULL.columns[n])
        assert np.array_equal(part.missing[n], FULL.missing[n])


def test_every_pair_of_columns_keeps_its_bits() -> None:
    for pair in itertools.combinations(RELATIONSHIP_FEATURES, 2):
        part = relationship_features(P, as_of=AS_OF, columns=pair)
        for n in pair:
            assert np.array_equal(part.columns[n], FULL.columns[n]), pair


@pytest.mark.parametrize(
    ("columns", "error", "path"),
    [
        ("coverage", InvalidTypeError, r"relationship_features\.columns"),
        ([1], InvalidTypeError, r"relationship_features\.columns\[0\]"),
        (["coverage", "revenue"], InvalidValueError, r"relationship_features\.columns\[1\]"),
    ],
)
def test_bad_columns_are_named(columns: object, error: type[Exception], path: str) -> None:
    with pytest.raises(error, match=path):
        relationship_features(P, as_of=AS_OF, columns=columns)  # type: ignore[arg-type]


def test_extract_features_computes_only_the_network_columns_asked_for() -> None:
    full = extract_features(P, as_of=AS_OF)
    part = extract_features(P, as_of=AS_OF, network_columns=["interaction_frequency"])
    assert "coverage" in full
    assert "coverage" not in part
    assert set(full.names) - set(part.names) == set(RELATIONSHIP_FEATURES) - {
        "interaction_frequency"
    }
    for n in part.names:
        assert np.array_equal(part.column(n), full.column(n), equal_nan=True)
        assert np.array_equal(part.is_missing(n), full.is_missing(n))
    with pytest.raises(InvalidValueError, match=r"extract_features\.network_columns\[0\]"):
        extract_features(P, as_of=AS_OF, network_columns=["revenue"])
