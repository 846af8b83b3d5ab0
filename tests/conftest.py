"""The session fixtures; the builders the tests import are in builders.py."""

import pytest

from minsheng import load_scheme


@pytest.fixture(scope="session")
def scheme():
    return load_scheme("jiangxi-2007")
