from decimal import Decimal as D

import pytest

from minsheng import Progress, expected_share, progress_status


@pytest.mark.parametrize(
    "ratio, month, status",
    [
        ("1", 3, Progress.DONE),
        ("1.2", 12, Progress.DONE),
        ("0.55", 6, Progress.AHEAD),  # 50% expected, +5 points
        ("0.549", 6, Progress.ON_PACE),
        ("0.45", 6, Progress.ON_PACE),  # exactly −5 points is still on pace
        ("0.449", 6, Progress.BEHIND),
        ("0", 1, Progress.BEHIND),  # 8.3% expected
        ("0.04", 1, Progress.ON_PACE),
        ("0.95", 12, Progress.ON_PACE),
        ("0.949", 12, Progress.BEHIND),
    ],
)
def test_progress_status(ratio, month, status):
    assert progress_status(D(ratio), month) is status


def test_expected_share():
    assert expected_share(6) == D("0.5")
    with pytest.raises(ValueError):
        expected_share(13)
