"""A logging filter that redacts secret workspace tokens (``sleutel=…``) from log records."""

from __future__ import annotations

import logging
import re

_SECRET = re.compile(r"(sleutel=)[^&\s'\"#]+")

LOGGERS = ("tornado.general", "tornado.access", "tornado.application", "Voila", "ServerApp", "")
"""Loggers the filter is attached to ("" is the root logger)."""


class ScrubSecrets(logging.Filter):
    """Replace every ``sleutel=<token>`` in a record's message by ``sleutel=[secret]``.

    Tornado logs failed requests with their full address (``log_exception``);
    jupyter_server's request logger scrubs its own lines, this filter catches the rest.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record's message when it holds a token; always keep the record."""
        message = record.getMessage()
        if "sleutel=" in message:
            record.msg = _SECRET.sub(r"\1[secret]", message)
            record.args = ()
        return True


def install() -> None:
    """Attach one :class:`ScrubSecrets` to each logger in :data:`LOGGERS` (idempotent)."""
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, ScrubSecrets) for f in logger.filters):
            logger.addFilter(ScrubSecrets())
