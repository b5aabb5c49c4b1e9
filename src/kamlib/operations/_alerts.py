"""The alert record every operations rule reports through, and its vocabulary.

An `Alert` is one line of the review inbox: which account, what kind of rule, how
severe, a stable reason ``code``, a sentence a manager can read, the evidence it was
decided on and, where the rule has a clock, the ``due`` time it was measured against.
Alerts are plain frozen values: two runs on the same inputs give equal alerts, and
`sort_alerts` puts any collection of them into one canonical order, so the order of the
input records never shows in a review.
"""

from __future__ import annotations

import datetime as dt
import enum
import operator
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any, Final

import attrs

from kamlib._validators import aware_datetime, non_empty_str, optional
from kamlib.errors import InvalidTypeError
from kamlib.model._checks import enum_or_raw, member_of

__all__ = ["Alert", "AlertKind", "Severity", "sort_alerts"]


class Severity(enum.StrEnum):
    """How urgent an alert is, mildest first: ``info < watch < warning < critical``.

    The order follows the three-colour light of source [000]: ``critical`` is what a red
    light asks for (act now), ``warning`` a yellow one, ``watch`` a green-watch one;
    ``info`` is a record worth seeing that asks for no action. Which rule raises which
    severity is listed with each rule; those assignments are kamlib's own choice.

    Examples:
        >>> from kamlib.operations import Severity
        >>> Severity.CRITICAL.rank > Severity.WARNING.rank > Severity.WATCH.rank
        True
        >>> Severity("watch").rank
        1
    """

    INFO = "info"
    WATCH = "watch"
    WARNING = "warning"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        """Position in the order ``info`` (0) ... ``critical`` (3).

        Examples:
            >>> from kamlib.operations import Severity
            >>> Severity.INFO.rank
            0
        """
        return _RANK[self]


_RANK: Final = {s: i for i, s in enumerate(Severity)}


class AlertKind(enum.StrEnum):
    """Which area of the operating rules raised an alert.

    Examples:
        >>> from kamlib.operations import AlertKind
        >>> AlertKind("cadence") is AlertKind.CADENCE
        True
    """

    HEALTH = "health"
    """A health light or a trend alert (sources [000], [003])."""
    COMMITMENT = "commitment"
    """The commit-execute-feedback loop (source [000])."""
    CAPACITY = "capacity"
    """Over-commitment of an owner or team (source [000])."""
    COMPLAINT = "complaint"
    """3R and the red channel (sources [000], [003], [004])."""
    CADENCE = "cadence"
    """Contact cadence by phase of the cooperation (source [000])."""
    REVIEW = "review"
    """The dynamic-evaluation calendar (source [002])."""
    DEMAND = "demand"
    """Demand pool, customisation guard, value ladder (sources [000], [003])."""
    QUALIFICATION = "qualification"
    """Key-account re-qualification (sources [002], [004])."""
    PLAN = "plan"
    """Key-account plans: targets behind, reviews due (source [002]; kamlib.planning)."""
    COVERAGE = "coverage"
    """Coverage of the accounts by the team: overload, missing roles (source [002];
    kamlib.planning)."""
    STAKEHOLDER = "stakeholder"
    """Red flags of the stakeholder network (kamlib.network)."""


_PLAIN = (str, int, float, bool, type(None), dt.datetime, dt.date)


def _freeze_evidence(value: object) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise InvalidTypeError("Alert.evidence", value, "must be a mapping of str to values")
    items = {}
    for key in sorted(value, key=str):
        if not isinstance(key, str) or not key:
            raise InvalidTypeError("Alert.evidence", key, "keys must be non-empty str")
        v = value[key]
        if isinstance(v, (list, tuple)):
            if not all(isinstance(x, _PLAIN) for x in v):
                raise InvalidTypeError(
                    f"Alert.evidence[{key!r}]", v, "must hold plain values (str, number, time)"
                )
            v = tuple(v)
        elif not isinstance(v, _PLAIN):
            raise InvalidTypeError(
                f"Alert.evidence[{key!r}]", v, "must be a plain value (str, number, time)"
            )
        items[key] = v
    return items  # kept private: `Alert.evidence` hands out a read-only view


def _to_severity(value: object) -> object:
    return enum_or_raw(Severity, value)  # the model's one mechanism: member_of names the rest


def _to_kind(value: object) -> object:
    return enum_or_raw(AlertKind, value)


@attrs.frozen
class Alert:
    """One alert of the review inbox: account, kind, severity, reason code, evidence, due.

    Attributes:
        account_id: The account it concerns, or ``None`` for an alert about a team or an
            owner (capacity, team-level reviews).
        kind: The area of rules that raised it (`AlertKind`).
        code: Stable reason code, e.g. ``"commitment_overdue"`` (a CRM can key on it).
        severity: `Severity`.
        reason: One sentence a manager can read.
        evidence: What it was decided on, as a read-only mapping of plain values
            (numbers, strings, times, tuples of them); `to_dict` lists its keys sorted.
        due: The time the rule's clock ran out (or runs out), if it has one.
        subject_id: The record it is about (a commitment, complaint, person or team id),
            if any.

    Raises:
        InvalidTypeError: A field of the wrong type; evidence that is not plain data.
        InvalidValueError: An unknown kind or severity, an empty code or reason, a naive
            ``due``.

    Examples:
        >>> import datetime as dt
        >>> from kamlib.operations import Alert
        >>> a = Alert("A1", "commitment", "commitment_overdue", "warning",
        ...           "Commitment C1 is past due and not delivered",
        ...           {"days_overdue": 3}, due=dt.datetime(2025, 3, 1, tzinfo=dt.UTC),
        ...           subject_id="C1")
        >>> a.severity, a.evidence["days_overdue"]
        (<Severity.WARNING: 'warning'>, 3)
        >>> Alert("A1", "commitment", "x", "urgent", "why")
        Traceback (most recent call last):
        ...
        kamlib.errors.InvalidValueError: Alert.severity: must be one of 'info', 'watch', \
'warning', 'critical'; got 'urgent'
    """

    account_id: str | None = attrs.field(validator=optional(non_empty_str()))
    kind: AlertKind = attrs.field(converter=_to_kind, validator=member_of(AlertKind))
    code: str = attrs.field(validator=non_empty_str())
    severity: Severity = attrs.field(converter=_to_severity, validator=member_of(Severity))
    reason: str = attrs.field(validator=non_empty_str())
    _evidence: dict[str, Any] = attrs.field(
        factory=dict, converter=_freeze_evidence, hash=False, alias="evidence", repr=False
    )
    due: dt.datetime | None = attrs.field(default=None, validator=optional(aware_datetime()))
    subject_id: str | None = attrs.field(default=None, validator=optional(non_empty_str()))
    _key: tuple[Any, ...] = attrs.field(init=False, eq=False, hash=False, repr=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_key", _sort_key(self))

    @property
    def evidence(self) -> Mapping[str, Any]:
        """What the alert was decided on: a read-only mapping of plain values.

        The values are numbers, strings, times and tuples of them; `to_dict` lists the
        keys sorted. (Stored as a private dict; each read is a fresh read-only view, so a
        review of tens of thousands of alerts holds no view object per alert.)

        Examples:
            >>> from kamlib.operations import Alert
            >>> a = Alert("A1", "cadence", "cadence_overdue", "watch", "late", {"days": 3})
            >>> a.evidence["days"]
            3
            >>> a.evidence["days"] = 4
            Traceback (most recent call last):
            ...
            TypeError: 'mappingproxy' object does not support item assignment
        """
        return MappingProxyType(self._evidence)

    def __repr__(self) -> str:
        return (
            f"Alert(account_id={self.account_id!r}, kind={self.kind!r}, code={self.code!r}, "
            f"severity={self.severity!r}, reason={self.reason!r}, "
            f"evidence={self._evidence!r}, due={self.due!r}, subject_id={self.subject_id!r})"
        )

    def sort_key(self) -> tuple[Any, ...]:
        """The canonical order: most severe first, then earliest due, then by names.

        Alerts without a due time come after those with one, at equal severity. The key
        uses only the alert's own fields, so any collection sorts the same way whatever
        order it was built in.

        Examples:
            >>> from kamlib.operations import Alert
            >>> a = Alert("A1", "cadence", "cadence_overdue", "watch", "late")
            >>> a.sort_key()[0]
            -1
        """
        return self._key

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data: times as ISO strings, tuples as lists.

        Examples:
            >>> from kamlib.operations import Alert
            >>> Alert("A1", "cadence", "cadence_overdue", "watch", "late").to_dict()["kind"]
            'cadence'
        """
        return {
            "account_id": self.account_id,
            "kind": self.kind.value,
            "code": self.code,
            "severity": self.severity.value,
            "reason": self.reason,
            "evidence": {k: _plain(v) for k, v in sorted(self._evidence.items())},
            "due": None if self.due is None else self.due.isoformat(),
            "subject_id": self.subject_id,
        }


def _sort_key(a: Alert) -> tuple[Any, ...]:
    return _key(a.account_id, a.kind, a.code, a.severity, a.reason, a.due, a.subject_id)


_NEG_RANK: Final = {s.value: -i for i, s in enumerate(Severity)}  # by value: a str hash


def _key(
    account_id: str | None,
    kind: AlertKind,
    code: str,
    severity: Severity,
    reason: str,
    due: dt.datetime | None,
    subject_id: str | None,
) -> tuple[Any, ...]:
    """The canonical sort key of an alert of these fields (see `Alert.sort_key`).

    Read from the fields themselves, and the enums by their plain ``_value_`` (an enum
    member's hash and ``value`` are Python-level calls; a review makes ~80 000 keys).
    """
    if due is None:
        seconds = micros = 0
    else:
        delta = due - _EPOCH
        seconds, micros = delta.days * 86_400 + delta.seconds, delta.microseconds
    return (  # one flat tuple per alert (a nested one would double the allocations)
        _NEG_RANK[severity._value_],
        due is None,
        seconds,
        micros,
        account_id or "",
        kind._value_,
        code,
        subject_id or "",
        reason,
    )


_SET = object.__setattr__
_NEW = object.__new__


def make_alert(
    account_id: str | None,
    kind: AlertKind,
    code: str,
    severity: Severity,
    reason: str,
    evidence: Mapping[str, Any],
    due: dt.datetime | None = None,
    subject_id: str | None = None,
) -> Alert:
    """An `Alert` from values kamlib's own rules made (no validation: they are known good).

    The rules raise tens of thousands of alerts on a large portfolio; the public
    constructor's checks would cost more than the rules. Evidence values must already be
    plain (tuples, not lists), in a dict the caller does not keep (it is stored, not
    copied); its keys are not sorted (equality of mappings ignores order, and `to_dict`
    sorts). The result equals ``Alert(...)`` of the same values (a test holds every rule
    to it).
    """
    a = _NEW(Alert)
    put = _SET
    put(a, "account_id", account_id)
    put(a, "kind", kind)
    put(a, "code", code)
    put(a, "severity", severity)
    put(a, "reason", reason)
    put(a, "_evidence", evidence)  # a fresh dict of the rule's own, never handed out
    put(a, "due", due)
    put(a, "subject_id", subject_id)
    put(a, "_key", _key(account_id, kind, code, severity, reason, due, subject_id))
    return a


def _utc_key(t: dt.datetime | None) -> tuple[int, int]:
    """An instant as integers (seconds and microseconds since 0001-01-02 UTC).

    Equal instants in different offsets sort together; no float rounding enters the key.
    """
    if t is None:
        return (0, 0)
    delta = t - _EPOCH
    return (delta.days * 86_400 + delta.seconds, delta.microseconds)


_EPOCH: Final = dt.datetime(1, 1, 2, tzinfo=dt.UTC)


def _plain(v: object) -> object:
    if isinstance(v, (dt.datetime, dt.date)):
        return v.isoformat()
    if isinstance(v, tuple):
        return [_plain(x) for x in v]
    return v


def sort_alerts(alerts: Iterable[Alert]) -> tuple[Alert, ...]:
    """Alerts in the canonical order of `Alert.sort_key` (input order never shows).

    Raises:
        InvalidTypeError: An item that is not an `Alert`.

    Examples:
        >>> from kamlib.operations import Alert, sort_alerts
        >>> low = Alert("A2", "cadence", "cadence_overdue", "watch", "late")
        >>> high = Alert("A9", "complaint", "ack_late", "critical", "late")
        >>> [a.account_id for a in sort_alerts([low, high])]
        ['A9', 'A2']
    """
    items = tuple(alerts)
    for i, a in enumerate(items):
        if not isinstance(a, Alert):
            raise InvalidTypeError(f"sort_alerts.alerts[{i}]", a, "must be an Alert")
    return tuple(sorted(items, key=ALERT_KEY))


ALERT_KEY: Final = operator.attrgetter("_key")
"""`Alert.sort_key` as a C-level key function (no Python call per alert in a sort)."""
