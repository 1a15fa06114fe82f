"""Step 3: how much does the ranking depend on the choices? (pure, vectorised, seeded).

- :mod:`.core`: the Monte Carlo over weights and means, dominance shares, drop-one and alternative rankings;
- :mod:`.exact`: exact rank bounds (SciPy ``milp``), the weight-free order, switching points;
- :mod:`.sensitivity`: Sobol' indices (SALib), tiers, the rank distribution, rounding as a source;
- :mod:`.coherence`: importance of the dimensions, correlation intervals, eigenvalues, Cronbach's alpha;
- :mod:`.analysis`: all of them, from the scores table (``analyse_robustness``).
"""
from cidi.robustness.analysis import Robustness, analyse_robustness, realised_weight_range  # noqa: F401
from cidi.robustness.core import *  # noqa: F401,F403
from cidi.robustness.core import (DEFAULT_REPLICATIONS, TIED_HIGH, TIED_LOW, Settings,  # noqa: F401
                                  attainment_matrix, dominance, simulate_ranks)
