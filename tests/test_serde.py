"""kamlib.serde: lossless round trips, JSON compatibility, strict path-named errors."""

from __future__ import annotations

import copy
import datetime as dt
import enum
import json
import math
import pickle
import time
import zoneinfo
from fractions import Fraction
from typing import Any, Literal

import attrs
import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kamlib._validators import _Real
from kamlib.errors import (
    CurrencyMismatchError,
    DanglingReferenceError,
    FieldError,
    IllegalTransitionError,
    IntegrityError,
    InvalidTypeError,
    InvalidValueError,
    KamlibError,
    KamlibValidationError,
)
from kamlib.model import (
    Account,
    Commitment,
    Complaint,
    KeyPerson,
    Money,
    NpsResponse,
    PeriodFigures,
    Portfolio,
    ProgressUpdate,
    Quarter,
    Relationship,
    RiskKind,
    RiskSignal,
    SatisfactionSurvey,
)
from kamlib.serde import (
    MISSING,
    SCHEMA_KEY,
    SCHEMA_VERSION,
    TYPE_KEY,
    Converter,
    default_converter,
    from_dict,
    to_dict,
)
from kamlib.testing import strategies as ks

UTC = dt.UTC
T0 = dt.datetime(2024, 3, 1, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))

# ------------------------------------------------------------------ helpers


def _plain(value: object) -> bool:
    """Only dict (str keys) / list / str / int / float (finite) / bool / None."""
    if value is None or isinstance(value, bool | int | str):
        return True
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, list):
        return all(_plain(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v) for k, v in value.items())
    return False


def _via_json(data: dict[str, object]) -> Any:
    return json.loads(json.dumps(data, allow_nan=False))


def _usd(x: float) -> Money:
    return Money(x, "USD")


def _small_portfolio() -> Portfolio:
    acc = Account(
        "A1",
        "Acme",
        industry="retail",
        region="north",
        size_band="large",
        cooperation_start=dt.date(2023, 1, 15),
        figures=[
            PeriodFigures(Quarter(2024, 1), _usd(1000), _usd(300), _usd(60)),
            PeriodFigures(Quarter(2024, 2), _usd(900), _usd(250), _usd(50)),
        ],
        executive_sponsor_id="U1",
        risk_signals=[RiskSignal("budget_frozen", T0), RiskSignal("new_cfo", T0)],
    )
    acc2 = Account(
        "A2",
        "Beta",
        industry="energy",
        region="south",
        size_band="small",
        cooperation_start=dt.date(2022, 5, 1),
    )
    people = [
        KeyPerson("U1", "Our VP", "our_staff"),
        KeyPerson("P1", "CEO", "customer", account_id="A1"),
        KeyPerson("P2", "CIO", "customer", account_id="A1"),
    ]
    c = Commitment.propose("C1", "A1", "Migration", "U1", T0, 3, at=T0)
    return Portfolio(
        [acc, acc2], people, [Relationship("P2", "P1", "reports_to", 1.0)], commitments=[c]
    )


def _doc() -> Any:
    """A fresh, JSON-decoded document of the small portfolio (safe to mutate)."""
    return _via_json(to_dict(_small_portfolio()))


def _one(exc: BaseException) -> FieldError:
    assert isinstance(exc, FieldError), repr(exc)
    return exc


# ------------------------------------------------------------------ round trips

PER_TYPE = [
    ks.money(),
    ks.quarters(),
    ks.period_figures(),
    ks.strategic_attributes(),
    ks.portraits(),
    ks.satisfaction_surveys(),
    ks.nps_responses(),
    ks.risk_signals(),
    ks.needs(),
    ks.accounts(),
    ks.key_people(),
    ks.relationships(),
    ks.transitions(),
    ks.risk_warnings(),
    ks.acceptances(),
    ks.commitments(),
    ks.interactions(),
    ks.opportunities(),
    ks.progress_updates(),
    ks.commitments(max_updates=3),
    ks.complaints(),
]


@pytest.mark.parametrize("strategy", PER_TYPE, ids=lambda s: repr(s).split("(")[0])
@given(data=st.data())
def test_every_type_round_trips(strategy: st.SearchStrategy[Any], data: st.DataObject) -> None:
    obj = data.draw(strategy)
    out = to_dict(obj)
    assert out[SCHEMA_KEY] == SCHEMA_VERSION
    assert out[TYPE_KEY] == type(obj).__name__
    assert _plain(out)
    assert from_dict(type(obj), out) == obj
    assert from_dict(type(obj), _via_json(out)) == obj


def _real_bounds(field: attrs.Attribute[Any]) -> _Real | None:
    """The ``real()`` validator of a model field, if it has one."""
    v: Any = field.validator
    for inner in getattr(v, "_validators", (v,)):
        if isinstance(inner, _Real):
            return inner
    return None


def _exact_numbers(rule: _Real) -> st.SearchStrategy[Any]:
    """Numbers the constructors accept that no float holds exactly (and numpy ones)."""
    lo = rule.ge if rule.ge is not None else rule.gt
    hi = rule.le if rule.le is not None else rule.lt
    big = 10**300
    lo_f = Fraction(-big) if lo is None else Fraction(lo)
    hi_f = Fraction(big) if hi is None else Fraction(hi)
    ints = st.integers(math.ceil(lo_f), math.floor(hi_f))
    return st.one_of(
        ints,
        ints.filter(lambda n: abs(n) > 2**53),  # no float equals most of these
        st.just(2**53 + 1).filter(lambda n: lo_f <= n <= hi_f),
        st.fractions(min_value=lo_f, max_value=hi_f, max_denominator=10**40),
        ints.filter(lambda n: abs(n) < 2**62).map(np.int64),
        st.floats(max(float(lo_f), -(2.0**127)), min(float(hi_f), 2.0**127), width=32).map(
            np.float32
        ),
        st.fractions(min_value=lo_f, max_value=hi_f, max_denominator=1000).map(
            lambda f: np.longdouble(f.numerator) / np.longdouble(f.denominator)
        ),
    ).filter(lambda x: (rule.gt is None or x > rule.gt) and (rule.lt is None or x < rule.lt))


@pytest.mark.parametrize("strategy", PER_TYPE, ids=lambda s: repr(s).split("(")[0])
@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(data=st.data())
def test_round_trip_is_exact_for_every_number_the_constructors_accept(
    strategy: st.SearchStrategy[Any], data: st.DataObject
) -> None:
    obj = data.draw(strategy)
    changes = {
        f.alias or f.name: data.draw(_exact_numbers(rule), label=f.name)
        for f in attrs.fields(type(obj))
        if f.init and (rule := _real_bounds(f)) is not None
    }
    if changes:
        try:
            obj = attrs.evolve(obj, **changes)
        except InvalidValueError:  # e.g. a longdouble just outside a bound
            return
    out = to_dict(obj)
    assert _plain(out)
    back = from_dict(type(obj), _via_json(out))
    assert back == obj
    assert hash(back) == hash(obj)
    assert to_dict(back) == out


@pytest.mark.parametrize(
    ("amount", "written"),
    [
        (10**20 + 1, 10**20 + 1),
        (2**53 + 1, 2**53 + 1),
        (Fraction(1, 3), {"fraction": "1/3"}),
        (Fraction(-7, 3), {"fraction": "-7/3"}),
        (Fraction(1, 2), 0.5),
        (np.int64(2**62 + 1), 2**62 + 1),
    ],
)
def test_numbers_no_float_holds_are_written_exactly(amount: Any, written: Any) -> None:
    m = Money(amount, "USD")
    out = to_dict(m)
    assert out["amount"] == written
    assert type(out["amount"]) is type(written)
    assert from_dict(Money, _via_json(out)) == m


def test_required_capacity_beyond_2_to_53_round_trips() -> None:
    c = Commitment.propose("C1", "A1", "Migration", "U1", T0, 2**53 + 1, at=T0)
    back = from_dict(Commitment, _via_json(to_dict(c)))
    assert back == c
    assert back.required_capacity == 2**53 + 1


@pytest.mark.parametrize(
    ("amount", "error", "text"),
    [
        ({"fraction": "1/0"}, InvalidValueError, "has a zero denominator"),
        ({"fraction": "a/3"}, InvalidValueError, "must hold a fraction"),
        ({"fraction": 3}, InvalidTypeError, "must be a number or"),
        ({"fraction": "1/3", "x": 1}, InvalidTypeError, "must be a number or"),
        ({"fraction": "1" * 5000 + "/3"}, InvalidValueError, "has too many digits"),
        ({"fraction": "1" + "0" * 400 + "/3"}, InvalidValueError, "is too large for a float"),
    ],
)
def test_malformed_fractions_are_typed_errors(amount: Any, error: type, text: str) -> None:
    doc = {SCHEMA_KEY: 1, TYPE_KEY: "Money", "amount": amount, "currency": "USD"}
    with pytest.raises(error, match=rf"Money\.amount: {text}"):
        from_dict(Money, doc)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(ks.portfolios())
def test_portfolio_round_trips_through_json(pf: Portfolio) -> None:
    out = to_dict(pf)
    assert _plain(out)
    text = json.dumps(out, allow_nan=False)
    back = from_dict(Portfolio, json.loads(text))
    assert back == pf
    assert to_dict(back) == out  # the form is canonical: a second trip changes nothing


@given(ks.accounts())
def test_to_dict_does_not_mutate_and_from_dict_does_not_mutate(acc: Account) -> None:
    out = to_dict(acc)
    before = copy.deepcopy(out)
    from_dict(Account, out)
    assert out == before


def test_format_of_a_small_portfolio() -> None:
    out = to_dict(_small_portfolio())
    assert list(out)[:2] == [SCHEMA_KEY, TYPE_KEY]
    acc: Any = out["accounts"]
    assert acc[0]["cooperation_start"] == "2023-01-15"
    assert acc[0]["size_band"] == "large"
    assert type(acc[0]["size_band"]) is str
    assert acc[0]["figures"][0]["period"] == {"year": 2024, "quarter": 1}
    assert acc[0]["figures"][0]["revenue"] == {"amount": 1000.0, "currency": "USD"}
    assert acc[0]["risk_signals"][0]["at"] == "2024-03-01T09:30:00+08:00"
    assert [s["kind"] for s in acc[0]["risk_signals"]] == ["budget_frozen", "new_cfo"]
    assert "_index" not in out
    assert "index" not in out


def test_open_str_field_with_enum_converter_round_trips_exactly() -> None:
    known, other = RiskSignal("budget_frozen", T0), RiskSignal("new_cfo", T0)
    assert from_dict(RiskSignal, to_dict(known)).kind is RiskKind.BUDGET_FROZEN
    assert from_dict(RiskSignal, to_dict(other)).kind == "new_cfo"


def test_aware_datetime_keeps_its_offset() -> None:
    survey = SatisfactionSurvey(T0, 80)
    back = from_dict(SatisfactionSurvey, _via_json(to_dict(survey)))
    assert back == survey
    assert back.at.utcoffset() == dt.timedelta(hours=8)


def test_int_accepted_for_float_field() -> None:
    data = {SCHEMA_KEY: 1, TYPE_KEY: "Money", "amount": 7, "currency": "USD"}
    assert from_dict(Money, data) == Money(7.0, "USD")


def test_round_trip_of_1000_accounts_is_fast() -> None:
    accounts = [
        Account(
            f"A{i}",
            f"Account {i}",
            industry="manufacturing",
            region="east",
            size_band="large",
            cooperation_start=dt.date(2020, 1, 1),
            figures=[
                PeriodFigures(Quarter(2023 + q // 4, q % 4 + 1), _usd(1e5), _usd(3e4), _usd(5e3))
                for q in range(8)
            ],
            surveys=[SatisfactionSurvey(T0, 75)],
            nps=[NpsResponse(T0, 9)],
            risk_signals=[RiskSignal("late_delivery", T0)],
        )
        for i in range(1000)
    ]
    pf = Portfolio(accounts)
    start = time.perf_counter()
    back = from_dict(Portfolio, json.loads(json.dumps(to_dict(pf))))
    elapsed = time.perf_counter() - start
    assert back == pf
    assert elapsed < 3.0, f"1000-account round trip took {elapsed:.2f}s"


# ------------------------------------------------------------------ bad input: one failure each


def _check(
    exc_info: pytest.ExceptionInfo[BaseException],
    cls: type[FieldError],
    path: str,
    value: object,
) -> None:
    err = _one(exc_info.value)
    assert type(err) is cls, repr(err)
    assert err.path == path
    assert err.value == value or (err.value != err.value and value != value)
    assert path in str(err)
    assert repr(value)[:20] in str(err)


def test_unknown_key() -> None:
    doc = _doc()
    doc["accounts"][0]["colour"] = "red"
    with pytest.raises(InvalidValueError) as info:
        from_dict(Portfolio, doc)
    _check(info, InvalidValueError, "Portfolio.accounts[0].colour", "red")
    assert "is not a field of Account" in str(info.value)


def test_int_where_str_expected() -> None:
    doc = _doc()
    doc["people"][1]["name"] = 42
    with pytest.raises(InvalidTypeError) as info:
        from_dict(Portfolio, doc)
    _check(info, InvalidTypeError, "Portfolio.people[1].name", 42)


def test_bool_where_int_expected() -> None:
    doc = _doc()
    doc["accounts"][0]["figures"][1]["period"]["year"] = True
    with pytest.raises(InvalidTypeError) as info:
        from_dict(Portfolio, doc)
    _check(info, InvalidTypeError, "Portfolio.accounts[0].figures[1].period.year", True)


def test_bool_where_float_expected() -> None:
    data = {SCHEMA_KEY: 1, TYPE_KEY: "Money", "amount": False, "currency": "USD"}
    with pytest.raises(InvalidTypeError) as info:
        from_dict(Money, data)
    _check(info, InvalidTypeError, "Money.amount", False)


def test_float_where_int_expected() -> None:
    data = {SCHEMA_KEY: 1, TYPE_KEY: "Quarter", "year": 2024.0, "quarter": 1}
    with pytest.raises(InvalidTypeError) as info:
        from_dict(Quarter, data)
    _check(info, InvalidTypeError, "Quarter.year", 2024.0)


def test_missing_required_field() -> None:
    doc = _doc()
    del doc["accounts"][1]["name"]
    with pytest.raises(InvalidValueError) as info:
        from_dict(Portfolio, doc)
    _check(info, InvalidValueError, "Portfolio.accounts[1].name", MISSING)
    assert "is required by Account" in str(info.value)


def test_missing_optional_field_takes_the_default() -> None:
    doc = _doc()
    del doc["accounts"][1]["needs"]
    assert from_dict(Portfolio, doc) == _small_portfolio()


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), float("-inf")])
def test_non_finite_float(bad: float) -> None:
    doc = _doc()
    doc["accounts"][0]["figures"][0]["revenue"]["amount"] = bad
    with pytest.raises(InvalidValueError) as info:
        from_dict(Portfolio, doc)
    _check(info, InvalidValueError, "Portfolio.accounts[0].figures[0].revenue.amount", bad)
    assert "must be finite" in str(info.value)


def test_non_finite_float_parsed_from_json_text() -> None:
    text = json.dumps(to_dict(Money(1.0, "USD"))).replace("1.0", "NaN")
    with pytest.raises(InvalidValueError, match=r"Money\.amount: must be finite; got nan"):
        from_dict(Money, json.loads(text))


def test_huge_int_for_float() -> None:
    data = {SCHEMA_KEY: 1, TYPE_KEY: "Money", "amount": 10**400, "currency": "USD"}
    with pytest.raises(InvalidValueError, match=r"Money\.amount: is too large"):
        from_dict(Money, data)


def test_naive_datetime() -> None:
    doc = _doc()
    doc["accounts"][0]["risk_signals"][1]["at"] = "2024-03-01T09:30:00"
    with pytest.raises(InvalidValueError) as info:
        from_dict(Portfolio, doc)
    _check(
        info, InvalidValueError, "Portfolio.accounts[0].risk_signals[1].at", "2024-03-01T09:30:00"
    )
    assert "timezone-aware" in str(info.value)


@pytest.mark.parametrize("bad", ["2024-13-01", "yesterday", "", "2024-01-01T10:00:00+00:00"])
def test_bad_date_string(bad: str) -> None:
    doc = _doc()
    doc["accounts"][0]["cooperation_start"] = bad
    with pytest.raises(InvalidValueError) as info:
        from_dict(Portfolio, doc)
    _check(info, InvalidValueError, "Portfolio.accounts[0].cooperation_start", bad)


def test_date_given_as_number() -> None:
    doc = _doc()
    doc["accounts"][0]["cooperation_start"] = 20240101
    with pytest.raises(InvalidTypeError) as info:
        from_dict(Portfolio, doc)
    _check(info, InvalidTypeError, "Portfolio.accounts[0].cooperation_start", 20240101)


def test_bad_datetime_string() -> None:
    doc = _doc()
    doc["commitments"][0]["due"] = "soon"
    with pytest.raises(InvalidValueError) as info:
        from_dict(Portfolio, doc)
    _check(info, InvalidValueError, "Portfolio.commitments[0].due", "soon")


def test_unknown_enum_value() -> None:
    doc = _doc()
    doc["people"][2]["side"] = "partner"
    with pytest.raises(InvalidValueError) as info:
        from_dict(Portfolio, doc)
    _check(info, InvalidValueError, "Portfolio.people[2].side", "partner")
    assert "'our_staff'" in str(info.value)


def test_enum_given_as_number() -> None:
    doc = _doc()
    doc["accounts"][0]["size_band"] = 3
    with pytest.raises(InvalidTypeError) as info:
        from_dict(Portfolio, doc)
    _check(info, InvalidTypeError, "Portfolio.accounts[0].size_band", 3)


def test_list_where_object_expected() -> None:
    doc = _doc()
    doc["accounts"][0]["figures"][0]["revenue"] = [1, "USD"]
    with pytest.raises(InvalidTypeError) as info:
        from_dict(Portfolio, doc)
    _check(info, InvalidTypeError, "Portfolio.accounts[0].figures[0].revenue", [1, "USD"])


def test_string_where_list_expected() -> None:
    doc = _doc()
    doc["accounts"][0]["cooperation_areas"] = "cloud"
    with pytest.raises(InvalidTypeError) as info:
        from_dict(Portfolio, doc)
    _check(info, InvalidTypeError, "Portfolio.accounts[0].cooperation_areas", "cloud")


@pytest.mark.parametrize("version", [0, 2, "1", 1.0, True, None])
def test_schema_version_mismatch(version: object) -> None:
    doc = _doc()
    doc[SCHEMA_KEY] = version
    with pytest.raises(InvalidValueError) as info:
        from_dict(Portfolio, doc)
    _check(info, InvalidValueError, "Portfolio.kamlib_schema", version)


def test_schema_version_missing() -> None:
    doc = _doc()
    del doc[SCHEMA_KEY]
    with pytest.raises(InvalidValueError) as info:
        from_dict(Portfolio, doc)
    _check(info, InvalidValueError, "Portfolio.kamlib_schema", MISSING)


def test_wrong_type_name() -> None:
    data = _via_json(to_dict(Quarter(2024, 1)))
    with pytest.raises(InvalidValueError) as info:
        from_dict(Money, data)
    _check(info, InvalidValueError, "Money.kamlib_type", "Quarter")


def test_top_level_not_a_dict() -> None:
    with pytest.raises(InvalidTypeError) as info:
        from_dict(Portfolio, [1, 2])
    _check(info, InvalidTypeError, "Portfolio", [1, 2])


def test_model_validator_failure_is_re_pathed() -> None:
    doc = _doc()
    doc["accounts"][0]["figures"][0]["period"]["quarter"] = 5
    with pytest.raises(InvalidValueError) as info:
        from_dict(Portfolio, doc)
    _check(info, InvalidValueError, "Portfolio.accounts[0].figures[0].period.quarter", 5)
    assert "[1, 4]" in str(info.value)


def test_post_init_failure_is_re_pathed() -> None:
    doc = _doc()
    doc["accounts"][0]["figures"][1]["cost_to_serve"]["currency"] = "EUR"
    with pytest.raises(CurrencyMismatchError) as info:
        from_dict(Portfolio, doc)
    _check(
        info,
        CurrencyMismatchError,
        "Portfolio.accounts[0].figures[1].cost_to_serve.currency",
        "EUR",
    )


def test_illegal_transition_is_re_pathed() -> None:
    doc = _doc()
    doc["commitments"][0]["history"].append({"to_state": "accepted", "at": T0.isoformat()})
    with pytest.raises(IllegalTransitionError) as info:
        from_dict(Portfolio, doc)
    _check(info, IllegalTransitionError, "Portfolio.commitments[0].history[1].to_state", "accepted")


def test_integrity_failures_stay_a_group() -> None:
    doc = _doc()
    doc["people"][1]["account_id"] = "A9"
    with pytest.raises(KamlibValidationError) as info:
        from_dict(Portfolio, doc)
    (err,) = info.value.exceptions
    assert isinstance(err, DanglingReferenceError)
    assert err.path == "Portfolio.people[1].account_id"
    assert err.value == "A9"


def test_nested_path_inside_a_non_root_object() -> None:
    data = _via_json(to_dict(_small_portfolio().accounts[0]))
    data["figures"][1]["revenue"]["amount"] = "lots"
    with pytest.raises(InvalidTypeError) as info:
        from_dict(Account, data)
    _check(info, InvalidTypeError, "Account.figures[1].revenue.amount", "lots")


# ------------------------------------------------------------------ bad input: collected


def test_every_failure_is_collected() -> None:
    doc = _doc()
    doc["accounts"][0]["figures"][1]["revenue"]["amount"] = float("nan")
    doc["accounts"][1]["size_band"] = "huge"
    doc["people"][0]["colour"] = "red"
    del doc["people"][2]["name"]
    doc["commitments"][0]["due"] = "2024-01-01T00:00:00"
    with pytest.raises(KamlibValidationError) as info:
        from_dict(Portfolio, doc)
    errors = info.value.exceptions
    assert all(isinstance(e, FieldError) for e in errors)
    found = {(type(e).__name__, e.path) for e in errors if isinstance(e, FieldError)}
    assert found == {
        ("InvalidValueError", "Portfolio.accounts[0].figures[1].revenue.amount"),
        ("InvalidValueError", "Portfolio.accounts[1].size_band"),
        ("InvalidValueError", "Portfolio.people[0].colour"),
        ("InvalidValueError", "Portfolio.people[2].name"),
        ("InvalidValueError", "Portfolio.commitments[0].due"),
    }
    assert "5 invalid values" in str(info.value)


def test_failures_within_one_record_are_collected() -> None:
    data = {SCHEMA_KEY: 1, TYPE_KEY: "Quarter", "year": "2024", "quarter": None, "q": 1}
    with pytest.raises(KamlibValidationError) as info:
        from_dict(Quarter, data)
    paths = sorted(e.path for e in info.value.exceptions if isinstance(e, FieldError))
    assert paths == ["Quarter.q", "Quarter.quarter", "Quarter.year"]


def test_schema_and_type_failures_are_reported_together() -> None:
    with pytest.raises(KamlibValidationError) as info:
        from_dict(Money, {SCHEMA_KEY: 9, TYPE_KEY: "Quarter"})
    paths = [e.path for e in info.value.exceptions if isinstance(e, FieldError)]
    assert paths == ["Money.kamlib_schema", "Money.kamlib_type"]


# ------------------------------------------------------------------ garbage in

JSON_LEAVES = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=12)
    | st.sampled_from(["2024-01-01", "2024-01-01T00:00:00+00:00", "USD", "large", "A1"])
)
JSON_VALUES = st.recursive(
    JSON_LEAVES,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)
MODEL_TYPES = [
    Money,
    Quarter,
    PeriodFigures,
    RiskSignal,
    Account,
    KeyPerson,
    Relationship,
    Commitment,
    ProgressUpdate,
    Complaint,
    Portfolio,
]


def _garbage_for(cls: type) -> st.SearchStrategy[Any]:
    keys = [a.name for a in attrs.fields(cls) if a.init]
    body = st.dictionaries(st.sampled_from(keys) | st.text(max_size=6), JSON_VALUES, max_size=6)
    return body.map(lambda d: {SCHEMA_KEY: 1, TYPE_KEY: cls.__name__, **d}) | JSON_VALUES


@pytest.mark.parametrize("cls", MODEL_TYPES, ids=lambda c: c.__name__)
@given(data=st.data())
def test_garbage_raises_only_kamlib_errors(cls: type, data: st.DataObject) -> None:
    garbage = data.draw(_garbage_for(cls))
    try:
        obj: object = from_dict(cls, garbage)
    except KamlibError as err:
        _assert_pathed(err, cls.__name__)
    else:
        assert isinstance(obj, cls)


def _assert_pathed(err: BaseException, root: str) -> None:
    if isinstance(err, KamlibValidationError):
        for sub in err.exceptions:
            _assert_pathed(sub, root)
    else:
        assert isinstance(err, FieldError), repr(err)
        assert err.path.startswith(root), err.path


def _leaf_paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _leaf_paths(v, (*prefix, k))] or [prefix]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _leaf_paths(v, (*prefix, i))] or [prefix]
    return [prefix]


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(ks.portfolios(max_accounts=2), st.data())
@example(_small_portfolio(), None).via("a bool in a nested int field")
def test_mutated_document_raises_only_kamlib_errors(
    pf: Portfolio, data: st.DataObject | None
) -> None:
    doc = _via_json(to_dict(pf))
    paths = [p for p in _leaf_paths(doc) if p]
    if data is None:
        path: tuple[Any, ...] = ("accounts", 0, "figures", 0, "period", "year")
        replacement: Any = True
    else:
        path = data.draw(st.sampled_from(paths))
        replacement = data.draw(JSON_VALUES)
    target = doc
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = replacement
    try:
        from_dict(Portfolio, doc)
    except KamlibError as err:
        _assert_pathed(err, "Portfolio")


# ------------------------------------------------------------------ the Converter itself


class Color(enum.Enum):
    RED = 1
    BLUE = 2


@attrs.frozen
class Point:
    x: float
    y: float = 0.0


@attrs.frozen
class Shape:
    name: str
    points: tuple[Point, ...]
    pair: tuple[int, str]
    tag: int | str | None
    mode: Literal["open", "closed"]
    color: Color
    when: dt.date | dt.datetime
    gap: dt.timedelta | None = None
    _cache: int = attrs.field(init=False, default=0, eq=False)


def _shape(**overrides: Any) -> Shape:
    kwargs: dict[str, Any] = {
        "name": "s",
        "points": (Point(1.0, 2.0),),
        "pair": (1, "a"),
        "tag": "t",
        "mode": "open",
        "color": Color.BLUE,
        "when": T0,
    }
    kwargs.update(overrides)
    return Shape(**kwargs)


def _conv_with_timedelta() -> Converter:
    conv = Converter()
    conv.register_hooks(
        dt.timedelta,
        structure=lambda v, path: dt.timedelta(seconds=v),
        unstructure=lambda td: td.total_seconds(),
    )
    return conv


@pytest.mark.parametrize(
    "shape",
    [
        _shape(),
        _shape(tag=3, when=dt.date(2024, 1, 1), gap=dt.timedelta(minutes=2)),
        _shape(tag=None, mode="closed", color=Color.RED, points=()),
    ],
)
def test_converter_handles_unions_literals_fixed_tuples_and_hooks(shape: Shape) -> None:
    conv = _conv_with_timedelta()
    out = conv.to_dict(shape)
    assert _plain(out)
    assert "_cache" not in out
    assert "cache" not in out
    assert conv.from_dict(Shape, _via_json(out)) == shape


def test_union_reports_all_arms() -> None:
    conv = _conv_with_timedelta()
    out = _via_json(conv.to_dict(_shape()))
    out["tag"] = 1.5
    with pytest.raises(InvalidTypeError, match=r"Shape\.tag: must be int or str or null"):
        conv.from_dict(Shape, out)


def test_literal_rejects_other_values() -> None:
    conv = _conv_with_timedelta()
    out = _via_json(conv.to_dict(_shape()))
    out["mode"] = "ajar"
    with pytest.raises(InvalidValueError, match=r"Shape\.mode"):
        conv.from_dict(Shape, out)


def test_fixed_tuple_length_is_checked() -> None:
    conv = _conv_with_timedelta()
    out = _via_json(conv.to_dict(_shape()))
    out["pair"] = [1]
    with pytest.raises(InvalidValueError, match=r"Shape\.pair: must have exactly 2 items"):
        conv.from_dict(Shape, out)


def test_non_str_enum_rejects_unhashable_values() -> None:
    conv = _conv_with_timedelta()
    out = _via_json(conv.to_dict(_shape()))
    out["color"] = [1]
    with pytest.raises(InvalidTypeError, match=r"Shape\.color"):
        conv.from_dict(Shape, out)


def test_foreign_exception_in_a_hook_is_wrapped() -> None:
    conv = _conv_with_timedelta()
    out = _via_json(conv.to_dict(_shape(gap=dt.timedelta(1))))
    out["gap"] = "a day"
    with pytest.raises(InvalidValueError, match=r"Shape\.gap: is not a valid timedelta"):
        conv.from_dict(Shape, out)


def test_unsupported_type_is_a_kamlib_error() -> None:
    with pytest.raises(InvalidTypeError, match="not a type the plain-data form supports"):
        Converter().to_dict(_shape(gap=dt.timedelta(1)))


def test_converters_are_independent_values() -> None:
    conv = _conv_with_timedelta()
    conv.to_dict(_shape(gap=dt.timedelta(1)))
    with pytest.raises(InvalidTypeError):
        default_converter.to_dict(_shape(gap=dt.timedelta(1)))


def test_custom_schema_version() -> None:
    conv = Converter(schema_version=2)
    out = conv.to_dict(Quarter(2024, 1))
    assert out[SCHEMA_KEY] == 2
    assert conv.from_dict(Quarter, out) == Quarter(2024, 1)
    with pytest.raises(InvalidValueError, match="kamlib_schema"):
        from_dict(Quarter, out)
    assert repr(conv) == "Converter(schema_version=2)"


def test_to_dict_rejects_non_model_objects() -> None:
    with pytest.raises(InvalidTypeError, match="to_dict"):
        to_dict({"a": 1})


def test_from_dict_rejects_non_model_classes() -> None:
    with pytest.raises(InvalidTypeError, match=r"from_dict\.cls"):
        from_dict(dict, {})


def test_structure_and_unstructure_of_bare_hints() -> None:
    assert default_converter.unstructure((T0,), tuple[dt.datetime, ...]) == [T0.isoformat()]
    assert default_converter.structure(["2024-01-01"], tuple[dt.date, ...], "d") == (
        dt.date(2024, 1, 1),
    )


def test_errors_and_missing_pickle() -> None:
    assert pickle.loads(pickle.dumps(MISSING)) is MISSING
    doc = _doc()
    del doc["accounts"][1]["name"]
    with pytest.raises(InvalidValueError) as info:
        from_dict(Portfolio, doc)
    again = pickle.loads(pickle.dumps(info.value))
    assert (again.path, again.value) == ("Portfolio.accounts[1].name", MISSING)


@attrs.frozen
class Label:
    text: str
    note: str | None = None


def test_a_hook_for_a_primitive_type_is_honoured() -> None:
    conv = Converter()
    conv.register_hooks(str, structure=lambda v, path: str(v).upper(), unstructure=str.lower)
    out = conv.to_dict(Label("Ab", "Cd"))
    assert (out["text"], out["note"]) == ("ab", "cd")
    assert conv.from_dict(Label, out) == Label("AB", "CD")
    assert from_dict(Label, to_dict(Label("Ab"))) == Label("Ab")


# ------------------------------------------------------------------ review regressions

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
AMBIGUOUS = dt.datetime(2024, 10, 27, 2, 30, tzinfo=BERLIN)  # clocks go back: twice
SKIPPED = dt.datetime(2024, 3, 31, 2, 30, tzinfo=BERLIN)  # clocks go forward: never


@given(
    st.datetimes(
        min_value=dt.datetime(1900, 1, 1),
        max_value=dt.datetime(2100, 1, 1),
        timezones=st.sampled_from(
            [
                BERLIN,
                zoneinfo.ZoneInfo("America/New_York"),
                zoneinfo.ZoneInfo("Australia/Lord_Howe"),
            ]
        ),
        allow_imaginary=True,
    )
)
@example(AMBIGUOUS)
@example(AMBIGUOUS.replace(fold=1))
@example(SKIPPED)
@example(SKIPPED.replace(fold=1))
def test_zoneinfo_datetimes_round_trip_even_at_dst_folds_and_gaps(at: dt.datetime) -> None:
    survey = SatisfactionSurvey(at, 50)
    out = to_dict(survey)
    back = from_dict(SatisfactionSurvey, _via_json(out))
    assert back == survey
    assert back.at.tzinfo is at.tzinfo
    assert back.at.utcoffset() == at.utcoffset()
    assert to_dict(back) == out


def test_zoneinfo_datetime_form_names_the_zone() -> None:
    out = to_dict(SatisfactionSurvey(AMBIGUOUS.replace(fold=1), 50))
    assert out["at"] == "2024-10-27T02:30:00+01:00[Europe/Berlin]"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2024-06-01T12:00:00+02:00[Mars/Olympus]", "unknown time zone"),
        ("2024-06-01T12:00:00+02:00[../../etc/passwd]", "malformed time zone"),
        ("2024-06-01T12:00:00+02:00[]", "malformed time zone"),
        ("2024-06-01T12:00:00+05:00[Europe/Berlin]", "never uses"),
        ("2024-06-01T12:00:00[Europe/Berlin]", "timezone-aware"),
        ("garbage[Europe/Berlin]", "ISO-8601"),
    ],
)
def test_bad_zone_suffix_is_a_pathed_value_error(text: str, reason: str) -> None:
    data = {SCHEMA_KEY: 1, TYPE_KEY: "SatisfactionSurvey", "at": text, "score": 5}
    with pytest.raises(InvalidValueError, match=reason) as info:
        from_dict(SatisfactionSurvey, data)
    assert info.value.path == "SatisfactionSurvey.at"


@pytest.mark.parametrize("cls", [Money(1, "USD"), "Money", 3, Money.zero])
def test_from_dict_with_a_non_class_is_a_type_error(cls: Any) -> None:
    with pytest.raises(InvalidTypeError, match=r"from_dict\.cls"):
        from_dict(cls, {})


def test_numpy_scalars_are_numbers_in_from_dict() -> None:
    money = {SCHEMA_KEY: 1, TYPE_KEY: "Money", "amount": np.float64(2.5), "currency": "USD"}
    assert from_dict(Money, money) == Money(2.5, "USD")
    assert type(from_dict(Money, money).amount) is float
    quarter = {SCHEMA_KEY: 1, TYPE_KEY: "Quarter", "year": np.int64(2024), "quarter": 1}
    assert type(from_dict(Quarter, quarter).year) is int


@pytest.mark.parametrize(
    ("value", "error"),
    [
        (np.float64("nan"), InvalidValueError),
        (np.float32("inf"), InvalidValueError),
        (np.bool_(True), InvalidTypeError),
    ],
)
def test_numpy_non_finite_and_bool_are_refused(value: object, error: type[Exception]) -> None:
    money = {SCHEMA_KEY: 1, TYPE_KEY: "Money", "amount": value, "currency": "USD"}
    with pytest.raises(error, match=r"Money\.amount"):
        from_dict(Money, money)


def test_to_dict_of_numpy_scalars_is_plain() -> None:
    rel = Relationship("P1", "P2", "influences", np.float32(0.5))  # type: ignore[arg-type]
    out = to_dict(rel)
    assert type(out["strength"]) is float
    assert _plain(out)
    assert from_dict(Relationship, out) == rel
    money = Money(np.float64(3.25), "USD")
    assert type(to_dict(money)["amount"]) is float


# ------------------------------------------------------------------ complaints and progress updates

H = dt.timedelta(hours=1)


def _complaint_portfolio() -> Portfolio:
    """The small portfolio with a progress update and a red-channel complaint."""
    pf = _small_portfolio()
    c = pf.commitments[0].transition("committed", T0 + H).report_progress(T0 + 168 * H, "week 1")
    q = Complaint(
        "Q1",
        "A1",
        "U1",
        T0,
        "Invoice run failed",
        channel="red",
        severity="high",
        acknowledged_at=(T0 + H).astimezone(UTC),
        options=("refund", "credit note"),
        options_at=T0 + 20 * H,
        improvement_commitment="nightly reconciliation",
        person_id="P1",
    )
    return attrs.evolve(pf, commitments=[c], complaints=[q])


def test_complaints_and_progress_updates_round_trip_through_json() -> None:
    pf = _complaint_portfolio()
    out: Any = to_dict(pf)
    assert _plain(out)
    q = out["complaints"][0]
    assert (q["channel"], q["severity"]) == ("red", "high")
    assert q["options"] == ["refund", "credit note"]
    assert q["acknowledged_at"] == "2024-03-01T02:30:00+00:00"
    assert q["resolved_at"] is None
    assert out["commitments"][0]["progress_updates"] == [
        {"at": "2024-03-08T09:30:00+08:00", "note": "week 1"}
    ]
    back = from_dict(Portfolio, _via_json(out))
    assert back == pf
    acknowledged = back.complaints[0].acknowledged_at
    assert acknowledged is not None
    assert acknowledged.utcoffset() == dt.timedelta(0)
    assert to_dict(back) == out


def test_a_portfolio_written_before_complaints_existed_still_loads() -> None:
    doc = _doc()
    del doc["complaints"]
    for commitment in doc["commitments"]:
        del commitment["progress_updates"]
    pf = from_dict(Portfolio, doc)
    assert pf == _small_portfolio()
    assert pf.complaints == ()
    assert pf.commitments[0].progress_updates == ()


def _complaint_doc() -> Any:
    return _via_json(to_dict(_complaint_portfolio()))


def test_a_complaint_time_before_its_receipt_is_re_pathed() -> None:
    doc = _complaint_doc()
    doc["complaints"][0]["resolved_at"] = (T0 - H).isoformat()
    with pytest.raises(InvalidValueError) as info:
        from_dict(Portfolio, doc)
    _check(info, InvalidValueError, "Portfolio.complaints[0].resolved_at", T0 - H)


def test_options_without_their_time_are_re_pathed() -> None:
    doc = _complaint_doc()
    del doc["complaints"][0]["options_at"]
    with pytest.raises(InvalidValueError) as info:
        from_dict(Portfolio, doc)
    _check(info, InvalidValueError, "Portfolio.complaints[0].options_at", None)


def test_an_unknown_complaint_channel_is_re_pathed() -> None:
    doc = _complaint_doc()
    doc["complaints"][0]["channel"] = "purple"
    with pytest.raises(InvalidValueError) as info:
        from_dict(Portfolio, doc)
    _check(info, InvalidValueError, "Portfolio.complaints[0].channel", "purple")


def test_a_progress_update_before_the_commitment_began_is_re_pathed() -> None:
    doc = _complaint_doc()
    doc["commitments"][0]["progress_updates"][0]["at"] = (T0 - H).isoformat()
    with pytest.raises(InvalidValueError) as info:
        from_dict(Portfolio, doc)
    _check(info, InvalidValueError, "Portfolio.commitments[0].progress_updates[0].at", T0 - H)


def test_complaint_integrity_failures_stay_a_group() -> None:
    doc = _complaint_doc()
    doc["complaints"][0]["owner_id"] = "P2"
    with pytest.raises(KamlibValidationError) as info:
        from_dict(Portfolio, doc)
    (err,) = info.value.exceptions
    assert isinstance(err, IntegrityError)
    assert (err.path, err.value) == ("Portfolio.complaints[0].owner_id", "P2")


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(ks.portfolios(max_accounts=3, with_complaints=True, max_updates=2))
def test_portfolios_with_complaints_round_trip_through_json(pf: Portfolio) -> None:
    out = to_dict(pf)
    assert _plain(out)
    back = from_dict(Portfolio, json.loads(json.dumps(out, allow_nan=False)))
    assert back == pf
    assert to_dict(back) == out
