"""Typing as tests: mypy --strict checks these ``assert_type`` lines; pytest runs them too.

A change that widens a public return type to ``Any`` (or narrows it wrongly) fails mypy in
CI before it reaches a user's type checker.
"""

from __future__ import annotations

import datetime as dt
from typing import assert_type

import networkx as nx
import numpy as np
from numpy.typing import NDArray

from kamlib import (
    Account,
    Commitment,
    CommitmentState,
    FeatureTable,
    HealthModel,
    Portfolio,
    Scorer,
    ScoreTable,
    ValueMatrix,
    WeightedPoints,
)
from kamlib.features import extract_features
from kamlib.network import Coverage, coverage, stakeholder_graph
from kamlib.scoring import Explanation, get_scorer
from kamlib.serde import from_dict, to_dict
from kamlib.synthetic import synthetic_portfolio

AS_OF = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def test_domain_and_serde_types() -> None:
    p = synthetic_portfolio(3, seed=0, as_of=AS_OF)
    assert_type(p, Portfolio)
    acc = p.accounts[0]
    assert_type(acc, Account)
    assert_type(from_dict(Account, to_dict(acc)), Account)
    c = p.commitments[0] if p.commitments else None
    if c is not None:
        assert_type(c, Commitment)
        assert_type(c.state, CommitmentState)


def test_scoring_types() -> None:
    p = synthetic_portfolio(12, seed=1, as_of=AS_OF)
    t = extract_features(p, as_of=AS_OF)
    assert_type(t, FeatureTable)
    assert_type(t.column("profit"), NDArray[np.float64])
    vm = ValueMatrix(missing="renormalise")
    assert_type(vm.fit(t.take(np.flatnonzero(~t.is_missing("strategic_fit")))), ValueMatrix)
    wp = WeightedPoints().fit(t)
    assert_type(wp, WeightedPoints)
    result = wp.score(t)
    assert_type(result, ScoreTable)
    assert_type(result.explain(str(result.ids[0])), Explanation)
    assert_type(HealthModel().fit(t), HealthModel)
    scorer: Scorer = HealthModel()  # built-ins satisfy the protocol statically
    assert_type(get_scorer("health_model"), Scorer)
    assert isinstance(scorer, Scorer)


def test_network_types() -> None:
    p = synthetic_portfolio(2, seed=2, as_of=AS_OF)
    G = stakeholder_graph(p, account_id=p.accounts[0].id)
    assert isinstance(G, nx.DiGraph)
    assert_type(coverage(G), Coverage)
