# Alma's image: the web server (`alma serve`, gunicorn) and the worker (`alma worker`) run from it.
# Build: docker build -t alma .   Run everything: docker compose up (compose.yaml).
FROM python:3.11-slim-bookworm

ENV PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    ALMA_VAR_DIR=/var/lib/alma \
    ALMA_STATIC_ROOT=/opt/alma/static \
    PORT=8000

# libxmlsec1 for SAML sign-on (xmlsec builds against it where no wheel fits), gettext to compile
# the translations, the PostgreSQL client for `alma backup` / `alma restore`.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
       libxmlsec1-dev libxmlsec1-openssl pkg-config gcc gettext postgresql-client \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /opt/alma
COPY pyproject.toml README.md ./
COPY alma ./alma
COPY bench ./bench
RUN pip install . \
    && cd alma && ALMA_SECRET_KEY=build-only DATABASE_URL=sqlite:// alma compilemessages -l zh_Hans \
    && ALMA_SECRET_KEY=build-only DATABASE_URL=sqlite:// alma collectstatic --noinput

RUN useradd --system --uid 10001 --home-dir /var/lib/alma --create-home alma
USER alma
VOLUME ["/var/lib/alma"]
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=20s \
  CMD python -c "import os, urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ.get(\"PORT\", \"8000\")}/healthz', timeout=4)"

CMD ["alma", "serve"]
