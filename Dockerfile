# One image for the five Omsorg services and the web, and for docker compose the development OIDC
# issuer (services/issuer/, which refuses to run with OMSORG_ENV=prod); each compose service picks
# its own `command: python -m services.<name>.main`.

# --- build: install the project (not editable) into a virtualenv -------------
FROM python:3.11-slim AS build

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1

RUN python -m venv /opt/venv
ENV PATH="/opt/venv/bin:$PATH"

WORKDIR /src
COPY pyproject.toml ./
COPY shared ./shared
COPY services ./services
RUN pip install .

# --- runtime ------------------------------------------------------------------
FROM python:3.11-slim

ENV PATH="/opt/venv/bin:$PATH" \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    OMSORG_HOST=0.0.0.0 \
    OMSORG_ENV=prod

# /var/lib/omsorg/issuer-keys: the development issuer's keys (a volume in docker compose takes
# this folder's owner when it is first made).
RUN groupadd --system --gid 10001 omsorg \
 && useradd --system --uid 10001 --gid omsorg --no-create-home --home-dir /app \
            --shell /usr/sbin/nologin omsorg \
 && install -d -o omsorg -g omsorg -m 700 /var/lib/omsorg/issuer-keys

COPY --from=build /opt/venv /opt/venv

# An empty working directory: `python -m services.<name>.main` then imports the
# installed package from the virtualenv, never a stray source tree.
WORKDIR /app
USER omsorg:omsorg

EXPOSE 8001 8002 8003 8004 8005 8006 8007

CMD ["python", "-m", "services.registry.main"]
