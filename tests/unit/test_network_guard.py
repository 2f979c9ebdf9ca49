import socket

import pytest


@pytest.mark.unit
def test_connection_off_loopback_is_refused():
    with socket.socket() as s, pytest.raises(ConnectionRefusedError, match="only to 127.0.0.1"):
        s.connect(("93.184.216.34", 443))


@pytest.mark.unit
def test_loopback_is_allowed():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        with socket.socket() as client:
            client.connect(server.getsockname())
