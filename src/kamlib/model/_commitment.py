"""Commitments and their state machine: the commit-execute-feedback loop (source [000]).

Source rules [000] (承诺-执行-反馈闭环): fix scope and delivery time before signing and do
not over-commit (``required_capacity``); during execution sync progress with the customer
weekly (`ProgressUpdate`) and warn the customer of a risk
**at least 48 hours** before it hits (`RiskWarning.gives_notice`); after delivery
the customer takes part in acceptance and the feedback goes into the next plan
(`Acceptance`).
"""

from __future__ import annotations

import datetime as dt
import numbers
from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

import attrs

from kamlib._validators import (
    as_tuple,
    aware_datetime,
    check_aware_datetime,
    each,
    instance_of,
    non_empty_str,
    optional,
    real,
)
from kamlib.errors import IllegalTransitionError, InvalidTypeError, InvalidValueError
from kamlib.model._checks import enum_or_raw, exact_real, member_of, register_enum_converter
from kamlib.model._enums import CommitmentState
from kamlib.model._fast import fast_init

__all__ = [
    "LEGAL_TRANSITIONS",
    "START_STATES",
    "TERMINAL_STATES",
    "Transition",
    "RiskWarning",
    "ProgressUpdate",
    "Acceptance",
    "Commitment",
]

LEGAL_TRANSITIONS: Final[Mapping[CommitmentState, frozenset[CommitmentState]]] = MappingProxyType(
    {
        CommitmentState.PROPOSED: frozenset({CommitmentState.COMMITTED, CommitmentState.CANCELLED}),
        CommitmentState.COMMITTED: frozenset(
            {
                CommitmentState.IN_PROGRESS,
                CommitmentState.AT_RISK,
                CommitmentState.DELIVERED,
                CommitmentState.BROKEN,
                CommitmentState.CANCELLED,
            }
        ),
        CommitmentState.IN_PROGRESS: frozenset(
            {
                CommitmentState.AT_RISK,
                CommitmentState.DELIVERED,
                CommitmentState.BROKEN,
                CommitmentState.CANCELLED,
            }
        ),
        CommitmentState.AT_RISK: frozenset(
            {
                CommitmentState.IN_PROGRESS,
                CommitmentState.DELIVERED,
                CommitmentState.BROKEN,
                CommitmentState.CANCELLED,
            }
        ),
        CommitmentState.DELIVERED: frozenset(
            {CommitmentState.ACCEPTED, CommitmentState.IN_PROGRESS}
        ),
        CommitmentState.ACCEPTED: frozenset(),
        CommitmentState.BROKEN: frozenset(),
        CommitmentState.CANCELLED: frozenset(),
    }
)
"""Every allowed move ``from -> {to, ...}`` of a commitment, as read-only data.

``delivered -> in_progress`` is rework after the customer declined acceptance.
"""

START_STATES: Final[frozenset[CommitmentState]] = frozenset(
    {CommitmentState.PROPOSED, CommitmentState.COMMITTED}
)
"""States a commitment's history may start in."""

TERMINAL_STATES: Final[frozenset[CommitmentState]] = frozenset(
    s for s, targets in LEGAL_TRANSITIONS.items() if not targets
)
"""States with no way out: accepted, broken, cancelled."""

_WARNABLE: Final = frozenset(
    {CommitmentState.COMMITTED, CommitmentState.IN_PROGRESS, CommitmentState.AT_RISK}
)


def _to_state(value: CommitmentState | str) -> CommitmentState:
    return enum_or_raw(CommitmentState, value)


register_enum_converter(_to_state, CommitmentState)


@fast_init
@attrs.frozen
class Transition:
    """One step of a commitment's history: it entered ``to_state`` at ``at``.

    Attributes:
        to_state: The state entered.
        at: When (timezone-aware).
        note: Free text.

    Examples:
        >>> import datetime as dt
        >>> Transition("committed", dt.datetime(2024, 1, 1, tzinfo=dt.UTC)).to_state
        <CommitmentState.COMMITTED: 'committed'>
    """

    to_state: CommitmentState = attrs.field(
        converter=_to_state, validator=member_of(CommitmentState)
    )
    at: dt.datetime = attrs.field(validator=aware_datetime())
    note: str = attrs.field(default="", validator=instance_of(str))


@fast_init
@attrs.frozen
class RiskWarning:
    """A warning given to the customer that a commitment is at risk.

    Source rule [000]: warn **at least 48 hours** before the risk hits; the 48 is the
    default of `gives_notice`. ``expected_impact_at`` may precede ``at`` (a
    late warning); `lead_time` is then negative.

    Attributes:
        at: When the customer was warned (timezone-aware).
        expected_impact_at: When the risk is expected to hit (timezone-aware).
        note: Free text.

    Examples:
        >>> import datetime as dt
        >>> t = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
        >>> w = RiskWarning(t, t + dt.timedelta(hours=36))
        >>> w.lead_time, w.gives_notice(), w.gives_notice(min_hours=24)
        (datetime.timedelta(days=1, seconds=43200), False, True)
    """

    at: dt.datetime = attrs.field(validator=aware_datetime())
    expected_impact_at: dt.datetime = attrs.field(validator=aware_datetime())
    note: str = attrs.field(default="", validator=instance_of(str))

    @property
    def lead_time(self) -> dt.timedelta:
        """``expected_impact_at - at``.

        Examples:
            >>> import datetime as dt
            >>> t = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
            >>> RiskWarning(t, t + dt.timedelta(days=3)).lead_time.days
            3
        """
        return self.expected_impact_at - self.at

    def gives_notice(self, min_hours: float = 48) -> bool:
        """Whether the warning came at least ``min_hours`` before impact (source [000]: 48).

        Args:
            min_hours: Required notice in hours, a finite number ``>= 0``.

        Examples:
            >>> import datetime as dt
            >>> t = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
            >>> RiskWarning(t, t + dt.timedelta(hours=48)).gives_notice()
            True
        """
        given: object = min_hours
        if isinstance(given, bool) or not isinstance(given, numbers.Real):
            raise InvalidTypeError(
                "RiskWarning.gives_notice.min_hours", given, "must be a real number"
            )
        try:
            hours = float(given)
        except OverflowError:
            raise InvalidValueError(
                "RiskWarning.gives_notice.min_hours", given, "is too large for a float"
            ) from None
        if not 0 <= hours < float("inf"):
            raise InvalidValueError(
                "RiskWarning.gives_notice.min_hours", given, "must be finite and >= 0"
            )
        try:
            needed = dt.timedelta(hours=hours)
        except OverflowError:  # beyond timedelta.max: no lead time is that long
            return False
        return self.lead_time >= needed


@fast_init
@attrs.frozen
class ProgressUpdate:
    """A progress sync with the customer while the commitment is being carried out.

    Source rule [000]: during execution, sync progress **weekly** (每周同步进度, with a
    Gantt view of the key milestones). Whether the syncs came often enough is checked by
    [`kamlib.operations`][kamlib.operations] (default: no gap over 7 days).

    Attributes:
        at: When progress was shared (timezone-aware).
        note: What was shared (milestones reached, next steps).

    Examples:
        >>> import datetime as dt
        >>> ProgressUpdate(dt.datetime(2024, 1, 15, tzinfo=dt.UTC), "migration 40% done").note
        'migration 40% done'
    """

    at: dt.datetime = attrs.field(validator=aware_datetime())
    note: str = attrs.field(default="", validator=instance_of(str))


@fast_init
@attrs.frozen
class Acceptance:
    """The customer's acceptance of a delivered commitment (source [000]).

    Attributes:
        at: When it was accepted (timezone-aware).
        feedback: The customer's feedback, to feed into the next plan (may be empty).
        accepted_by_id: The customer person who accepted, if known.

    Examples:
        >>> import datetime as dt
        >>> Acceptance(dt.datetime(2024, 2, 1, tzinfo=dt.UTC), "on time").feedback
        'on time'
    """

    at: dt.datetime = attrs.field(validator=aware_datetime())
    feedback: str = attrs.field(validator=instance_of(str))
    accepted_by_id: str | None = attrs.field(default=None, validator=optional(non_empty_str()))


def _illegal(path: str, frm: CommitmentState, to: CommitmentState, extra: str = "") -> None:
    allowed = ", ".join(sorted(s.value for s in LEGAL_TRANSITIONS[frm])) or "nothing (terminal)"
    raise IllegalTransitionError(
        path,
        to.value,
        f"illegal transition {frm.value} -> {to.value}; from {frm.value} allowed: {allowed}"
        + extra,
    )


@fast_init
@attrs.frozen
class Commitment:
    """A promise made to an account, with its full state history.

    The history is validated on construction: non-empty, starts in ``proposed`` or
    ``committed`` (`START_STATES`), every step is in
    `LEGAL_TRANSITIONS`, times never go backwards, and ``acceptance`` is
    present exactly when the state is ``accepted``. Updates return new objects
    (`transition`, `warn`, `accept`).

    Attributes:
        id: Unique commitment id.
        account_id: The account it was made to.
        promise: What was promised (scope, source [000]: fix scope before signing).
        owner_id: Person on our staff who owns it.
        due: Promised delivery time (timezone-aware).
        required_capacity: Effort in person-days, ``>= 0`` (source [000]: do not
            over-commit; check team capacity).
        history: `Transition` steps, oldest first.
        risk_warnings: `RiskWarning` given to the customer.
        acceptance: `Acceptance`, iff the state is ``accepted``.
        progress_updates: `ProgressUpdate` syncs with the customer (source [000]:
            weekly during execution), none before the commitment was proposed.

    Raises:
        IllegalTransitionError: Bad start state or an illegal step (names from -> to).
        InvalidValueError: Empty history, time going backwards, acceptance mismatch.

    Examples:
        >>> import datetime as dt
        >>> t = dt.datetime(2024, 1, 8, 9, tzinfo=dt.UTC)
        >>> day = dt.timedelta(days=1)
        >>> c = Commitment.propose("C1", "A1", "Data migration", "U1", due=t + 30 * day,
        ...                        required_capacity=12, at=t)
        >>> c = c.transition("committed", t + day).transition("in_progress", t + 2 * day)
        >>> c = c.transition("delivered", t + 20 * day).accept(t + 21 * day, "smooth")
        >>> c.state, c.acceptance.feedback
        (<CommitmentState.ACCEPTED: 'accepted'>, 'smooth')
        >>> c.transition("in_progress", t + 22 * day)
        Traceback (most recent call last):
        ...
        kamlib.errors.IllegalTransitionError: Commitment.history[5].to_state: illegal transition
        accepted -> in_progress; ...
    """

    id: str = attrs.field(validator=non_empty_str())
    account_id: str = attrs.field(validator=non_empty_str())
    promise: str = attrs.field(validator=non_empty_str())
    owner_id: str = attrs.field(validator=non_empty_str())
    due: dt.datetime = attrs.field(validator=aware_datetime())
    required_capacity: float = attrs.field(converter=exact_real, validator=real(ge=0.0))
    history: tuple[Transition, ...] = attrs.field(
        converter=as_tuple, validator=each(instance_of(Transition))
    )
    risk_warnings: tuple[RiskWarning, ...] = attrs.field(
        default=(), converter=as_tuple, validator=each(instance_of(RiskWarning))
    )
    acceptance: Acceptance | None = attrs.field(
        default=None, validator=optional(instance_of(Acceptance))
    )
    progress_updates: tuple[ProgressUpdate, ...] = attrs.field(
        default=(), converter=as_tuple, validator=each(instance_of(ProgressUpdate))
    )

    def __attrs_post_init__(self) -> None:
        hist = self.history
        if not hist:
            raise InvalidValueError("Commitment.history", hist, "must not be empty")
        first = hist[0].to_state
        if first not in START_STATES:
            raise IllegalTransitionError(
                "Commitment.history[0].to_state",
                first.value,
                "a commitment must start in proposed or committed",
            )
        for i in range(1, len(hist)):
            prev, step = hist[i - 1], hist[i]
            if step.to_state not in LEGAL_TRANSITIONS[prev.to_state]:
                _illegal(f"Commitment.history[{i}].to_state", prev.to_state, step.to_state)
            if step.at < prev.at:
                raise InvalidValueError(
                    f"Commitment.history[{i}].at",
                    step.at,
                    f"must not be before history[{i - 1}].at={prev.at.isoformat()}",
                )
        accepted = hist[-1].to_state is CommitmentState.ACCEPTED
        if accepted and self.acceptance is None:
            raise InvalidValueError(
                "Commitment.acceptance", None, "is required when the state is accepted"
            )
        if not accepted and self.acceptance is not None:
            raise InvalidValueError(
                "Commitment.acceptance",
                self.acceptance,
                f"must be None unless the state is accepted (state is {hist[-1].to_state.value})",
            )
        start = hist[0].at
        for i, update in enumerate(self.progress_updates):
            if update.at < start:
                raise InvalidValueError(
                    f"Commitment.progress_updates[{i}].at",
                    update.at,
                    f"must not be before the commitment began ({start.isoformat()})",
                )

    @property
    def state(self) -> CommitmentState:
        """The current state: the last transition's ``to_state``.

        Examples:
            >>> import datetime as dt
            >>> t = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
            >>> Commitment.propose("C", "A", "x", "U", t, 1, at=t).state
            <CommitmentState.PROPOSED: 'proposed'>
        """
        return self.history[-1].to_state

    @property
    def is_closed(self) -> bool:
        """Whether the state is terminal (accepted, broken or cancelled).

        Examples:
            >>> import datetime as dt
            >>> t = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
            >>> c = Commitment.propose("C", "A", "x", "U", t, 1, at=t)
            >>> c.is_closed, c.transition("cancelled", t).is_closed
            (False, True)
        """
        return self.state in TERMINAL_STATES

    def is_overdue(self, as_of: dt.datetime) -> bool:
        """Whether ``as_of`` is past ``due`` and the commitment is signed but not delivered.

        Signed: ``committed``, ``in_progress`` or ``at_risk``. A ``proposed`` commitment
        past its due time was never promised, so it is not overdue (kamlib's reading; it
        cannot be warned either); delivered and closed ones are done.

        Examples:
            >>> import datetime as dt
            >>> t = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
            >>> c = Commitment.propose("C", "A", "x", "U", t, 1, at=t).transition("committed", t)
            >>> c.is_overdue(t), c.is_overdue(t + dt.timedelta(seconds=1))
            (False, True)
            >>> Commitment.propose("C", "A", "x", "U", t, 1, at=t).is_overdue(t + dt.timedelta(1))
            False
        """
        check_aware_datetime("Commitment.is_overdue.as_of", as_of)
        return self.state in _WARNABLE and as_of > self.due

    @classmethod
    def propose(
        cls,
        id: str,
        account_id: str,
        promise: str,
        owner_id: str,
        due: dt.datetime,
        required_capacity: float,
        *,
        at: dt.datetime,
        note: str = "",
    ) -> Commitment:
        """Create a new commitment in state ``proposed``.

        Args:
            id: Unique commitment id.
            account_id: The account.
            promise: What is promised.
            owner_id: Our staff member who owns it.
            due: Promised delivery time (timezone-aware).
            required_capacity: Person-days, ``>= 0``.
            at: When it was proposed (timezone-aware).
            note: Free text for the first transition.

        Examples:
            >>> import datetime as dt
            >>> t = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
            >>> len(Commitment.propose("C", "A", "x", "U", t, 0, at=t).history)
            1
        """
        return cls(
            id=id,
            account_id=account_id,
            promise=promise,
            owner_id=owner_id,
            due=due,
            required_capacity=required_capacity,
            history=(Transition(CommitmentState.PROPOSED, at, note),),
        )

    def _check_step(self, to: CommitmentState, at: dt.datetime, method: str) -> None:
        check_aware_datetime(f"Commitment.{method}.at", at)
        last = self.history[-1]
        if at < last.at:
            raise InvalidValueError(
                f"Commitment.{method}.at",
                at,
                f"must not be before the last transition at {last.at.isoformat()}",
            )
        if to not in LEGAL_TRANSITIONS[last.to_state]:
            _illegal(f"Commitment.history[{len(self.history)}].to_state", last.to_state, to)

    def transition(self, to: CommitmentState | str, at: dt.datetime, note: str = "") -> Commitment:
        """Return a copy moved to state ``to`` at ``at``.

        Moving to ``accepted`` needs an `Acceptance`: use `accept`.

        Raises:
            IllegalTransitionError: ``to`` is not allowed from the current state, or
                ``to`` is ``accepted``.
            InvalidValueError: ``at`` is before the last transition or ``to`` is unknown.

        Examples:
            >>> import datetime as dt
            >>> t = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
            >>> c = Commitment.propose("C", "A", "x", "U", t, 1, at=t)
            >>> c.transition("committed", t).state.value
            'committed'
        """
        target: object = _to_state(to)
        if not isinstance(target, CommitmentState):
            allowed = ", ".join(repr(s.value) for s in CommitmentState)
            raise InvalidValueError("Commitment.transition.to", to, f"must be one of {allowed}")
        self._check_step(target, at, "transition")
        if target is CommitmentState.ACCEPTED:
            raise IllegalTransitionError(
                f"Commitment.history[{len(self.history)}].to_state",
                target.value,
                f"{self.state.value} -> accepted needs an Acceptance; use Commitment.accept()",
            )
        return attrs.evolve(self, history=(*self.history, Transition(target, at, note)))

    def warn(self, at: dt.datetime, expected_impact_at: dt.datetime, note: str = "") -> Commitment:
        """Record a risk warning to the customer and move to ``at_risk``.

        Allowed while the commitment is ``committed``, ``in_progress`` or already
        ``at_risk`` (then only the warning is added). Whether the warning came early
        enough is `RiskWarning.gives_notice` (source [000]: 48 hours).

        Raises:
            IllegalTransitionError: The state is ``proposed``, ``delivered`` or terminal.

        Examples:
            >>> import datetime as dt
            >>> t = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
            >>> c = Commitment.propose("C", "A", "x", "U", t, 1, at=t).transition("committed", t)
            >>> w = c.warn(t, t + dt.timedelta(hours=72), "supplier delay")
            >>> w.state.value, w.risk_warnings[0].gives_notice()
            ('at_risk', True)
        """
        warning = RiskWarning(at, expected_impact_at, note)
        state = self.state
        if state not in _WARNABLE:
            _illegal(
                f"Commitment.history[{len(self.history)}].to_state",
                state,
                CommitmentState.AT_RISK,
                "; warnings are for committed, in_progress or at_risk commitments",
            )
        history = self.history
        if state is not CommitmentState.AT_RISK:
            self._check_step(CommitmentState.AT_RISK, at, "warn")
            history = (*history, Transition(CommitmentState.AT_RISK, at, note))
        return attrs.evolve(self, history=history, risk_warnings=(*self.risk_warnings, warning))

    def report_progress(self, at: dt.datetime, note: str = "") -> Commitment:
        """Return a copy with a progress sync recorded (source [000]: weekly in execution).

        Allowed in any state that is not terminal; the state does not change.

        Raises:
            IllegalTransitionError: The commitment is accepted, broken or cancelled.
            InvalidValueError: ``at`` is naive or before the commitment began.

        Examples:
            >>> import datetime as dt
            >>> t = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
            >>> c = Commitment.propose("C", "A", "x", "U", t, 1, at=t).transition("committed", t)
            >>> c = c.report_progress(t + dt.timedelta(days=7), "design signed off")
            >>> c.progress_updates[0].note, c.state.value
            ('design signed off', 'committed')
        """
        update = ProgressUpdate(at, note)
        if self.is_closed:
            raise IllegalTransitionError(
                f"Commitment.progress_updates[{len(self.progress_updates)}]",
                self.state.value,
                f"a {self.state.value} commitment takes no progress update",
            )
        return attrs.evolve(self, progress_updates=(*self.progress_updates, update))

    def accept(
        self, at: dt.datetime, feedback: str, accepted_by_id: str | None = None
    ) -> Commitment:
        """Return a copy accepted by the customer (only from ``delivered``).

        Raises:
            IllegalTransitionError: The state is not ``delivered``.

        Examples:
            >>> import datetime as dt
            >>> t = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
            >>> c = Commitment.propose("C", "A", "x", "U", t, 1, at=t)
            >>> c = c.transition("committed", t).transition("delivered", t)
            >>> c.accept(t, "good", accepted_by_id="P1").acceptance.accepted_by_id
            'P1'
        """
        acceptance = Acceptance(at, feedback, accepted_by_id)
        self._check_step(CommitmentState.ACCEPTED, at, "accept")
        return attrs.evolve(
            self,
            history=(*self.history, Transition(CommitmentState.ACCEPTED, at)),
            acceptance=acceptance,
        )
