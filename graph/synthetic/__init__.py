"""Synthetic data: generated exchange folders for the demo set, tests and benchmarks (`generator`), with invalid
rows of every kind on request (`badrows`); invented names only."""
