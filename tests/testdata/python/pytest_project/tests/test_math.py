"""Fixture for test.run: passing, failing, skipped and parametrized tests."""
import pytest


def test_adds():
    assert 1 + 1 == 2


def test_subtracts_wrongly():
    assert 5 - 3 == 1, "subtraction is broken"


@pytest.mark.skip(reason="not ready yet")
def test_later():
    pass


class TestGroup:
    @pytest.mark.parametrize("n", [1, 2])
    def test_positive(self, n):
        assert n > 0
