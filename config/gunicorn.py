"""gunicorn settings for `make serve` and the systemd unit: everything from the environment.

WEB_CONCURRENCY (gunicorn reads it itself) sets the number of worker processes; BIND the
address. The app writes its own line per request (lib/tracing.py), with the request id and
without query strings, so gunicorn's access log stays off.
"""

import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
max_requests = 2000  # recycle workers now and then: WeasyPrint and fonts grow a process
max_requests_jitter = 200
accesslog = None
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
