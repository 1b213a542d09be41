"""The test stack's ports: services started side by side bind seconds after they are given a port,
so a port given once is never given again to another (two services on one port: one fails to start)."""
from tests import stack


def test_a_port_is_given_once():
    ports = [stack.free_port() for _ in range(3000)]
    assert len(set(ports)) == len(ports)
    assert all(20000 <= p < 32000 for p in ports)
