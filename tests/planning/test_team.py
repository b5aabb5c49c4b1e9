"""The shared team types of `kamlib.planning` (source [002]'s allocation and iron triangle).

Every field of a `TeamMember` refuses bad input with an error naming its path; capacity is
bounded on both sides by 0 and `MAX_CAPACITY`; name sets are sorted and deduplicated; an
`Allocation` holds one member per (account, role), never shows the order it was given in,
and its lookups refuse ids of the wrong type and hand out read-only mappings.
`check_members` and `check_allocation` name the member or assignment at fault. The public
constants carry a docstring whose examples run.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kamlib.errors import DuplicateIdError, InvalidTypeError, InvalidValueError, UnknownIdError
from kamlib.planning import (
    IRON_TRIANGLE,
    MAX_CAPACITY,
    Allocation,
    Assignment,
    CoverageLine,
    Role,
    TeamMember,
)
from kamlib.planning._team import check_allocation, check_members

AM = Role.ACCOUNT_MANAGER.value
SM = Role.SOLUTION_MANAGER.value


def member(member_id: str = "U1", role: str = AM, capacity: int = 3, **kw: Any) -> TeamMember:
    return TeamMember(member_id, f"Name {member_id}", role, capacity, **kw)


# ---------------------------------------------------------------------------- constants
def test_iron_triangle_is_source_002s_three_roles() -> None:
    assert IRON_TRIANGLE == (Role.CUSTOMER_LEADING_EXPERT, AM, SM)
    assert all(type(r) is str for r in IRON_TRIANGLE)


# ---------------------------------------------------------------------------- TeamMember
def test_a_member_with_every_field() -> None:
    m = TeamMember(
        "U1",
        "Li Na",
        Role.SOLUTION_MANAGER,
        5,
        team="East",
        industries=["retail", "energy", "retail"],
        regions=("north", "east"),
        solutions={"erp"},
        line="industry",
        person_id="P1",
        external=True,
    )
    assert (m.id, m.name, m.role, m.capacity, m.team) == ("U1", "Li Na", SM, 5, "East")
    assert type(m.role) is str
    assert m.industries == ("energy", "retail")
    assert m.regions == ("east", "north")
    assert m.solutions == ("erp",)
    assert m.line is CoverageLine.INDUSTRY
    assert (m.person_id, m.external) == ("P1", True)


def test_person_id_defaults_to_the_member_id() -> None:
    assert member("U7").person_id == "U7"
    assert member("U7", person_id="P3").person_id == "P3"


def test_a_company_may_name_its_own_role() -> None:
    assert member(role="bid_manager").role == "bid_manager"


@pytest.mark.parametrize("field", ["industries", "regions", "solutions"])
@given(names=st.lists(st.sampled_from(["a", "b", "c", "d"]), max_size=8))
def test_name_sets_are_sorted_and_deduplicated(field: str, names: list[str]) -> None:
    forwards: dict[str, Any] = {field: names}
    backwards: dict[str, Any] = {field: list(reversed(names))}
    got = getattr(member(**forwards), field)
    assert got == tuple(sorted(set(names)))
    assert member(**backwards) == member(**forwards)


@pytest.mark.parametrize(
    ("capacity", "ok"), [(-1, False), (0, True), (MAX_CAPACITY, True), (MAX_CAPACITY + 1, False)]
)
def test_capacity_is_bounded_on_both_sides(capacity: int, ok: bool) -> None:
    if ok:
        assert member(capacity=capacity).capacity == capacity
    else:
        with pytest.raises(InvalidValueError) as e:
            member(capacity=capacity)
        assert e.value.path == "TeamMember.capacity"
        assert e.value.value == capacity


_BAD_MEMBER_FIELDS = [
    ("id", 1, InvalidTypeError, "TeamMember.id"),
    ("id", "", InvalidValueError, "TeamMember.id"),
    ("name", None, InvalidTypeError, "TeamMember.name"),
    ("name", " ", InvalidValueError, "TeamMember.name"),
    ("role", 3, InvalidTypeError, "TeamMember.role"),
    ("role", "", InvalidValueError, "TeamMember.role"),
    ("capacity", 2.0, InvalidTypeError, "TeamMember.capacity"),
    ("capacity", True, InvalidTypeError, "TeamMember.capacity"),
    ("capacity", "3", InvalidTypeError, "TeamMember.capacity"),
    ("team", 5, InvalidTypeError, "TeamMember.team"),
    ("team", "", InvalidValueError, "TeamMember.team"),
    ("industries", "retail", InvalidTypeError, "TeamMember.industries"),
    ("industries", 3, InvalidTypeError, "TeamMember.industries"),
    ("industries", ["retail", 3], InvalidTypeError, "TeamMember.industries[1]"),
    ("regions", ["", "east"], InvalidValueError, "TeamMember.regions[0]"),
    ("regions", "east", InvalidTypeError, "TeamMember.regions"),
    ("solutions", [None], InvalidTypeError, "TeamMember.solutions[0]"),
    ("solutions", "erp", InvalidTypeError, "TeamMember.solutions"),
    ("line", "sales", InvalidValueError, "TeamMember.line"),
    ("line", 4, InvalidTypeError, "TeamMember.line"),
    ("person_id", 9, InvalidTypeError, "TeamMember.person_id"),
    ("person_id", "", InvalidValueError, "TeamMember.person_id"),
    ("external", "yes", InvalidTypeError, "TeamMember.external"),
    ("external", 1, InvalidTypeError, "TeamMember.external"),
]


@pytest.mark.parametrize(
    ("field", "value", "error", "path"),
    _BAD_MEMBER_FIELDS,
    ids=[f"{f}={v!r}" for f, v, _, _ in _BAD_MEMBER_FIELDS],
)
def test_every_bad_member_field_names_its_path(
    field: str, value: object, error: type[Exception], path: str
) -> None:
    kwargs: dict[str, Any] = {"id": "U1", "name": "Li", "role": AM, "capacity": 1, field: value}
    with pytest.raises(error) as e:
        TeamMember(**kwargs)
    assert getattr(e.value, "path", None) == path


def test_a_member_is_frozen() -> None:
    m = member()
    with pytest.raises(AttributeError):
        m.capacity = 9  # type: ignore[misc]  # frozen: the assignment must fail


# ---------------------------------------------------------------------------- Assignment
def test_an_assignment_keeps_plain_names() -> None:
    a = Assignment("A1", "U1", Role.ACCOUNT_MANAGER)
    assert (a.account_id, a.member_id, a.role) == ("A1", "U1", AM)
    assert type(a.role) is str
    assert a == Assignment("A1", "U1", AM)


@pytest.mark.parametrize(
    ("args", "error", "path"),
    [
        ((1, "U1", AM), InvalidTypeError, "Assignment.account_id"),
        (("", "U1", AM), InvalidValueError, "Assignment.account_id"),
        (("A1", None, AM), InvalidTypeError, "Assignment.member_id"),
        (("A1", " ", AM), InvalidValueError, "Assignment.member_id"),
        (("A1", "U1", 2), InvalidTypeError, "Assignment.role"),
        (("A1", "U1", ""), InvalidValueError, "Assignment.role"),
    ],
)
def test_bad_assignment_fields_name_their_path(
    args: tuple[Any, Any, Any], error: type[Exception], path: str
) -> None:
    with pytest.raises(error) as e:
        Assignment(*args)
    assert getattr(e.value, "path", None) == path


# ---------------------------------------------------------------------------- Allocation
def test_a_second_member_in_one_role_on_one_account_is_a_duplicate() -> None:
    with pytest.raises(DuplicateIdError) as e:
        Allocation(
            [
                Assignment("A1", "U1", AM),
                Assignment("A1", "U3", SM),
                Assignment("A1", "U2", Role.ACCOUNT_MANAGER),
            ]
        )
    assert e.value.path == "Allocation.assignments[2]"
    assert e.value.value == "A1/account_manager"
    assert "already U1" in e.value.reason


def test_one_member_may_serve_an_account_in_two_roles_and_many_accounts() -> None:
    a = Allocation(
        [Assignment("A2", "U1", AM), Assignment("A1", "U1", SM), Assignment("A1", "U1", AM)]
    )
    assert a.accounts_of("U1") == ("A1", "A2")
    assert a.load("U1") == 3
    assert dict(a.members_of("A1")) == {AM: "U1", SM: "U1"}


@pytest.mark.parametrize(
    ("value", "path"),
    [
        ("A1", "Allocation.assignments"),
        (3, "Allocation.assignments"),
        ([Assignment("A1", "U1", AM), ("A2", "U1", AM)], "Allocation.assignments[1]"),
    ],
)
def test_allocation_bad_input_names_the_field(value: object, path: str) -> None:
    with pytest.raises(InvalidTypeError) as e:
        Allocation(value)
    assert e.value.path == path


_assignments = st.lists(
    st.builds(
        Assignment,
        st.sampled_from(["A1", "A2", "A3"]),
        st.sampled_from(["U1", "U2", "U3"]),
        st.sampled_from([AM, SM, "bid_manager"]),
    ),
    max_size=9,
    unique_by=lambda a: (a.account_id, a.role),
)


@given(_assignments, st.randoms(use_true_random=False))
def test_the_order_of_the_assignments_never_shows(assignments: list[Assignment], rnd: Any) -> None:
    shuffled = list(assignments)
    rnd.shuffle(shuffled)
    a, b = Allocation(assignments), Allocation(shuffled)
    assert a == b
    assert a.assignments == b.assignments
    keys = [(x.account_id, x.role, x.member_id) for x in a.assignments]
    assert keys == sorted(keys)
    for m in ("U1", "U2", "U3"):
        assert a.accounts_of(m) == b.accounts_of(m)
        assert a.load(m) == b.load(m)
    for acc in ("A1", "A2", "A3"):
        assert list(a.members_of(acc).items()) == list(b.members_of(acc).items())


def test_members_of_is_read_only() -> None:
    a = Allocation([Assignment("A1", "U1", AM)])
    m = a.members_of("A1")
    with pytest.raises(TypeError):
        m[SM] = "U2"  # type: ignore[index]  # read-only: the assignment must fail
    assert a.members_of("A1") == {AM: "U1"}
    assert a.members_of("A9") == {}


def test_member_of_accepts_a_role_or_its_name() -> None:
    a = Allocation([Assignment("A1", "U1", AM)])
    assert a.member_of("A1", Role.ACCOUNT_MANAGER) == "U1"
    assert a.member_of("A1", AM) == "U1"
    assert a.member_of("A1", SM) is None
    assert a.member_of("A2", AM) is None


def test_member_of_refuses_a_role_that_is_not_a_name() -> None:
    a = Allocation([Assignment("A1", "U1", "1")])
    with pytest.raises(InvalidTypeError) as e:
        a.member_of("A1", 1)  # type: ignore[arg-type]  # the wrong type on purpose
    assert e.value.path == "Allocation.member_of.role"
    assert e.value.value == 1
    assert a.member_of("A1", "1") == "U1"


@pytest.mark.parametrize(
    ("method", "args", "path"),
    [
        ("accounts_of", (1,), "Allocation.accounts_of.member_id"),
        ("members_of", (None,), "Allocation.members_of.account_id"),
        ("member_of", (1, AM), "Allocation.member_of.account_id"),
        ("load", (b"U1",), "Allocation.load.member_id"),
    ],
)
def test_lookups_refuse_an_id_that_is_not_a_str(
    method: str, args: tuple[object, ...], path: str
) -> None:
    a = Allocation([Assignment("A1", "U1", AM)])
    with pytest.raises(InvalidTypeError) as e:
        getattr(a, method)(*args)
    assert e.value.path == path


# ---------------------------------------------------------------------------- checks
def test_check_members_sorts_by_id() -> None:
    got = check_members("allocate", [member("U2"), member("U1"), member("U3")])
    assert list(got) == ["U1", "U2", "U3"]
    assert got["U2"] == member("U2")


@pytest.mark.parametrize(
    ("members", "error", "path"),
    [
        ("U1", InvalidTypeError, "allocate.members"),
        ({"U1": "x"}, InvalidTypeError, "allocate.members"),
        (5, InvalidTypeError, "allocate.members"),
        ([("U1", "Li")], InvalidTypeError, "allocate.members[0]"),
        ([None], InvalidTypeError, "allocate.members[0]"),
    ],
)
def test_check_members_bad_input_names_the_field(
    members: object, error: type[Exception], path: str
) -> None:
    with pytest.raises(error) as e:
        check_members("allocate", members)
    assert getattr(e.value, "path", None) == path


def test_check_members_refuses_a_duplicate_id() -> None:
    with pytest.raises(DuplicateIdError) as e:
        check_members("allocate", [member("U1"), member("U2"), member("U1", role=SM)])
    assert e.value.path == "allocate.members[2].id"
    assert e.value.value == "U1"


def test_check_allocation_accepts_a_consistent_allocation() -> None:
    team = check_members("x", [member("U1"), member("U2", role=SM)])
    alloc = Allocation([Assignment("A1", "U2", SM), Assignment("A1", "U1", AM)])
    assert check_allocation("x", alloc, team) is alloc


def test_check_allocation_refuses_an_unknown_member() -> None:
    team = check_members("x", [member("U1")])
    # given first, but "A2" sorts after "A1": the error names its position in the sorted tuple
    alloc = Allocation([Assignment("A2", "U9", AM), Assignment("A1", "U1", AM)])
    with pytest.raises(UnknownIdError) as e:
        check_allocation("x", alloc, team)
    assert e.value.path == "x.allocation.assignments[1].member_id"
    assert e.value.value == "U9"
    assert alloc.assignments[1].member_id == "U9"


def test_check_allocation_refuses_a_role_not_the_members() -> None:
    team = check_members("x", [member("U1", role=AM)])
    alloc = Allocation([Assignment("A1", "U1", SM)])
    with pytest.raises(InvalidValueError) as e:
        check_allocation("x", alloc, team)
    assert e.value.path == "x.allocation.assignments[0].role"
    assert e.value.value == SM
    assert "'U1'" in e.value.reason


def test_check_allocation_refuses_a_non_allocation() -> None:
    with pytest.raises(InvalidTypeError) as e:
        check_allocation("x", [Assignment("A1", "U1", AM)], {})
    assert e.value.path == "x.allocation"
