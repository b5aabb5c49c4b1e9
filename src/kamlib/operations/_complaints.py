"""Complaints and conflicts: the 3R clocks and the red channel (sources [000], [003], [004]).

Source rules:

* **3R** (沖突處理的"3R原則") [000]: *Responsive*, confirm the problem within **2 hours**
  and give a first plan within **24 hours**; *Resonant*, empathy; *Resolved*, offer
  **2-3** options.
* **Red channel** (红色通道) [003]: for a sudden complaint of a key account, senior people
  lead the team on site within **24 hours**, solve the problem before looking for blame,
  and afterwards give a written improvement commitment (改进承诺书).
* **First-responder ownership** (首问负责制) [004]: the person who first takes a complaint
  is responsible for it, so that it is handled quickly.

A [`Complaint`][kamlib.model.Complaint] records the times; this module reads them at
``as_of``. Every number above is the default of a `ComplaintPolicy` field; a
`ComplaintPolicies` sets other numbers per [`ComplaintSeverity`][kamlib.model.ComplaintSeverity].

kamlib's own choices (the sources give none of these):

* Every clock runs from ``received_at``. Met exactly at the due time is met, not late; a
  clock not met is ``running`` up to and including its due time and ``overdue`` after it.
* A resolved complaint was confirmed and given a plan: if ``acknowledged_at`` (or
  ``first_plan_at``) is not recorded, or is later than ``resolved_at``, the step counts as
  met at ``resolved_at``. Resolution does not stand in for senior people on site.
* The sources give no deadline for the options: only their number is checked, once
  options were offered (``options_at``) or once the complaint is resolved.
* More options than ``max_options`` is a breach, but a mild one (``watch``).
* The red channel's improvement commitment has no recorded time: it is due by
  resolution; a resolved red-channel complaint without one is a breach, an open one is not
  yet.
* Severities of the alerts: see `COMPLAINT_CODES`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Final

import attrs

from kamlib._dated import MAX_HOURS, check_as_of, check_portfolio, not_after
from kamlib._validators import (
    as_float,
    as_int,
    aware_datetime,
    check_choice,
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
from kamlib.model import Complaint, ComplaintChannel, ComplaintSeverity, Portfolio
from kamlib.operations._alerts import Alert, AlertKind, Severity, make_alert, sort_alerts

__all__ = [
    "ComplaintPolicy",
    "ComplaintPolicies",
    "CLOCK_NAMES",
    "CLOCK_STATES",
    "ClockCheck",
    "ComplaintCheck",
    "complaint_check",
    "complaint_checks",
    "complaint_alerts",
    "COMPLAINT_CODES",
]

_HOUR: Final = dt.timedelta(hours=1)

CLOCK_NAMES: Final[tuple[str, ...]] = (
    "acknowledge",
    "first_plan",
    "options",
    "senior_on_site",
    "improvement_commitment",
)
"""The rules a complaint is checked against, in the order a `ComplaintCheck` lists them.

``acknowledge``, ``first_plan`` and ``options`` apply to every complaint (3R, source
[000]); ``senior_on_site`` and ``improvement_commitment`` to red-channel complaints only
(source [003]).

Examples:
    >>> from kamlib.operations import CLOCK_NAMES
    >>> CLOCK_NAMES[:2]
    ('acknowledge', 'first_plan')
"""

CLOCK_STATES: Final[tuple[str, ...]] = ("met", "late", "overdue", "running", "breached")
"""The states of a `ClockCheck`.

``met`` (in time), ``late`` (met after the due time), ``overdue`` (not met and ``as_of``
is after the due time), ``running`` (not met, not yet due), ``breached`` (a rule without
a clock is broken, e.g. too few options).

Examples:
    >>> from kamlib.operations import CLOCK_STATES
    >>> "overdue" in CLOCK_STATES
    True
"""

_BREACH_STATES: Final = frozenset({"late", "overdue", "breached"})

COMPLAINT_CODES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "ack_late": "The complaint was acknowledged after the acknowledgement limit "
        "(3R responsive: 2 h from receipt by default, source [000]).",
        "ack_overdue": "The complaint is open and not acknowledged, past the acknowledgement "
        "limit (3R responsive: 2 h from receipt by default, source [000]).",
        "plan_late": "The first plan was given after the first-plan limit "
        "(3R responsive: 24 h from receipt by default, source [000]).",
        "plan_overdue": "The complaint is open without a first plan, past the first-plan "
        "limit (3R responsive: 24 h from receipt by default, source [000]).",
        "options_too_few": "Fewer options were offered than the minimum, or the complaint "
        "was resolved without any (3R resolved: 2-3 options by default, source [000]).",
        "options_too_many": "More options were offered than the maximum "
        "(3R resolved: 2-3 options by default, source [000]).",
        "senior_on_site_late": "Senior people were on site after the red-channel limit "
        "(24 h from receipt by default, source [003]).",
        "senior_on_site_overdue": "No senior people have been on site, past the red-channel "
        "limit (24 h from receipt by default, source [003]).",
        "improvement_commitment_missing": "A red-channel complaint was resolved without a "
        "written improvement commitment (source [003]).",
    }
)
"""Every reason code `complaint_alerts` emits, with one sentence.

Severities (kamlib's own choice; the sources give none):

* ``options_too_many`` is ``watch`` always (more choice than asked is a lapse of form);
* every other code of a **red-channel** complaint is ``critical``;
* otherwise ``ack_late`` and ``plan_late`` are ``watch`` (met, but late), ``ack_overdue``,
  ``plan_overdue`` and ``options_too_few`` are ``warning``; one step worse (``watch`` to
  ``warning``, ``warning`` to ``critical``) when the complaint's severity is ``high`` or
  ``critical``.

``senior_on_site_*`` and ``improvement_commitment_missing`` concern the red channel only,
so they are always ``critical``.

Examples:
    >>> from kamlib.operations import COMPLAINT_CODES
    >>> sorted(COMPLAINT_CODES)[:3]
    ['ack_late', 'ack_overdue', 'improvement_commitment_missing']
"""

_CLOCK_CODES: Final = {
    "acknowledge": ("ack_late", "ack_overdue"),
    "first_plan": ("plan_late", "plan_overdue"),
    "senior_on_site": ("senior_on_site_late", "senior_on_site_overdue"),
}

_BASE_SEVERITY: Final = {
    "ack_late": Severity.WATCH,
    "plan_late": Severity.WATCH,
    "ack_overdue": Severity.WARNING,
    "plan_overdue": Severity.WARNING,
    "options_too_few": Severity.WARNING,
    "options_too_many": Severity.WATCH,
    "senior_on_site_late": Severity.CRITICAL,
    "senior_on_site_overdue": Severity.CRITICAL,
    "improvement_commitment_missing": Severity.CRITICAL,
}

_WORSE: Final = {
    Severity.INFO: Severity.WATCH,
    Severity.WATCH: Severity.WARNING,
    Severity.WARNING: Severity.CRITICAL,
    Severity.CRITICAL: Severity.CRITICAL,
}

_SERIOUS: Final = frozenset({ComplaintSeverity.HIGH, ComplaintSeverity.CRITICAL})


# ----------------------------------------------------------------------------- policies


_HOURS: Final = real(gt=0.0, le=MAX_HOURS)  # the bounds of _common.check_hours(positive=True)


@attrs.frozen
class ComplaintPolicy:
    """The limits a complaint is checked against; every default is a source number.

    Attributes:
        ack_hours: Acknowledge (confirm the problem) within this many hours of
            ``received_at``: default 2, source [000] (3R responsive).
        plan_hours: Give a first plan within this many hours of ``received_at``: default
            24, source [000] (3R responsive).
        min_options: At least this many options offered: default 2, source [000] (3R
            resolved, 2-3 options).
        max_options: At most this many: default 3, source [000]. More is a mild breach
            (``watch``), kamlib's own choice.
        senior_on_site_hours: Red channel only: senior people on site within this many
            hours of ``received_at``: default 24, source [003].
        require_improvement_commitment: Red channel only: a resolved complaint must
            carry a written improvement commitment (改进承诺书): default ``True``, source
            [003]; that it is due by resolution is kamlib's own reading of "事后"
            (afterwards).

    Hours are real numbers in ``(0, 876600]`` (a century, kamlib's own bound, as every
    operations clock).

    Raises:
        InvalidTypeError: A field of the wrong type.
        InvalidValueError: Hours not positive, ``min_options < 1`` or
            ``max_options < min_options``.

    Examples:
        >>> from kamlib.operations import ComplaintPolicy
        >>> p = ComplaintPolicy()
        >>> p.ack_hours, p.plan_hours, p.min_options, p.max_options, p.senior_on_site_hours
        (2.0, 24.0, 2, 3, 24.0)
        >>> ComplaintPolicy(ack_hours=0)
        Traceback (most recent call last):
        ...
        kamlib.errors.InvalidValueError: ComplaintPolicy.ack_hours: must be a real number \
in (0, 876600]; got 0.0
    """

    ack_hours: float = attrs.field(default=2.0, converter=as_float, validator=_HOURS)
    plan_hours: float = attrs.field(default=24.0, converter=as_float, validator=_HOURS)
    min_options: int = attrs.field(default=2, converter=as_int, validator=integer(ge=1))
    max_options: int = attrs.field(default=3, converter=as_int, validator=integer(ge=1))
    senior_on_site_hours: float = attrs.field(default=24.0, converter=as_float, validator=_HOURS)
    require_improvement_commitment: bool = attrs.field(default=True, validator=flag())

    def __attrs_post_init__(self) -> None:
        if self.max_options < self.min_options:
            raise InvalidValueError(
                "ComplaintPolicy.max_options",
                self.max_options,
                f"must be at least min_options ({self.min_options})",
            )


_DEFAULT_POLICY: Final = ComplaintPolicy()


def _to_by_severity(
    value: Mapping[ComplaintSeverity | str, ComplaintPolicy],
) -> Mapping[ComplaintSeverity, ComplaintPolicy]:
    """Converter of `ComplaintPolicies.by_severity`: checked, keys as members, read-only."""
    path = "ComplaintPolicies.by_severity"
    if not isinstance(value, Mapping):
        raise InvalidTypeError(path, value, "must be a mapping of ComplaintSeverity to policy")
    out: dict[ComplaintSeverity, ComplaintPolicy] = {}
    options = [s.value for s in ComplaintSeverity]
    for key, policy in value.items():
        severity = ComplaintSeverity(check_choice(path, key, options))
        if not isinstance(policy, ComplaintPolicy):
            raise InvalidTypeError(f"{path}[{key!r}]", policy, "must be a ComplaintPolicy")
        out[severity] = policy
    return MappingProxyType({s: out[s] for s in ComplaintSeverity if s in out})


@attrs.frozen
class ComplaintPolicies:
    """A `ComplaintPolicy` per complaint severity, with a default for the others.

    The sources give one set of numbers for every complaint; a shorter clock for a
    ``critical`` complaint (or a longer one for a ``low`` one) is the user's choice. Pass
    a `ComplaintPolicies` wherever a `ComplaintPolicy` is accepted.

    Attributes:
        default: The policy of every severity not in ``by_severity`` (default: the
            source numbers).
        by_severity: [`ComplaintSeverity`][kamlib.model.ComplaintSeverity] (or its
            value, ``"high"``) to its policy; read-only.

    Raises:
        InvalidTypeError: ``default`` or a value of ``by_severity`` not a
            `ComplaintPolicy`; ``by_severity`` not a mapping; a key not a str.
        InvalidValueError: A key that is not a severity.

    Examples:
        >>> from kamlib.operations import ComplaintPolicies, ComplaintPolicy
        >>> p = ComplaintPolicies(by_severity={"critical": ComplaintPolicy(ack_hours=1)})
        >>> p.for_severity("critical").ack_hours, p.for_severity("low").ack_hours
        (1.0, 2.0)
        >>> ComplaintPolicies(by_severity={"urgent": ComplaintPolicy()})
        Traceback (most recent call last):
        ...
        kamlib.errors.InvalidValueError: ComplaintPolicies.by_severity: must be one of \
'low', 'medium', 'high', 'critical'; got 'urgent'
    """

    default: ComplaintPolicy = attrs.field(
        default=_DEFAULT_POLICY, validator=instance_of(ComplaintPolicy)
    )
    by_severity: Mapping[ComplaintSeverity, ComplaintPolicy] = attrs.field(
        factory=dict, converter=_to_by_severity, hash=False
    )

    def for_severity(self, severity: ComplaintSeverity | str) -> ComplaintPolicy:
        """The policy of a complaint of this severity.

        Raises:
            InvalidValueError: Not a severity.
            InvalidTypeError: Not a str.

        Examples:
            >>> from kamlib.operations import ComplaintPolicies
            >>> ComplaintPolicies().for_severity("high").plan_hours
            24.0
        """
        options = [s.value for s in ComplaintSeverity]
        key = ComplaintSeverity(check_choice("ComplaintPolicies.for_severity", severity, options))
        return self.by_severity.get(key, self.default)


# ------------------------------------------------------------------------------ results


@attrs.frozen
class ClockCheck:
    """One rule of one complaint at ``as_of``: due, met, and its state.

    Attributes:
        name: One of `CLOCK_NAMES`.
        state: One of `CLOCK_STATES`: ``met``, ``late``, ``overdue``, ``running`` or
            ``breached``.
        due_at: When the clock runs out (``received_at`` plus the policy's hours), or
            ``None`` for a rule without a clock (``options``, ``improvement_commitment``).
        met_at: When it was met: the recorded time (``acknowledged_at``,
            ``first_plan_at``, ``options_at``, ``senior_on_site_at``), or ``resolved_at``
            for the acknowledgement and the first plan of a resolved complaint that
            recorded none earlier (kamlib's own choice); ``None`` when not met, or for the
            improvement commitment (it has no recorded time).
        code: The reason code (a key of `COMPLAINT_CODES`) when the state is a breach
            (``late``, ``overdue``, ``breached``), else ``None``.
        late_by: How late: ``met_at - due_at`` when ``late``, ``as_of - due_at`` when
            ``overdue``, else ``None``.

    Examples:
        >>> import datetime as dt
        >>> from kamlib.operations import ClockCheck
        >>> t = dt.datetime(2025, 3, 3, 11, tzinfo=dt.UTC)
        >>> c = ClockCheck("acknowledge", "late", t, t + dt.timedelta(minutes=30),
        ...                "ack_late", dt.timedelta(minutes=30))
        >>> c.is_breach, c.hours_late
        (True, 0.5)
    """

    name: str = attrs.field(validator=one_of(*CLOCK_NAMES))
    state: str = attrs.field(validator=one_of(*CLOCK_STATES))
    due_at: dt.datetime | None = attrs.field(default=None, validator=optional(aware_datetime()))
    met_at: dt.datetime | None = attrs.field(default=None, validator=optional(aware_datetime()))
    code: str | None = attrs.field(default=None, validator=optional(one_of(*COMPLAINT_CODES)))
    late_by: dt.timedelta | None = attrs.field(
        default=None, validator=optional(instance_of(dt.timedelta))
    )

    @property
    def is_breach(self) -> bool:
        """Whether the state is ``late``, ``overdue`` or ``breached``.

        Examples:
            >>> from kamlib.operations import ClockCheck
            >>> ClockCheck("options", "met").is_breach
            False
        """
        return self.state in _BREACH_STATES

    @property
    def hours_late(self) -> float | None:
        """`late_by` in hours, or ``None``.

        Examples:
            >>> import datetime as dt
            >>> from kamlib.operations import ClockCheck
            >>> ClockCheck("first_plan", "running").hours_late is None
            True
        """
        return None if self.late_by is None else self.late_by / _HOUR


@attrs.frozen
class ComplaintCheck:
    """Every rule of one complaint at ``as_of``, with its one owner.

    First-responder ownership (首问负责制, source [004]): the complaint has one
    ``owner_id`` from receipt to resolution (the record allows no hand-over), so every
    breach is routed to that person.

    Attributes:
        account_id: The complaining account.
        complaint_id: The complaint.
        owner_id: Its first responder and owner (our staff).
        channel: [`ComplaintChannel`][kamlib.model.ComplaintChannel].
        severity: [`ComplaintSeverity`][kamlib.model.ComplaintSeverity].
        received_at: When it was received.
        resolved_at: When it was resolved, or ``None``.
        open: Not resolved by ``as_of``.
        clocks: One `ClockCheck` per rule that applies, in the order of `CLOCK_NAMES`
            (the red-channel rules only for a red-channel complaint, the improvement
            commitment only when the policy requires it).

    Examples:
        >>> import datetime as dt
        >>> from kamlib.model import Complaint
        >>> from kamlib.operations import complaint_check
        >>> t = dt.datetime(2025, 3, 3, 9, tzinfo=dt.UTC)
        >>> q = Complaint("Q1", "A1", "U1", t, "Invoice run failed")
        >>> chk = complaint_check(q, as_of=t + dt.timedelta(hours=3))
        >>> chk.owner_id, [(c.name, c.state) for c in chk.clocks]
        ('U1', [('acknowledge', 'overdue'), ('first_plan', 'running'), ('options', 'running')])
    """

    account_id: str = attrs.field(validator=non_empty_str())
    complaint_id: str = attrs.field(validator=non_empty_str())
    owner_id: str = attrs.field(validator=non_empty_str())
    channel: ComplaintChannel = attrs.field(validator=instance_of(ComplaintChannel))
    severity: ComplaintSeverity = attrs.field(validator=instance_of(ComplaintSeverity))
    received_at: dt.datetime = attrs.field(validator=aware_datetime())
    resolved_at: dt.datetime | None = attrs.field(validator=optional(aware_datetime()))
    open: bool = attrs.field(validator=flag())
    clocks: tuple[ClockCheck, ...] = attrs.field(validator=each(instance_of(ClockCheck)))

    @property
    def breaches(self) -> tuple[ClockCheck, ...]:
        """The clocks that are ``late``, ``overdue`` or ``breached``.

        Examples:
            >>> import datetime as dt
            >>> from kamlib.model import Complaint
            >>> from kamlib.operations import complaint_check
            >>> t = dt.datetime(2025, 3, 3, 9, tzinfo=dt.UTC)
            >>> q = Complaint("Q1", "A1", "U1", t, "x", acknowledged_at=t)
            >>> [c.code for c in complaint_check(q, as_of=t + dt.timedelta(days=2)).breaches]
            ['plan_overdue']
        """
        return tuple(c for c in self.clocks if c.state in _BREACH_STATES)

    def clock(self, name: str) -> ClockCheck | None:
        """The clock called ``name`` (see `CLOCK_NAMES`), or ``None`` if it does not apply.

        Raises:
            InvalidValueError: Not one of `CLOCK_NAMES`.

        Examples:
            >>> import datetime as dt
            >>> from kamlib.model import Complaint
            >>> from kamlib.operations import complaint_check
            >>> t = dt.datetime(2025, 3, 3, 9, tzinfo=dt.UTC)
            >>> chk = complaint_check(Complaint("Q1", "A1", "U1", t, "x"), as_of=t)
            >>> chk.clock("first_plan").due_at.hour, chk.clock("senior_on_site") is None
            (9, True)
        """
        check_choice("ComplaintCheck.clock.name", name, CLOCK_NAMES)
        for c in self.clocks:
            if c.name == name:
                return c
        return None


# -------------------------------------------------------------------------------- rules


@attrs.frozen
class _Windows:
    """A policy's hours as timedeltas, computed once per policy per call."""

    policy: ComplaintPolicy
    ack: dt.timedelta
    plan: dt.timedelta
    senior: dt.timedelta

    @classmethod
    def of(cls, policy: ComplaintPolicy) -> _Windows:
        return cls(
            policy,
            dt.timedelta(hours=policy.ack_hours),
            dt.timedelta(hours=policy.plan_hours),
            dt.timedelta(hours=policy.senior_on_site_hours),
        )


def _windows_for(where: str, policy: object) -> Mapping[ComplaintSeverity, _Windows]:
    """The windows of every severity, from a `ComplaintPolicy` or `ComplaintPolicies`."""
    if isinstance(policy, ComplaintPolicy):
        one = _Windows.of(policy)
        return dict.fromkeys(ComplaintSeverity, one)
    if isinstance(policy, ComplaintPolicies):
        default = _Windows.of(policy.default)
        table = {s: _Windows.of(p) for s, p in policy.by_severity.items()}
        return {s: table.get(s, default) for s in ComplaintSeverity}
    raise InvalidTypeError(
        f"{where}.policy", policy, "must be a ComplaintPolicy or a ComplaintPolicies"
    )


def _earlier(a: dt.datetime | None, b: dt.datetime | None) -> dt.datetime | None:
    if a is None:
        return b
    if b is None:
        return a
    return a if a <= b else b


def _timed(name: str, due: dt.datetime, met: dt.datetime | None, as_of: dt.datetime) -> ClockCheck:
    """A clock due at ``due``: met, late, overdue (``as_of > due``) or running."""
    late_code, overdue_code = _CLOCK_CODES[name]
    if met is not None:
        if met <= due:
            return ClockCheck(name, "met", due, met)
        return ClockCheck(name, "late", due, met, late_code, met - due)
    if as_of > due:
        return ClockCheck(name, "overdue", due, None, overdue_code, as_of - due)
    return ClockCheck(name, "running", due, None)


# the checks without a time are the same values for every complaint: built once
_OPTIONS_RUNNING: Final = ClockCheck("options", "running")
_OPTIONS_NONE: Final = ClockCheck("options", "breached", code="options_too_few")
_COMMITMENT_MET: Final = ClockCheck("improvement_commitment", "met")
_COMMITMENT_RUNNING: Final = ClockCheck("improvement_commitment", "running")
_COMMITMENT_MISSING: Final = ClockCheck(
    "improvement_commitment", "breached", code="improvement_commitment_missing"
)


def _options(c: Complaint, policy: ComplaintPolicy) -> ClockCheck:
    n = len(c.options)
    if n == 0:
        if c.resolved_at is None:
            return _OPTIONS_RUNNING
        return _OPTIONS_NONE
    if n < policy.min_options:
        return ClockCheck("options", "breached", met_at=c.options_at, code="options_too_few")
    if n > policy.max_options:
        return ClockCheck("options", "breached", met_at=c.options_at, code="options_too_many")
    return ClockCheck("options", "met", met_at=c.options_at)


def _judge(c: Complaint, as_of: dt.datetime, w: _Windows, prefix: str | int) -> ComplaintCheck:
    """Check one complaint: every recorded time by ``as_of``, then each rule.

    ``prefix`` is the complaint's path, or its position in ``Portfolio.complaints``.
    """
    for field, at in c.times():
        if at > as_of:  # the path is built only for the error
            path = prefix if isinstance(prefix, str) else f"Portfolio.complaints[{prefix}]"
            not_after(f"{path}.{field}", at, as_of)
    received, resolved = c.received_at, c.resolved_at
    clocks = [
        _timed("acknowledge", received + w.ack, _earlier(c.acknowledged_at, resolved), as_of),
        _timed("first_plan", received + w.plan, _earlier(c.first_plan_at, resolved), as_of),
        _options(c, w.policy),
    ]
    if c.channel is ComplaintChannel.RED:
        clocks.append(_timed("senior_on_site", received + w.senior, c.senior_on_site_at, as_of))
        if w.policy.require_improvement_commitment:
            if c.improvement_commitment.strip():
                clocks.append(_COMMITMENT_MET)
            elif resolved is None:
                clocks.append(_COMMITMENT_RUNNING)
            else:
                clocks.append(_COMMITMENT_MISSING)
    return ComplaintCheck(
        c.account_id,
        c.id,
        c.owner_id,
        c.channel,
        c.severity,
        received,
        resolved,
        resolved is None,
        tuple(clocks),
    )


def _check_key(chk: ComplaintCheck) -> tuple[Any, ...]:
    return (chk.account_id, chk.received_at, chk.complaint_id)


def _run(
    where: str, portfolio: object, as_of: object, policy: object, *, ordered: bool = True
) -> list[tuple[Complaint, ComplaintPolicy, ComplaintCheck]]:
    """Every complaint checked; by account, receipt and id if ``ordered``, else as given."""
    portfolio = check_portfolio(where, portfolio)
    when = check_as_of(where, as_of)
    windows = _windows_for(where, policy)
    rows = []
    for i, c in enumerate(portfolio.complaints):
        w = windows[c.severity]
        rows.append((c, w.policy, _judge(c, when, w, i)))
    if ordered:
        rows.sort(key=lambda row: _check_key(row[2]))
    return rows


def complaint_check(
    complaint: Complaint,
    *,
    as_of: dt.datetime,
    policy: ComplaintPolicy | ComplaintPolicies = ComplaintPolicy(),
) -> ComplaintCheck:
    """Check one complaint's 3R clocks (and red-channel rules) at ``as_of``.

    Args:
        complaint: The [`Complaint`][kamlib.model.Complaint].
        as_of: Timezone-aware time of the check; every recorded time must be at or
            before it.
        policy: A `ComplaintPolicy` (the same limits for every severity; default the
            source numbers) or a `ComplaintPolicies` (limits per severity).

    Returns:
        The `ComplaintCheck`.

    Raises:
        InvalidTypeError: ``complaint`` not a `Complaint`, ``policy`` not a policy,
            ``as_of`` not a datetime.
        InvalidValueError: A naive ``as_of``; a recorded time after ``as_of`` (the path
            names it: ``"complaint_check.complaint.acknowledged_at"``).

    Examples:
        >>> import datetime as dt
        >>> from kamlib.model import Complaint
        >>> from kamlib.operations import complaint_check
        >>> t = dt.datetime(2025, 3, 3, 9, tzinfo=dt.UTC)
        >>> q = Complaint("Q1", "A1", "U1", t, "Outage", channel="red",
        ...               acknowledged_at=t + dt.timedelta(hours=2),
        ...               first_plan_at=t + dt.timedelta(hours=30))
        >>> chk = complaint_check(q, as_of=t + dt.timedelta(days=2))
        >>> [(c.name, c.state) for c in chk.clocks]
        [('acknowledge', 'met'), ('first_plan', 'late'), ('options', 'running'),
         ('senior_on_site', 'overdue'), ('improvement_commitment', 'running')]
        >>> complaint_check(q, as_of=t)
        Traceback (most recent call last):
        ...
        kamlib.errors.InvalidValueError: complaint_check.complaint.acknowledged_at: is after \
as_of (2025-03-03T09:00:00+00:00): a review reads only what happened by as_of; got ...
    """
    where = "complaint_check"
    if not isinstance(complaint, Complaint):
        raise InvalidTypeError(f"{where}.complaint", complaint, "must be a Complaint")
    when = check_as_of(where, as_of)
    w = _windows_for(where, policy)[complaint.severity]
    return _judge(complaint, when, w, f"{where}.complaint")


def complaint_checks(
    portfolio: Portfolio,
    *,
    as_of: dt.datetime,
    policy: ComplaintPolicy | ComplaintPolicies = ComplaintPolicy(),
) -> tuple[ComplaintCheck, ...]:
    """Check every complaint of the portfolio at ``as_of``, open or resolved.

    One pass over ``portfolio.complaints``; the result is sorted by account id, then
    ``received_at``, then complaint id, so the order of the input records never shows.

    Args:
        portfolio: The records.
        as_of: Timezone-aware time of the check.
        policy: A `ComplaintPolicy` or a `ComplaintPolicies` (see `complaint_check`).

    Returns:
        One `ComplaintCheck` per complaint, sorted.

    Raises:
        InvalidTypeError: ``portfolio`` not a [`Portfolio`][kamlib.model.Portfolio],
            ``policy`` not a policy, ``as_of`` not a datetime.
        InvalidValueError: A naive ``as_of``; a complaint received after ``as_of``, or
            with any recorded time after it (the path names the complaint's position and
            field: ``"Portfolio.complaints[3].resolved_at"``).

    Examples:
        >>> import datetime as dt
        >>> from kamlib.model import Account, Complaint, KeyPerson, Portfolio
        >>> from kamlib.operations import complaint_checks
        >>> t = dt.datetime(2025, 3, 3, 9, tzinfo=dt.UTC)
        >>> acc = Account("A1", "Acme", industry="x", region="y", size_band="large",
        ...               cooperation_start=dt.date(2024, 1, 1))
        >>> pf = Portfolio([acc], [KeyPerson("U1", "Ann", "our_staff")], complaints=[
        ...     Complaint("Q2", "A1", "U1", t + dt.timedelta(hours=1), "Late delivery"),
        ...     Complaint("Q1", "A1", "U1", t, "Invoice run failed",
        ...               acknowledged_at=t + dt.timedelta(hours=1))])
        >>> [(c.complaint_id, len(c.breaches)) for c in complaint_checks(
        ...     pf, as_of=t + dt.timedelta(hours=4))]
        [('Q1', 0), ('Q2', 1)]
    """
    return tuple(chk for _, _, chk in _run("complaint_checks", portfolio, as_of, policy))


# ------------------------------------------------------------------------------- alerts


def _alert_severity(code: str, chk: ComplaintCheck) -> Severity:
    if code == "options_too_many":
        return Severity.WATCH
    if chk.channel is ComplaintChannel.RED:
        return Severity.CRITICAL
    base = _BASE_SEVERITY[code]
    return _WORSE[base] if chk.severity in _SERIOUS else base


def _late_text(late_by: dt.timedelta | None) -> str:
    hours = 0.0 if late_by is None else late_by / _HOUR
    return f"{hours:.1f} h" if hours >= 0.05 else "under 0.1 h"


def _reason(c: Complaint, p: ComplaintPolicy, clock: ClockCheck) -> str:
    code, late, n = clock.code, _late_text(clock.late_by), len(c.options)
    subject = f"Red-channel complaint {c.id}" if c.is_red else f"Complaint {c.id}"
    if code == "ack_late":
        return f"{subject} was acknowledged {late} after its {p.ack_hours:g} h limit"
    if code == "ack_overdue":
        return f"{subject} is not acknowledged, {late} past its {p.ack_hours:g} h limit"
    if code == "plan_late":
        return f"{subject} got a first plan {late} after its {p.plan_hours:g} h limit"
    if code == "plan_overdue":
        return f"{subject} has no first plan, {late} past its {p.plan_hours:g} h limit"
    if code == "options_too_few":
        if n == 0:
            return f"{subject} was resolved with no option offered (at least {p.min_options})"
        return f"{subject} was offered {n} option(s), fewer than {p.min_options}"
    if code == "options_too_many":
        return f"{subject} was offered {n} options, more than {p.max_options}"
    if code == "senior_on_site_late":
        return (
            f"{subject}: senior people on site {late} after the {p.senior_on_site_hours:g} h limit"
        )
    if code == "senior_on_site_overdue":
        return (
            f"{subject}: no senior people on site, {late} past the "
            f"{p.senior_on_site_hours:g} h limit"
        )
    return f"{subject} was resolved without a written improvement commitment"


def _alert(c: Complaint, p: ComplaintPolicy, chk: ComplaintCheck, clock: ClockCheck) -> Alert:
    code = clock.code
    assert code is not None  # every breach carries its code
    evidence: dict[str, Any] = {
        "rule": clock.name,
        "state": clock.state,
        "channel": chk.channel.value,
        "complaint_severity": chk.severity.value,
        "owner_id": chk.owner_id,
        "received_at": chk.received_at,
        "due_at": clock.due_at,
        "met_at": clock.met_at,
        "hours_late": clock.hours_late,
        "open": chk.open,
    }
    if clock.name == "options":
        evidence.update(
            options_offered=len(c.options), min_options=p.min_options, max_options=p.max_options
        )
    return make_alert(
        chk.account_id,
        AlertKind.COMPLAINT,
        code,
        _alert_severity(code, chk),
        _reason(c, p, clock),
        evidence,
        due=clock.due_at,
        subject_id=chk.complaint_id,
    )


def complaint_alerts(
    portfolio: Portfolio,
    *,
    as_of: dt.datetime,
    policy: ComplaintPolicy | ComplaintPolicies = ComplaintPolicy(),
) -> tuple[Alert, ...]:
    """One `Alert` per breached rule of `complaint_checks`, in the canonical alert order.

    Kind ``complaint``; ``account_id`` the complaint's account; ``subject_id`` the
    complaint id; ``due`` the clock's due time (``None`` for the options and the
    improvement commitment); codes and severities in `COMPLAINT_CODES`. Evidence:
    ``rule``, ``state``, ``channel``, ``complaint_severity``, ``owner_id`` (the first
    responder, to route the alert to, source [004]), ``received_at``, ``due_at``,
    ``met_at``, ``hours_late``, ``open``; for the options also ``options_offered``,
    ``min_options``, ``max_options``.

    Args:
        portfolio: The records.
        as_of: Timezone-aware time of the review.
        policy: A `ComplaintPolicy` or a `ComplaintPolicies` (see `complaint_check`).

    Returns:
        The alerts, through [`sort_alerts`][kamlib.operations.sort_alerts].

    Raises:
        InvalidTypeError: As `complaint_checks` (paths name ``complaint_alerts``).
        InvalidValueError: As `complaint_checks`.

    Examples:
        >>> import datetime as dt
        >>> from kamlib.model import Account, Complaint, KeyPerson, Portfolio
        >>> from kamlib.operations import complaint_alerts
        >>> t = dt.datetime(2025, 3, 3, 9, tzinfo=dt.UTC)
        >>> acc = Account("A1", "Acme", industry="x", region="y", size_band="large",
        ...               cooperation_start=dt.date(2024, 1, 1))
        >>> pf = Portfolio([acc], [KeyPerson("U1", "Ann", "our_staff")], complaints=[
        ...     Complaint("Q1", "A1", "U1", t, "Invoice run failed", severity="high")])
        >>> [(a.code, a.severity.value, a.evidence["owner_id"])
        ...  for a in complaint_alerts(pf, as_of=t + dt.timedelta(hours=3))]
        [('ack_overdue', 'critical', 'U1')]
    """
    return sort_alerts(alert_list("complaint_alerts", portfolio, as_of, policy))


def alert_list(where: str, portfolio: object, as_of: object, policy: object) -> list[Alert]:
    """The alerts of `complaint_alerts`, unsorted (the review sorts everything once)."""
    rows = _run(where, portfolio, as_of, policy, ordered=False)
    return [
        _alert(c, p, chk, clock) for c, p, chk in rows for clock in chk.clocks if clock.is_breach
    ]
