"""Fixture for test.run: a file that passes on its own."""


def test_upper():
    assert "a".upper() == "A"
