"""Voilà configuration of the workbook, loaded through ``--Voila.config_file_paths`` (see ``purposecase.cli``).

Python rather than command-line flags, because the request logger is a function:
- ``log_function``: jupyter_server's request logger, which scrubs secret query
  parameters; ``extra_log_scrub_param_keys`` adds our ``sleutel`` so a workspace
  token never reaches a log line (also not through a ``Referer`` header);
- ``disable_check_xsrf``: the page's beforeunload beacon posts
  ``/voila/api/shutdown/<kernel id>`` with the ``_xsrf`` cookie, which voila
  0.5.13 never sets, so the check would refuse it and kernels would pile up
  (DESIGN.md §5). There is no login session for XSRF to protect; kernel ids
  are random UUIDs.
- ``websocket_max_message_size``: uploads travel over the kernel websocket;
  Tornado's default is 10 MiB and a larger message fails silently.
- ``ws_ping_interval`` / ``ws_ping_timeout``: jupyter_server pings every page's kernel
  websocket (default every 30 s, closed after 90 s without an answer), so a page whose
  connection died without closing (laptop asleep, network gone) stops counting as open
  and its kernel is culled. ``PURPOSECASE_WS_PING_SECONDS`` sets the interval (the
  timeout is three times it); tests use a short one.
- ``headers``: ``Referrer-Policy: same-origin`` on every page, so a ``?sleutel=`` address never
  reaches another site as a ``Referer`` (the nginx config sends the same).
- ``guard.install``: kernel admission and the other guards of ``purposecase/voila_config/guard.py``.
- ``workshop.install``: workshop mode (pools sized for a group), the pool's background refill, the status
  and readiness addresses ``voila/api/werkboek[/ready]`` and a logged, graceful stop on SIGTERM
  (``purposecase/voila_config/workshop.py``).
"""

import os

from jupyter_server.log import log_request

from purposecase.cli import WEBSOCKET_MAX_BYTES

c = get_config()  # noqa: F821 - provided by traitlets when the file is loaded

c.Voila.tornado_settings = {
    "disable_check_xsrf": True,
    "websocket_max_message_size": WEBSOCKET_MAX_BYTES,
    "log_function": log_request,
    "extra_log_scrub_param_keys": ["sleutel"],
    # the secret token is in the address: never send it to another site (as deploy/nginx does)
    "headers": {"Referrer-Policy": "same-origin"},
}
_ping = os.environ.get("PURPOSECASE_WS_PING_SECONDS", "").strip()
if _ping:
    c.Voila.tornado_settings["ws_ping_interval"] = int(float(_ping) * 1000)
    c.Voila.tornado_settings["ws_ping_timeout"] = int(float(_ping) * 3000)

# Tornado's own error lines (404, 403 …) carry the full address; redact tokens there too.
from purposecase.voila_config.scrub import install  # noqa: E402

install()

# Kernel admission (cap + rate per address, 503 page), pages that never connect culled early,
# clean 404s for crafted paths, a read-only contents listing (issue 20).
from purposecase.voila_config import guard, workshop  # noqa: E402

workshop.apply_limits(workshop.workshop_from_env())  # a workshop raises the guard's limits (unless set)
guard.install(c)

# Workshop mode and the preheated pool, status and readiness, graceful stop (issue 19).
workshop.install(c)
