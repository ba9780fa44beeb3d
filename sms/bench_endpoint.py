"""The benchmark's baseline: a bare endpoint doing one insert and one commit, off by default."""

from __future__ import annotations

import os
import uuid

from flask import Blueprint, Flask, Response, current_app, request

from models.db import get_db
from models.messaging import ProcessedInbound

FLAG = "SINJALIZO_BENCH_ENDPOINT"

bp = Blueprint("sms_bench", __name__, url_prefix="/bench")


def init_app(app: Flask) -> None:
    """Mount the bare endpoint only when SINJALIZO_BENCH_ENDPOINT=1 (bench/sms.py sets it)."""
    if str(app.config.get(FLAG, os.environ.get(FLAG, ""))).strip() == "1":
        app.register_blueprint(bp)


@bp.post("/bare")
def bare() -> Response:
    """Store one row and commit: what any webhook costs at least, signature and engine aside."""
    sid = request.form.get("MessageSid") or uuid.uuid4().hex
    with get_db(current_app).transaction() as session:
        session.add(ProcessedInbound(channel="bench", external_id=sid[:64],
                                     address=request.form.get("From", "")[:64]))
    return Response("ok", mimetype="text/plain")
