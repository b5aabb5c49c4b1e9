from __future__ import annotations

import datetime as dt

import pytest

from kamlib.errors import InvalidValueError
from kamlib.model import (
    Channel,
    Interaction,
    InteractionLevel,
    Money,
    Opportunity,
    OpportunityStage,
    Outcome,
)

T0 = dt.datetime(2024, 3, 1, 9, tzinfo=dt.UTC)


def test_interaction_converts_strings_and_lists() -> None:
    i = Interaction("I1", "A1", T0, ["U1"], ["P1"], "video", "management", "neutral", note="QBR")
    assert i.our_people == ("U1",)
    assert (i.channel, i.level, i.outcome) == (
        Channel.VIDEO,
        InteractionLevel.MANAGEMENT,
        Outcome.NEUTRAL,
    )


def test_interaction_needs_someone() -> None:
    with pytest.raises(InvalidValueError, match="at least one person"):
        Interaction("I1", "A1", T0, [], [], "email", "operational", "positive")


def test_interaction_people_distinct() -> None:
    with pytest.raises(InvalidValueError, match=r"Interaction\.their_people\[1\]"):
        Interaction("I1", "A1", T0, ["U1"], ["P1", "P1"], "email", "operational", "positive")


def test_opportunity_stage_and_open() -> None:
    o = Opportunity("O1", "A1", "ERP", Money(5e5, "CNY"), "negotiation", ["P1"])
    assert o.stage is OpportunityStage.NEGOTIATION
    assert o.is_open
    assert not Opportunity("O2", "A1", "x", Money(0, "CNY"), "lost").is_open


def test_opportunity_size_non_negative() -> None:
    with pytest.raises(InvalidValueError, match=r"Opportunity\.size\.amount"):
        Opportunity("O1", "A1", "ERP", Money(-1, "CNY"), "lead")
