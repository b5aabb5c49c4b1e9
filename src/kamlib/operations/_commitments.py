"""The commitment loop (承诺-执行-反馈, source [000]): capacity, warnings, syncs, acceptance.

Source rules [000]: before signing, fix scope and delivery time and do not over-commit
(check the team's capacity); during execution sync progress **weekly** and warn the
customer of a risk **at least 48 hours** before it hits; after delivery the customer takes
part in acceptance and the feedback goes into the next plan.

* `capacity_check`: required capacity of the open commitments per owner (or team) in a
  window against a given capacity, naming the commitments that tip it over;
* `commitment_checks`: per commitment, as of a moment: overdue, broken, slipped and
  whether the slip was warned in time, the weekly sync, acceptance and feedback;
* `commitment_features`: the fulfilment rate per account (accepted on time / due) and
  counts, as a [`FeatureTable`][kamlib.FeatureTable] the health model can read;
* `commitment_alerts`: the alerts of all of these for the review inbox.

Every number is a `CommitmentPolicy` default, overridable.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from fractions import Fraction
from types import MappingProxyType
from typing import Any, Final, NamedTuple

import attrs
import numpy as np

from kamlib._dated import check_as_of, check_hours, check_portfolio, not_after
from kamlib._table import FeatureTable
from kamlib._validators import check_aware_datetime, check_flag, check_real
from kamlib.errors import InvalidTypeError, InvalidValueError, UnknownIdError
from kamlib.model import Commitment, CommitmentState, Portfolio
from kamlib.operations._alerts import Alert, AlertKind, Severity, make_alert, sort_alerts

__all__ = [
    "CAPACITY_CODES",
    "COMMITMENT_CODES",
    "COMMITMENT_FEATURES",
    "CapacityLoad",
    "CommitmentCheck",
    "CommitmentPolicy",
    "capacity_alerts",
    "capacity_check",
    "commitment_alerts",
    "commitment_checks",
    "commitment_features",
]

_S = CommitmentState
_OPEN: Final = frozenset({_S.PROPOSED, _S.COMMITTED, _S.IN_PROGRESS, _S.AT_RISK})
_SIGNED: Final = frozenset({_S.COMMITTED, _S.IN_PROGRESS, _S.AT_RISK})
_EXECUTING: Final = frozenset({_S.IN_PROGRESS, _S.AT_RISK})
_NOT_PROMISED: Final = frozenset({_S.PROPOSED, _S.CANCELLED})
_DELIVERED: Final = _S.DELIVERED
_BROKEN: Final = _S.BROKEN
_DAY: Final = dt.timedelta(days=1)

COMMITMENT_CODES: Mapping[str, str] = MappingProxyType(
    {
        "commitment_overdue": "Signed, past its due time and not delivered (warning; "
        "critical when no risk warning was given at all).",
        "commitment_broken": "Broken within the recent window (critical).",
        "warning_missing": "Slipped (broken, overdue, or delivered late) without any risk "
        "warning to the customer (warning).",
        "warning_late": "Slipped, and no risk warning came at least warning_hours before "
        "it was due (watch).",
        "sync_overdue": "In execution with no progress update for more than sync_days (watch).",
        "acceptance_pending": "Delivered but not accepted by the customer within "
        "acceptance_days (watch).",
        "feedback_missing": "Accepted recently with no feedback recorded for the next plan (info).",
    }
)
"""Every reason code `commitment_alerts` emits, with its meaning and severity.

Examples:
    >>> from kamlib.operations import COMMITMENT_CODES
    >>> sorted(COMMITMENT_CODES)
    ['acceptance_pending', 'commitment_broken', 'commitment_overdue', 'feedback_missing',
     'sync_overdue', 'warning_late', 'warning_missing']
"""

CAPACITY_CODES: Mapping[str, str] = MappingProxyType(
    {"over_committed": "Open commitments in the window need more than the capacity (warning)."}
)
"""The reason code `capacity_alerts` emits.

Examples:
    >>> from kamlib.operations import CAPACITY_CODES
    >>> list(CAPACITY_CODES)
    ['over_committed']
"""

COMMITMENT_FEATURES: Mapping[str, str] = MappingProxyType(
    {
        "fulfilment_rate": "Among the account's commitments due at or before as_of that were "
        "promised (neither still proposed nor cancelled), the share whose last delivery came "
        "at or before the due time and that the customer accepted by as_of (accepted on "
        "time / due). Missing when none is due. [000] commit-execute-feedback loop; 'on "
        "time' as delivered by the due time is kamlib's reading.",
        "commitments_due": "Number of the account's promised commitments due at or before "
        "as_of (the denominator of fulfilment_rate).",
        "commitments_overdue": "Number signed, past due and not delivered at as_of.",
        "commitments_unwarned": "Number that slipped without a timely risk warning, late or "
        "missing (warning_hours before due, source [000]: 48).",
    }
)
"""The columns `commitment_features` produces, with their formulas.

Examples:
    >>> import datetime as dt
    >>> from kamlib.operations import COMMITMENT_FEATURES, commitment_features
    >>> from kamlib.synthetic import synthetic_portfolio
    >>> as_of = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    >>> table = commitment_features(synthetic_portfolio(3, seed=2, as_of=as_of), as_of=as_of)
    >>> table.names == tuple(COMMITMENT_FEATURES)
    True
    >>> list(COMMITMENT_FEATURES)
    ['fulfilment_rate', 'commitments_due', 'commitments_overdue', 'commitments_unwarned']
"""


def _warning_hours(value: object) -> float:
    check_hours("CommitmentPolicy.warning_hours", value)
    return float(value)  # type: ignore[arg-type]  # checked to be a real number


def _days(path: str, value: object) -> float:
    return check_real(path, value, gt=0.0, le=36_525.0)


def _sync_days(value: object) -> float:
    return _days("CommitmentPolicy.sync_days", value)


def _acceptance_days(value: object) -> float:
    return _days("CommitmentPolicy.acceptance_days", value)


def _recent_days(value: object) -> float:
    return _days("CommitmentPolicy.recent_days", value)


@attrs.frozen
class CommitmentPolicy:
    """The numbers of the commitment loop, each a default a user can change.

    Attributes:
        warning_hours: A slipped commitment must have been warned at least this many hours
            before it was due (source [000]: 48).
        sync_days: A commitment in execution (``in_progress`` or ``at_risk``) needs a
            progress update at least this often (source [000]: weekly, 7). An update is a
            [`ProgressUpdate`][kamlib.model.ProgressUpdate], a state change or a risk
            warning: each is news shared with the customer (kamlib's reading).
        acceptance_days: A delivered commitment should be accepted within this many days
            (kamlib's own choice, 14: the source asks for acceptance with the customer but
            gives no time).
        recent_days: Broken commitments, late deliveries and missing feedback are reported
            while they are at most this many days old (kamlib's own choice, 91: one
            quarter, the health reporting period of source [000]); an open, overdue
            commitment is reported for as long as it stays open.
        require_feedback: Whether an acceptance without feedback is reported (source
            [000]: the feedback goes into the next plan).

    Raises:
        InvalidTypeError: A number that is not real, a flag that is not a bool.
        InvalidValueError: A negative warning time; days not in ``(0, 36525]``.

    Examples:
        >>> from kamlib.operations import CommitmentPolicy
        >>> CommitmentPolicy().warning_hours, CommitmentPolicy().sync_days
        (48.0, 7.0)
        >>> CommitmentPolicy(sync_days=0)
        Traceback (most recent call last):
        ...
        kamlib.errors.InvalidValueError: CommitmentPolicy.sync_days: must be a real number \
in (0, 36525]; got 0
    """

    warning_hours: float = attrs.field(default=48.0, converter=_warning_hours)
    sync_days: float = attrs.field(default=7.0, converter=_sync_days)
    acceptance_days: float = attrs.field(default=14.0, converter=_acceptance_days)
    recent_days: float = attrs.field(default=91.0, converter=_recent_days)
    require_feedback: bool = attrs.field(default=True)

    def __attrs_post_init__(self) -> None:
        check_flag("CommitmentPolicy.require_feedback", self.require_feedback)


def _check_policy(where: str, policy: object) -> CommitmentPolicy:
    if not isinstance(policy, CommitmentPolicy):
        raise InvalidTypeError(f"{where}.policy", policy, "must be a CommitmentPolicy")
    return policy


def _dated_error(c: Commitment, where: str | int, as_of: dt.datetime) -> None:
    """Raise for the first time the commitment records after ``as_of``, naming its field.

    ``where`` is the path of the commitment, or its position in ``Portfolio.commitments``
    (the path is built only here, for the error).
    """
    path = where if isinstance(where, str) else f"Portfolio.commitments[{where}]"
    for j, step in enumerate(c.history):
        not_after(f"{path}.history[{j}].at", step.at, as_of)
    for j, w in enumerate(c.risk_warnings):
        not_after(f"{path}.risk_warnings[{j}].at", w.at, as_of)
    for j, u in enumerate(c.progress_updates):
        not_after(f"{path}.progress_updates[{j}].at", u.at, as_of)
    if c.acceptance is not None:
        not_after(f"{path}.acceptance.at", c.acceptance.at, as_of)


# ------------------------------------------------------------------------------ capacity
@attrs.frozen
class CapacityLoad:
    """The load of one owner (or team) in a window against its capacity.

    Attributes:
        key: The owner id (or the team, with ``team_of``).
        capacity: The capacity given, in person-days.
        required: Sum of ``required_capacity`` of the open commitments in the window.
        commitments: Their ids, in the order they are counted (signed ones first, then
            proposed; each by due time, then id).
        tipping: The commitments that tip the load over: from the first whose addition
            takes the running sum above the capacity, to the end. Empty when within.
        proposed: Which of ``commitments`` are still proposed (not yet signed).

    Examples:
        >>> from kamlib.operations import CapacityLoad
        >>> load = CapacityLoad("U1", 10.0, 12.0, ("C1", "C2"), ("C2",), ("C2",))
        >>> load.over, load.headroom
        (True, -2.0)
    """

    key: str
    capacity: float
    required: float
    commitments: tuple[str, ...]
    tipping: tuple[str, ...]
    proposed: tuple[str, ...]

    @property
    def over(self) -> bool:
        """Whether the required capacity exceeds the capacity (equal is within).

        Decided on the exact sum: ``tipping`` is not empty exactly when the exact sum of the
        required capacities is above the capacity, even where ``required`` (the sum
        rounded to a float) rounds down onto it.

        Examples:
            >>> from kamlib.operations import CapacityLoad
            >>> CapacityLoad("U1", 10.0, 10.0, ("C1",), (), ()).over
            False
        """
        return bool(self.tipping) or self.required > self.capacity

    @property
    def headroom(self) -> float:
        """``capacity - required`` (negative when over).

        Examples:
            >>> from kamlib.operations import CapacityLoad
            >>> CapacityLoad("U1", 10.0, 4.0, ("C1",), (), ()).headroom
            6.0
        """
        return self.capacity - self.required


def capacity_check(
    commitments: Portfolio | Iterable[Commitment],
    *,
    capacity: float | Mapping[str, float],
    start: dt.datetime,
    end: dt.datetime,
    team_of: Mapping[str, str] | None = None,
) -> tuple[CapacityLoad, ...]:
    """Required capacity of open commitments per owner or team in ``[start, end)``.

    Source rule [000]: before signing, do not over-commit: check the team's capacity. A
    commitment counts when it is open (``proposed``, ``committed``, ``in_progress`` or
    ``at_risk``: a delivered one no longer takes effort) and its ``due`` falls in
    ``[start, end)``; its whole ``required_capacity`` counts in the window it is due in
    (kamlib's own choice: the record holds no effort plan over time). Include the
    proposed commitment you are about to sign to see whether it tips the load over.

    The commitments of a key are counted in a fixed order: signed ones first (they are
    promised already), then proposed ones, each by due time and then id. ``tipping`` names
    the commitments from the first one whose addition takes the running sum above the
    capacity. The sums are exact (as fractions) and the order is canonical, so the answer
    never depends on the order of the input.

    Args:
        commitments: A [`Portfolio`][kamlib.model.Portfolio] (its commitments) or any
            iterable of [`Commitment`][kamlib.model.Commitment].
        capacity: Person-days available in the window, ``> 0``: one number for every key,
            or a mapping key -> capacity that must cover every key found.
        start: Timezone-aware start of the window (inclusive).
        end: Timezone-aware end of the window (exclusive), after ``start``.
        team_of: Optional owner id -> team; then loads are per team.

    Returns:
        One `CapacityLoad` per key with at least one commitment in the window, by key.

    Raises:
        InvalidTypeError: A record that is not a Commitment; a capacity that is not real.
        InvalidValueError: A capacity ``<= 0``; naive times; ``end <= start``.
        UnknownIdError: An owner missing from ``team_of``, or a key missing from a
            ``capacity`` mapping.

    Examples:
        >>> import datetime as dt
        >>> from kamlib.model import Commitment
        >>> from kamlib.operations import capacity_check
        >>> t = dt.datetime(2025, 3, 3, tzinfo=dt.UTC)
        >>> day = dt.timedelta(days=1)
        >>> signed = Commitment.propose("C1", "A1", "Migration", "U1", t + 10 * day, 8,
        ...                             at=t).transition("committed", t)
        >>> new = Commitment.propose("C2", "A2", "Report pack", "U1", t + 12 * day, 5, at=t)
        >>> (load,) = capacity_check([new, signed], capacity=10, start=t, end=t + 28 * day)
        >>> load.required, load.over, load.tipping
        (13.0, True, ('C2',))
    """
    where = "capacity_check"
    _check_window(where, start, end)
    if isinstance(commitments, Portfolio):
        records: tuple[object, ...] = commitments.commitments
    elif isinstance(commitments, Iterable):
        records = tuple(commitments)
    else:
        raise InvalidTypeError(
            f"{where}.commitments", commitments, "must be a Portfolio or an iterable of Commitment"
        )
    if team_of is not None:
        if not isinstance(team_of, Mapping):
            raise InvalidTypeError(f"{where}.team_of", team_of, "must be a mapping owner -> team")
        for owner, team in team_of.items():
            if not isinstance(team, str):
                raise InvalidTypeError(f"{where}.team_of[{owner!r}]", team, "must be a str")
            if not team.strip():
                raise InvalidValueError(f"{where}.team_of[{owner!r}]", team, "must not be empty")
    if isinstance(capacity, Mapping):
        caps: Mapping[str, float] | None = {
            str(k): check_real(f"{where}.capacity[{k!r}]", v, gt=0.0) for k, v in capacity.items()
        }
        flat = 0.0
    else:
        caps = None
        flat = check_real(f"{where}.capacity", capacity, gt=0.0)
    by_key: dict[str, list[Commitment]] = {}
    for i, c in enumerate(records):
        if not isinstance(c, Commitment):
            raise InvalidTypeError(f"{where}.commitments[{i}]", c, "must be a Commitment")
        if c.state not in _OPEN or not start <= c.due < end:
            continue
        key = c.owner_id
        if team_of is not None:
            if key not in team_of:
                raise UnknownIdError(f"{where}.team_of", key, "has no team for this owner")
            key = team_of[key]
        by_key.setdefault(key, []).append(c)
    loads = []
    for key in sorted(by_key):
        if caps is not None:
            if key not in caps:
                raise UnknownIdError(f"{where}.capacity", key, "has no capacity for this key")
            cap = caps[key]
        else:
            cap = flat
        ordered = sorted(by_key[key], key=_capacity_order)
        # an exact running sum (a float is a fraction exactly): the first commitment that
        # takes it above the capacity is found without any rounding
        total, limit, tip = Fraction(0), Fraction(cap), len(ordered)
        for n, c in enumerate(ordered):
            total += Fraction(c.required_capacity)
            if tip == len(ordered) and total > limit:
                tip = n
        try:
            required = float(total)
        except OverflowError:
            raise InvalidValueError(
                f"{where}.commitments",
                key,
                "the required capacities of this key sum beyond the float range",
            ) from None
        loads.append(
            CapacityLoad(
                key=key,
                capacity=cap,
                required=required,
                commitments=tuple(c.id for c in ordered),
                tipping=tuple(c.id for c in ordered[tip:]),
                proposed=tuple(c.id for c in ordered if c.state is _S.PROPOSED),
            )
        )
    return tuple(loads)


def _capacity_order(c: Commitment) -> tuple[bool, dt.datetime, str]:
    return (c.state is _S.PROPOSED, c.due, c.id)


def _check_window(where: str, start: object, end: object) -> None:
    s = check_aware_datetime(f"{where}.start", start)
    e = check_aware_datetime(f"{where}.end", end)
    if e <= s:
        raise InvalidValueError(f"{where}.end", e, f"must be after start ({s.isoformat()})")


def capacity_alerts(loads: Iterable[CapacityLoad]) -> tuple[Alert, ...]:
    """One ``over_committed`` alert (warning) per load over its capacity.

    The alert concerns an owner or team, not an account: ``account_id`` is ``None`` and
    ``subject_id`` is the key; the evidence names the tipping commitments.

    Examples:
        >>> from kamlib.operations import CapacityLoad, capacity_alerts
        >>> (a,) = capacity_alerts([CapacityLoad("U1", 10.0, 13.0, ("C1", "C2"), ("C2",), ())])
        >>> a.code, a.subject_id, a.evidence["tipping"]
        ('over_committed', 'U1', ('C2',))
    """
    out = []
    for i, load in enumerate(loads):
        if not isinstance(load, CapacityLoad):
            raise InvalidTypeError(f"capacity_alerts.loads[{i}]", load, "must be a CapacityLoad")
        if not load.over:
            continue
        out.append(
            make_alert(
                None,
                AlertKind.CAPACITY,
                "over_committed",
                Severity.WARNING,
                f"{load.key}: open commitments need {load.required:g} person-days, "
                f"capacity is {load.capacity:g}",
                {
                    "required": load.required,
                    "capacity": load.capacity,
                    "commitments": load.commitments,
                    "tipping": load.tipping,
                    "proposed": load.proposed,
                },
                subject_id=load.key,
            )
        )
    return sort_alerts(out)


# ------------------------------------------------------------------------ the checks
@attrs.frozen
class CommitmentCheck:
    """What the commitment loop says of one commitment as of a moment.

    Attributes:
        account_id: The account.
        commitment_id: The commitment.
        owner_id: Who owns it (whom to route its alerts to).
        state: Its state at ``as_of``.
        due: Its due time.
        overdue: Signed (committed, in progress or at risk), past due and not delivered. A
            proposal past its due time was never promised: it is not overdue (kamlib's
            reading).
        broken_at: When it was broken, if it was.
        delivered_at: When it was last delivered, if it was (after a rework the customer
            asked for, the new delivery is the one that counts).
        slipped: Broken, overdue, or (last) delivered after its due time.
        warning: For a slipped commitment: ``"timely"`` (a risk warning came at least
            ``warning_hours`` before due), ``"late"`` (warnings, none in time) or
            ``"missing"`` (no warning); ``None`` when it did not slip.
        last_update_at: For a commitment in execution, its latest progress update, state
            change or warning; else ``None``.
        sync_overdue: In execution and ``as_of - last_update_at > sync_days``.
        acceptance_pending: Delivered and not accepted within ``acceptance_days``.
        feedback_missing: Accepted with empty feedback (only with ``require_feedback``).
        recent: Whether its last event (break, delivery, acceptance) is within
            ``recent_days`` of ``as_of``, or it is still open.

    Examples:
        >>> import datetime as dt
        >>> from kamlib.model import Commitment
        >>> from kamlib.operations import CommitmentCheck
        >>> t = dt.datetime(2025, 3, 3, tzinfo=dt.UTC)
        >>> c = Commitment.propose("C1", "A1", "x", "U1", t, 1, at=t).transition("committed", t)
        >>> CommitmentCheck.of(c, as_of=t + dt.timedelta(days=1)).overdue
        True
    """

    account_id: str
    commitment_id: str
    owner_id: str
    state: CommitmentState
    due: dt.datetime
    overdue: bool
    broken_at: dt.datetime | None
    delivered_at: dt.datetime | None
    slipped: bool
    warning: str | None
    last_update_at: dt.datetime | None
    sync_overdue: bool
    acceptance_pending: bool
    feedback_missing: bool
    recent: bool

    @classmethod
    def of(
        cls,
        commitment: Commitment,
        *,
        as_of: dt.datetime,
        policy: CommitmentPolicy | None = None,
    ) -> CommitmentCheck:
        """Check one commitment (every recorded time must be at or before ``as_of``).

        Raises:
            InvalidTypeError: ``commitment`` is not a Commitment.
            InvalidValueError: Naive ``as_of``; a recorded time after ``as_of``.

        Examples:
            >>> import datetime as dt
            >>> from kamlib.model import Commitment
            >>> from kamlib.operations import CommitmentCheck
            >>> t = dt.datetime(2025, 3, 3, tzinfo=dt.UTC)
            >>> c = Commitment.propose("C1", "A1", "x", "U1", t, 1, at=t)
            >>> c = c.transition("committed", t).transition("broken", t + dt.timedelta(days=2))
            >>> chk = CommitmentCheck.of(c, as_of=t + dt.timedelta(days=3))
            >>> chk.slipped, chk.warning
            (True, 'missing')
        """
        where = "CommitmentCheck.of"
        as_of = check_as_of(where, as_of)
        policy = _check_policy(where, CommitmentPolicy() if policy is None else policy)
        if not isinstance(commitment, Commitment):
            raise InvalidTypeError(f"{where}.commitment", commitment, "must be a Commitment")
        return _judge(commitment, as_of, _clocks(policy), "Commitment")


class _Clocks(NamedTuple):
    """A policy's clocks as timedeltas, made once per run instead of once per record."""

    warning: dt.timedelta
    sync: dt.timedelta
    acceptance: dt.timedelta
    recent: dt.timedelta
    feedback: bool


def _clocks(policy: CommitmentPolicy) -> _Clocks:
    return _Clocks(
        dt.timedelta(hours=policy.warning_hours),
        dt.timedelta(days=policy.sync_days),
        dt.timedelta(days=policy.acceptance_days),
        dt.timedelta(days=policy.recent_days),
        policy.require_feedback,
    )


def _judge(c: Commitment, as_of: dt.datetime, k: _Clocks, where: str | int) -> CommitmentCheck:
    """Check one commitment; every time it records must be at or before ``as_of``.

    ``where`` names the commitment in an error (a path, or a position in
    ``Portfolio.commitments``).
    """
    history = c.history
    last = history[-1]
    state = last.to_state
    warnings = c.risk_warnings
    latest = last.at  # the history is time-ordered: its last step is its latest
    for u in c.progress_updates:
        if u.at > latest:
            latest = u.at
    for w in warnings:
        if w.at > latest:
            latest = w.at
    acceptance = c.acceptance
    if latest > as_of or (acceptance is not None and acceptance.at > as_of):
        _dated_error(c, where, as_of)
    due = c.due
    delivered_at = broken_at = None
    for step in history:
        to = step.to_state
        if to is _DELIVERED:
            delivered_at = step.at  # the latest delivery: after a rework, the one that counts
        elif to is _BROKEN:
            broken_at = step.at
    overdue = state in _SIGNED and as_of > due
    slipped = overdue or broken_at is not None or (delivered_at is not None and delivered_at > due)
    warning = None
    if slipped:
        if not warnings:
            warning = "missing"
        else:
            deadline = due - k.warning
            warning = "timely" if any(w.at <= deadline for w in warnings) else "late"
    last_update = None
    sync_overdue = False
    if state in _EXECUTING:
        last_update = latest  # its latest step, progress update or warning
        sync_overdue = as_of - last_update > k.sync
    acceptance_pending = (
        state is _DELIVERED and delivered_at is not None and as_of - delivered_at > k.acceptance
    )
    feedback_missing = k.feedback and acceptance is not None and not acceptance.feedback.strip()
    recent = state in _OPEN or state is _DELIVERED or as_of - last.at <= k.recent
    return CommitmentCheck(
        c.account_id,
        c.id,
        c.owner_id,
        state,
        due,
        overdue,
        broken_at,
        delivered_at,
        slipped,
        warning,
        last_update,
        sync_overdue,
        acceptance_pending,
        feedback_missing,
        recent,
    )


def _checks(
    where: str, portfolio: object, as_of: object, policy: object, *, ordered: bool = True
) -> tuple[CommitmentPolicy, list[CommitmentCheck]]:
    """Every commitment checked; by account, due time and id if ``ordered``, else as given."""
    portfolio = check_portfolio(where, portfolio)
    as_of = check_as_of(where, as_of)
    policy = _check_policy(where, CommitmentPolicy() if policy is None else policy)
    out = []
    clocks = _clocks(policy)
    for i, c in enumerate(portfolio.commitments):
        out.append(_judge(c, as_of, clocks, i))
    if ordered:
        out.sort(key=lambda k: (k.account_id, k.due, k.commitment_id))
    return policy, out


def commitment_checks(
    portfolio: Portfolio,
    *,
    as_of: dt.datetime,
    policy: CommitmentPolicy | None = None,
) -> tuple[CommitmentCheck, ...]:
    """Check every commitment of ``portfolio`` as of ``as_of`` (source [000] loop).

    Args:
        portfolio: The portfolio.
        as_of: Timezone-aware moment; every recorded time of every commitment must be at
            or before it.
        policy: The numbers (default `CommitmentPolicy`).

    Returns:
        One `CommitmentCheck` per commitment, by account id, due time and id (never the
        input order).

    Raises:
        InvalidTypeError: Not a Portfolio or not a CommitmentPolicy.
        InvalidValueError: Naive ``as_of``; a recorded time after it, naming the field
            (``Portfolio.commitments[3].history[2].at``).

    Examples:
        >>> import datetime as dt
        >>> from kamlib.operations import commitment_checks
        >>> from kamlib.synthetic import synthetic_portfolio
        >>> as_of = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        >>> checks = commitment_checks(synthetic_portfolio(20, seed=1, as_of=as_of), as_of=as_of)
        >>> all(c.due <= as_of or not c.overdue for c in checks)
        True
    """
    return tuple(_checks("commitment_checks", portfolio, as_of, policy)[1])


def _alerts_of(k: CommitmentCheck, policy: CommitmentPolicy) -> list[Alert]:
    if not (
        k.overdue
        or k.slipped
        or k.sync_overdue
        or k.acceptance_pending
        or k.feedback_missing
        or k.broken_at is not None
    ):
        return []  # the usual case: nothing to say (a broken commitment has slipped too)
    out = []
    state = k.state.value

    def alert(
        code: str,
        severity: Severity,
        reason: str,
        due: dt.datetime | None,
        key: str | None = None,
        value: Any = None,
    ) -> None:
        ev = {"state": state, "due": k.due, "owner_id": k.owner_id}
        if key is not None:
            ev[key] = value
        out.append(
            make_alert(
                k.account_id,
                AlertKind.COMMITMENT,
                code,
                severity,
                reason,
                ev,
                due=due,
                subject_id=k.commitment_id,
            )
        )

    if k.overdue:
        unwarned = k.warning == "missing"
        alert(
            "commitment_overdue",
            Severity.CRITICAL if unwarned else Severity.WARNING,
            f"Commitment {k.commitment_id} is past due and not delivered"
            + (" (the customer was not warned)" if unwarned else ""),
            k.due,
            "warning",
            k.warning,
        )
    if k.broken_at is not None and k.recent:
        alert(
            "commitment_broken",
            Severity.CRITICAL,
            f"Commitment {k.commitment_id} was broken",
            k.due,
            "broken_at",
            k.broken_at,
        )
    if k.slipped and k.recent and k.warning in ("missing", "late"):
        deadline = k.due - dt.timedelta(hours=policy.warning_hours)
        if k.warning == "missing":
            alert(
                "warning_missing",
                Severity.WARNING,
                f"Commitment {k.commitment_id} slipped and the customer was never warned",
                deadline,
                "warning_hours",
                policy.warning_hours,
            )
        else:
            alert(
                "warning_late",
                Severity.WATCH,
                f"Commitment {k.commitment_id} slipped; the risk warning came less than "
                f"{policy.warning_hours:g} h before it was due",
                deadline,
                "warning_hours",
                policy.warning_hours,
            )
    if k.sync_overdue and k.last_update_at is not None:
        alert(
            "sync_overdue",
            Severity.WATCH,
            f"Commitment {k.commitment_id}: no progress update for over {policy.sync_days:g} days",
            k.last_update_at + dt.timedelta(days=policy.sync_days),
            "last_update_at",
            k.last_update_at,
        )
    if k.acceptance_pending and k.delivered_at is not None:
        alert(
            "acceptance_pending",
            Severity.WATCH,
            f"Commitment {k.commitment_id} was delivered but not yet accepted by the customer",
            k.delivered_at + dt.timedelta(days=policy.acceptance_days),
            "delivered_at",
            k.delivered_at,
        )
    if k.feedback_missing and k.recent:
        alert(
            "feedback_missing",
            Severity.INFO,
            f"Commitment {k.commitment_id} was accepted without feedback for the next plan",
            None,
        )
    return out


def commitment_alerts(
    portfolio: Portfolio,
    *,
    as_of: dt.datetime,
    policy: CommitmentPolicy | None = None,
) -> tuple[Alert, ...]:
    """The alerts of the commitment loop for every commitment (codes: `COMMITMENT_CODES`).

    Severities (kamlib's own choice): ``commitment_broken`` critical;
    ``commitment_overdue`` warning, critical when the customer was not warned;
    ``warning_missing`` warning; ``warning_late``, ``sync_overdue`` and
    ``acceptance_pending`` watch; ``feedback_missing`` info. Broken, late-warned and
    feedback alerts are reported while recent (``recent_days``); an overdue commitment
    for as long as it is open.

    Raises:
        InvalidTypeError: As `commitment_checks`.
        InvalidValueError: As `commitment_checks`.

    Examples:
        >>> import datetime as dt
        >>> from kamlib.model import Account, Commitment, KeyPerson, Portfolio
        >>> from kamlib.operations import commitment_alerts
        >>> t = dt.datetime(2025, 3, 3, tzinfo=dt.UTC)
        >>> acc = Account("A1", "Acme", industry="x", region="y", size_band="large",
        ...               cooperation_start=dt.date(2024, 1, 1))
        >>> c = Commitment.propose("C1", "A1", "Data migration", "U1", t, 5, at=t)
        >>> p = Portfolio([acc], [KeyPerson("U1", "Li", "our_staff")],
        ...               commitments=[c.transition("committed", t)])
        >>> [a.code for a in commitment_alerts(p, as_of=t + dt.timedelta(days=2))]
        ['commitment_overdue', 'warning_missing']
    """
    return sort_alerts(alert_list("commitment_alerts", portfolio, as_of, policy))


def alert_list(where: str, portfolio: object, as_of: object, policy: object) -> list[Alert]:
    """The alerts of `commitment_alerts`, unsorted (the review sorts everything once)."""
    checked, checks = _checks(where, portfolio, as_of, policy, ordered=False)
    out: list[Alert] = []
    for k in checks:
        out += _alerts_of(k, checked)
    return out


# ---------------------------------------------------------------------- the features
def commitment_features(
    portfolio: Portfolio,
    *,
    as_of: dt.datetime,
    policy: CommitmentPolicy | None = None,
) -> FeatureTable:
    """The fulfilment rate per account and the loop's counts (`COMMITMENT_FEATURES`).

    Rows follow ``portfolio.accounts``. ``fulfilment_rate`` is declared missing for an
    account with no commitment due; the counts are never missing. Join the table to the
    features with [`FeatureTable.with_columns`][kamlib.FeatureTable.with_columns] and a
    health [`Measure`][kamlib.scoring.Measure] can read it.

    Raises:
        InvalidTypeError: As `commitment_checks`.
        InvalidValueError: As `commitment_checks`.

    Examples:
        >>> import datetime as dt
        >>> from kamlib.features import extract_features
        >>> from kamlib.operations import commitment_features
        >>> from kamlib.scoring import HealthModel, Measure, MinMax, Node
        >>> from kamlib.synthetic import synthetic_portfolio
        >>> as_of = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        >>> p = synthetic_portfolio(30, seed=2, as_of=as_of)
        >>> loop = commitment_features(p, as_of=as_of)
        >>> table = extract_features(p, as_of=as_of).with_columns(
        ...     {"fulfilment_rate": loop.column("fulfilment_rate")},
        ...     missing={"fulfilment_rate": loop.is_missing("fulfilment_rate")})
        >>> model = HealthModel(
        ...     measures=(Measure("satisfaction", mapping=MinMax(0, 100)),
        ...               Measure("fulfilment_rate", mapping=MinMax(0, 1))),
        ...     nodes=(Node("overall", ("satisfaction", "fulfilment_rate"), (1, 1)),),
        ...     rules=())
        >>> scores = model.fit(table).score(table).scores
        >>> bool(((scores >= 0) & (scores <= 100)).all())
        True
    """
    where = "commitment_features"
    portfolio = check_portfolio(where, portfolio)
    as_of = check_as_of(where, as_of)
    policy = _check_policy(where, CommitmentPolicy() if policy is None else policy)
    row = {a.id: i for i, a in enumerate(portfolio.accounts)}
    n = len(row)
    due = np.zeros(n)
    on_time = np.zeros(n)
    overdue = np.zeros(n)
    unwarned = np.zeros(n)
    clocks = _clocks(policy)
    for i, c in enumerate(portfolio.commitments):
        k = _judge(c, as_of, clocks, i)
        r = row[c.account_id]
        if k.state not in _NOT_PROMISED and c.due <= as_of:
            due[r] += 1
            if k.state is _S.ACCEPTED and k.delivered_at is not None and k.delivered_at <= c.due:
                on_time[r] += 1
        overdue[r] += k.overdue
        unwarned[r] += k.slipped and k.warning != "timely"
    none_due = due == 0
    rate = np.divide(on_time, due, out=np.zeros(n), where=~none_due)
    return FeatureTable.from_columns(
        [a.id for a in portfolio.accounts],
        {
            "fulfilment_rate": rate,
            "commitments_due": due,
            "commitments_overdue": overdue,
            "commitments_unwarned": unwarned,
        },
        missing={"fulfilment_rate": none_due},
    )
