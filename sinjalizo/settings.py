"""Settings read from the environment, with the embedded defaults of DESIGN."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

LANGUAGES = ("sq", "sr", "en")


def _flag(value: str | None, default: bool) -> bool:
    """Read an on/off environment value, forgiving the usual spellings."""
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() not in {"0", "false", "no", "off"}


def _days(value: str | None) -> int:
    """Read SINJALIZO_RETENTION_DAYS: a whole number of days, at least 1 (default 180)."""
    if value is None or not value.strip():
        return 180
    if not value.strip().isdigit() or int(value) < 1:
        raise ValueError("SINJALIZO_RETENTION_DAYS must be a whole number of days, at least 1")
    return int(value)


def default_instance_path() -> Path:
    """Return the instance folder beside the working directory (SQLite file, uploads)."""
    return Path(os.environ.get("SINJALIZO_INSTANCE", "instance")).resolve()


@dataclass(frozen=True)
class Settings:
    """Everything a deployer configures, with defaults for the embedded run."""

    database_url: str = ""
    secret_key: str = "dev-only-not-secret"
    public_base_url: str = "http://127.0.0.1:5000"
    telegram_bot_token: str = ""
    telegram_webhook_secret: str = ""
    telegram_api_base: str = "https://api.telegram.org/bot"
    twilio_account_sid: str = ""
    twilio_auth_token: str = ""
    twilio_from: str = ""
    twilio_api_base: str = ""
    # The WhatsApp sender, "whatsapp:+14155238886" or "+14155238886" (empty: no WhatsApp).
    twilio_whatsapp_from: str = ""
    # Approved WhatsApp templates (Content SIDs, HX…) sent outside the 24-hour window, by
    # purpose: alerts to focal points, updates to reporters, relayed questions, campaigns.
    twilio_whatsapp_template_alert: str = ""
    twilio_whatsapp_template_update: str = ""
    twilio_whatsapp_template_question: str = ""
    twilio_whatsapp_template_campaign: str = ""
    sms_transliterate: bool = True
    default_language: str = "sq"
    session_timeout_minutes: int = 30
    sms_rate_per_second: float = 10.0  # outgoing SMS pacing, as the provider account allows
    escalation_file: str = ""  # TOML of escalation deadlines; empty: the built-in defaults
    worker_poll_seconds: float = 0.2  # how often an idle worker looks for due messages
    # Days after a report is resolved or closed until its reporter's identity is removed.
    retention_days: int = 180
    # How long a worker's claim on a message lasts unless renewed (every third of it while
    # the worker lives): a worker that dies hands its messages on within this time.
    worker_lease_seconds: float = 10.0
    worker_retry_base_seconds: float = 5.0  # first retry after a failure: up to this long
    instance_path: Path = field(default_factory=default_instance_path)

    @property
    def sqlite_default_url(self) -> str:
        """Return the embedded SQLite database URL under the instance folder."""
        return f"sqlite:///{self.instance_path / 'sinjalizo.sqlite3'}"

    @property
    def db_url(self) -> str:
        """Return the configured database URL, or the embedded SQLite default."""
        return self.database_url or self.sqlite_default_url

    def with_overrides(self, **changes: Any) -> Settings:
        """Return a copy with some settings changed (tests, CLI flags)."""
        return replace(self, **changes)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Build settings from environment variables named as in DESIGN."""
        env = os.environ if env is None else env
        language = env.get("DEFAULT_LANGUAGE", "sq").strip().lower() or "sq"
        if language not in LANGUAGES:
            raise ValueError(f"DEFAULT_LANGUAGE must be one of {', '.join(LANGUAGES)}")
        url = env.get("DATABASE_URL", "").strip()
        # Hosting platforms still hand out the old scheme; SQLAlchemy wants a driver name.
        if url.startswith("postgres://"):
            url = "postgresql+psycopg://" + url[len("postgres://") :]
        elif url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url[len("postgresql://") :]
        return cls(
            database_url=url,
            secret_key=env.get("SECRET_KEY", cls.secret_key),
            public_base_url=env.get("PUBLIC_BASE_URL", cls.public_base_url).rstrip("/"),
            telegram_bot_token=env.get("TELEGRAM_BOT_TOKEN", ""),
            telegram_webhook_secret=env.get("TELEGRAM_WEBHOOK_SECRET", ""),
            telegram_api_base=env.get("TELEGRAM_API_BASE", cls.telegram_api_base),
            twilio_account_sid=env.get("TWILIO_ACCOUNT_SID", ""),
            twilio_auth_token=env.get("TWILIO_AUTH_TOKEN", ""),
            twilio_from=env.get("TWILIO_FROM", ""),
            twilio_api_base=env.get("TWILIO_API_BASE", ""),
            twilio_whatsapp_from=env.get("TWILIO_WHATSAPP_FROM", "").strip(),
            twilio_whatsapp_template_alert=env.get("TWILIO_WHATSAPP_TEMPLATE_ALERT", "").strip(),
            twilio_whatsapp_template_update=env.get("TWILIO_WHATSAPP_TEMPLATE_UPDATE",
                                                    "").strip(),
            twilio_whatsapp_template_question=env.get("TWILIO_WHATSAPP_TEMPLATE_QUESTION",
                                                      "").strip(),
            twilio_whatsapp_template_campaign=env.get("TWILIO_WHATSAPP_TEMPLATE_CAMPAIGN",
                                                      "").strip(),
            sms_transliterate=_flag(env.get("SMS_TRANSLITERATE"), True),
            default_language=language,
            session_timeout_minutes=int(env.get("SESSION_TIMEOUT_MINUTES", "30")),
            sms_rate_per_second=float(env.get("SMS_RATE_PER_SECOND", "10")),
            escalation_file=env.get("ESCALATION_FILE", ""),
            worker_poll_seconds=float(env.get("WORKER_POLL_SECONDS", "0.2")),
            retention_days=_days(env.get("SINJALIZO_RETENTION_DAYS")),
            worker_lease_seconds=float(env.get("WORKER_LEASE_SECONDS", "10")),
            worker_retry_base_seconds=float(env.get("WORKER_RETRY_BASE_SECONDS", "5")),
            instance_path=Path(env.get("SINJALIZO_INSTANCE", "instance")).resolve(),
        )
