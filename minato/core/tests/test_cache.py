"""The Redis cache backend keeps one client per connection pool (minato.core.cache)."""

from __future__ import annotations

import socket

import pytest

from minato.core.cache import SharedClientRedisCache


def _redis_listening() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.2).close()
    except OSError:
        return False
    return True


@pytest.mark.skipif(not _redis_listening(), reason="needs Redis on 127.0.0.1:6379")
def test_the_cache_reuses_one_client_and_still_works() -> None:
    cache = SharedClientRedisCache("redis://127.0.0.1:6379/15", {"KEY_PREFIX": "minato-test"})
    client = cache._cache.get_client()
    assert cache._cache.get_client() is client
    assert cache._cache.get_client(write=True) is client  # one server: one pool
    cache.set("answer", 42, 5)
    assert cache.get("answer") == 42
    assert cache.add("answer", 1, 5) is False
    assert cache.incr("answer") == 43
    cache.delete("answer")
