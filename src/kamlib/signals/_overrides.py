"""Manual overrides of machine scores, with author, reason and expiry, kept side by side.

A key account manager sometimes knows what the data cannot show. An `Override`
records the value they set, who set it, why, when, and until when. `apply_overrides`
never hides the machine: the result holds the machine scores, the final scores and, per
account, the override in force.

Rules (documented choices):

* an override is in force at ``as_of`` when ``created_at <= as_of`` and either it never
  expires or ``as_of < expires_at`` (so ``expires_at <= as_of`` means expired);
* several overrides in force for one account: the latest ``created_at`` wins; on a tie
  the one later in the input sequence wins;
* an override in force for an id that is not in the score table raises
  [`UnknownIdError`][kamlib.errors.UnknownIdError] (a typo must not pass silently) by default; with
  ``unknown="ignore"`` it is reported in ``ignored`` as ``"not in this table"``, so the
  CRM's full override list can be applied to one account or one partition. Overrides not
  in force are reported in ``ignored`` and their ids are not looked up.

Examples:
    >>> import datetime as dt
    >>> import numpy as np
    >>> from kamlib.scoring import ScoreTable
    >>> from kamlib.signals import Override, apply_overrides
    >>> utc = dt.timezone.utc
    >>> st = ScoreTable(scorer="health_model", config={}, ids=np.array(["A", "B"], dtype=object),
    ...                 scores=np.array([55.0, 80.0]), components=("x",),
    ...                 contributions=np.array([[55.0], [80.0]]), coverage=np.ones(2))
    >>> o = Override("A", 70.0, "li.wei", "new CIO is our sponsor",
    ...              expires_at=dt.datetime(2025, 6, 30, tzinfo=utc),
    ...              created_at=dt.datetime(2025, 4, 1, tzinfo=utc))
    >>> res = apply_overrides(st, [o], as_of=dt.datetime(2025, 5, 1, tzinfo=utc))
    >>> res.machine_scores.tolist(), res.final_scores.tolist(), res.overridden.tolist()
    ([55.0, 80.0], [70.0, 80.0], [True, False])
    >>> res.override_of("A").author
    'li.wei'
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from kamlib._table import MAGNITUDE
from kamlib._validators import as_float, aware_datetime, non_empty_str, optional, real
from kamlib.errors import InvalidTypeError, InvalidValueError, UnknownIdError
from kamlib.scoring import ScoreTable

__all__ = ["OverriddenScores", "Override", "apply_overrides"]

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


@attrs.frozen
class Override:
    """A manual score set by a person, with a reason and an optional expiry.

    Attributes:
        account_id: The account overridden.
        value: The score to use instead of the machine's (finite).
        author: Who set it.
        reason: Why (shown next to the machine score).
        expires_at: Timezone-aware end of validity (exclusive), or ``None`` for no expiry.
        created_at: Timezone-aware time it was set; decides which override wins.

    Raises:
        InvalidTypeError: A field of the wrong type.
        InvalidValueError: Empty strings, a non-finite value, a naive datetime, or
            ``expires_at <= created_at``.

    Examples:
        >>> import datetime as dt
        >>> from kamlib.signals import Override
        >>> Override("A", 70, "li.wei", "sponsor", None,
        ...          dt.datetime(2025, 4, 1, tzinfo=dt.timezone.utc)).value
        70.0
        >>> Override("A", 70, "li.wei", "sponsor", None, dt.datetime(2025, 4, 1))
        Traceback (most recent call last):
        ...
        kamlib.errors.InvalidValueError: Override.created_at: must be timezone-aware; \
got datetime.datetime(2025, 4, 1, 0, 0)
    """

    account_id: str = attrs.field(validator=non_empty_str())
    value: float = attrs.field(converter=as_float, validator=real(**MAGNITUDE))
    author: str = attrs.field(validator=non_empty_str())
    reason: str = attrs.field(validator=non_empty_str())
    expires_at: dt.datetime | None = attrs.field(validator=optional(aware_datetime()))
    created_at: dt.datetime = attrs.field(validator=aware_datetime())

    def __attrs_post_init__(self) -> None:
        if self.expires_at is not None and self.expires_at <= self.created_at:
            raise InvalidValueError(
                "Override.expires_at",
                self.expires_at,
                f"must be later than created_at ({self.created_at.isoformat()})",
            )

    def in_force(self, as_of: dt.datetime) -> bool:
        """True when created at or before ``as_of`` and not expired (``as_of < expires_at``).

        Examples:
            >>> import datetime as dt
            >>> from kamlib.signals import Override
            >>> utc = dt.timezone.utc
            >>> o = Override("A", 1, "me", "why", dt.datetime(2025, 2, 1, tzinfo=utc),
            ...              dt.datetime(2025, 1, 1, tzinfo=utc))
            >>> o.in_force(dt.datetime(2025, 1, 15, tzinfo=utc)), o.in_force(o.expires_at)
            (True, False)
        """
        _check_as_of(as_of)
        if self.created_at > as_of:
            return False
        return self.expires_at is None or as_of < self.expires_at


def _check_as_of(as_of: object) -> dt.datetime:
    if not isinstance(as_of, dt.datetime):
        raise InvalidTypeError("as_of", as_of, "must be a datetime.datetime")
    if as_of.tzinfo is None or as_of.tzinfo.utcoffset(as_of) is None:
        raise InvalidValueError("as_of", as_of, "must be timezone-aware")
    return as_of


@attrs.frozen(eq=False)
class OverriddenScores:
    """Machine scores and final scores side by side, with the override behind each change.

    Attributes:
        machine: The scorer's result, unchanged (scores, labels, contributions, reasons).
        final_scores: ``(n,)`` scores after overrides.
        overridden: ``(n,)`` True where an override is in force.
        applied: Account id to the override in force.
        ignored: ``(override, why)`` for every override not applied (``"expired"``,
            ``"not yet created"``, ``"superseded"``, and with ``unknown="ignore"``
            ``"not in this table"``).
        as_of: The time the overrides were evaluated at.

    Examples:
        >>> import datetime as dt
        >>> import numpy as np
        >>> from kamlib.scoring import ScoreTable
        >>> from kamlib.signals import apply_overrides
        >>> st = ScoreTable(scorer="demo", config={}, ids=np.array(["A"], dtype=object),
        ...                 scores=np.array([5.0]), components=("x",),
        ...                 contributions=np.array([[5.0]]), coverage=np.ones(1))
        >>> res = apply_overrides(st, [], as_of=dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc))
        >>> res.final_scores.tolist(), res.applied
        ([5.0], {})
    """

    machine: ScoreTable
    final_scores: FloatArray
    overridden: BoolArray
    applied: Mapping[str, Override]
    ignored: tuple[tuple[Override, str], ...]
    as_of: dt.datetime

    @property
    def ids(self) -> NDArray[np.object_]:
        """Account ids (those of the machine result).

        Examples:
            >>> import datetime as dt
            >>> import numpy as np
            >>> from kamlib.scoring import ScoreTable
            >>> from kamlib.signals import apply_overrides
            >>> st = ScoreTable(scorer="d", config={}, ids=np.array(["A"], dtype=object),
            ...                 scores=np.ones(1), components=(), contributions=np.ones((1, 0)),
            ...                 coverage=np.ones(1))
            >>> apply_overrides(st, [], as_of=dt.datetime(2025, 1, 1, tzinfo=dt.UTC)).ids.tolist()
            ['A']
        """
        return self.machine.ids

    @property
    def machine_scores(self) -> FloatArray:
        """``(n,)`` scores as the machine computed them.

        Examples:
            >>> import datetime as dt
            >>> import numpy as np
            >>> from kamlib.scoring import ScoreTable
            >>> from kamlib.signals import apply_overrides
            >>> st = ScoreTable(scorer="d", config={}, ids=np.array(["A"], dtype=object),
            ...                 scores=np.ones(1), components=(), contributions=np.ones((1, 0)),
            ...                 coverage=np.ones(1))
            >>> r = apply_overrides(st, [], as_of=dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
            >>> r.machine_scores.tolist()
            [1.0]
        """
        return self.machine.scores

    def override_of(self, account_id: str) -> Override | None:
        """Return the override in force for ``account_id`` (``None`` if none).

        Raises:
            UnknownIdError: The id is not in the result.

        Examples:
            >>> import datetime as dt
            >>> import numpy as np
            >>> from kamlib.scoring import ScoreTable
            >>> from kamlib.signals import apply_overrides
            >>> st = ScoreTable(scorer="d", config={}, ids=np.array(["A"], dtype=object),
            ...                 scores=np.ones(1), components=(), contributions=np.ones((1, 0)),
            ...                 coverage=np.ones(1))
            >>> r = apply_overrides(st, [], as_of=dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
            >>> r.override_of("A") is None
            True
        """
        self.machine.row_of(account_id)
        return self.applied.get(account_id)

    def to_columns(self) -> dict[str, NDArray[Any]]:
        """Return plain columns: id, machine score, final score, overridden, author, reason.

        Examples:
            >>> import datetime as dt
            >>> import numpy as np
            >>> from kamlib.scoring import ScoreTable
            >>> from kamlib.signals import apply_overrides
            >>> st = ScoreTable(scorer="d", config={}, ids=np.array(["A"], dtype=object),
            ...                 scores=np.ones(1), components=(), contributions=np.ones((1, 0)),
            ...                 coverage=np.ones(1))
            >>> r = apply_overrides(st, [], as_of=dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
            >>> sorted(r.to_columns())
            ['author', 'final_score', 'id', 'machine_score', 'overridden', 'reason']
        """
        n = len(self.machine)
        author = np.full(n, None, dtype=object)
        reason = np.full(n, None, dtype=object)
        for account_id, o in self.applied.items():
            i = self.machine.row_of(account_id)
            author[i] = o.author
            reason[i] = o.reason
        return {
            "id": self.machine.ids.copy(),
            "machine_score": self.machine.scores.copy(),
            "final_score": self.final_scores.copy(),
            "overridden": self.overridden.copy(),
            "author": author,
            "reason": reason,
        }


def apply_overrides(
    score_table: ScoreTable,
    overrides: Iterable[Override],
    *,
    as_of: dt.datetime,
    unknown: str = "raise",
) -> OverriddenScores:
    """Apply the overrides in force at ``as_of``; keep the machine scores alongside.

    Loops over the overrides (a handful), never over accounts. The input table is not
    changed.

    Args:
        score_table: A scorer's result.
        overrides: Overrides, any order.
        as_of: Timezone-aware evaluation time (a parameter: kamlib reads no clock).
        unknown: What to do with an override in force whose account is not in
            ``score_table``: ``"raise"`` (default: a typo must not pass silently) or
            ``"ignore"`` (report it in ``ignored`` as ``"not in this table"``; for
            applying a global override list to a partition).

    Returns:
        An `OverriddenScores`.

    Raises:
        InvalidTypeError: ``score_table`` is not a ScoreTable, an item is not an Override.
        InvalidValueError: ``as_of`` is naive; ``unknown`` is not ``"raise"``/``"ignore"``.
        UnknownIdError: An override in force names an account not in ``score_table``
            (with ``unknown="raise"``).

    Examples:
        >>> import datetime as dt
        >>> import numpy as np
        >>> from kamlib.scoring import ScoreTable
        >>> from kamlib.signals import Override, apply_overrides
        >>> utc = dt.timezone.utc
        >>> st = ScoreTable(scorer="d", config={}, ids=np.array(["A"], dtype=object),
        ...                 scores=np.array([40.0]), components=(),
        ...                 contributions=np.ones((1, 0)), coverage=np.ones(1))
        >>> old = Override("A", 60, "ann", "first", None, dt.datetime(2025, 1, 1, tzinfo=utc))
        >>> new = Override("A", 50, "bo", "second", None, dt.datetime(2025, 2, 1, tzinfo=utc))
        >>> res = apply_overrides(st, [new, old], as_of=dt.datetime(2025, 3, 1, tzinfo=utc))
        >>> res.final_scores.tolist(), [why for _, why in res.ignored]
        ([50.0], ['superseded'])
        >>> bad = Override("Z", 1, "me", "typo", None, dt.datetime(2025, 1, 1, tzinfo=utc))
        >>> apply_overrides(st, [bad], as_of=dt.datetime(2025, 3, 1, tzinfo=utc))
        Traceback (most recent call last):
        ...
        kamlib.errors.UnknownIdError: overrides[0].account_id: is not in the score table; got 'Z'
        >>> part = apply_overrides(st, [bad, new], as_of=dt.datetime(2025, 3, 1, tzinfo=utc),
        ...                        unknown="ignore")
        >>> part.final_scores.tolist(), [(o.account_id, why) for o, why in part.ignored]
        ([50.0], [('Z', 'not in this table')])
    """
    if not isinstance(score_table, ScoreTable):
        raise InvalidTypeError("score_table", score_table, "must be a kamlib ScoreTable")
    when = _check_as_of(as_of)
    policy: object = unknown
    if not isinstance(policy, str) or policy not in ("raise", "ignore"):
        raise InvalidValueError("unknown", unknown, "must be one of ['raise', 'ignore']")
    given: object = overrides
    if isinstance(given, str | bytes) or not isinstance(given, Iterable):
        raise InvalidTypeError("overrides", overrides, "must be an iterable of Override")
    items: list[object] = list(given)
    ignored: list[tuple[Override, str]] = []
    winner: dict[str, tuple[int, Override]] = {}
    for i, o in enumerate(items):
        if not isinstance(o, Override):
            raise InvalidTypeError(f"overrides[{i}]", o, "must be an Override")
        if o.created_at > when:
            ignored.append((o, "not yet created"))
            continue
        if o.expires_at is not None and o.expires_at <= when:
            ignored.append((o, "expired"))
            continue
        try:
            score_table.row_of(o.account_id)
        except UnknownIdError:
            if unknown == "ignore":
                ignored.append((o, "not in this table"))
                continue
            raise UnknownIdError(
                f"overrides[{i}].account_id", o.account_id, "is not in the score table"
            ) from None
        prev = winner.get(o.account_id)
        if prev is None or o.created_at >= prev[1].created_at:
            if prev is not None:
                ignored.append((prev[1], "superseded"))
            winner[o.account_id] = (i, o)
        else:
            ignored.append((o, "superseded"))
    final = score_table.scores.copy()
    mask = np.zeros(len(score_table), dtype=np.bool_)
    for account_id, (_, o) in winner.items():
        row = score_table.row_of(account_id)
        final[row] = o.value
        mask[row] = True
    final.flags.writeable = False
    mask.flags.writeable = False
    return OverriddenScores(
        machine=score_table,
        final_scores=final,
        overridden=mask,
        applied={k: v for k, (_, v) in winner.items()},
        ignored=tuple(ignored),
        as_of=when,
    )
