"""The TAK bridge: Cursor on Target in from devices, brigade's live picture out.

`cot.py` reads and writes CoT documents, `inbound.py` turns what linked devices
say into commands, `picture.py` turns the views into CoT, `peer.py` is one TCP
(or TLS) connection either way, `bridge.py` runs the endpoint and the client of
an outside TAK server for the app's lifespan.
"""
