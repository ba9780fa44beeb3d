"""Flask app factory: settings, database and blueprints bound per app, never globally."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from typing import TYPE_CHECKING, Any

from flask import Flask

from locales import Catalogs
from models.db import Database
from sinjalizo.settings import Settings

if TYPE_CHECKING:
    from service.conversation import Conversations

SETTINGS_KEY = "sinjalizo.settings"
CATALOGS_KEY = "sinjalizo.catalogs"
CONVERSATIONS_KEY = "sinjalizo.conversations"


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the web app from the environment, with `config` overriding (tests, CLI)."""
    overrides = dict(config or {})
    settings = _apply_overrides(Settings.from_env(), overrides)
    app = Flask(__name__, instance_path=str(settings.instance_path))
    app.config.from_mapping(SECRET_KEY=settings.secret_key)
    app.config.from_mapping(overrides)
    # The normalised URL wins over the raw override so both reach the same backend.
    app.config["DATABASE_URL"] = settings.db_url
    app.config["SINJALIZO_SETTINGS"] = settings
    app.extensions[SETTINGS_KEY] = settings
    app.extensions[CATALOGS_KEY] = Catalogs.load()
    db = Database()
    db.init_app(app)

    from bot import webhook as telegram_webhook
    from service.setup import build_conversations
    from sms import bench_endpoint, status, webhook, whatsapp
    from web import health, open311

    app.extensions[CONVERSATIONS_KEY] = build_conversations(
        db, settings, catalogs=app.extensions[CATALOGS_KEY])
    health.init_app(app)
    app.register_blueprint(webhook.bp)
    app.register_blueprint(status.bp)
    app.register_blueprint(whatsapp.bp)
    telegram_webhook.init_app(app)
    bench_endpoint.init_app(app)
    open311.init_app(app)
    _init_dashboard(app, settings)
    return app


def _init_dashboard(app: Flask, settings: Settings) -> None:
    """Bind the dashboard: CSRF on every form, language, sign-in, and its pages."""
    from flask_wtf.csrf import CSRFProtect

    from web import (
        actions,
        admin,
        attachments,
        audit_log,
        auth,
        campaigns,
        i18n,
        public,
        publish,
        referrals,
        reports,
        security,
        simulator,
        stats,
    )

    app.config.setdefault("SESSION_COOKIE_SAMESITE", "Lax")
    app.config.setdefault("SESSION_COOKIE_SECURE", settings.public_base_url.startswith("https"))
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)  # the session's own idle limit applies
    csrf = CSRFProtect(app)
    # Webhooks are signed by their providers instead; they carry no session.
    for name in ("sms", "sms_status", "whatsapp", "telegram", "sms_bench", "open311"):
        if name in app.blueprints:
            csrf.exempt(app.blueprints[name])
    i18n.init_app(app)
    auth.init_app(app)
    reports.init_app(app)
    actions.init_app(app)
    referrals.init_app(app)
    attachments.init_app(app)
    publish.init_app(app)
    public.init_app(app)
    stats.init_app(app)
    admin.init_app(app)
    campaigns.init_app(app)
    simulator.init_app(app)
    audit_log.init_app(app)
    security.init_app(app)

    @app.context_processor
    def dashboard_context() -> dict[str, Any]:
        """Expose the pages that exist and the report kinds' labels to every template."""
        from handlers.categories import KINDS

        return {"url_rules": set(app.view_functions), "kind_labels": KINDS}


def get_settings(app: Flask) -> Settings:
    """Return the settings the app was built with."""
    settings = app.extensions.get(SETTINGS_KEY)
    if not isinstance(settings, Settings):
        raise RuntimeError("the app has no settings; build it with create_app()")
    return settings


def get_catalogs(app: Flask) -> Catalogs:
    """Return the translation catalogs loaded for the app."""
    catalogs = app.extensions.get(CATALOGS_KEY)
    if not isinstance(catalogs, Catalogs):
        raise RuntimeError("the app has no catalogs; build it with create_app()")
    return catalogs


def get_conversations(app: Flask) -> Conversations:
    """Return the conversation service the app's channels share."""
    from service.conversation import Conversations

    conversations = app.extensions.get(CONVERSATIONS_KEY)
    if not isinstance(conversations, Conversations):
        raise RuntimeError("the app has no conversation service; build it with create_app()")
    return conversations


def _apply_overrides(settings: Settings, config: Mapping[str, Any]) -> Settings:
    """Copy settings, replacing those named in `config` by their environment name."""
    names = {item.name for item in fields(Settings)}
    changes = {key.lower(): value for key, value in config.items() if key.lower() in names}
    url = changes.get("database_url")
    if isinstance(url, str):
        # Same scheme clean-up as the environment gets (postgres:// -> postgresql+psycopg://).
        changes["database_url"] = Settings.from_env({"DATABASE_URL": url}).database_url
    return settings.with_overrides(**changes) if changes else settings
