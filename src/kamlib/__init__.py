"""kamlib: Key Account Management as a typed, tested Python library.

Immutable domain types for a key-account portfolio, pluggable scorers (strategic value
matrix, weighted-points identification, health model) and stakeholder-network analyses.
The core does no I/O: dates (``as_of``) and random seeds are always parameters.

Examples:
    >>> import kamlib
    >>> kamlib.__version__
    '0.1.0'
"""

from __future__ import annotations

from kamlib._table import FeatureTable
from kamlib.errors import KamlibError

__version__ = "0.1.0"

__all__ = [
    "FeatureTable",
    "KamlibError",
    "__version__",
]
