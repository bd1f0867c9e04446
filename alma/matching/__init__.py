"""Alma's matching engine: affinity, candidates, capacitated assignment; no models, no domain.

Callers (mentoring, careers, the needs/offers exchange) hand it two sides of profiles, or a
scored candidate graph, and get back an assignment with reasons. Import from the modules:

- `profiles`: Profile, Weights, Constraints (what callers hand in)
- `affinity`: build_affinity_model, AffinityModel.score_block / explain
- `candidates`: generate_candidates (top k per left item, never the dense matrix)
- `graph`: Node, ScoredPair, CandidateGraph, Matching, MatchingInputError
- `solvers`: solve(graph, solver="optimal" | "stable" | "greedy")
- `reasons`: Reason codes and their translatable labels
- `text`: TF-IDF and optional local sentence-embedding encoders
- `engine`: match_profiles, the whole pipeline in one call

This package itself imports nothing heavy, because Django imports it at start-up.
"""
