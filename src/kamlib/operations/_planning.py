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

from kamlib._validators import check_name
from kamlib.errors import DuplicateIdError, InvalidTypeError
from kamlib.operations._alerts import Alert, AlertKind, Severity, make_alert, sort_alerts
from kamlib.planning import CoverageEvaluation, PlanExecution, Role

__all__ = ["COVERAGE_SEVERITY", "PLAN_CODES", "coverage_alerts", "plan_alerts"]

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
        if aid in planned:
            raise DuplicateIdError(
                "plan_alerts.executions", aid, "holds two executions of one account's plan"
            )
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
            [`PlanExecution`][kamlib.planning.PlanExecution]; ``key_accounts`` not a
            collection of ids (a single ``str`` is refused).
        InvalidValueError: An empty account id in ``key_accounts``.
        DuplicateIdError: Two executions of one account's plan.

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
    keys = None if key_accounts is None else _ids("plan_alerts.key_accounts", key_accounts)
    return sort_alerts(plan_alert_list(items, keys))


def _ids(path: str, value: object) -> tuple[str, ...]:
    if isinstance(value, str | Mapping) or not isinstance(value, Iterable):
        raise InvalidTypeError(path, value, "must be a collection of account ids")
    return tuple(check_name(f"{path}[{i}]", v) for i, v in enumerate(value))


COVERAGE_SEVERITY: Final[Mapping[str, Severity]] = MappingProxyType(
    {
        "member_overloaded": Severity.WARNING,
        "role_missing": Severity.WARNING,
        "coverage_evaluation_overdue": Severity.WARNING,
        "member_idle": Severity.INFO,
        "expertise_mismatch": Severity.WATCH,
        "reallocation_gain": Severity.INFO,
    }
)
"""The severity of each coverage finding as an alert (codes:
[`COVERAGE_CODES`][kamlib.planning.COVERAGE_CODES]); a missing account manager is
critical. kamlib's own choice: the source gives the 6-month evaluation, not a scale.

Examples:
    >>> from kamlib.operations import COVERAGE_SEVERITY
    >>> COVERAGE_SEVERITY["member_overloaded"].value
    'warning'
"""

_MANAGER: Final = Role.ACCOUNT_MANAGER.value


def coverage_alert_list(e: CoverageEvaluation) -> list[Alert]:
    """The alerts of `coverage_alerts`, unsorted (the review sorts everything once)."""
    out: list[Alert] = []
    sev = COVERAGE_SEVERITY
    for m in e.overloaded:
        out.append(
            make_alert(
                None,
                AlertKind.COVERAGE,
                "member_overloaded",
                sev["member_overloaded"],
                f"{m.member_id} ({m.role}) serves {m.load} accounts, {m.excess} over a "
                f"capacity of {m.capacity}",
                {"role": m.role, "team": m.team, "capacity": m.capacity, "load": m.load,
                 "excess": m.excess},
                subject_id=m.member_id,
            )
        )  # fmt: skip
    for g in e.gaps:
        critical = _MANAGER in g.missing
        out.append(
            make_alert(
                g.account_id,
                AlertKind.COVERAGE,
                "role_missing",
                Severity.CRITICAL if critical else sev["role_missing"],
                f"No {', '.join(g.missing)} serves the account"
                + (" (a new target: the iron triangle)" if g.iron_triangle else ""),
                {"missing": g.missing, "reasons": g.reasons, "required": g.required,
                 "iron_triangle": g.iron_triangle},
                subject_id=",".join(g.missing),
            )
        )  # fmt: skip
    schedule = e.schedule
    if schedule.overdue and schedule.next_due is not None:
        out.append(
            make_alert(
                None,
                AlertKind.COVERAGE,
                "coverage_evaluation_overdue",
                sev["coverage_evaluation_overdue"],
                f"The {schedule.every_months}-month sales-coverage evaluation is overdue "
                f"(due {schedule.next_due.date().isoformat()})",
                {"every_months": schedule.every_months,
                 "last_evaluated": schedule.last_evaluated},
                due=schedule.next_due,
                subject_id="sales_coverage",
            )
        )  # fmt: skip
    for i in e.idle:
        out.append(
            make_alert(
                None,
                AlertKind.COVERAGE,
                "member_idle",
                sev["member_idle"],
                f"{i.member_id} ({i.role}) serves {i.load} of a capacity of {i.capacity}",
                {"role": i.role, "team": i.team, "capacity": i.capacity, "load": i.load,
                 "spare": i.spare},
                subject_id=i.member_id,
            )
        )  # fmt: skip
    for x in e.mismatches:
        out.append(
            make_alert(
                x.account_id,
                AlertKind.COVERAGE,
                "expertise_mismatch",
                sev["expertise_mismatch"],
                f"{x.member_id} ({x.role}) matches the account on "
                + (", ".join(x.matched) if x.matched else "no expertise")
                + ("" if x.reason == "no_match" else " but not on their own coverage line"),
                {"role": x.role, "member_id": x.member_id,
                 "line": None if x.line is None else x.line.value, "matched": x.matched,
                 "missed": x.missed, "reason": x.reason},
                subject_id=x.member_id,
            )
        )  # fmt: skip
    if e.net_gain is not None and e.net_gain > 0:
        out.append(
            make_alert(
                None,
                AlertKind.COVERAGE,
                "reallocation_gain",
                sev["reallocation_gain"],
                f"A better allocation would gain {e.net_gain:g} net of continuity "
                f"({len(e.moves)} moves)",
                {"gain": e.gain, "continuity_cost": e.continuity_cost,
                 "net_gain": e.net_gain, "moves": len(e.moves)},
                subject_id="allocation",
            )
        )  # fmt: skip
    return out


def coverage_alerts(evaluation: CoverageEvaluation) -> tuple[Alert, ...]:
    """The alerts of a coverage evaluation (codes: `COVERAGE_CODES`), canonical order.

    Kind ``coverage``. ``member_overloaded`` and ``member_idle`` per member (no account;
    ``subject_id`` the member), ``role_missing`` per account missing a role (critical
    when the account manager is missing), ``expertise_mismatch`` per assignment off its
    member's expertise, ``coverage_evaluation_overdue`` when the 6-monthly evaluation is
    past due (source [002]), and ``reallocation_gain`` when the evaluation ran the
    optimum and it gains more than its moves cost. Severities: `COVERAGE_SEVERITY`.

    Args:
        evaluation: What
            [`coverage_evaluation`][kamlib.planning.coverage_evaluation] found.

    Returns:
        The alerts, through [`sort_alerts`][kamlib.operations.sort_alerts].

    Raises:
        InvalidTypeError: ``evaluation`` is not a
            [`CoverageEvaluation`][kamlib.planning.CoverageEvaluation].

    Examples:
        >>> import datetime as dt
        >>> from kamlib.model import Account, Portfolio
        >>> from kamlib.operations import coverage_alerts
        >>> from kamlib.planning import (Allocation, Assignment, TeamMember,
        ...                              coverage_evaluation)
        >>> t = dt.datetime(2025, 1, 10, tzinfo=dt.UTC)
        >>> accs = [Account(a, a, industry="x", region="y", size_band="large",
        ...                 cooperation_start=dt.date(2024, 1, 1)) for a in ("A1", "A2")]
        >>> team = [TeamMember("U1", "Li", "account_manager", 1, industries=["x"])]
        >>> now = Allocation([Assignment("A1", "U1", "account_manager")])
        >>> e = coverage_evaluation(Portfolio(accs), team, now, as_of=t, optimise=False)
        >>> [(a.account_id, a.code, a.severity.value) for a in coverage_alerts(e)]
        [('A2', 'role_missing', 'critical')]
    """
    if not isinstance(evaluation, CoverageEvaluation):
        raise InvalidTypeError(
            "coverage_alerts.evaluation", evaluation, "must be a CoverageEvaluation"
        )
    return sort_alerts(coverage_alert_list(evaluation))
