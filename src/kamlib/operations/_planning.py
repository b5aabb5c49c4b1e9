"""Alerts from the planning layer: key-account plans behind, plan reviews due, coverage gaps.

`kamlib.planning` measures plans ([`plan_executions`][kamlib.planning.plan_executions])
and the coverage of accounts by the team
([`coverage_evaluation`][kamlib.planning.coverage_evaluation]); this module turns what
they find into [`Alert`][kamlib.operations.Alert] records of the one inbox, so that
[`review`][kamlib.operations.review] shows them beside every other rule's. The codes and
severities are kamlib's own choices (the sources give the rules, not an alert scale).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any, Final

from kamlib.errors import InvalidTypeError
from kamlib.operations._alerts import Alert, AlertKind, Severity, make_alert, sort_alerts
from kamlib.planning import PlanExecution

__all__ = ["PLAN_CODES", "plan_alerts"]

PLAN_CODES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "plan_target_behind": "A target of the key-account plan is not met and its date has "
        "passed: the network (who we must reach, at what closeness) or an opportunity "
        "target (source [002]'s plan parts; warning).",
        "plan_review_overdue": "The key-account plan was not reviewed within its interval "
        "(source [002]: every 3 months; warning).",
        "plan_without_targets": "The key-account plan sets no network or opportunity "
        "target, so its execution cannot be measured (info).",
        "plan_missing": "A key account has no key-account plan (source [002]: plans are "
        "written for the key accounts; watch).",
    }
)
"""Every reason code `plan_alerts` emits, with one sentence and its severity.

The severities are kamlib's own choice: a target behind or a plan review overdue is a
warning, as an overdue review of the calendar is; a key account without a plan is to
watch; a plan without targets is information.

Examples:
    >>> from kamlib.operations import PLAN_CODES
    >>> sorted(PLAN_CODES)
    ['plan_missing', 'plan_review_overdue', 'plan_target_behind', 'plan_without_targets']
"""


def _executions(where: str, executions: object) -> tuple[PlanExecution, ...]:
    if isinstance(executions, str | Mapping) or not isinstance(executions, Iterable):
        raise InvalidTypeError(f"{where}.executions", executions, "must be PlanExecution records")
    items = tuple(executions)
    for i, e in enumerate(items):
        if not isinstance(e, PlanExecution):
            raise InvalidTypeError(f"{where}.executions[{i}]", e, "must be a PlanExecution")
    return items


def plan_alert_list(
    executions: Iterable[PlanExecution], key_accounts: Iterable[str] | None
) -> list[Alert]:
    """The alerts of `plan_alerts`, unsorted (the review sorts everything once)."""
    out: list[Alert] = []
    planned: set[str] = set()
    for e in executions:
        aid = e.account_id
        planned.add(aid)
        for s in e.behind:
            evidence: dict[str, Any] = {
                "part": s.part,
                "index": s.index,
                "label": s.label,
                "goal": s.goal,
                "current": s.current,
                "unit": s.unit,
                "gap": s.gap,
                "owner_id": e.owner_id,
                "priority": e.priority,
            }
            out.append(
                make_alert(
                    aid,
                    AlertKind.PLAN,
                    "plan_target_behind",
                    Severity.WARNING,
                    f"Plan target behind: {s.label} by {s.by.date().isoformat()} "
                    f"(now {s.current:g} {s.unit})",
                    evidence,
                    due=s.by,
                    subject_id=f"{s.part}[{s.index}]",
                )
            )
        if e.review_overdue:
            out.append(
                make_alert(
                    aid,
                    AlertKind.PLAN,
                    "plan_review_overdue",
                    Severity.WARNING,
                    f"The key-account plan's {e.review_months}-month review is overdue "
                    f"(due {e.review_due_at.date().isoformat()})",
                    {
                        "review_months": e.review_months,
                        "last_reviewed_at": e.last_reviewed_at,
                        "owner_id": e.owner_id,
                    },
                    due=e.review_due_at,
                    subject_id="account_plan",
                )
            )
        if e.empty:
            out.append(
                make_alert(
                    aid,
                    AlertKind.PLAN,
                    "plan_without_targets",
                    Severity.INFO,
                    "The key-account plan sets no network or opportunity target",
                    {"owner_id": e.owner_id},
                    subject_id="account_plan",
                )
            )
    if key_accounts is not None:
        for aid in sorted(set(key_accounts) - planned):
            out.append(
                make_alert(
                    aid,
                    AlertKind.PLAN,
                    "plan_missing",
                    Severity.WATCH,
                    "A key account without a key-account plan",
                    {},
                    subject_id="account_plan",
                )
            )
    return out


def plan_alerts(
    executions: Iterable[PlanExecution], *, key_accounts: Iterable[str] | None = None
) -> tuple[Alert, ...]:
    """The alerts of measured key-account plans (codes: `PLAN_CODES`), canonical order.

    Kind ``plan``. One ``plan_target_behind`` per target behind (``due`` its ``by``,
    ``subject_id`` ``"network[i]"`` or ``"opportunity[i]"``; evidence: ``part``,
    ``index``, ``label``, ``goal``, ``current``, ``unit``, ``gap``, ``owner_id``,
    ``priority``), a ``plan_review_overdue`` when the plan's review is overdue (``due``
    the review's due time), a ``plan_without_targets`` for a plan without targets, and,
    with ``key_accounts``, a ``plan_missing`` for each key account without a plan.

    Args:
        executions: What [`plan_executions`][kamlib.planning.plan_executions] measured.
        key_accounts: The key-account list, to name the key accounts without a plan;
            ``None`` skips that check.

    Returns:
        The alerts, through [`sort_alerts`][kamlib.operations.sort_alerts].

    Raises:
        InvalidTypeError: An item that is not a
            [`PlanExecution`][kamlib.planning.PlanExecution].

    Examples:
        >>> import datetime as dt
        >>> from kamlib.model import Account, Portfolio
        >>> from kamlib.operations import plan_alerts
        >>> from kamlib.planning import AccountPlan, plan_executions
        >>> t = dt.datetime(2025, 1, 10, tzinfo=dt.UTC)
        >>> acc = Account("A1", "Acme", industry="x", region="y", size_band="large",
        ...               cooperation_start=dt.date(2024, 1, 1))
        >>> runs = plan_executions([AccountPlan("A1", t, priority=1)], Portfolio([acc]),
        ...                        as_of=t + dt.timedelta(days=120))
        >>> [(a.code, a.severity.value) for a in plan_alerts(runs, key_accounts=["A1", "A2"])]
        [('plan_review_overdue', 'warning'), ('plan_missing', 'watch'), \
('plan_without_targets', 'info')]
    """
    items = _executions("plan_alerts", executions)
    keys = None if key_accounts is None else tuple(key_accounts)
    return sort_alerts(plan_alert_list(items, keys))
