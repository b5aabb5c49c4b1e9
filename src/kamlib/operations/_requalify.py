"""Key-account re-qualification every 3 months: promote, retain, retire, with hysteresis.

Source [002] re-runs identification (综合积分法 / 经验推算法) **every 3 months** to judge
whether each key account still qualifies. Source [004] keeps the list short (**5 to 25**
key accounts as a rule of thumb), asks for explicit entry criteria held to, says to
**start small** (admitting an account late is better than telling it it is a key account
and then demoting it), and to keep the programme current by admitting newly qualifying
accounts and retiring those that no longer qualify.

`requalify` is one evaluation: the ids on the list now, an identification scorer's
scores, the `RequalificationPolicy` and last evaluation's `Requalification` (the
history) give one `Decision` per account and the new list. It is a pure function: the
history is an argument, never kept inside, so the next evaluation passes this one back
as ``previous``.

Examples:
    >>> import datetime as dt
    >>> from kamlib.operations import RequalificationPolicy, requalify
    >>> policy = RequalificationPolicy(entry=7.0, exit=6.0, bounds=(1, 25))
    >>> q1 = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    >>> r1 = requalify(["A", "B"], {"A": 8.0, "B": 5.5, "C": 7.0}, as_of=q1, policy=policy)
    >>> [(d.account_id, d.action, d.code) for d in r1.decisions]
    [('A', 'retain', 'above_exit'), ('B', 'retain', 'below_exit_once'), \
('C', 'promote', 'meets_entry')]
    >>> r1.key_accounts, r1.next_due.date()
    (('A', 'C', 'B'), datetime.date(2025, 4, 1))
    >>> r2 = requalify(r1.key_accounts, {"A": 8.0, "B": 5.9, "C": 6.5},
    ...                as_of=r1.next_due, policy=policy, previous=r1)
    >>> r2.decision_of("B").action, r2.key_accounts
    ('retire', ('A', 'C'))
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any, Final, cast

import attrs
import numpy as np

from kamlib._dated import add_months, check_as_of, not_after
from kamlib._hysteresis import HysteresisBands, hysteresis_steps
from kamlib._table import MAGNITUDE
from kamlib._validators import (
    as_float,
    as_int,
    as_tuple,
    aware_datetime,
    check_name,
    check_real,
    each,
    instance_of,
    integer,
    non_empty_str,
    one_of,
    optional,
    real,
)
from kamlib._validators import flag as bool_flag
from kamlib.errors import InvalidTypeError, InvalidValueError, UnknownIdError
from kamlib.operations._alerts import Alert, AlertKind, Severity, sort_alerts
from kamlib.scoring import ScoreTable, WeightedPoints
from kamlib.scoring._result import fmt_value

__all__ = [
    "REQUALIFICATION_CODES",
    "REQUALIFICATION_REASONS",
    "Decision",
    "Requalification",
    "RequalificationPolicy",
    "requalification_alerts",
    "requalify",
]

# The one home of the source [004] guardrail is WeightedPoints.list_bounds: read its
# default instead of writing (5, 25) a second time.
_SOURCE_BOUNDS: Final = cast("tuple[int, int]", attrs.fields(WeightedPoints).list_bounds.default)

_ACTIONS: Final = ("promote", "retain", "retire", "stay_out", "defer")
_ON_AFTER: Final = frozenset({"promote", "retain"})
_ON_BEFORE: Final = frozenset({"retain", "retire"})

REQUALIFICATION_REASONS: Mapping[str, str] = MappingProxyType(
    {
        "meets_entry": "Not on the list, scored at or above entry: promoted.",
        "above_exit": "On the list, scored at or above exit: retained.",
        "below_exit_once": (
            "On the list, scored below exit, but for fewer than exit_quarters evaluations "
            "running: retained until it is confirmed."
        ),
        "below_exit_confirmed": (
            "On the list, scored below exit for exit_quarters evaluations running: retired."
        ),
        "held_by_dwell": (
            "Would change (retire or promote) but has held its state for fewer than "
            "min_dwell evaluations: kept as it is."
        ),
        "deferred_over_bound": (
            "Scored at or above entry, but promoting it would take the list above its upper "
            "bound (source [004]): promotion deferred."
        ),
        "below_entry": "Not on the list, scored below entry: stays out.",
        "not_scored": (
            "On the list but not scored this evaluation: retained (kamlib's own choice); "
            "check the scorer's input."
        ),
    }
)
"""Every reason code of a `Decision`, with one sentence each.

Examples:
    >>> from kamlib.operations import REQUALIFICATION_REASONS
    >>> sorted(REQUALIFICATION_REASONS)
    ['above_exit', 'below_entry', 'below_exit_confirmed', 'below_exit_once',
     'deferred_over_bound', 'held_by_dwell', 'meets_entry', 'not_scored']
"""

_ACTIONS_OF: Final[Mapping[str, frozenset[str]]] = MappingProxyType(
    {
        "meets_entry": frozenset({"promote"}),
        "above_exit": frozenset({"retain"}),
        "below_exit_once": frozenset({"retain"}),
        "below_exit_confirmed": frozenset({"retire"}),
        "held_by_dwell": frozenset({"retain", "stay_out"}),
        "deferred_over_bound": frozenset({"defer"}),
        "below_entry": frozenset({"stay_out"}),
        "not_scored": frozenset({"retain"}),
    }
)

REQUALIFICATION_CODES: Mapping[str, str] = MappingProxyType(
    {
        "promote_key_account": "A new account qualifies: promote it to the key-account list.",
        "retire_key_account": (
            "A key account scored below exit for exit_quarters evaluations running: retire it."
        ),
        "below_exit_once": (
            "A key account scored below exit, not yet for exit_quarters evaluations running: "
            "retained, watch it."
        ),
        "retirement_held": (
            "A key account confirmed below exit is held on the list by the minimum dwell."
        ),
        "promotion_deferred": (
            "An account qualifies, but promoting it would take the list above its upper "
            "bound (source [004]): deferred."
        ),
        "promotion_held": (
            "An account qualifies, but has been off the list for fewer than min_dwell "
            "evaluations: not promoted yet."
        ),
        "not_scored": "A key account the scorer gave no score: retained; check its input.",
        "key_list_too_few": "The key-account list is shorter than its lower bound (source [004]).",
        "key_list_too_many": "The key-account list is longer than its upper bound (source [004]).",
    }
)
"""Every alert code of `requalification_alerts`, with one sentence each.

Examples:
    >>> from kamlib.operations import REQUALIFICATION_CODES
    >>> sorted(REQUALIFICATION_CODES)
    ['below_exit_once', 'key_list_too_few', 'key_list_too_many', 'not_scored',
     'promote_key_account', 'promotion_deferred', 'promotion_held', 'retire_key_account',
     'retirement_held']
"""

_SEVERITY: Final[Mapping[str, Severity]] = MappingProxyType(
    {
        "promote_key_account": Severity.INFO,
        "retire_key_account": Severity.WARNING,
        "below_exit_once": Severity.WATCH,
        "retirement_held": Severity.WATCH,
        "promotion_deferred": Severity.INFO,
        "promotion_held": Severity.INFO,
        "not_scored": Severity.WATCH,
        "key_list_too_few": Severity.WARNING,
        "key_list_too_many": Severity.WARNING,
    }
)

_ALERT_OF: Final[Mapping[tuple[str, str], str]] = MappingProxyType(
    {
        ("promote", "meets_entry"): "promote_key_account",
        ("retire", "below_exit_confirmed"): "retire_key_account",
        ("retain", "below_exit_once"): "below_exit_once",
        ("retain", "held_by_dwell"): "retirement_held",
        ("defer", "deferred_over_bound"): "promotion_deferred",
        ("stay_out", "held_by_dwell"): "promotion_held",
        ("retain", "not_scored"): "not_scored",
    }
)


def _int_pair(value: object) -> object:
    t: object = as_tuple(value)  # type: ignore[arg-type]  # a non-iterable goes to the validator
    return tuple(as_int(v) for v in t) if isinstance(t, tuple) else t


@attrs.frozen
class RequalificationPolicy:
    """When an account enters, stays on and leaves the key-account list.

    An account off the list is **promoted** when its score reaches ``entry``
    (``score >= entry``: a score exactly at entry qualifies). A key account becomes a
    candidate to leave when its score falls **below** ``exit`` (``score < exit``: a score
    exactly at exit is not below it), and is **retired** only after ``exit_quarters``
    evaluations below exit running, so one noisy quarter never demotes it. A state must
    also have held ``min_dwell`` evaluations before it may change (the dwell of
    [`HysteresisBands`][kamlib.signals.HysteresisBands], see `bands`).

    Numbers: ``interval_months=3`` is source [002] (re-run identification every 3 months);
    ``bounds=(5, 25)`` is source [004] (keep 5 to 25 key accounts), the same default as
    [`WeightedPoints.list_bounds`][kamlib.scoring.WeightedPoints]. ``entry`` and ``exit``
    have no default: the sources give no threshold. ``exit_quarters=2``,
    ``min_dwell=1`` (no dwell guard: ``exit_quarters`` and the entry/exit gap already
    keep the list from flapping) and ``cap_promotions=True`` are kamlib's own choice.

    ``exit == entry`` is allowed and means no hysteresis from the thresholds (a key
    account leaves below the score that admits one); ``exit_quarters`` still applies.

    **The cap** (``cap_promotions=True``, kamlib's reading of "start small" [004]): when
    the promotions would take the list above ``bounds[1]``, the lowest-scored promotions
    are **deferred** (ties broken by account id); an account already on the list is never
    retired to make room. With ``cap_promotions=False`` every qualifying account is
    promoted and a long list is only flagged. The lower bound is only flagged too: the
    list is never filled up with accounts below entry (hold to the criteria [004]).

    Attributes:
        entry: Score an account off the list needs to be promoted (finite).
        exit: Score below which a key account is a candidate to leave (``<= entry``).
        exit_quarters: Consecutive evaluations below exit before a key account is retired
            (``>= 1``; default 2, kamlib's own choice).
        min_dwell: Evaluations an account must have held its state (on or off the list)
            before it may change (``>= 1``; default 1 = no dwell guard, kamlib's own choice).
            An account first seen counts one evaluation in its state, on the list or off
            it, so with ``min_dwell > 1`` a new account waits too (admitting late is the
            lesser harm, source [004]).
        bounds: ``(low, high)`` guardrail on the list length (default ``(5, 25)``, source
            [004]).
        cap_promotions: Defer the lowest-scored promotions rather than exceed ``high``
            (default ``True``, kamlib's reading of source [004]).
        interval_months: Months between evaluations (default 3, source [002]); gives
            `Requalification.next_due`.

    Raises:
        InvalidTypeError: A field of the wrong type.
        InvalidValueError: A non-finite threshold, ``exit > entry``, a count below 1, bad
            bounds.

    Examples:
        >>> from kamlib.operations import RequalificationPolicy
        >>> p = RequalificationPolicy(entry=7.0, exit=6.0)
        >>> p.exit_quarters, p.min_dwell, p.bounds, p.interval_months
        (2, 1, (5, 25), 3)
        >>> RequalificationPolicy(entry=6.0, exit=7.0)
        Traceback (most recent call last):
        ...
        kamlib.errors.InvalidValueError: RequalificationPolicy.exit: must be <= entry (6.0); \
got 7.0
        >>> RequalificationPolicy(entry=float("nan"), exit=6.0)
        Traceback (most recent call last):
        ...
        kamlib.errors.InvalidValueError: RequalificationPolicy.entry: must be finite; got nan
    """

    entry: float = attrs.field(converter=as_float, validator=real(**MAGNITUDE))
    exit: float = attrs.field(converter=as_float, validator=real(**MAGNITUDE))
    exit_quarters: int = attrs.field(
        default=2, kw_only=True, converter=as_int, validator=integer(ge=1)
    )
    min_dwell: int = attrs.field(default=1, kw_only=True, converter=as_int, validator=integer(ge=1))
    bounds: tuple[int, int] = attrs.field(
        default=_SOURCE_BOUNDS, kw_only=True, converter=_int_pair, validator=each(integer(ge=0))
    )
    cap_promotions: bool = attrs.field(default=True, kw_only=True, validator=bool_flag())
    interval_months: int = attrs.field(
        default=3, kw_only=True, converter=as_int, validator=integer(ge=1, le=1200)
    )

    def __attrs_post_init__(self) -> None:
        if self.exit > self.entry:
            raise InvalidValueError(
                "RequalificationPolicy.exit", self.exit, f"must be <= entry ({self.entry})"
            )
        bounds: tuple[int, ...] = self.bounds
        if len(bounds) != 2 or bounds[0] > bounds[1]:
            raise InvalidValueError(
                "RequalificationPolicy.bounds", bounds, "must be a pair (low, high), low <= high"
            )

    @property
    def bands(self) -> HysteresisBands:
        """The two-state hysteresis (``"out"``, ``"key"``) behind the thresholds and dwell.

        Examples:
            >>> from kamlib.operations import RequalificationPolicy
            >>> b = RequalificationPolicy(entry=7.0, exit=6.0, min_dwell=2).bands
            >>> b.labels, b.enter, b.exit, b.min_dwell
            (('out', 'key'), (7.0,), (6.0,), 2)
        """
        return HysteresisBands(("out", "key"), (self.entry,), (self.exit,), self.min_dwell)

    @classmethod
    def from_scorer(
        cls, scorer: WeightedPoints, *, gap: float, **options: Any
    ) -> RequalificationPolicy:
        """A policy whose entry is a weighted-points scorer's threshold, exit ``gap`` below.

        ``entry = scorer.threshold`` (the explicit entry criterion, held to [004]),
        ``exit = threshold - gap``, ``bounds = scorer.list_bounds`` and ``interval_months =
        scorer.review_every_months``. The sources give no gap: choose it on the scorer's
        0-10 points scale (``gap=0`` means no hysteresis from the thresholds).

        Args:
            scorer: A [`WeightedPoints`][kamlib.scoring.WeightedPoints] with a threshold.
            gap: Points between entry and exit (``>= 0``).
            **options: Other fields (``exit_quarters``, ``min_dwell``, ``cap_promotions``,
                or ``bounds``/``interval_months`` to override the scorer's).

        Raises:
            InvalidTypeError: ``scorer`` is not a WeightedPoints; ``gap`` not a number.
            InvalidValueError: The scorer has no threshold; a negative gap.

        Examples:
            >>> from kamlib.operations import RequalificationPolicy
            >>> from kamlib.scoring import WeightedPoints
            >>> p = RequalificationPolicy.from_scorer(WeightedPoints(threshold=6.0), gap=0.5)
            >>> p.entry, p.exit, p.bounds, p.interval_months
            (6.0, 5.5, (5, 25), 3)
            >>> RequalificationPolicy.from_scorer(WeightedPoints(), gap=0.5)
            Traceback (most recent call last):
            ...
            kamlib.errors.InvalidValueError: RequalificationPolicy.from_scorer.scorer.threshold: \
is not set: the entry criterion is the scorer's threshold; got None
        """
        where = "RequalificationPolicy.from_scorer"
        if not isinstance(scorer, WeightedPoints):
            raise InvalidTypeError(f"{where}.scorer", scorer, "must be a WeightedPoints")
        if scorer.threshold is None:
            raise InvalidValueError(
                f"{where}.scorer.threshold",
                None,
                "is not set: the entry criterion is the scorer's threshold",
            )
        g = check_real(f"{where}.gap", gap, ge=0.0, le=MAGNITUDE["le"])
        fields: dict[str, Any] = {
            "bounds": scorer.list_bounds,
            "interval_months": scorer.review_every_months,
        }
        fields.update(options)
        return cls(scorer.threshold, scorer.threshold - g, **fields)


@attrs.frozen
class Decision:
    """What one evaluation decided for one account, and why.

    ``action`` is one of ``"promote"`` (was off, now on), ``"retain"`` (was on, stays
    on), ``"retire"`` (was on, now off), ``"stay_out"`` (was off, stays off) and
    ``"defer"`` (qualifies but held off by the upper bound). ``code`` is the reason code
    (`REQUALIFICATION_REASONS`); each code goes with its actions only.

    Attributes:
        account_id: The account.
        action: See above.
        code: The reason code.
        score: The identification score of this evaluation, ``None`` when not scored.
        periods_in_state: Evaluations the account has been in its state (on or off the
            list) after this decision, this one included: 1 after a change. On a first
            run the state before counts as one evaluation.
        below_exit_streak: Consecutive evaluations a key account has scored below exit,
            this one included (0 above exit and off the list; kept unchanged when not
            scored; on a retirement, the streak that confirmed it).
        reason: One sentence a manager can read, with the numbers.

    Raises:
        InvalidTypeError: A field of the wrong type.
        InvalidValueError: An unknown action or code, a code that does not go with the
            action, a count out of range.

    Examples:
        >>> from kamlib.operations import Decision
        >>> d = Decision("A", "retain", "below_exit_once", 5.5, 3, 1, "score 5.5 < exit 6")
        >>> d.on_list, d.was_on_list
        (True, True)
        >>> Decision("A", "promote", "above_exit", 8.0, 1, 0, "why")
        Traceback (most recent call last):
        ...
        kamlib.errors.InvalidValueError: Decision.code: does not go with action 'promote' \
(it goes with 'retain'); got 'above_exit'
    """

    account_id: str = attrs.field(validator=non_empty_str())
    action: str = attrs.field(validator=one_of(*_ACTIONS))
    code: str = attrs.field(validator=one_of(*REQUALIFICATION_REASONS))
    score: float | None = attrs.field(converter=as_float, validator=optional(real()))
    periods_in_state: int = attrs.field(converter=as_int, validator=integer(ge=1))
    below_exit_streak: int = attrs.field(converter=as_int, validator=integer(ge=0))
    reason: str = attrs.field(validator=non_empty_str())

    def __attrs_post_init__(self) -> None:
        allowed = _ACTIONS_OF[self.code]
        if self.action not in allowed:
            goes = " or ".join(repr(a) for a in sorted(allowed))
            raise InvalidValueError(
                "Decision.code",
                self.code,
                f"does not go with action {self.action!r} (it goes with {goes})",
            )

    @property
    def on_list(self) -> bool:
        """True when the account is on the key-account list after this decision.

        Examples:
            >>> from kamlib.operations import Decision
            >>> Decision("A", "defer", "deferred_over_bound", 7.5, 2, 0, "why").on_list
            False
        """
        return self.action in _ON_AFTER

    @property
    def was_on_list(self) -> bool:
        """True when the account was on the key-account list before this decision.

        Examples:
            >>> from kamlib.operations import Decision
            >>> Decision("A", "retire", "below_exit_confirmed", 5.0, 1, 2, "why").was_on_list
            True
        """
        return self.action in _ON_BEFORE


def _rank_key(d: Decision) -> tuple[bool, float, str]:
    return (d.score is None, 0.0 if d.score is None else -d.score, d.account_id)


@attrs.frozen
class Requalification:
    """One evaluation of the key-account list: a decision per account and the new list.

    Built by `requalify`; pass it back as ``previous`` to the next evaluation. The derived
    fields are computed from ``decisions`` and ``policy`` on construction, so a record is
    consistent by construction.

    Attributes:
        as_of: The evaluation time.
        policy: The policy it was decided with.
        decisions: One per account scored or listed, sorted by account id.
        key_accounts: The new list (the accounts promoted or retained), best score first,
            ties by id; accounts on the list without a score come last, by id.
        flag: ``None`` inside ``policy.bounds``, else ``"too_few"`` or ``"too_many"``
            (source [004]: 5 to 25); flagged, never refused.
        next_due: ``as_of`` plus ``policy.interval_months`` calendar months (source
            [002]: every 3 months), the day clamped to the month's end.

    Raises:
        InvalidTypeError: A field of the wrong type.
        InvalidValueError: Decisions not sorted by account id or an account twice.

    Examples:
        >>> import datetime as dt
        >>> from kamlib.operations import Requalification, RequalificationPolicy, Decision
        >>> p = RequalificationPolicy(entry=7.0, exit=6.0)
        >>> r = Requalification(dt.datetime(2025, 1, 31, tzinfo=dt.UTC), p,
        ...                     (Decision("A", "promote", "meets_entry", 8.0, 1, 0, "why"),))
        >>> r.key_accounts, r.flag, r.next_due.date()
        (('A',), 'too_few', datetime.date(2025, 4, 30))
    """

    as_of: dt.datetime = attrs.field(validator=aware_datetime())
    policy: RequalificationPolicy = attrs.field(validator=instance_of(RequalificationPolicy))
    decisions: tuple[Decision, ...] = attrs.field(
        converter=as_tuple, validator=each(instance_of(Decision))
    )
    key_accounts: tuple[str, ...] = attrs.field(init=False)
    flag: str | None = attrs.field(init=False)
    next_due: dt.datetime = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        ds = self.decisions
        for i in range(1, len(ds)):
            if not ds[i - 1].account_id < ds[i].account_id:
                raise InvalidValueError(
                    f"Requalification.decisions[{i}]",
                    ds[i].account_id,
                    "must be sorted by account_id, each account once",
                )
        on = sorted((d for d in ds if d.on_list), key=_rank_key)
        lo, hi = self.policy.bounds
        n = len(on)
        object.__setattr__(self, "key_accounts", tuple(d.account_id for d in on))
        object.__setattr__(self, "flag", "too_few" if n < lo else ("too_many" if n > hi else None))
        object.__setattr__(self, "next_due", add_months(self.as_of, self.policy.interval_months))

    @property
    def message(self) -> str:
        """The guardrail verdict, in the words of [`KeyAccountList`][kamlib.scoring.KeyAccountList].

        Examples:
            >>> import datetime as dt
            >>> from kamlib.operations import RequalificationPolicy, requalify
            >>> r = requalify(["A", "B"], {"A": 8.0, "B": 7.5},
            ...               as_of=dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
            ...               policy=RequalificationPolicy(entry=7.0, exit=6.0))
            >>> r.message
            '2 key accounts: fewer than 5 (source [004]: keep 5 to 25)'
        """
        lo, hi = self.policy.bounds
        n = len(self.key_accounts)
        rule = f"(source [004]: keep {lo} to {hi})"
        head = f"{n} key account{'s' if n != 1 else ''}"
        if self.flag == "too_few":
            return f"{head}: fewer than {lo} {rule}"
        if self.flag == "too_many":
            return f"{head}: more than {hi} {rule}"
        return f"{head}: within {rule}"

    def decision_of(self, account_id: str) -> Decision:
        """The decision for one account.

        Raises:
            UnknownIdError: No decision for this id (neither listed nor scored).

        Examples:
            >>> import datetime as dt
            >>> from kamlib.operations import RequalificationPolicy, requalify
            >>> r = requalify(["A"], {"A": 5.0, "B": 7.5},
            ...               as_of=dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
            ...               policy=RequalificationPolicy(entry=7.0, exit=6.0))
            >>> r.decision_of("B").reason
            'score 7.5 >= entry 7: promoted to the key-account list'
            >>> r.decision_of("Z")
            Traceback (most recent call last):
            ...
            kamlib.errors.UnknownIdError: Requalification.decision_of.account_id: \
is neither listed nor scored in this evaluation; got 'Z'
        """
        ds = self.decisions
        i = bisect.bisect_left(ds, account_id, key=_account_id)
        if i < len(ds) and ds[i].account_id == account_id:
            return ds[i]
        raise UnknownIdError(
            "Requalification.decision_of.account_id",
            account_id,
            "is neither listed nor scored in this evaluation",
        )


def _account_id(d: Decision) -> str:
    return d.account_id


# ------------------------------------------------------------------------------ checks
def _listed(current: object) -> frozenset[str]:
    path = "requalify.current"
    if isinstance(current, str | bytes | Mapping) or not isinstance(current, Iterable):
        raise InvalidTypeError(path, current, "must be an iterable of account ids")
    seen: set[str] = set()
    for i, v in enumerate(current):
        if v.__class__ is not str or not v.strip():
            v = str(check_name(f"{path}[{i}]", v))
        if v in seen:
            raise InvalidValueError(f"{path}[{i}]", v, "is listed twice")
        seen.add(v)
    return frozenset(seen)


def _scored(scores: object) -> dict[str, float]:
    path = "requalify.scores"
    if isinstance(scores, ScoreTable):  # ids unique and scores finite by construction
        return dict(zip((str(i) for i in scores.ids.tolist()), scores.scores.tolist(), strict=True))
    if not isinstance(scores, Mapping):
        raise InvalidTypeError(
            path, scores, "must be a ScoreTable or a mapping of account id to score"
        )
    out: dict[str, float] = {}
    for k, v in scores.items():
        if k.__class__ is not str or not k.strip():
            k = str(check_name(f"{path} key", k))
        if v.__class__ is float and math.isfinite(v):
            out[k] = v
        else:
            out[k] = check_real(f"{path}[{k!r}]", v)
    return out


def _history(previous: object, as_of: dt.datetime) -> dict[str, Decision]:
    if previous is None:
        return {}
    path = "requalify.previous"
    if not isinstance(previous, Requalification):
        raise InvalidTypeError(path, previous, "must be a Requalification or None")
    not_after(f"{path}.as_of", previous.as_of, as_of)
    if previous.as_of == as_of:
        raise InvalidValueError(
            f"{path}.as_of",
            previous.as_of,
            "must be before as_of: the same evaluation would count twice",
        )
    return {d.account_id: d for d in previous.decisions}


# ------------------------------------------------------------------------------ wording
def _num(x: float, other: float) -> tuple[str, str]:
    """Both numbers as a reader writes them; in full where the short forms would tie."""
    a, b = fmt_value(x), fmt_value(other)
    if a == b and x != other:
        return repr(x), repr(other)
    return a, b


def _ev(n: int) -> str:
    return f"{n} evaluation{'s' if n != 1 else ''}"


def _say_promote(s: float, p: RequalificationPolicy) -> str:
    a, b = _num(s, p.entry)
    return f"score {a} >= entry {b}: promoted to the key-account list"


def _say_above_exit(s: float, p: RequalificationPolicy) -> str:
    a, b = _num(s, p.exit)
    return f"score {a} >= exit {b}: stays a key account"


def _say_below_once(s: float, p: RequalificationPolicy, k: int) -> str:
    a, b = _num(s, p.exit)
    return (
        f"score {a} < exit {b}, {k} of {p.exit_quarters} evaluations running: "
        "retained until it is confirmed"
    )


def _say_retire(s: float, p: RequalificationPolicy, k: int) -> str:
    a, b = _num(s, p.exit)
    return (
        f"score {a} < exit {b} for {_ev(k)} running (exit_quarters {p.exit_quarters}): "
        "retired from the key-account list"
    )


def _say_held_on(s: float, p: RequalificationPolicy, k: int, held: int) -> str:
    a, b = _num(s, p.exit)
    return (
        f"score {a} < exit {b} for {_ev(k)} running, but on the list for {_ev(held)}, "
        f"fewer than min_dwell {p.min_dwell}: retained"
    )


def _say_held_off(s: float, p: RequalificationPolicy, held: int) -> str:
    a, b = _num(s, p.entry)
    return (
        f"score {a} >= entry {b}, but off the list for {_ev(held)}, "
        f"fewer than min_dwell {p.min_dwell}: not promoted yet"
    )


def _say_below_entry(s: float, p: RequalificationPolicy) -> str:
    a, b = _num(s, p.entry)
    return f"score {a} < entry {b}: not a key account"


def _say_defer(s: float, p: RequalificationPolicy) -> str:
    a, b = _num(s, p.entry)
    lo, hi = p.bounds
    return (
        f"score {a} >= entry {b}, but the list would exceed {hi} accounts "
        f"(source [004]: keep {lo} to {hi}): promotion deferred"
    )


_NOT_SCORED: Final = (
    "on the key-account list but not scored this evaluation: retained (kamlib's own "
    "choice); check the scorer's input"
)


# ------------------------------------------------------------------------------ the rule
def requalify(
    current: Iterable[str],
    scores: ScoreTable | Mapping[str, float],
    *,
    as_of: dt.datetime,
    policy: RequalificationPolicy,
    previous: Requalification | None = None,
) -> Requalification:
    """Promote, retain or retire key accounts on one evaluation, with hysteresis.

    Sources: [002] re-runs identification every 3 months to judge whether each key account
    still qualifies; [004] holds the list to explicit entry criteria, starts small and
    keeps it at 5 to 25 accounts. The thresholds, the streak, the dwell and the cap are
    the `RequalificationPolicy`'s (see there which numbers are the sources' and which
    kamlib's).

    For every account that is listed or scored, sorted by id:

    * **on the list, scored**: at or above ``exit`` it is retained (``above_exit``) and
      its below-exit streak resets to 0; below ``exit`` the streak grows by one, and the
      account is retired (``below_exit_confirmed``) once the streak reaches
      ``exit_quarters`` *and* it has been on the list ``min_dwell`` evaluations;
      otherwise retained (``below_exit_once``, or ``held_by_dwell``);
    * **off the list, scored**: at or above ``entry`` it is promoted (``meets_entry``) if
      it has been off ``min_dwell`` evaluations (else ``held_by_dwell``) and the cap
      allows (else ``defer``/``deferred_over_bound``); below entry it stays out
      (``below_entry``);
    * **on the list, not scored**: retained and flagged (``not_scored``, kamlib's own
      choice: the scorer lost its input, which is no reason to demote), streak unchanged.

    **History.** ``current`` is the truth about who is on the list. ``previous`` supplies
    an account's periods in state and its streak where it agrees with ``current`` (the
    account was on the list after ``previous`` and is in ``current``, or off and not
    in it); an account the caller moved by hand, or first seen, starts at one period
    in its state before this evaluation, with streak 0. ``previous=None`` is a first run.
    The policy may change between evaluations; the history carries over. kamlib does not
    check that ``interval_months`` passed: every call is one evaluation (see
    `Requalification.next_due`).

    **Same decision anywhere.** An account's decision depends only on its own score, its
    own history and the policy, never on the order of ``current`` or of the scores, nor
    on the other accounts, with one exception: the cap. Whether a qualifying account is
    promoted or deferred depends on how many accounts stay on the list and on the scores
    of the other qualifying accounts (promotions ranked by score descending, ties by id
    ascending; the first ``bounds[1] - retained`` are promoted).

    Args:
        current: The ids on the key-account list now (e.g. last evaluation's
            ``key_accounts``), each once.
        scores: An identification scorer's result: a
            [`ScoreTable`][kamlib.scoring.ScoreTable] or a mapping of account id to a
            finite score.
        as_of: The evaluation time (timezone-aware).
        policy: The `RequalificationPolicy`.
        previous: Last evaluation's result, or ``None`` for a first run.

    Returns:
        The `Requalification`: the decisions, the new list, the guardrail and the next
        due date.

    Raises:
        InvalidTypeError: ``current`` not an iterable of str, ``scores`` neither a
            ScoreTable nor a mapping, a non-numeric score, a bad ``policy`` or
            ``previous``.
        InvalidValueError: An id in ``current`` twice or empty; a non-finite score; a
            naive ``as_of``; ``previous.as_of`` not before ``as_of``.

    Examples:
        >>> import datetime as dt
        >>> from kamlib.operations import RequalificationPolicy, requalify
        >>> p = RequalificationPolicy(entry=7.0, exit=6.0, bounds=(1, 2))
        >>> r = requalify(["A"], {"A": 6.0, "B": 9.0, "C": 8.0, "D": 6.9},
        ...               as_of=dt.datetime(2025, 1, 1, tzinfo=dt.UTC), policy=p)
        >>> [(d.account_id, d.action, d.code) for d in r.decisions]
        [('A', 'retain', 'above_exit'), ('B', 'promote', 'meets_entry'), \
('C', 'defer', 'deferred_over_bound'), ('D', 'stay_out', 'below_entry')]
        >>> r.key_accounts, r.flag
        (('B', 'A'), None)
        >>> requalify(["A", "A"], {}, as_of=dt.datetime(2025, 1, 1, tzinfo=dt.UTC), policy=p)
        Traceback (most recent call last):
        ...
        kamlib.errors.InvalidValueError: requalify.current[1]: is listed twice; got 'A'
    """
    when = check_as_of("requalify", as_of)
    if not isinstance(policy, RequalificationPolicy):
        raise InvalidTypeError("requalify.policy", policy, "must be a RequalificationPolicy")
    listed = _listed(current)
    scored = _scored(scores)
    history = _history(previous, when)

    ids = sorted(listed.union(scored))
    n = len(ids)
    on = np.fromiter((a in listed for a in ids), dtype=bool, count=n)
    held = np.ones(n, dtype=np.int64)  # periods in state before this evaluation
    streak = np.zeros(n, dtype=np.int64)  # below-exit streak before this evaluation
    for i, a in enumerate(ids):
        d = history.get(a)
        if d is not None and d.on_list == on[i]:
            held[i] = d.periods_in_state
            if d.on_list:
                streak[i] = d.below_exit_streak

    has = np.fromiter((a in scored for a in ids), dtype=bool, count=n)
    rows = np.flatnonzero(has)
    x = np.fromiter((scored[ids[i]] for i in rows.tolist()), dtype=np.float64, count=rows.size)
    st = on[rows].astype(np.int64)
    bands = policy.bands
    # The hysteresis of the thresholds: where the state would go (no dwell guard) and
    # where it may go (with the dwell guard). The streak then vetoes early retirements.
    target, _ = hysteresis_steps(attrs.evolve(bands, min_dwell=1), st, held[rows], x)
    moved, _ = hysteresis_steps(bands, st, held[rows], x)
    wants = (target != st).tolist()  # on: below exit; off: at or above entry
    may = (moved != st).tolist()  # ... and it has held its state min_dwell evaluations

    out: list[Decision | None] = [None] * n
    candidates: list[tuple[float, str, int]] = []  # (-score, id, position) for the cap
    for j, (i, s) in enumerate(zip(rows.tolist(), x.tolist(), strict=True)):
        a, pe = ids[i], int(held[i])
        if on[i]:
            if not wants[j]:
                out[i] = Decision(
                    a, "retain", "above_exit", s, pe + 1, 0, _say_above_exit(s, policy)
                )
                continue
            k = int(streak[i]) + 1
            if k < policy.exit_quarters:
                out[i] = Decision(
                    a, "retain", "below_exit_once", s, pe + 1, k, _say_below_once(s, policy, k)
                )
            elif not may[j]:
                out[i] = Decision(
                    a, "retain", "held_by_dwell", s, pe + 1, k, _say_held_on(s, policy, k, pe)
                )
            else:
                out[i] = Decision(
                    a, "retire", "below_exit_confirmed", s, 1, k, _say_retire(s, policy, k)
                )
        elif not wants[j]:
            out[i] = Decision(
                a, "stay_out", "below_entry", s, pe + 1, 0, _say_below_entry(s, policy)
            )
        elif not may[j]:
            out[i] = Decision(
                a, "stay_out", "held_by_dwell", s, pe + 1, 0, _say_held_off(s, policy, pe)
            )
        else:
            candidates.append((-s, a, i))
    for i in np.flatnonzero(on & ~has).tolist():
        out[i] = Decision(
            ids[i], "retain", "not_scored", None, int(held[i]) + 1, int(streak[i]), _NOT_SCORED
        )

    retained = sum(1 for d in out if d is not None and d.on_list)
    candidates.sort()
    room = len(candidates)
    if policy.cap_promotions:
        room = max(policy.bounds[1] - retained, 0)
    for rank, (neg, a, i) in enumerate(candidates):
        s = -neg
        if rank < room:
            out[i] = Decision(a, "promote", "meets_entry", s, 1, 0, _say_promote(s, policy))
        else:
            out[i] = Decision(
                a, "defer", "deferred_over_bound", s, int(held[i]) + 1, 0, _say_defer(s, policy)
            )
    decisions = tuple(d for d in out if d is not None)
    return Requalification(when, policy, decisions)


# ------------------------------------------------------------------------------ alerts
def requalification_alerts(result: Requalification) -> tuple[Alert, ...]:
    """The alerts of one evaluation, kind ``qualification``, in the canonical order.

    One alert per decision that asks for attention, plus one for the guardrail:

    | code | severity | when |
    |---|---|---|
    | ``promote_key_account`` | info | promoted (``meets_entry``) |
    | ``retire_key_account`` | warning | retired (``below_exit_confirmed``) |
    | ``below_exit_once`` | watch | retained below exit, not yet confirmed |
    | ``retirement_held`` | watch | confirmed below exit, held by ``min_dwell`` |
    | ``promotion_deferred`` | info | deferred by the upper bound |
    | ``promotion_held`` | info | qualifies, held off by ``min_dwell`` |
    | ``not_scored`` | watch | on the list without a score |
    | ``key_list_too_few`` | warning | new list shorter than ``bounds[0]`` [004] |
    | ``key_list_too_many`` | warning | new list longer than ``bounds[1]`` [004] |

    Routine decisions (retained above exit, staying out below entry) raise none. The
    severities are kamlib's own choice. The guardrail alerts have ``account_id=None``.
    Evidence: the score, thresholds, streak, periods and ``next_due`` (the next
    evaluation); the guardrail's: the list length and the bounds. The sentences of every
    code are in `REQUALIFICATION_CODES`.

    Raises:
        InvalidTypeError: ``result`` is not a `Requalification`.

    Examples:
        >>> import datetime as dt
        >>> from kamlib.operations import RequalificationPolicy, requalify, requalification_alerts
        >>> r = requalify(["A"], {"A": 5.0, "B": 7.5},
        ...               as_of=dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
        ...               policy=RequalificationPolicy(entry=7.0, exit=6.0))
        >>> [(a.code, a.severity.value, a.account_id) for a in requalification_alerts(r)]
        [('key_list_too_few', 'warning', None), ('below_exit_once', 'watch', 'A'), \
('promote_key_account', 'info', 'B')]
    """
    if not isinstance(result, Requalification):
        raise InvalidTypeError("requalification_alerts.result", result, "must be a Requalification")
    p = result.policy
    alerts: list[Alert] = []
    for d in result.decisions:
        code = _ALERT_OF.get((d.action, d.code))
        if code is None:
            continue
        alerts.append(
            Alert(
                d.account_id,
                AlertKind.QUALIFICATION,
                code,
                _SEVERITY[code],
                d.reason,
                {
                    "action": d.action,
                    "reason_code": d.code,
                    "score": d.score,
                    "entry": p.entry,
                    "exit": p.exit,
                    "below_exit_streak": d.below_exit_streak,
                    "exit_quarters": p.exit_quarters,
                    "periods_in_state": d.periods_in_state,
                    "min_dwell": p.min_dwell,
                    "next_due": result.next_due,
                },
            )
        )
    if result.flag is not None:
        code = f"key_list_{result.flag}"
        lo, hi = p.bounds
        alerts.append(
            Alert(
                None,
                AlertKind.QUALIFICATION,
                code,
                _SEVERITY[code],
                result.message,
                {
                    "key_accounts": len(result.key_accounts),
                    "low": lo,
                    "high": hi,
                    "next_due": result.next_due,
                },
            )
        )
    return sort_alerts(alerts)
