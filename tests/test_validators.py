"""The attrs validators behind every model field: typed errors naming Class.field."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

import attrs
import pytest

from kamlib._validators import (
    aware_datetime,
    each,
    flag,
    instance_of,
    integer,
    non_empty_str,
    one_of,
    optional,
    real,
)
from kamlib.errors import InvalidTypeError, InvalidValueError
from kamlib.model import Side
from kamlib.model._checks import currency_code, member_of, plain_date, unique_items
from kamlib.model._fast import fast_test


def test_real_validator_refuses_huge_ints_and_bools() -> None:
    @attrs.frozen
    class Box:
        x: float = attrs.field(validator=real(ge=0.0))

    assert Box(3).x == 3
    with pytest.raises(InvalidValueError, match=r"Box\.x: is too large"):
        Box(10**400)
    with pytest.raises(InvalidTypeError, match=r"Box\.x"):
        Box(True)
    with pytest.raises(InvalidValueError, match=r"Box\.x: must be a real number in \[0, inf\)"):
        Box(-1.0)
    with pytest.raises(InvalidValueError, match="finite"):
        Box(float("nan"))


# -- the fast paths: each one accepts only what the full check accepts ---------------


ODD: list[object] = [
    None,
    True,
    0,
    3,
    -1,
    10**400,
    0.5,
    float("nan"),
    float("inf"),
    "",
    " ",
    " a",
    "a",
    ("a",),
    ("a", "a"),
    ("a", ""),
    (),
    ["a"],
    dt.date(2024, 1, 1),
    dt.datetime(2024, 1, 1),
    dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
    dt.datetime(2024, 1, 1, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai")),
    Side.CUSTOMER,
    "customer",
]

VALIDATORS = [
    non_empty_str(),
    instance_of(int),
    instance_of(str, type(None)),
    real(),
    real(ge=0, le=10),
    real(gt=0, lt=1),
    integer(ge=0, le=10),
    one_of("a", "b"),
    flag(),
    aware_datetime(),
    optional(non_empty_str()),
    optional(instance_of(int)),
    optional(member_of(Side)),
    each(non_empty_str()),
    each(instance_of(str)),
    member_of(Side),
    plain_date(),
    optional(plain_date()),
    unique_items(),
    currency_code(),
]


@attrs.frozen
class _Box:
    x: object


def _accepts(validator: Any, value: object) -> bool:
    try:
        validator(_Box(0), attrs.fields(_Box).x, value)
    except (TypeError, ValueError):
        return False
    return True


@pytest.mark.parametrize("validator", VALIDATORS, ids=repr)
@pytest.mark.parametrize("value", ODD, ids=repr)
def test_a_fast_test_holds_only_for_accepted_values(validator: Any, value: object) -> None:
    ns: dict[str, Any] = {}
    test = fast_test(validator, "v", ns)
    assert test is not None
    ns["v"] = value
    if eval(test, ns):  # the generated __init__ evaluates the same text
        assert _accepts(validator, value)


@pytest.mark.parametrize("validator", VALIDATORS, ids=repr)
@pytest.mark.parametrize("value", ODD, ids=repr)
def test_fast_paths_inside_validators_decide_as_before(validator: Any, value: object) -> None:
    batch = getattr(validator, "accepts_all", None)
    if batch is not None and isinstance(value, tuple) and batch(value):
        assert all(_accepts(validator, item) for item in value)
    if value.__class__ in getattr(validator, "exact_types", ()):
        assert _accepts(validator, value)


def test_optional_and_each_keep_their_reprs_and_errors() -> None:
    assert repr(optional(member_of(Side))) == "<optional <member_of validator for Side>>"
    assert repr(each(instance_of(int))) == "<each <instance_of validator for int>>"

    @attrs.frozen
    class Box:
        xs: tuple[int, ...] = attrs.field(validator=each(instance_of(int)))

    with pytest.raises(InvalidTypeError, match=r"Box\.xs\[2\]: must be int; got True"):
        Box((1, 2, True))
