"""Company-level KAM steps: account plans, strategies, allocation, coverage, assessment.

Source [002]'s seven steps put the identification of key accounts, their allocation to
teams (客户分配) and the evaluation and yearly assessment (评估和考核) at company level, and
strategy, tactics and planning, account operation, dynamic evaluation and monetisation at
salesperson level. This package holds those steps as data and algorithms: key-account
plans and their execution, strategies per class, team members and the allocation of
accounts to them (an optimisation on networkx), the 6-monthly coverage evaluation, deal
routing, and the yearly assessment of members, teams and accounts.

Every function is pure: ``as_of`` is a parameter, nothing reads the clock, and the order
of the input records never changes an answer.

Layering: planning imports model, features, scoring, signals and network; operations
imports planning (the review shows plan-execution and coverage alerts); nothing below
imports planning.

Examples:
    >>> from kamlib.planning import TeamMember
    >>> TeamMember("U1", "Li Na", "account_manager", 8).capacity
    8
"""

from __future__ import annotations

from kamlib.planning._allocation import *  # noqa: F403
from kamlib.planning._allocation import __all__ as _allocation_names
from kamlib.planning._assessment import *  # noqa: F403
from kamlib.planning._assessment import __all__ as _assessment_names
from kamlib.planning._coverage import *  # noqa: F403
from kamlib.planning._coverage import __all__ as _coverage_names
from kamlib.planning._plans import *  # noqa: F403
from kamlib.planning._plans import __all__ as _plans_names
from kamlib.planning._routing import *  # noqa: F403
from kamlib.planning._routing import __all__ as _routing_names
from kamlib.planning._strategy import *  # noqa: F403
from kamlib.planning._strategy import __all__ as _strategy_names
from kamlib.planning._team import *  # noqa: F403
from kamlib.planning._team import __all__ as _team_names

__all__ = [
    *_team_names,
    *_plans_names,
    *_strategy_names,
    *_allocation_names,
    *_coverage_names,
    *_routing_names,
    *_assessment_names,
]
