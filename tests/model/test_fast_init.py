"""The fused ``__init__`` of the hot record classes is attrs' ``__init__``, only faster.

For every class `kamlib.model._fast.fast_init` serves: the same signature, and for any
value put into any field, the same outcome as attrs' own ``__init__`` (the same object,
or the same error class with the same message).
"""

from __future__ import annotations

import datetime as dt
import inspect
import zoneinfo
from collections.abc import Callable
from fractions import Fraction
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kamlib.model as m
from kamlib.model._fast import fast_init, fast_test
from kamlib.testing import strategies as ks

SERVED: dict[type, Callable[[], st.SearchStrategy[Any]]] = {
    m.Portrait: ks.portraits,
    m.KeyPerson: ks.key_people,
    m.Relationship: ks.relationships,
    m.Interaction: ks.interactions,
    m.Money: ks.money,
    m.PeriodFigures: ks.period_figures,
    m.Quarter: ks.quarters,
    m.StrategicAttributes: ks.strategic_attributes,
    m.SatisfactionSurvey: ks.satisfaction_surveys,
    m.NpsResponse: ks.nps_responses,
    m.RiskSignal: ks.risk_signals,
    m.Need: ks.needs,
    m.Account: ks.accounts,
    m.Opportunity: ks.opportunities,
    m.Transition: ks.transitions,
    m.RiskWarning: ks.risk_warnings,
    m.Acceptance: ks.acceptances,
    m.Commitment: ks.commitments,
}


class _Text(str):
    """A str subclass: never on the fast path, still accepted where a str is."""


UTC8 = dt.timezone(dt.timedelta(hours=8))
ODD_VALUES: st.SearchStrategy[Any] = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 12),
    st.sampled_from([10**400, 2**53 + 1, -(10**20)]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["", " ", " a", "a ", "\t", "x", "USD", "usd", "US", "P1", "A1"]),
    st.text(max_size=3),
    st.builds(_Text, st.sampled_from(["a", " ", ""])),
    st.sampled_from(
        [
            member
            for enum in (m.Side, m.DecisionRole, m.RelationshipKind, m.Channel)
            for member in enum
        ]
    ),
    st.sampled_from([v.value for v in m.Channel] + [v.value for v in m.CommitmentState]),
    st.dates(),
    st.datetimes(max_value=dt.datetime(2100, 1, 1)),
    st.datetimes(timezones=st.sampled_from([dt.UTC, UTC8, zoneinfo.ZoneInfo("Asia/Shanghai")])),
    st.lists(st.sampled_from(["P1", "P2", "", " ", 3]), max_size=3),
    st.lists(st.sampled_from(["P1", "P2"]), max_size=3).map(tuple),
    st.sampled_from(
        [np.float64(1.5), np.int64(3), np.bool_(True), Fraction(1, 3), np.float32(2.0)]
    ),
    st.sampled_from([m.Quarter(2024, 1), m.Money(1, "USD"), m.Portrait(1, 2, 3), ("a", ["b"])]),
)


def _outcome(build: Callable[[], Any]) -> tuple[object, ...]:
    try:
        obj = build()
    except Exception as exc:  # the class and message are what is compared
        return ("error", type(exc), str(exc))
    return ("built", obj, tuple(type(getattr(obj, a.name)) for a in attrs.fields(type(obj))))


def _by_attrs(cls: type, kwargs: dict[str, Any]) -> Any:
    obj: Any = object.__new__(cls)
    init: Any = vars(cls)["__init__"]
    init.__kamlib_attrs_init__(obj, **kwargs)
    return obj


def _fields(obj: Any) -> dict[str, Any]:
    return {(a.alias or a.name): getattr(obj, a.name) for a in attrs.fields(type(obj)) if a.init}


@pytest.mark.parametrize("cls", SERVED, ids=lambda c: c.__name__)
def test_every_hot_class_is_served_with_attrs_signature(cls: type) -> None:
    init: Any = vars(cls)["__init__"]
    attrs_init = init.__kamlib_attrs_init__
    assert inspect.signature(init) == inspect.signature(attrs_init)
    assert init.__annotations__ == attrs_init.__annotations__


@pytest.mark.parametrize("cls", SERVED, ids=lambda c: c.__name__)
@settings(max_examples=60)
@given(data=st.data())
def test_any_value_in_any_field_gives_what_attrs_gives(cls: type, data: st.DataObject) -> None:
    kwargs = _fields(data.draw(SERVED[cls]()))
    name = data.draw(st.sampled_from(sorted(kwargs)))
    kwargs[name] = data.draw(ODD_VALUES)
    fast = _outcome(lambda: cls(**kwargs))
    assert fast == _outcome(lambda: _by_attrs(cls, kwargs))


@pytest.mark.parametrize("cls", SERVED, ids=lambda c: c.__name__)
@settings(max_examples=20)
@given(data=st.data())
def test_valid_records_take_the_fast_path(cls: type, data: st.DataObject) -> None:
    obj = data.draw(SERVED[cls]())
    assert cls(**_fields(obj)) == obj


def test_a_field_without_a_fast_test_is_still_validated() -> None:
    calls: list[object] = []

    def odd(inst: object, attr: attrs.Attribute[Any], value: object) -> None:
        calls.append(value)
        if value == 3:
            raise ValueError("no 3")

    @fast_init
    @attrs.frozen
    class Box:
        x: int = attrs.field(validator=odd)
        y: m.Side = attrs.field(default=m.Side.CUSTOMER, validator=m._checks.member_of(m.Side))

    with pytest.raises(ValueError, match="no 3"):
        Box(3, m.Side.CUSTOMER)
    assert Box(1, m.Side.CUSTOMER).x == 1
    assert calls == [3, 1]
    assert fast_test(odd, "v", {}) is None


def test_classes_it_cannot_serve_keep_attrs_init() -> None:
    @attrs.frozen
    class WithFactory:
        xs: list[int] = attrs.field(factory=list)

    before = WithFactory.__init__
    assert fast_init(WithFactory).__init__ is before
