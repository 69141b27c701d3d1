# syntax=docker/dockerfile:1
#
# The chat-channel service (`resolve serve`) with every deployment extra (`.[all]`), its
# dependencies installed from requirements.lock, the CPU build of torch, and the intent model
# and help-centre index built here, so a container starts without training or embedding.
#
#   docker build -t kestrel-resolution-agent .
#   docker compose up          # with PostgreSQL: see compose.yaml and the README
#
# Images are linux/amd64 CPython 3.11, the platform requirements.lock was resolved for.

ARG PYTHON_IMAGE=python:3.11-slim

# --- builder: a virtual environment holding the locked dependencies and the project's wheel
FROM ${PYTHON_IMAGE} AS builder

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PATH=/opt/venv/bin:$PATH
RUN python -m venv /opt/venv

# The lock alone first: this layer (torch and the rest, most of the image) is rebuilt only
# when the lock changes. torch is pinned to its +cpu build, served by PyTorch's CPU index.
COPY requirements.lock /src/requirements.lock
RUN pip install --extra-index-url https://download.pytorch.org/whl/cpu -r /src/requirements.lock

# Then the project as a wheel, without dependencies (the lock brought them, setuptools too).
COPY pyproject.toml README.md /src/
COPY resolution_agent /src/resolution_agent
RUN pip wheel --no-deps --no-build-isolation -w /dist /src \
    && pip install --no-deps /dist/resolution_agent-*.whl \
    && pip check

# Trained and indexed once here, outside the /data volume: the intent model is keyed by the
# hash of its data and settings, so the service loads it in milliseconds instead of training.
ENV RESOLVE_DATA_DIR=/tmp/build-data \
    RESOLVE_MODELS_DIR=/opt/resolve/models \
    RESOLVE_KB_DIR=/opt/resolve/kb
RUN resolve intents train && resolve kb index && rm -rf /tmp/build-data

# --- runtime: the virtual environment and the built artefacts, run by a user without rights
FROM ${PYTHON_IMAGE} AS runtime

RUN useradd --system --uid 10001 --user-group --create-home --home-dir /home/resolve resolve \
    && mkdir /data && chown resolve:resolve /data
COPY --from=builder /opt/venv /opt/venv
COPY --from=builder --chown=resolve:resolve /opt/resolve /opt/resolve

ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    RESOLVE_DATA_DIR=/data \
    RESOLVE_MODELS_DIR=/opt/resolve/models \
    RESOLVE_KB_DIR=/opt/resolve/kb \
    RESOLVE_LOG_FORMAT=json \
    RESOLVE_LOG_LEVEL=info \
    RESOLVE_SERVICE_HOST=0.0.0.0 \
    RESOLVE_SERVICE_PORT=8790 \
    RESOLVE_SERVICE_CONSOLE=false
# The COps console (/console) is off: off loopback it needs RESOLVE_CONSOLE_SESSION_SECRET and
# COps' logins (`resolve console add-cop`), which only the deployment can provide.

# Checkpoints, cases, the audit log and the outbox when RESOLVE_DATABASE_URL is unset (SQLite).
VOLUME /data
USER resolve
WORKDIR /home/resolve
EXPOSE 8790

# python:3.11-slim has no curl; the standard library asks /healthz.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ['RESOLVE_SERVICE_PORT'], timeout=4)"

CMD ["resolve", "serve"]
