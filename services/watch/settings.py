"""The watch service's own settings (OMSORG_WATCH_*), read once when the service is built
(services/watch/main.py) and passed to what needs them."""
from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.watch.domain.rules import Rule, configure


class WatchSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="OMSORG_WATCH_")

    # The scheduler wakes at least this often, sooner when a timer comes due or the clock is moved.
    poll_seconds: float = Field(1.0, gt=0, le=60)
    # Timers fired per transaction.
    batch_size: int = Field(500, ge=1, le=10_000)
    # How often the timers due and armed are counted for the metrics.
    metrics_seconds: float = Field(5.0, gt=0, le=300)
    # Changes to the rules' delays, as JSON: {"order_reminder": "3bd", "assessment": {"fire_after": "7d"}}.
    rules: dict[str, str | dict] = Field(default_factory=dict)

    @field_validator("rules")
    @classmethod
    def _rules_are_valid(cls, value: dict) -> dict:
        configure(value)  # fail at start, not when the first timer fires
        return value

    def configured_rules(self) -> dict[str, Rule]:
        return configure(self.rules)
