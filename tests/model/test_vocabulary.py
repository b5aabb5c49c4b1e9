"""The model keeps to the type vocabulary kamlib.serde relies on."""

from __future__ import annotations

import datetime as dt
import enum
import pickle
import types
import typing
from typing import Any

import attrs
import pytest

import kamlib.model as model

CLASSES = [
    obj
    for name in model.__all__
    if attrs.has(obj := getattr(model, name)) and isinstance(obj, type)
]
ENUMS = [
    obj
    for name in model.__all__
    if isinstance(obj := getattr(model, name), type) and issubclass(obj, enum.Enum)
]
PLAIN = {str, int, float, bool, type(None), dt.date, dt.datetime}


def allowed(hint: object) -> bool:
    if hint in PLAIN:
        return True
    if isinstance(hint, type) and (issubclass(hint, enum.StrEnum) or attrs.has(hint)):
        return hint.__module__.startswith("kamlib.model")
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is tuple:
        return len(args) == 2 and args[1] is Ellipsis and allowed(args[0])
    if origin is types.UnionType or origin is typing.Union:
        return type(None) in args and len(args) == 2 and all(allowed(a) for a in args)
    return False


def test_every_public_class_found() -> None:
    assert len(CLASSES) == 22  # 19 + Purchase (issue 10) + ProgressUpdate, Complaint (11)
    assert all(issubclass(e, enum.StrEnum) for e in ENUMS)


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_fields_use_the_vocabulary(cls: type) -> None:
    hints = typing.get_type_hints(cls)
    for field in attrs.fields(cls):
        if field.name.startswith("_"):
            assert field.init is False
            assert field.eq is False
            continue
        assert field.init, f"{cls.__name__}.{field.name}"
        assert allowed(hints[field.name]), f"{cls.__name__}.{field.name}: {hints[field.name]}"
        if isinstance(field.default, attrs.Factory):  # type: ignore[arg-type]
            pytest.fail(f"{cls.__name__}.{field.name} has a default factory")


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_frozen_slotted(cls: type) -> None:
    assert "__slots__" in cls.__dict__
    assert "__setattr__" in cls.__dict__  # attrs' frozen guard


def test_every_instance_refuses_setattr() -> None:
    t = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    usd = model.Money(1, "USD")
    q = model.Quarter(2024, 1)
    instances: list[Any] = [
        usd,
        q,
        model.PeriodFigures(q, usd, usd, usd),
        model.StrategicAttributes(1, 1, 1),
        model.SatisfactionSurvey(t, 80),
        model.NpsResponse(t, 8),
        model.RiskSignal("budget_frozen", t),
        model.Need("N", "n", "explicit", 1, 1),
        model.Account(
            "A",
            "A",
            industry="x",
            region="y",
            size_band="small",
            cooperation_start=dt.date(2024, 1, 1),
        ),
        model.Portrait(1, 1, 1),
        model.KeyPerson("U", "U", "our_staff"),
        model.Relationship("U", "P", "influences", 0.5),
        model.Transition("proposed", t),
        model.RiskWarning(t, t),
        model.Acceptance(t, ""),
        model.Commitment.propose("C", "A", "x", "U", t, 1, at=t),
        model.Interaction("I", "A", t, ["U"], [], "email", "operational", "neutral"),
        model.Opportunity("O", "A", "x", usd, "lead"),
        model.Purchase("S", "A", t, usd),
        model.ProgressUpdate(t),
        model.Complaint("Q", "A", "U", t, "x"),
        model.Portfolio(),
    ]
    assert {type(i) for i in instances} == set(CLASSES)
    for inst in instances:
        name = attrs.fields(type(inst))[0].name
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            setattr(inst, name, None)
        assert pickle.loads(pickle.dumps(inst)) == inst
        hash(inst)
