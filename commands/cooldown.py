"""A per-user cooldown shared by every question a user asks: slash commands and mentions alike."""

from __future__ import annotations

from discord.app_commands import Cooldown


class UserCooldown:
    """At most `rate` questions per user every `per` seconds; `per` <= 0 turns it off."""

    def __init__(self, rate: int, per: float) -> None:
        self.rate = rate
        self.per = per
        self._buckets: dict[int, Cooldown] = {}
        self._last_seen: dict[int, float] = {}
        self._warned_until: dict[int, float] = {}

    def bucket(self, user_id: int) -> Cooldown:
        """The user's bucket (created on first use)."""
        bucket = self._buckets.get(user_id)
        if bucket is None:
            bucket = self._buckets[user_id] = Cooldown(self.rate, self.per)
        return bucket

    def hit(self, user_id: int, now: float) -> float | None:
        """Count one question at time `now` (seconds); the seconds to wait when over the rate."""
        if self.per <= 0:
            return None
        self._forget_idle(now)
        self._last_seen[user_id] = now
        return self.bucket(user_id).update_rate_limit(now)

    def first_warning(self, user_id: int, now: float, retry_after: float) -> bool:
        """Whether to tell the user about the cooldown: once per cooldown, not on every try."""
        if self._warned_until.get(user_id, 0.0) > now:
            return False
        self._warned_until[user_id] = now + retry_after
        return True

    def _forget_idle(self, now: float) -> None:
        idle = [user for user, last in self._last_seen.items() if now > last + self.per]
        for user in idle:
            del self._last_seen[user]
            self._buckets.pop(user, None)
            self._warned_until.pop(user, None)
