"""A live frame framed once is, byte for byte, what the server's protocol would send."""

from __future__ import annotations

import pytest
from websockets.frames import Frame
from websockets.protocol import State
from websockets.server import ServerProtocol

from gateway.ws.transport import WIRE, wire_message


def sent_by_protocol(data: str | bytes) -> bytes:
    protocol = ServerProtocol()
    protocol.state = State.OPEN  # as after the handshake, with no extension
    if isinstance(data, str):
        protocol.send_text(data.encode())
    else:
        protocol.send_binary(data)
    return b"".join(protocol.data_to_send())


# Lengths on each side of the 7-bit, 16-bit and 64-bit length forms.
SIZES = [0, 1, 125, 126, 65_535, 65_536, 200_000]


@pytest.mark.parametrize("size", SIZES)
def test_a_text_frame_is_what_the_protocol_sends(size: int) -> None:
    text = ("台风" * size)[:size]
    outgoing = wire_message(text)
    assert outgoing["text"] == text
    assert outgoing[WIRE] == sent_by_protocol(text)


@pytest.mark.parametrize("size", SIZES)
def test_a_binary_frame_is_what_the_protocol_sends(size: int) -> None:
    data = bytes(range(256)) * (size // 256 + 1)
    data = data[:size]
    outgoing = wire_message(data)
    assert outgoing["bytes"] == data
    assert outgoing[WIRE] == sent_by_protocol(data)


def test_a_wire_frame_parses_back_to_its_payload() -> None:
    from websockets.streams import StreamReader

    reader = StreamReader()
    reader.feed_data(wire_message("heartbeat")[WIRE])
    parser = Frame.parse(reader.read_exact, mask=False)
    with pytest.raises(StopIteration) as done:
        next(parser)
    parsed: Frame = done.value.value
    assert parsed.fin and parsed.data == b"heartbeat"
