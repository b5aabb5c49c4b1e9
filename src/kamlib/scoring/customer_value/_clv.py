"""Customer lifetime value (CLV) on profit after cost to serve, with S/A/B/C tiers.

Source [003] tiers customers S/A/B/C by CLV (with industry influence and stability);
source [004] says key-account managers should be judged by the customer's **lifetime
value, the profit it brings**, knowing the **cost to serve**. Using that profit as the
account's margin in a CLV model is kamlib's reading. The model is the discounted-margin
model of Gupta & Lehmann (2003), "Customers as assets", *Journal of Interactive Marketing*
17(1), 9-24 (constant margin ``m`` per period, constant retention ``r``, discount rate
``i``)::

    CLV = sum_{t=1..T} m * r**t / (1 + i)**t          (horizon T periods)
        = m * r / (1 + i - r)                           (T infinite: the "margin multiple")

A margin earned at the end of period ``t`` counts only if the account is still retained
then (probability ``r**t``); Berger & Nasr (1998), "Customer lifetime value: marketing
models and applications", *Journal of Interactive Marketing* 12(1), 17-30, give the same
finite-horizon sums.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any, ClassVar

import attrs
import numpy as np
from numpy.typing import NDArray

from kamlib._table import MAGNITUDE, MAX_MAGNITUDE, FeatureTable
from kamlib._validators import (
    as_float,
    as_int,
    check_int,
    check_real,
    integer,
    non_empty_str,
    one_of,
    optional,
    real,
)
from kamlib.errors import InvalidValueError, NotFittedError
from kamlib.scoring._config import scorer_config, scorer_from_config
from kamlib.scoring._population import Need, Sample, canonical, fit_in_memory
from kamlib.scoring._result import ExplainDetails, ScoreTable, fmt_value, owned_readonly
from kamlib.scoring.customer_value._common import (
    BoolArray,
    check_fill,
    filled_column,
    optional_floats,
    sequence,
    tier_codes,
    zero_fill,
)

__all__ = [
    "CLV_TIERS",
    "CustomerLifetimeValue",
    "DEFAULT_TIER_QUANTILES",
    "MAX_HORIZON",
    "margin_multiple",
]

FloatArray = NDArray[np.float64]

CLV_TIERS: tuple[str, ...] = ("S", "A", "B", "C")
"""Source [003]'s tiers, best first (S-tier accounts get a direct line to the CEO [003])."""

DEFAULT_TIER_QUANTILES: tuple[float, float, float] = (0.95, 0.80, 0.50)
"""Where ``fit`` puts the S, A and B cuts: the 95th, 80th and 50th percentiles of CLV, so
about 5 % of accounts are S, 15 % A, 30 % B and 50 % C. kamlib's own choice: source [003]
names the tiers but gives no cut."""

MAX_HORIZON = 1_000
"""Longest finite horizon in periods (kamlib's bound; a longer one is "infinite")."""

_REASON_TEXTS = MappingProxyType(
    {
        "loss_making": "margin after cost to serve is negative: CLV is a loss",
        "missing_margin": "no margin recorded: scored with fill_value (coverage 0)",
    }
)
_MISSING = ("fill", "raise")


def margin_multiple(retention: float, discount: float, horizon: int | None = None) -> float:
    """``sum_{t=1..T} (r / (1 + i))**t``: CLV per unit of margin (Gupta & Lehmann 2003).

    With ``horizon=None`` (infinite) the closed form ``r / (1 + i - r)``; a finite horizon
    is summed term by term, left to right (exactly the same float for every account).

    Args:
        retention: ``r``, the share of accounts kept from one period to the next, in [0, 1].
        discount: ``i``, the discount rate per period, in [0, 10].
        horizon: ``T`` periods, 1 to `MAX_HORIZON`, or ``None`` for infinite.

    Returns:
        The multiple.

    Raises:
        InvalidValueError: A value out of range, or ``r = 1`` and ``i = 0`` with an
            infinite horizon (the sum diverges).

    Examples:
        Gupta & Lehmann's margin multiple: at 80 % retention and a 12 % discount rate a
        customer is worth 2.5 years of margin; at 90 % and 10 %, 4.5.

        >>> from kamlib.scoring import margin_multiple
        >>> round(margin_multiple(0.8, 0.12), 12), round(margin_multiple(0.9, 0.10), 12)
        (2.5, 4.5)
        >>> margin_multiple(0.5, 0.0, horizon=3)  # 0.5 + 0.25 + 0.125
        0.875
    """
    r = check_real("margin_multiple.retention", retention, ge=0.0, le=1.0)
    i = check_real("margin_multiple.discount", discount, ge=0.0, le=10.0)
    if horizon is None:
        den = (1.0 + i) - r
        if den <= 0.0:
            raise InvalidValueError(
                "margin_multiple.horizon",
                None,
                "is infinite with retention 1 and discount 0: the sum diverges; give a horizon",
            )
        return r / den
    t_max = check_int("margin_multiple.horizon", horizon, ge=1, le=MAX_HORIZON)
    q = r / (1.0 + i)
    total, term = 0.0, 1.0
    for _ in range(t_max):
        term = term * q
        total = total + term
    return total


def _optional_int(value: object) -> Any:
    return None if value is None else as_int(value)


@attrs.frozen(eq=False)
class _Why:
    scorer: CustomerLifetimeValue
    margin: FloatArray
    gone: BoolArray | None

    def details(
        self, row: int, score: float, label: str | None, reasons: tuple[str, ...]
    ) -> ExplainDetails:
        s = self.scorer
        m = float(self.margin[row])
        missing = self.gone is not None and bool(self.gone[row])
        horizon = "infinite horizon" if s.horizon is None else f"{s.horizon} periods"
        shown = f"missing (filled {fmt_value(m)})" if missing else fmt_value(m)
        summary = (
            f"{s.margin_feature} {shown} x margin multiple {s.multiple:.4g} "
            f"(retention {s.retention:g}, discount {s.discount:g}, {horizon}) = CLV "
            f"{fmt_value(score)}"
        )
        if label is not None and s.tier_cuts is not None:
            k = CLV_TIERS.index(label)
            if k < len(s.tier_cuts):
                summary += f" >= {label} cut {fmt_value(s.tier_cuts[k])}"
            else:
                summary += f" < B cut {fmt_value(s.tier_cuts[-1])}"
            summary += f" -> tier {label}"
        return ExplainDetails(inputs=((s.margin_feature, None if missing else m),), summary=summary)

    def take(self, rows: NDArray[np.intp]) -> _Why:
        return _Why(self.scorer, self.margin[rows], None if self.gone is None else self.gone[rows])


@attrs.frozen
class CustomerLifetimeValue:
    """CLV of each account from its profit after cost to serve, in S/A/B/C tiers.

    Source [003] tiers customers S/A/B/C by CLV; source [004] measures key-account work by
    the profit a customer brings, knowing the cost to serve. kamlib's reading: the
    margin of the CLV model is that profit, ``profit_contribution - cost_to_serve`` (the
    ``profit`` feature: four quarters by default, so the rates are per year). It is not
    ``revenue - cost_to_serve``: revenue also pays for the goods sold.

    **Model** (Gupta & Lehmann 2003; Berger & Nasr 1998 for a finite horizon):
    ``CLV = m * margin_multiple(r, i, T)`` with `margin_multiple` ``= sum_{t=1..T} (r /
    (1 + i))**t``, or ``r / (1 + i - r)`` for ``horizon=None`` (infinite, the default).
    Retention ``r`` and discount rate ``i`` are explicit parameters, per period of the
    margin; kamlib's defaults (``r = 0.8``, ``i = 0.1``) are placeholders to replace with
    the programme's own figures, not source rules. One multiplication per account: the
    same bits alone and in any batch.

    **Tiers.** ``S`` when ``CLV >= tier_cuts[0]``, ``A`` when ``>= tier_cuts[1]``, ``B``
    when ``>= tier_cuts[2]``, else ``C``; a value exactly on a cut takes the better tier.
    ``fit`` learns the cuts, unless given (pinned), as the ``tier_quantiles`` of the
    population's CLV (default `DEFAULT_TIER_QUANTILES`: about 5 % S, 15 % A, 30 % B,
    50 % C, kamlib's own choice). Source [003] also weighs industry influence and
    stability; this scorer tiers on CLV alone (combine it with
    [`WeightedPoints`][kamlib.scoring.WeightedPoints] for more criteria). Learned tiers
    are **relative**: in a portfolio of losses the least loss-making accounts are S (with
    the reason ``loss_making``). kamlib keeps the quantile shares rather than add a floor
    the sources do not give; pin ``tier_cuts`` (e.g. a B cut of 0) for absolute tiers.

    **Result.** ``score`` = CLV (money); its one contribution is itself. ``margin`` = the
    distance to the nearest tier cut, in money. Reason ``loss_making``: a negative margin.

    **Missing margin** (e.g. no quarter recorded in the window): with ``missing="fill"``
    (default) the account is scored with the margin ``fill_value`` (default 0: it brought
    no recorded profit, kamlib's own choice), declared missing (coverage 0, reason
    ``missing_margin``) and left out when ``fit`` learns the cuts; ``missing="raise"``
    refuses it.

    Attributes:
        margin_feature: The margin column (default ``profit``).
        retention: ``r`` in [0, 1].
        discount: ``i`` in [0, 10].
        horizon: ``T`` in periods, or ``None`` (infinite).
        tier_quantiles: Three strictly decreasing quantiles in (0, 1) for the S, A, B cuts.
        tier_cuts: Three non-increasing CLV cuts (S, A, B), or ``None`` (learned).
        missing: ``"fill"`` or ``"raise"`` (accounts without a margin).
        fill_value: The margin of an account without one (default 0 with ``"fill"``,
            ``None`` with ``"raise"``).

    Examples:
        >>> from kamlib import FeatureTable
        >>> from kamlib.scoring import CustomerLifetimeValue
        >>> t = FeatureTable.from_columns(["A1", "A2", "A3"], {"profit": [100.0, 40.0, -5.0]})
        >>> clv = CustomerLifetimeValue(retention=0.75, discount=0.25,
        ...                             tier_cuts=[150, 60, 0])
        >>> clv.multiple  # 0.75 / (1 + 0.25 - 0.75)
        1.5
        >>> st = clv.score(t)
        >>> st.scores.tolist()
        [150.0, 60.0, -7.5]
        >>> st.labels.tolist(), st.reasons_of("A3")  # on a cut: the better tier
        (['S', 'A', 'C'], ('loss_making',))
    """

    name: ClassVar[str] = "lifetime_value"
    config_version: ClassVar[int] = 1
    margin_feature: str = attrs.field(default="profit", validator=non_empty_str())
    retention: float = attrs.field(
        default=0.8, kw_only=True, converter=as_float, validator=real(ge=0.0, le=1.0)
    )
    discount: float = attrs.field(
        default=0.1, kw_only=True, converter=as_float, validator=real(ge=0.0, le=10.0)
    )
    horizon: int | None = attrs.field(
        default=None,
        kw_only=True,
        converter=_optional_int,
        validator=optional(integer(ge=1, le=MAX_HORIZON)),
    )
    tier_quantiles: tuple[float, ...] = attrs.field(
        default=DEFAULT_TIER_QUANTILES,
        kw_only=True,
        converter=optional_floats,
        validator=sequence(3, descending=True, strict=True, lo=0.0, hi=1.0, optional=False),
    )
    tier_cuts: tuple[float, ...] | None = attrs.field(
        default=None,
        kw_only=True,
        converter=optional_floats,
        validator=sequence(3, descending=True, lo=-MAX_MAGNITUDE, hi=MAX_MAGNITUDE),
    )
    missing: str = attrs.field(default="fill", kw_only=True, validator=one_of(*_MISSING))
    fill_value: float | None = attrs.field(
        default=attrs.Factory(zero_fill, takes_self=True),
        kw_only=True,
        converter=as_float,
        validator=optional(real(**MAGNITUDE)),
    )

    def __attrs_post_init__(self) -> None:
        q = self.tier_quantiles
        if q[0] >= 1.0 or q[-1] <= 0.0:
            raise InvalidValueError(
                "CustomerLifetimeValue.tier_quantiles", list(q), "must lie in (0, 1)"
            )
        check_fill(
            "CustomerLifetimeValue.fill_value",
            self.missing,
            self.fill_value,
            "the margin of an account without one",
        )
        if self.horizon is None and (1.0 + self.discount) - self.retention <= 0.0:
            raise InvalidValueError(
                "CustomerLifetimeValue.horizon",
                None,
                "is infinite with retention 1 and discount 0: the sum diverges; give a horizon",
            )

    # ------------------------------------------------------------------ protocol
    @property
    def multiple(self) -> float:
        """The margin multiple of the parameters (`margin_multiple`).

        Examples:
            >>> from kamlib.scoring import CustomerLifetimeValue
            >>> CustomerLifetimeValue(retention=0.5, discount=0.0, horizon=2).multiple
            0.75
        """
        return margin_multiple(self.retention, self.discount, self.horizon)

    @property
    def is_fitted(self) -> bool:
        """True when the tier cuts are known (learned or pinned).

        Examples:
            >>> from kamlib.scoring import CustomerLifetimeValue
            >>> CustomerLifetimeValue().is_fitted
            False
            >>> CustomerLifetimeValue(tier_cuts=[3e6, 1e6, 2e5]).is_fitted
            True
        """
        return self.tier_cuts is not None

    @property
    def required_features(self) -> tuple[str, ...]:
        """The margin column.

        Examples:
            >>> from kamlib.scoring import CustomerLifetimeValue
            >>> CustomerLifetimeValue("lifetime_profit").required_features
            ('lifetime_profit',)
        """
        return (self.margin_feature,)

    @property
    def classes(self) -> tuple[str, ...]:
        """`CLV_TIERS`: ``("S", "A", "B", "C")``.

        Examples:
            >>> from kamlib.scoring import CustomerLifetimeValue
            >>> CustomerLifetimeValue().classes
            ('S', 'A', 'B', 'C')
        """
        return CLV_TIERS

    def _clv(self, table: FeatureTable) -> tuple[FloatArray, FloatArray, BoolArray | None]:
        """The margin column (filled), each account's CLV and the missing margins."""
        m, gone = filled_column(
            table, self.margin_feature, self.name, self.missing, self.fill_value
        )
        out: FloatArray = m * self.multiple
        return m, out, gone

    def fit(self, table: FeatureTable) -> CustomerLifetimeValue:
        """Learn the tier cuts (quantiles of CLV) unless they are given.

        Raises:
            MissingFeatureError: The margin column is missing.
            InvalidValueError: A missing margin; an empty table; a CLV beyond ``1e15``
                (the bound of a tier cut) when the cuts are to be learned.

        Examples:
            >>> from kamlib import FeatureTable
            >>> from kamlib.scoring import CustomerLifetimeValue
            >>> t = FeatureTable.from_columns([f"A{i}" for i in range(5)],
            ...                               {"profit": [0.0, 1, 2, 3, 4]})
            >>> clv = CustomerLifetimeValue(retention=0.5, discount=0.0, horizon=1)
            >>> clv.fit(t).tier_cuts  # CLV = profit / 2; its 95th, 80th, 50th percentiles
            (1.9, 1.6, 1.0)
        """
        if self.tier_cuts is not None:
            self._clv(table)  # the columns are checked all the same
            return self  # pinned means pinned
        fitted: CustomerLifetimeValue = fit_in_memory(self, table)
        return fitted

    def _fit_reading(self) -> _TierReading | None:
        """What `fit` reads: the tier quantiles of CLV (None: the cuts are pinned)."""
        return None if self.tier_cuts is not None else _TierReading(self)

    def score(self, table: FeatureTable) -> ScoreTable:
        """CLV and tier of every account (see the class docstring).

        Raises:
            NotFittedError: The tier cuts are not known yet.
            MissingFeatureError: The margin column is missing.
            InvalidValueError: A missing margin.

        Examples:
            >>> from kamlib import FeatureTable
            >>> from kamlib.scoring import CustomerLifetimeValue
            >>> t = FeatureTable.from_columns(["A"], {"profit": [1_000.0]})
            >>> clv = CustomerLifetimeValue(retention=0.9, discount=0.1, tier_cuts=[5e3, 4e3, 1e3])
            >>> clv.score(t).explain("A").summary
            'profit 1,000 x margin multiple 4.5 (retention 0.9, discount 0.1, infinite \
horizon) = CLV 4,500 >= A cut 4,000 -> tier A'
        """
        if self.tier_cuts is None:
            raise NotFittedError(
                f"{self.name}.tier_cuts", None, "is not fitted; call fit() or pass tier_cuts"
            )
        m, value, gone = self._clv(table)
        code, margin = tier_codes(value, self.tier_cuts)
        n = len(table)
        flags = np.zeros((n, 2), dtype=np.bool_)
        np.less(m, 0.0, out=flags[:, 0])
        coverage: FloatArray = np.broadcast_to(np.float64(1.0), (n,))
        if gone is not None:
            flags[:, 1] = gone
            coverage = np.where(gone, 0.0, 1.0)
        return ScoreTable(
            scorer=self.name,
            config=self.get_config(),
            ids=table.ids,
            scores=owned_readonly(value),
            components=(self.margin_feature,),
            contributions=value[:, None],
            coverage=coverage,
            labels=owned_readonly(code),
            classes=CLV_TIERS,
            margin=owned_readonly(margin),
            reason_codes=("loss_making", "missing_margin"),
            reason_flags=owned_readonly(flags),
            reason_texts=dict(_REASON_TEXTS),
            component_missing=None if gone is None else owned_readonly(gone.reshape(-1, 1)),
            details=_Why(self, m, gone),
        )

    def get_config(self) -> dict[str, Any]:
        """Return the parameters and tier cuts as JSON-compatible data.

        Examples:
            >>> from kamlib.scoring import CustomerLifetimeValue
            >>> cfg = CustomerLifetimeValue().get_config()
            >>> cfg["scorer"], cfg["retention"], cfg["horizon"], cfg["tier_quantiles"]
            ('lifetime_value', 0.8, None, [0.95, 0.8, 0.5])
        """
        return scorer_config(self)

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> CustomerLifetimeValue:
        """Rebuild the scorer from `get_config` output, validated like user input.

        Examples:
            >>> from kamlib.scoring import CustomerLifetimeValue
            >>> CustomerLifetimeValue.from_config({"retention": 1.0, "discount": 0.0})
            Traceback (most recent call last):
            ...
            kamlib.errors.InvalidValueError: CustomerLifetimeValue.horizon: is infinite with \
retention 1 and discount 0: the sum diverges; give a horizon; got None
        """
        return scorer_from_config(cls, config)


@attrs.frozen
class _TierReading:
    """The fit of `CustomerLifetimeValue`, as questions: the rows, and the CLV quantiles."""

    scorer: CustomerLifetimeValue
    names: tuple[str, ...] = ("rows", "clv")

    @property
    def needs(self) -> tuple[Need, ...]:
        return (Need(), Need(probs=self.scorer.tier_quantiles))

    def values(self, table: FeatureTable) -> list[FloatArray]:
        clv = self.scorer
        _, value, gone = clv._clv(table)
        observed = canonical(value, gone)  # learn from the recorded margins only
        big = np.abs(observed) > MAX_MAGNITUDE  # a learned cut must fit a pinned one's bounds
        if big.any():
            ids = table.ids if gone is None else table.ids[~gone]
            i = int(np.flatnonzero(big)[0])
            raise InvalidValueError(
                f"{clv.name}.table[{clv.margin_feature!r}]",
                ids[i],
                f"gives this account a CLV of {float(observed[i]):g} (margin x multiple "
                f"{clv.multiple:.6g}), beyond 1e15: cannot learn tier cuts from it; lower "
                "the margin's unit, or pin tier_cuts",
            )
        return [np.zeros(len(table)), observed]

    def learn(self, samples: Sequence[Sample]) -> CustomerLifetimeValue:
        rows, value = samples
        if value.size == 0:
            raise InvalidValueError(
                f"{self.scorer.name}.fit.table", rows.size, "must hold an account with a margin"
            )
        cuts = value.quantiles(self.scorer.tier_quantiles)
        return attrs.evolve(self.scorer, tier_cuts=tuple(float(c) for c in cuts))
