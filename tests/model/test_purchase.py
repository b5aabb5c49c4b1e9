"""Purchase: the record, its place on the Portfolio, its plain-data form and its strategy."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import attrs
import pytest

from kamlib.errors import (
    DanglingReferenceError,
    DuplicateIdError,
    InvalidTypeError,
    InvalidValueError,
    KamlibValidationError,
    UnknownIdError,
)
from kamlib.model import Account, Money, Portfolio, Purchase
from kamlib.serde import from_dict, to_dict

T0 = dt.datetime(2024, 3, 1, 9, tzinfo=dt.UTC)
UTC8 = dt.timezone(dt.timedelta(hours=8))


def _acc(aid: str) -> Account:
    return Account(
        aid,
        aid,
        industry="retail",
        region="east",
        size_band="large",
        cooperation_start=dt.date(2023, 1, 1),
    )


def _buy(pid: str, aid: str = "A1", amount: float = 100.0, **kw: Any) -> Purchase:
    return Purchase(pid, aid, T0, Money(amount, "USD"), **kw)


# ------------------------------------------------------------------ the record


def test_fields_and_defaults() -> None:
    p = _buy("S1", product="licences", area="cloud")
    assert (p.id, p.account_id, p.at, p.amount) == ("S1", "A1", T0, Money(100.0, "USD"))
    assert (p.product, p.area, p.currency) == ("licences", "cloud", "USD")
    plain = _buy("S2")
    assert plain.product is None
    assert plain.area is None


def test_zero_amount_is_a_purchase_but_a_refund_is_refused() -> None:
    assert _buy("S1", amount=0).amount.amount == 0
    with pytest.raises(InvalidValueError) as info:
        _buy("S1", amount=-0.01)
    assert info.value.path == "Purchase.amount.amount"
    assert info.value.value == -0.01
    assert "refund" in info.value.reason


@pytest.mark.parametrize(
    ("kwargs", "error", "path"),
    [
        ({"id": ""}, InvalidValueError, "Purchase.id"),
        ({"id": 3}, InvalidTypeError, "Purchase.id"),
        ({"account_id": " "}, InvalidValueError, "Purchase.account_id"),
        ({"at": dt.datetime(2024, 3, 1)}, InvalidValueError, "Purchase.at"),
        ({"at": dt.date(2024, 3, 1)}, InvalidTypeError, "Purchase.at"),
        ({"amount": 100.0}, InvalidTypeError, "Purchase.amount"),
        ({"product": ""}, InvalidValueError, "Purchase.product"),
        ({"area": 7}, InvalidTypeError, "Purchase.area"),
    ],
)
def test_bad_fields_are_typed_errors_naming_the_field(
    kwargs: dict[str, Any], error: type[Exception], path: str
) -> None:
    fields: dict[str, Any] = {
        "id": "S1",
        "account_id": "A1",
        "at": T0,
        "amount": Money(1, "USD"),
        **kwargs,
    }
    with pytest.raises(error) as info:
        Purchase(**fields)
    assert getattr(info.value, "path", None) == path


def test_frozen_and_evolve_revalidates() -> None:
    p = _buy("S1")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        p.id = "S2"  # type: ignore[misc]
    assert attrs.evolve(p, amount=Money(40, "USD")).amount.amount == 40
    with pytest.raises(InvalidValueError):
        attrs.evolve(p, amount=Money(-40, "USD"))


def test_fast_init_matches_attrs_init() -> None:
    init: Any = Purchase.__init__
    slow = init.__kamlib_attrs_init__  # the fused fast path sits in front of attrs' own
    args = ("S1", "A1", T0, Money(3, "EUR"))
    fast, ref = Purchase(*args, area="x"), object.__new__(Purchase)
    slow(ref, *args, area="x", product=None)
    assert fast == ref


# ------------------------------------------------------------------ on the portfolio


def test_portfolio_holds_purchases_with_lookups() -> None:
    buys = [_buy("S1", "A1"), _buy("S2", "A2"), _buy("S3", "A1", amount=5)]
    pf = Portfolio([_acc("A1"), _acc("A2"), _acc("A3")], purchases=buys)
    assert pf.purchases == tuple(buys)
    assert [s.id for s in pf.purchases_of("A1")] == ["S1", "S3"]  # portfolio order
    assert pf.purchases_of("A3") == ()
    assert pf.purchase("S2").account_id == "A2"
    with pytest.raises(UnknownIdError) as info:
        pf.purchase("S9")
    assert info.value.path == "Portfolio.purchase.id"
    with pytest.raises(UnknownIdError) as info:
        pf.purchases_of("A9")
    assert info.value.path == "Portfolio.purchases_of.account_id"


def test_default_is_empty_and_old_positional_calls_still_work() -> None:
    pf = Portfolio([_acc("A1")], [], [], [], [], [])
    assert pf.purchases == ()


def test_duplicate_ids_and_dangling_accounts_are_all_reported() -> None:
    with pytest.raises(KamlibValidationError) as info:
        Portfolio(
            [_acc("A1")],
            purchases=[_buy("S1"), _buy("S2", "A9"), _buy("S1"), _buy("S3", "A8")],
        )
    found = [
        (type(e), getattr(e, "path", None), getattr(e, "value", None))
        for e in info.value.exceptions
    ]
    assert found == [
        (DuplicateIdError, "Portfolio.purchases[2].id", "S1"),
        (DanglingReferenceError, "Portfolio.purchases[1].account_id", "A9"),
        (DanglingReferenceError, "Portfolio.purchases[3].account_id", "A8"),
    ]


def test_a_record_of_the_wrong_type_is_refused_at_once() -> None:
    with pytest.raises(InvalidTypeError):
        Portfolio([_acc("A1")], purchases=[_acc("A2")])


def test_evolve_rechecks_purchases() -> None:
    pf = Portfolio([_acc("A1"), _acc("A2")], purchases=[_buy("S1", "A2")])
    with pytest.raises(KamlibValidationError):
        attrs.evolve(pf, accounts=[_acc("A1")])


def test_many_purchases_build_fast_enough_and_group_by_account() -> None:
    """Whole-collection tests first: 50k valid purchases cost no per-record path work."""
    accounts = [_acc(f"A{i}") for i in range(50)]
    buys = [_buy(f"S{k}", f"A{k % 50}", amount=k) for k in range(50_000)]
    pf = Portfolio(accounts, purchases=buys)
    assert len(pf.purchases_of("A7")) == 1_000
    assert all(s.account_id == "A7" for s in pf.purchases_of("A7"))


# ------------------------------------------------------------------ serde


def test_round_trip_through_json() -> None:
    pf = Portfolio(
        [_acc("A1")],
        purchases=[
            _buy("S1", product="p", area="a"),
            Purchase("S2", "A1", T0.astimezone(UTC8), Money(1, "CNY")),
        ],
    )
    data = json.loads(json.dumps(to_dict(pf), allow_nan=False))
    back = from_dict(Portfolio, data)
    assert back == pf
    assert back.purchases[1].at.utcoffset() == dt.timedelta(hours=8)


def test_untrusted_purchase_data_gets_paths() -> None:
    data = to_dict(Portfolio([_acc("A1")], purchases=[_buy("S1")]))
    bad = json.loads(json.dumps(data))
    bad["purchases"][0]["amount"]["amount"] = -5
    with pytest.raises(InvalidValueError) as info:
        from_dict(Portfolio, bad)
    assert info.value.path == "Portfolio.purchases[0].amount.amount"
    bad = json.loads(json.dumps(data))
    bad["purchases"][0]["at"] = "2024-03-01T09:00:00"  # naive
    with pytest.raises(InvalidValueError) as info:
        from_dict(Portfolio, bad)
    assert info.value.path == "Portfolio.purchases[0].at"
