"""Benchmarks, run by `brigade bench ...`; each measures against a baseline in the same run."""
