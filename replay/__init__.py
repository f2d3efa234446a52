"""The log's past: the views at any moment (timetravel, seekpoints) and playback.

Two rooms of their own sit beside time travel and never import it or each other:
`report/`, the after-action report folded from the log, and `sim/`, the simulated
operations (and the scripted morning) played into a store for rehearsal and demo.
"""
