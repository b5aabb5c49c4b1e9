"""Account operations: the sources' operating rules as pure, dated functions.

Given a [`Portfolio`][kamlib.model.Portfolio] and ``as_of``, what is overdue, what is at
risk, which promises are being broken, which complaints breach their clock, which accounts
should enter or leave the key-account list, gathered in one typed review a CRM can show
as an inbox.

Every function here is pure: ``as_of`` is a parameter, nothing reads the clock, a record
dated after ``as_of`` is refused, and the order of the input records never changes an
answer. Every source number is the default of a parameter.

Layering: operations imports model, features, scoring, signals, network and planning;
none of those imports operations.

Examples:
    >>> from kamlib.operations import Alert
    >>> Alert("A1", "cadence", "cadence_overdue", "watch", "no weekly contact").severity
    <Severity.WATCH: 'watch'>
"""

from __future__ import annotations

from kamlib.operations._alerts import *  # noqa: F403
from kamlib.operations._alerts import __all__ as _alerts_names
from kamlib.operations._cadence import *  # noqa: F403
from kamlib.operations._cadence import __all__ as _cadence_names
from kamlib.operations._calendar import *  # noqa: F403
from kamlib.operations._calendar import __all__ as _calendar_names
from kamlib.operations._commitments import *  # noqa: F403
from kamlib.operations._commitments import __all__ as _commitments_names
from kamlib.operations._complaints import *  # noqa: F403
from kamlib.operations._complaints import __all__ as _complaints_names
from kamlib.operations._demand import *  # noqa: F403
from kamlib.operations._demand import __all__ as _demand_names
from kamlib.operations._planning import *  # noqa: F403
from kamlib.operations._planning import __all__ as _planning_names
from kamlib.operations._requalify import *  # noqa: F403
from kamlib.operations._requalify import __all__ as _requalify_names
from kamlib.operations._review import *  # noqa: F403
from kamlib.operations._review import __all__ as _review_names

__all__ = [
    *_alerts_names,
    *_commitments_names,
    *_complaints_names,
    *_cadence_names,
    *_calendar_names,
    *_demand_names,
    *_requalify_names,
    *_planning_names,
    *_review_names,
]
