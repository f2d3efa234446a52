"""Benchmarks, run by `brigade bench ...`, each beside a baseline in the same run."""
