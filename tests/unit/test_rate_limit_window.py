"""The rate limit's moving window (shared/rate_limit.py: MovingWindow) on a clock the test moves."""
import pytest

from shared.rate_limit import MovingWindow
from tests.clock import Seconds as Clock


def test_the_limit_is_allowed_and_the_next_refused_until_the_oldest_leaves_the_window():
    clock = Clock()
    window = MovingWindow(3, now=clock)
    for step in (0, 10, 20):
        clock.now = 1000 + step
        assert window.hit("sub:anna") == 0
    clock.now = 1030
    assert window.hit("sub:anna") == pytest.approx(30)      # the hit at 1000 leaves at 1060
    clock.now = 1059.5
    assert window.hit("sub:anna") == pytest.approx(0.5)
    clock.now = 1060
    assert window.hit("sub:anna") == 0                      # 1000 is out; 1010, 1020, 1060 in
    assert window.hit("sub:anna") == pytest.approx(10)


def test_a_refused_hit_is_not_counted():
    clock = Clock()
    window = MovingWindow(1, now=clock)
    assert window.hit("addr:10.0.0.1") == 0
    for step in range(1, 60):
        clock.now = 1000 + step
        assert window.hit("addr:10.0.0.1") > 0
    clock.now = 1060
    assert window.hit("addr:10.0.0.1") == 0                 # the refusals did not move the window


def test_each_key_is_counted_on_its_own():
    clock = Clock()
    window = MovingWindow(2, now=clock)
    assert [window.hit("sub:anna") for _ in range(3)] == [0, 0, pytest.approx(60)]
    assert [window.hit("sub:bert") for _ in range(2)] == [0, 0]


def test_keys_idle_for_a_window_are_forgotten_and_active_ones_kept():
    clock = Clock()
    window = MovingWindow(5, now=clock)
    window.hit("sub:anna")
    clock.now = 1030
    window.hit("sub:bert")
    clock.now = 1061                                          # the sweep's moment: anna idle, bert not
    window.hit("sub:carl")
    assert set(window.hits) == {"sub:bert", "sub:carl"}
    assert all(len(times) <= 5 for times in window.hits.values())


def test_a_window_allows_at_least_one():
    with pytest.raises(ValueError):
        MovingWindow(0)
