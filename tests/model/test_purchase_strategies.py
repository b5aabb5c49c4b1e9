"""The Hypothesis strategies of purchases and of portfolios with purchases."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kamlib.model import Portfolio, Purchase
from kamlib.serde import from_dict, to_dict
from kamlib.testing import strategies as ks

QUIET = settings(database=None, suppress_health_check=[HealthCheck.too_slow])


@QUIET
@given(ks.purchases())
def test_every_drawn_purchase_round_trips(p: Purchase) -> None:
    assert p.amount.amount >= 0
    assert from_dict(Purchase, json.loads(json.dumps(to_dict(p)))) == p


@QUIET
@given(ks.portfolios(with_purchases=True, max_records_per_account=3))
def test_portfolios_with_purchases_are_consistent_and_round_trip(pf: Portfolio) -> None:
    ids = [s.id for s in pf.purchases]
    assert len(set(ids)) == len(ids)
    for a in pf.accounts:
        mine = pf.purchases_of(a.id)
        assert all(s.account_id == a.id for s in mine)
        if a.currency is not None:
            assert all(s.amount.currency == a.currency for s in mine)
    assert from_dict(Portfolio, json.loads(json.dumps(to_dict(pf)))) == pf


@QUIET
@given(ks.portfolios())
def test_portfolios_draw_no_purchases_by_default(pf: Portfolio) -> None:
    assert pf.purchases == ()


@given(st.data())
def test_from_type_finds_the_purchase_strategy(data: st.DataObject) -> None:
    ks.register()
    assert isinstance(data.draw(st.from_type(Purchase)), Purchase)
