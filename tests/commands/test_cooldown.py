"""The per-user question cooldown, on its own: the rate over the window, warnings, forgetting."""

from __future__ import annotations

from commands.cooldown import UserCooldown

# Discord timestamps: seconds since 1970 (never 0, which the bucket reads as "now").
T = 1_700_000_000.0


def test_the_rate_holds_over_the_window() -> None:
    cooldown = UserCooldown(rate=2, per=30)
    assert cooldown.hit(1, T) is None
    assert cooldown.hit(1, T + 10) is None
    assert cooldown.hit(1, T + 20) == 10.0, "the window started with the first question"
    assert cooldown.hit(2, T + 20) is None, "another user has a rate of their own"
    assert cooldown.hit(1, T + 31) is None


def test_the_window_is_measured_in_the_times_given() -> None:
    cooldown = UserCooldown(rate=1, per=10)
    assert cooldown.hit(1, T) is None
    assert cooldown.hit(1, T + 5) == 5.0
    assert cooldown.hit(1, T + 10.5) is None


def test_a_period_of_zero_or_less_turns_it_off() -> None:
    for per in (0.0, -1.0):
        cooldown = UserCooldown(rate=1, per=per)
        assert [cooldown.hit(1, T) for _ in range(3)] == [None, None, None]
    short = UserCooldown(rate=1, per=1.0)
    assert short.hit(1, T) is None
    assert short.hit(1, T) == 1.0, "a one-second cooldown is still a cooldown"


def test_idle_users_are_forgotten() -> None:
    cooldown = UserCooldown(rate=1, per=10)
    cooldown.hit(1, T)
    first = cooldown.bucket(1)
    cooldown.hit(2, T + 5)
    assert cooldown.bucket(1) is first, "not idle yet"
    cooldown.hit(2, T + 11)
    assert cooldown.bucket(1) is not first, "idle for longer than the period: forgotten"


def test_a_warning_once_per_cooldown() -> None:
    cooldown = UserCooldown(rate=1, per=10)
    assert cooldown.first_warning(1, T, 5.0)
    assert not cooldown.first_warning(1, T + 4.9, 0.1)
    assert cooldown.first_warning(2, T + 4.9, 5.0), "each user is warned on their own"
    assert cooldown.first_warning(1, T + 5, 5.0), "the next cooldown warns again"
