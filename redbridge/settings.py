"""Settings from the environment (prefix ``REDBRIDGE_``) and an optional ``.env`` file."""

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# Telegram tolerates short bursts to one private chat (FACTS: about 1/s per chat); tests
# that enforce the limits in the emulator allow the same burst.
DISPATCH_CHAT_BURST = 2


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="REDBRIDGE_", env_file=".env", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///redbridge.db"
    bot_token: SecretStr | None = None
    bot_username: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_]{3,64}$")
    telegram_api_url: str = "https://api.telegram.org"
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    # Empty: derived from host and port (below), so moving the port moves the links too.
    public_url: str = ""
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    redis_url: str | None = None
    log_level: str = "INFO"
    # Request bodies larger than this are refused with 413 (the webhook has its own limit).
    max_body_bytes: int = Field(default=1024 * 1024, ge=1024, le=64 * 1024 * 1024)
    # The outbox dispatcher: Telegram's limits (messages a second overall and per chat),
    # and its paid broadcasts (up to 1000 a second, charged in Stars) when enabled.
    dispatch_rate: float = Field(default=30.0, gt=0, le=1000)
    dispatch_chat_rate: float = Field(default=1.0, gt=0, le=30)
    # Sends to one chat that may go at once beyond that rate (Telegram tolerates short
    # bursts): a reply of up to three messages is not spread over three seconds.
    dispatch_chat_burst: int = Field(default=DISPATCH_CHAT_BURST, ge=0, le=10)
    paid_broadcast: bool = False
    # Wrong API tokens or webhook secrets one address may send a minute before it gets 429.
    wrong_credentials_per_minute: int = Field(default=10, ge=1, le=10_000)
    # How long a dead process's dispatcher lease blocks another from taking over.
    dispatch_lease_seconds: float = Field(default=30.0, ge=1, le=600)

    # The organiser dashboard: how long a sign-in lasts, and how old a Mini App's initData
    # may be when it signs in (Telegram signs it when the Mini App opens).
    dashboard_session_hours: float = Field(default=12.0, gt=0, le=24 * 30)
    dashboard_init_data_max_age_seconds: int = Field(default=3600, ge=10, le=24 * 3600)

    @model_validator(mode="after")
    def _derive_public_url(self) -> "Settings":
        if not self.public_url:
            self.public_url = derived_public_url(self.host, self.port)
        return self


def derived_public_url(host: str, port: int) -> str:
    """Where the API is reached when ``PUBLIC_URL`` does not say."""
    # A wildcard address is where to listen, not where to be reached.
    host = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"
