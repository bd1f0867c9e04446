"""gunicorn's configuration for `alma serve` (and `gunicorn -c python:alma.gunicorn_conf`).

Everything comes from the environment, like alma/settings.py: ALMA_BIND (or PORT), ALMA_WEB_WORKERS,
ALMA_WEB_THREADS, ALMA_WEB_TIMEOUT, ALMA_LOG_FORMAT. Each worker is a process with its own
database connection per thread; sessions, rate limits and the cache live in the database, so any
worker (on any machine) serves any request.
"""

import multiprocessing
import os

bind = os.environ.get("ALMA_BIND") or f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("ALMA_WEB_WORKERS") or multiprocessing.cpu_count() * 2 + 1)
threads = int(os.environ.get("ALMA_WEB_THREADS", "1"))
# Requests that take longer are killed and logged (imports and exports run in `alma worker`).
timeout = int(os.environ.get("ALMA_WEB_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# A worker is replaced after this many requests (jittered) so slow leaks never build up.
max_requests = int(os.environ.get("ALMA_WEB_MAX_REQUESTS", "5000"))
max_requests_jitter = max_requests // 10
forwarded_allow_ips = os.environ.get("ALMA_FORWARDED_ALLOW_IPS", "127.0.0.1")
wsgi_app = "alma.wsgi:application"
accesslog = "-" if os.environ.get("ALMA_ACCESS_LOG", "1") != "0" else None
errorlog = "-"

_json = os.environ.get("ALMA_LOG_FORMAT", "json") == "json"
# One JSON object per request: what log collectors index (status, time taken, path, client).
access_log_format = (
    '{"time": "%(t)s", "logger": "gunicorn.access", "method": "%(m)s", "path": "%(U)s", '
    '"query": "%(q)s", "status": %(s)s, "bytes": "%(B)s", "duration_us": %(D)s, '
    '"client": "%(h)s", "user_agent": "%(a)s"}'
    if _json
    else '%(h)s "%(r)s" %(s)s %(B)s %(D)sus'
)
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "raw": {"format": "%(message)s"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {
        "error": {"class": "logging.StreamHandler", "formatter": "json" if _json else "text"},
        "access": {"class": "logging.StreamHandler", "formatter": "raw"},
    },
    "root": {"level": "INFO", "handlers": ["error"]},
    "loggers": {
        "gunicorn.error": {"handlers": ["error"], "level": "INFO", "propagate": False},
        "gunicorn.access": {"handlers": ["access"], "level": "INFO", "propagate": False},
    },
}
