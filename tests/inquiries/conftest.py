import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def empty_cache():
    """Rate limits and dashboard statistics live in the cache: each test starts without them."""
    cache.clear()
    yield
    cache.clear()
