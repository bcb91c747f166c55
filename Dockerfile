# The evex image: the pipeline, its CLI and Prefect (also used to run the Prefect server in
# docker-compose.yml). Stanza's French models are mounted at /stanza_resources, not baked in.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# torch first, from the CPU wheel index and at the version pyproject.toml pins: the default
# wheel of PyPI pulls several GB of CUDA libraries that parsing on a CPU never uses.
ARG TORCH_INDEX_URL=https://download.pytorch.org/whl/cpu
RUN pip install --index-url "${TORCH_INDEX_URL}" torch==2.13.0

WORKDIR /app
COPY pyproject.toml README.md alembic.ini ./
COPY evex ./evex
COPY models ./models
COPY flows ./flows
COPY migrations ./migrations
RUN pip install . && python -c "import evex.cli, flows.serve"
COPY seeds ./seeds

# Runs unprivileged; the mounted inbox and archive folders must be writable by this uid.
ARG EVEX_UID=1000
RUN useradd --uid "${EVEX_UID}" --create-home evex \
    && mkdir -p /data/inbox /data/archive \
    && chown -R evex /data /app
USER evex

ENV EVEX_INBOX_DIR=/data/inbox \
    EVEX_ARCHIVE_DIR=/data/archive \
    STANZA_RESOURCES_DIR=/stanza_resources \
    PREFECT_SERVER_ANALYTICS_ENABLED=false

ENTRYPOINT ["evex"]
CMD ["serve"]
