"""Aggregates, one module each, with explicit past-tense event classes."""
