"""Tests reach only this machine: a connection to any other address fails at once (pytest-socket)."""

import socket

import pytest
from pytest_socket import SocketConnectBlockedError


def test_a_test_cannot_reach_an_outside_address():
    with pytest.raises(SocketConnectBlockedError):
        socket.create_connection(("93.184.216.34", 80), timeout=1)


def test_loopback_stays_reachable():
    server = socket.create_server(("127.0.0.1", 0))
    try:
        client = socket.create_connection(server.getsockname(), timeout=1)
        client.close()
    finally:
        server.close()
