"""Manual overrides: machine and final scores side by side, expiry, latest wins."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kamlib.errors import InvalidTypeError, InvalidValueError, UnknownIdError
from kamlib.scoring import ScoreTable
from kamlib.signals import Override, apply_overrides

UTC = dt.UTC
T0 = dt.datetime(2025, 1, 1, tzinfo=UTC)


def day(n: int) -> dt.datetime:
    return T0 + dt.timedelta(days=n)


def table(scores: list[float]) -> ScoreTable:
    n = len(scores)
    return ScoreTable(
        scorer="health_model",
        config={},
        ids=np.array([f"A{i}" for i in range(n)], dtype=object),
        scores=np.array(scores, dtype=np.float64),
        components=("x",),
        contributions=np.array(scores, dtype=np.float64).reshape(n, 1),
        coverage=np.ones(n),
    )


def ov(
    account: str, value: float, created: int, expires: int | None = None, author: str = "ann"
) -> Override:
    return Override(
        account,
        value,
        author,
        "manager knows better",
        None if expires is None else day(expires),
        day(created),
    )


def test_shows_machine_and_final_scores() -> None:
    st_ = table([10.0, 20.0, 30.0])
    res = apply_overrides(st_, [ov("A1", 90, 0)], as_of=day(5))
    assert res.machine_scores.tolist() == [10.0, 20.0, 30.0]
    assert res.final_scores.tolist() == [10.0, 90.0, 30.0]
    assert res.overridden.tolist() == [False, True, False]
    assert res.override_of("A1") == ov("A1", 90, 0)
    assert res.override_of("A0") is None
    cols = res.to_columns()
    assert cols["author"].tolist() == [None, "ann", None]
    assert cols["machine_score"].tolist() == [10.0, 20.0, 30.0]
    assert st_.scores.tolist() == [10.0, 20.0, 30.0]  # input untouched
    assert res.ids.tolist() == ["A0", "A1", "A2"]


def test_expired_overrides_are_ignored() -> None:
    st_ = table([10.0])
    o = ov("A0", 90, 0, expires=5)
    assert apply_overrides(st_, [o], as_of=day(4)).final_scores.tolist() == [90.0]
    at_expiry = apply_overrides(st_, [o], as_of=day(5))  # expires_at <= as_of: expired
    assert at_expiry.final_scores.tolist() == [10.0]
    assert at_expiry.ignored == ((o, "expired"),)


def test_not_yet_created_overrides_are_ignored() -> None:
    o = ov("A0", 90, 10)
    res = apply_overrides(table([10.0]), [o], as_of=day(5))
    assert res.final_scores.tolist() == [10.0]
    assert res.ignored == ((o, "not yet created"),)


def test_latest_created_wins_and_ties_go_to_the_later_item() -> None:
    first, second, third = ov("A0", 50, 1), ov("A0", 60, 3), ov("A0", 70, 2)
    res = apply_overrides(table([10.0]), [first, second, third], as_of=day(9))
    assert res.final_scores.tolist() == [60.0]
    assert {o.value for o, why in res.ignored if why == "superseded"} == {50.0, 70.0}
    a, b = ov("A0", 1, 1, author="ann"), ov("A0", 2, 1, author="bo")
    assert apply_overrides(table([10.0]), [a, b], as_of=day(9)).final_scores.tolist() == [2.0]
    assert apply_overrides(table([10.0]), [b, a], as_of=day(9)).final_scores.tolist() == [1.0]


def test_unknown_id_raises_only_when_in_force() -> None:
    with pytest.raises(UnknownIdError, match=r"overrides\[1\].account_id.*'ZZ'"):
        apply_overrides(table([1.0]), [ov("A0", 1, 0), ov("ZZ", 1, 0)], as_of=day(1))
    res = apply_overrides(table([1.0]), [ov("ZZ", 1, 0, expires=1)], as_of=day(3))
    assert res.applied == {}


def test_global_override_list_applies_to_a_partition() -> None:
    """Review #11: the CRM's full list on one partition, with unknown="ignore"."""
    whole = table([10.0, 20.0, 30.0, 40.0])
    overrides = [ov("A0", 90, 0), ov("A3", 5, 0), ov("A2", 1, 0, expires=1), ov("A3", 7, 1)]
    full = apply_overrides(whole, overrides, as_of=day(3))
    part = whole.take([2, 3])
    with pytest.raises(UnknownIdError, match="'A0'"):
        apply_overrides(part, overrides, as_of=day(3))  # default stays strict
    res = apply_overrides(part, overrides, as_of=day(3), unknown="ignore")
    assert res.final_scores.tolist() == full.final_scores[[2, 3]].tolist() == [30.0, 7.0]
    assert res.applied == {"A3": overrides[3]}
    assert sorted((o.account_id, o.value, why) for o, why in res.ignored) == [
        ("A0", 90.0, "not in this table"),
        ("A2", 1.0, "expired"),
        ("A3", 5.0, "superseded"),
    ]
    for bad in ("skip", None, 1):
        with pytest.raises(InvalidValueError, match="unknown"):
            apply_overrides(part, overrides, as_of=day(3), unknown=bad)  # type: ignore[arg-type]


def test_override_validation() -> None:
    with pytest.raises(InvalidValueError, match=r"Override.created_at.*timezone-aware"):
        Override("A", 1, "me", "why", None, dt.datetime(2025, 1, 1))
    with pytest.raises(InvalidValueError, match=r"Override.expires_at.*timezone-aware"):
        Override("A", 1, "me", "why", dt.datetime(2025, 2, 1), T0)
    with pytest.raises(InvalidValueError, match=r"Override.expires_at.*later than created_at"):
        Override("A", 1, "me", "why", T0, T0)
    with pytest.raises(InvalidValueError, match=r"Override.value.*nan"):
        Override("A", math.nan, "me", "why", None, T0)
    with pytest.raises(InvalidTypeError, match=r"Override.value.*'high'"):
        Override("A", "high", "me", "why", None, T0)
    with pytest.raises(InvalidValueError, match=r"Override.author"):
        Override("A", 1, " ", "why", None, T0)
    with pytest.raises(InvalidValueError, match=r"Override.account_id"):
        Override("", 1, "me", "why", None, T0)


def test_apply_validation() -> None:
    with pytest.raises(InvalidValueError, match=r"as_of.*timezone-aware"):
        apply_overrides(table([1.0]), [], as_of=dt.datetime(2025, 1, 1))
    with pytest.raises(InvalidTypeError, match=r"as_of.*'2025'"):
        apply_overrides(table([1.0]), [], as_of="2025")  # type: ignore[arg-type]
    with pytest.raises(InvalidTypeError, match=r"overrides\[0\]"):
        apply_overrides(table([1.0]), [{"account_id": "A0"}], as_of=T0)  # type: ignore[list-item]
    with pytest.raises(InvalidTypeError, match="score_table"):
        apply_overrides([1.0], [], as_of=T0)  # type: ignore[arg-type]
    with pytest.raises(UnknownIdError, match="'nope'"):
        apply_overrides(table([1.0]), [], as_of=T0).override_of("nope")


def test_in_force() -> None:
    o = ov("A0", 1, 1, expires=3)
    assert [o.in_force(day(d)) for d in range(5)] == [False, True, True, False, False]
    with pytest.raises(InvalidValueError, match="as_of"):
        o.in_force(dt.datetime(2025, 1, 2))


@given(
    st.lists(st.floats(0, 100), min_size=1, max_size=8),
    st.lists(
        st.tuples(st.integers(0, 7), st.floats(0, 100), st.integers(0, 9), st.integers(1, 5)),
        max_size=10,
    ),
    st.integers(0, 12),
)
def test_final_equals_machine_except_where_overridden(
    scores: list[float], raw: list[tuple[int, float, int, int]], as_of: int
) -> None:
    st_ = table(scores)
    items = [
        ov(f"A{i % len(scores)}", value, created, created + life) for i, value, created, life in raw
    ]
    res = apply_overrides(st_, items, as_of=day(as_of))
    keep = ~res.overridden
    np.testing.assert_array_equal(res.final_scores[keep], res.machine_scores[keep])
    assert len(res.applied) == int(res.overridden.sum())
    assert len(res.applied) + len(res.ignored) == len(items)
    for account_id, o in res.applied.items():
        assert o.in_force(day(as_of))
        assert res.final_scores[st_.row_of(account_id)] == o.value
        later = [x for x in items if x.account_id == account_id and x.in_force(day(as_of))]
        assert o.created_at == max(x.created_at for x in later)
