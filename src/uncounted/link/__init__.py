"""Record linkage: find every report of the same person, across and within lists.

The one call a notebook needs is ``link_dataframe``; the pieces are in ``prepare``,
``model``, ``cluster``, ``review``, ``evaluate`` and ``blocking``. See docs/linking.md.
"""

from uncounted.link.api import LinkResult, link_dataframe
from uncounted.link.cluster import Clustering, Coherence, Decision, cluster_reports, person_summaries
from uncounted.link.evaluate import evaluate_clusters, load_truth
from uncounted.link.model import (
    ExtraComparison, FieldContribution, LinkageSettings, TrainedModel, explain_pair, field_levels,
    predict_pairs, train_model,
)
from uncounted.link.prepare import prepare_reports
from uncounted.link.review import explanation_dict, format_explanation, uncertain_pairs

__all__ = [
    "Clustering", "Coherence", "Decision", "ExtraComparison", "FieldContribution", "LinkResult",
    "LinkageSettings", "TrainedModel", "cluster_reports", "evaluate_clusters", "explain_pair",
    "explanation_dict", "field_levels", "format_explanation", "link_dataframe", "load_truth",
    "person_summaries", "predict_pairs", "prepare_reports", "train_model", "uncertain_pairs",
]
