"""Pareto / ABC classes: source [003]'s 80/20 rule, as value cuts learned by ``fit``.

Source [003]: 80 % of profit often comes from 20 % of customers. ABC analysis turns that
into classes: rank accounts by value, best first, and cut where the cumulative share of
the total reaches 80 % (A) and 95 % (B); the rest is C. The cut shares are kamlib's own
choice (the source gives the observation, not the classes).

``fit`` turns the shares into **value cuts** (the value of the account at which each
share is reached), so that ``score`` classes an account from its own value alone: the
same class alone, in a batch, in any order.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, ClassVar

import attrs
import numpy as np
from numpy.typing import NDArray

from kamlib._table import MAGNITUDE, FeatureTable
from kamlib._validators import as_float, check_real, non_empty_str, one_of, optional, real
from kamlib.errors import InvalidValueError, NotFittedError
from kamlib.scoring._config import scorer_config, scorer_from_config
from kamlib.scoring._result import ExplainDetails, ScoreTable, fmt_value, owned_readonly
from kamlib.scoring.customer_value._common import (
    BoolArray,
    check_fill,
    filled_column,
    tier_codes,
    zero_fill,
)

__all__ = ["ABC_CLASSES", "Concentration", "ParetoABC"]

FloatArray = NDArray[np.float64]

ABC_CLASSES: tuple[str, ...] = ("A", "B", "C")
"""The ABC classes, best first."""

_MISSING = ("fill", "raise")
_REASON_TEXTS = MappingProxyType(
    {"missing_value": "no value recorded: scored with fill_value (coverage 0)"}
)


@attrs.frozen
class Concentration:
    """How much of the total value the top accounts hold (the 80/20 check, source [003]).

    Attributes:
        top: The share of accounts asked about, in (0, 1].
        accounts: How many accounts that is: ``ceil(top * total_accounts)``.
        total_accounts: Accounts in the table.
        share: Their share of the **positive** value (losses left out of both sums), in
            [0, 1]: the share ABC classes are cut on.
        net_share: Their value over the **net** total (losses included), or ``None`` when
            the net total is not positive; above 1 when the rest lose money.

    Examples:
        >>> from kamlib.scoring import Concentration
        >>> c = Concentration(0.2, 1, 5, 0.8, 0.9)
        >>> c.message
        'the top 20 % of accounts (1 of 5) hold 80 % of the value'
    """

    top: float
    accounts: int
    total_accounts: int
    share: float
    net_share: float | None

    @property
    def message(self) -> str:
        """The finding as a sentence.

        Examples:
            >>> from kamlib.scoring import Concentration
            >>> Concentration(0.5, 2, 4, 0.75, None).message
            'the top 50 % of accounts (2 of 4) hold 75 % of the value'
        """
        return (
            f"the top {100 * self.top:.3g} % of accounts ({self.accounts} of "
            f"{self.total_accounts}) hold {100 * self.share:.3g} % of the value"
        )


@attrs.frozen(eq=False)
class _Why:
    scorer: ParetoABC
    value: FloatArray
    gone: BoolArray | None

    def details(
        self, row: int, score: float, label: str | None, reasons: tuple[str, ...]
    ) -> ExplainDetails:
        s = self.scorer
        assert s.a_cut is not None
        assert s.b_cut is not None
        x = float(self.value[row])
        missing = self.gone is not None and bool(self.gone[row])
        f = s.value_feature if not missing else f"{s.value_feature} (missing, filled)"
        if label == "A":
            why = f"{f} {fmt_value(x)} >= A cut {fmt_value(s.a_cut)}"
        elif label == "B":
            why = f"A cut {fmt_value(s.a_cut)} > {f} {fmt_value(x)} >= B cut {fmt_value(s.b_cut)}"
        else:
            why = f"{f} {fmt_value(x)} < B cut {fmt_value(s.b_cut)}"
        summary = (
            f"{why} -> class {label} (A: the best accounts up to {100 * s.a_share:.3g} % of "
            f"the value, B: up to {100 * s.b_share:.3g} %)"
        )
        return ExplainDetails(inputs=((s.value_feature, None if missing else x),), summary=summary)

    def take(self, rows: NDArray[np.intp]) -> _Why:
        return _Why(self.scorer, self.value[rows], None if self.gone is None else self.gone[rows])


@attrs.frozen
class ParetoABC:
    """ABC classes by cumulative share of value: source [003]'s 80/20 rule.

    Source [003]: 80 % of profit often comes from 20 % of customers. The classes are
    kamlib's own choice: **A** = the best accounts that together hold up to ``a_share``
    (default 80 %) of the value, **B** = the next ones up to ``b_share`` (default 95 %),
    **C** = the rest. The value is ``value_feature`` (default ``profit``, after cost to
    serve: source [004] judges key-account work by profit; reading it as the account's
    value is kamlib's reading).

    **fit** ranks the accounts with a positive value, best first, and takes the
    cumulative share of their total. The A cut is the value of the first account at which
    the share reaches ``a_share`` (that account is in A); the B cut likewise for
    ``b_share``. Cuts you give (``a_cut=``, ``b_cut=``) are pinned and never re-learned.
    Accounts with a value of 0 or less are left out of the shares (a loss is not a share
    of the profit) and, with learned cuts, are always C.

    **score**: ``A`` when ``value >= a_cut``, ``B`` when ``value >= b_cut``, else ``C``.
    **Tie rule:** accounts with equal values always get the same class, and an account
    tied with the one that crosses a share is in the better class: A absorbs the whole
    tie group at its cut, so it can hold well over ``a_share``, up to every account (with
    profits ``[70, 10, 10, 10]`` the 80 % share is crossed inside the group of 10s, and
    all four are A, 100 %). The cut depends on the values only, never on the order or ids.
    ``score`` = the value; its one contribution is itself; ``margin`` = the distance to
    the nearer cut. `concentration` reports the share of the value held by the top ``x`` %
    of accounts.

    **Missing values:** with ``missing="fill"`` (default) an account without a recorded
    value is scored with ``fill_value`` (default 0, so class C with learned cuts), declared
    missing (coverage 0, reason ``missing_value``) and left out of the shares that ``fit``
    and `concentration` compute; ``missing="raise"`` refuses it.

    Attributes:
        value_feature: The value column (default ``profit``).
        a_share: Cumulative share that ends class A, in (0, 1] (default 0.8).
        b_share: Cumulative share that ends class B, in [a_share, 1] (default 0.95).
        a_cut: Value at or above which an account is A, or ``None`` (learned).
        b_cut: Value at or above which an account is at least B, or ``None``; ``<= a_cut``.
        missing: ``"fill"`` or ``"raise"``.
        fill_value: The value of an account without one (default 0 with ``"fill"``).

    Examples:
        >>> from kamlib import FeatureTable
        >>> from kamlib.scoring import ParetoABC
        >>> t = FeatureTable.from_columns(
        ...     ["A1", "A2", "A3", "A4", "A5"], {"profit": [50.0, 30.0, 10.0, 6.0, 4.0]}
        ... )
        >>> abc = ParetoABC().fit(t)  # shares 50 %, 80 %, 90 %, 96 %, 100 %
        >>> abc.a_cut, abc.b_cut
        (30.0, 6.0)
        >>> abc.score(t).labels.tolist()
        ['A', 'A', 'B', 'B', 'C']
        >>> abc.concentration(t, top=0.4).message
        'the top 40 % of accounts (2 of 5) hold 80 % of the value'
    """

    name: ClassVar[str] = "pareto_abc"
    config_version: ClassVar[int] = 1
    value_feature: str = attrs.field(default="profit", validator=non_empty_str())
    a_share: float = attrs.field(
        default=0.8, kw_only=True, converter=as_float, validator=real(gt=0.0, le=1.0)
    )
    b_share: float = attrs.field(
        default=0.95, kw_only=True, converter=as_float, validator=real(gt=0.0, le=1.0)
    )
    a_cut: float | None = attrs.field(
        default=None, kw_only=True, converter=as_float, validator=optional(real(**MAGNITUDE))
    )
    b_cut: float | None = attrs.field(
        default=None, kw_only=True, converter=as_float, validator=optional(real(**MAGNITUDE))
    )
    missing: str = attrs.field(default="fill", kw_only=True, validator=one_of(*_MISSING))
    fill_value: float | None = attrs.field(
        default=attrs.Factory(zero_fill, takes_self=True),
        kw_only=True,
        converter=as_float,
        validator=optional(real(**MAGNITUDE)),
    )

    def __attrs_post_init__(self) -> None:
        check_fill(
            "ParetoABC.fill_value",
            self.missing,
            self.fill_value,
            "the value of an account without one",
        )
        if self.b_share < self.a_share:
            raise InvalidValueError(
                "ParetoABC.b_share", self.b_share, f"must be >= a_share ({self.a_share:g})"
            )
        if self.a_cut is not None and self.b_cut is not None and self.b_cut > self.a_cut:
            raise InvalidValueError(
                "ParetoABC.b_cut", self.b_cut, f"must be <= a_cut ({self.a_cut:g})"
            )

    # ------------------------------------------------------------------ protocol
    @property
    def is_fitted(self) -> bool:
        """True when both cuts are known (learned or pinned).

        Examples:
            >>> from kamlib.scoring import ParetoABC
            >>> ParetoABC().is_fitted, ParetoABC(a_cut=1e5, b_cut=2e4).is_fitted
            (False, True)
        """
        return self.a_cut is not None and self.b_cut is not None

    @property
    def required_features(self) -> tuple[str, ...]:
        """The value column.

        Examples:
            >>> from kamlib.scoring import ParetoABC
            >>> ParetoABC("lifetime_profit").required_features
            ('lifetime_profit',)
        """
        return (self.value_feature,)

    @property
    def classes(self) -> tuple[str, ...]:
        """`ABC_CLASSES`: ``("A", "B", "C")``.

        Examples:
            >>> from kamlib.scoring import ParetoABC
            >>> ParetoABC().classes
            ('A', 'B', 'C')
        """
        return ABC_CLASSES

    def _value(self, table: FeatureTable) -> tuple[FloatArray, BoolArray | None]:
        """The value column (missing cells filled) and its missing mask."""
        return filled_column(table, self.value_feature, self.name, self.missing, self.fill_value)

    def fit(self, table: FeatureTable) -> ParetoABC:
        """Learn the value cuts still unset from the cumulative shares.

        Raises:
            MissingFeatureError: The value column is missing.
            InvalidValueError: A missing value; no account with a positive value (the
                shares are undefined); a learned cut that would put B above a pinned A.

        Examples:
            >>> from kamlib import FeatureTable
            >>> from kamlib.scoring import ParetoABC
            >>> t = FeatureTable.from_columns(["A", "B", "C"], {"profit": [5.0, 5.0, -1.0]})
            >>> ParetoABC(a_share=0.5).fit(t).a_cut  # the tie: both 5s are A
            5.0
        """
        v, gone = self._value(table)
        if self.is_fitted:
            return self  # pinned means pinned
        if gone is not None:
            v = v[~gone]  # the shares are of the recorded values only
        pos = np.sort(v[v > 0.0])[::-1]
        if pos.size == 0:
            raise InvalidValueError(
                f"{self.name}.fit.table",
                self.value_feature,
                "has no account with a positive value: the cumulative shares are undefined",
            )
        cum = np.cumsum(pos)
        share = cum / cum[-1]

        def cut(at: float) -> float:
            i = min(int(np.searchsorted(share, at, side="left")), pos.size - 1)
            return float(pos[i])

        a_cut = self.a_cut if self.a_cut is not None else cut(self.a_share)
        b_cut = self.b_cut if self.b_cut is not None else cut(self.b_share)
        if b_cut > a_cut:
            raise InvalidValueError(
                f"{self.name}.fit", b_cut, f"learned a B cut above the pinned A cut ({a_cut:g})"
            )
        return attrs.evolve(self, a_cut=a_cut, b_cut=b_cut)

    def score(self, table: FeatureTable) -> ScoreTable:
        """Class every account A, B or C by its value (see the class docstring).

        Raises:
            NotFittedError: A cut is not known yet.
            MissingFeatureError: The value column is missing.
            InvalidValueError: A missing value.

        Examples:
            >>> from kamlib import FeatureTable
            >>> from kamlib.scoring import ParetoABC
            >>> t = FeatureTable.from_columns(["A"], {"profit": [70_000.0]})
            >>> ParetoABC(a_cut=90_000, b_cut=20_000).score(t).explain("A").summary
            'A cut 90,000 > profit 70,000 >= B cut 20,000 -> class B (A: the best \
accounts up to 80 % of the value, B: up to 95 %)'
        """
        if self.a_cut is None or self.b_cut is None:
            raise NotFittedError(
                f"{self.name}.a_cut", None, "is not fitted; call fit() or pass a_cut and b_cut"
            )
        v, gone = self._value(table)
        code, margin = tier_codes(v, (self.a_cut, self.b_cut))
        n = len(table)
        coverage: FloatArray = np.broadcast_to(np.float64(1.0), (n,))
        flags = np.zeros((n, 1), dtype=np.bool_)
        if gone is not None:
            coverage = np.where(gone, 0.0, 1.0)
            flags[:, 0] = gone
        return ScoreTable(
            scorer=self.name,
            config=self.get_config(),
            ids=table.ids,
            scores=v,
            components=(self.value_feature,),
            contributions=v[:, None],
            coverage=coverage,
            labels=owned_readonly(code),
            classes=ABC_CLASSES,
            margin=owned_readonly(margin),
            reason_codes=("missing_value",),
            reason_flags=owned_readonly(flags),
            reason_texts=dict(_REASON_TEXTS),
            component_missing=None if gone is None else owned_readonly(gone.reshape(-1, 1)),
            details=_Why(self, v, gone),
        )

    def concentration(self, table: FeatureTable, *, top: float = 0.2) -> Concentration:
        """The share of the value held by the top ``top`` of accounts (default 20 %).

        The top ``ceil(top * n)`` accounts by value (which of several tied accounts is
        taken does not change the sums). Sums are exact (``math.fsum``): the result does
        not depend on the row order.

        Raises:
            InvalidValueError: ``top`` outside (0, 1]; an empty table; a missing value; no
                positive value.

        Examples:
            >>> from kamlib import FeatureTable
            >>> from kamlib.scoring import ParetoABC
            >>> t = FeatureTable.from_columns(["A", "B", "C", "D"],
            ...                               {"profit": [90.0, 20.0, 10.0, -20.0]})
            >>> c = ParetoABC().concentration(t, top=0.25)
            >>> c.accounts, c.share, c.net_share  # 90 of 120 positive; 90 of a net 100
            (1, 0.75, 0.9)
        """
        share_asked = check_real(f"{self.name}.concentration.top", top, gt=0.0, le=1.0)
        v, gone = self._value(table)
        if gone is not None:
            v = v[~gone]  # of the accounts with a recorded value
        n = v.shape[0]
        if n == 0:
            raise InvalidValueError(f"{self.name}.concentration.table", 0, "must hold a row")
        k = max(1, math.ceil(share_asked * n - 1e-9))
        ranked = np.sort(v)[::-1]
        positive = math.fsum(ranked[ranked > 0.0].tolist())
        if positive <= 0.0:
            raise InvalidValueError(
                f"{self.name}.concentration.table",
                self.value_feature,
                "has no account with a positive value",
            )
        head = ranked[:k]
        held = math.fsum(head[head > 0.0].tolist())
        net = math.fsum(ranked.tolist())
        return Concentration(
            top=share_asked,
            accounts=k,
            total_accounts=n,
            share=held / positive,
            net_share=math.fsum(head.tolist()) / net if net > 0.0 else None,
        )

    def get_config(self) -> dict[str, Any]:
        """Return shares and cuts as JSON-compatible data.

        Examples:
            >>> from kamlib.scoring import ParetoABC
            >>> cfg = ParetoABC().get_config()
            >>> cfg["scorer"], cfg["a_share"], cfg["b_share"], cfg["a_cut"]
            ('pareto_abc', 0.8, 0.95, None)
        """
        return scorer_config(self)

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> ParetoABC:
        """Rebuild the scorer from `get_config` output, validated like user input.

        Examples:
            >>> from kamlib.scoring import ParetoABC
            >>> ParetoABC.from_config({"a_share": 0.9, "b_share": 0.8})
            Traceback (most recent call last):
            ...
            kamlib.errors.InvalidValueError: ParetoABC.b_share: must be >= a_share (0.9); got 0.8
        """
        return scorer_from_config(cls, config)
