"""nqi.interlab: key comparisons and proficiency-testing statistics (pure library: numpy + scipy).

Main entry point: :func:`analyse` (returns a :class:`ComparisonAnalysis` with ``to_dict()``).
See ``docs/interlab.md`` for the methods and their references.
"""

from ._errors import InterlabError
from .analysis import MIN_PARTICIPANTS, analyse, validate_results
from .csvio import parse_results_csv, read_results_csv
from .doe import BootstrapResult, bootstrap_doe, pairwise_doe, unilateral_doe
from .homogeneity import HomogeneityResult, StabilityResult, homogeneity_check, stability_check
from .linking import LinkedDegree, LinkResult, link_to_key_comparison
from .models import (
    METHODS,
    ComparisonAnalysis,
    ConsistencyCheck,
    DegreeOfEquivalence,
    PairwiseDegrees,
    ParticipantResult,
    ParticipantScores,
    ReferenceValue,
)
from .outliers import OutlierTest, cochran_critical, cochran_test, grubbs_critical, grubbs_test
from .reference import (
    ChiSquareCheck,
    Estimate,
    LcsResult,
    arithmetic_mean,
    chi_square_check,
    dersimonian_laird,
    largest_consistent_subset,
    mandel_paule,
    median_mad,
    weighted_mean,
)
from .robust import RobustResult, algorithm_a, algorithm_a_batch, hampel_mean, q_hampel, q_method
from .scores import classify_en, classify_z, en_score, z_prime_score, z_score, zeta_score

__all__ = [
    "METHODS",
    "MIN_PARTICIPANTS",
    "BootstrapResult",
    "ChiSquareCheck",
    "ComparisonAnalysis",
    "ConsistencyCheck",
    "DegreeOfEquivalence",
    "Estimate",
    "HomogeneityResult",
    "InterlabError",
    "LcsResult",
    "LinkResult",
    "LinkedDegree",
    "OutlierTest",
    "PairwiseDegrees",
    "ParticipantResult",
    "ParticipantScores",
    "ReferenceValue",
    "RobustResult",
    "StabilityResult",
    "algorithm_a",
    "algorithm_a_batch",
    "analyse",
    "arithmetic_mean",
    "bootstrap_doe",
    "chi_square_check",
    "classify_en",
    "classify_z",
    "cochran_critical",
    "cochran_test",
    "dersimonian_laird",
    "en_score",
    "grubbs_critical",
    "grubbs_test",
    "hampel_mean",
    "homogeneity_check",
    "largest_consistent_subset",
    "link_to_key_comparison",
    "mandel_paule",
    "median_mad",
    "pairwise_doe",
    "parse_results_csv",
    "q_hampel",
    "q_method",
    "read_results_csv",
    "stability_check",
    "unilateral_doe",
    "validate_results",
    "weighted_mean",
    "z_prime_score",
    "z_score",
    "zeta_score",
]
