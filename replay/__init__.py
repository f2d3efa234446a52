"""Time travel, playback, reports and the simulator: brigade's past and rehearsals."""
