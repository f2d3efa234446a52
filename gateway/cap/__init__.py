"""CAP 1.2: brigade's warnings as OASIS alerts and an Atom feed, and outside alerts in.

`alerts.py` writes (an alert per revision of a warning, with `<references>` to the
alerts it replaces, and the feed of the current ones); `intake.py` reads an
outside alert, within bounds and without entities, into a warning's command.
"""
