"""docker-compose.yml is a valid Compose file with the services evex needs, and holds no secret."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = ROOT / "docker-compose.yml"
SCHEMA = Path(__file__).resolve().parent / "schemas" / "compose-spec.json"
REFERENCE = re.compile(r"^\$\{[A-Z0-9_]+(?::?[-?][^}]*)?\}$")  # ${VAR}, ${VAR:-default}, ${VAR:?message}


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))


def environment(service: dict) -> dict[str, str]:
    return {key: str(value) for key, value in service.get("environment", {}).items()}


def test_the_file_follows_the_compose_specification(compose):
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)
    errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(compose), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{'/'.join(map(str, e.path))}: {e.message}" for e in errors)


def test_postgres_has_a_health_check_and_keeps_its_data_in_a_volume(compose):
    postgres = compose["services"]["postgres"]
    assert "pg_isready" in " ".join(postgres["healthcheck"]["test"])
    named = {v.split(":")[0] for v in postgres["volumes"] if v.endswith(":/var/lib/postgresql/data")}
    assert named and named <= set(compose["volumes"])


def test_prefect_server_keeps_its_state_in_postgres(compose):
    server = compose["services"]["prefect-server"]
    assert server["command"][:2] == ["server", "start"]
    url = environment(server)["PREFECT_SERVER_DATABASE_CONNECTION_URL"]
    assert url.startswith("postgresql+asyncpg://") and "@postgres:5432/" in url
    assert server["depends_on"]["postgres"]["condition"] == "service_healthy"
    evex_database = environment(compose["services"]["evex"])["EVEX_DATABASE_URL"]
    assert url.rsplit("/", 1)[1] != evex_database.rsplit("/", 1)[1], "Prefect's database must not be the events'"


def test_evex_serves_a_mounted_inbox_against_postgres_and_the_server(compose):
    evex = compose["services"]["evex"]
    env = environment(evex)
    assert evex["command"] == ["serve"] and env["EVEX_DATABASE_URL"].startswith("postgresql+psycopg://")
    assert env["PREFECT_API_URL"] == "http://prefect-server:4200/api"
    targets = {re.search(r":(/[^:]+)(?::ro|:rw)?$", volume)[1] for volume in evex["volumes"]}
    assert {env["EVEX_INBOX_DIR"], env["EVEX_ARCHIVE_DIR"], env["STANZA_RESOURCES_DIR"]} <= targets
    assert set(evex["depends_on"]) == {"postgres", "prefect-server", "dask-scheduler"}


def test_no_password_is_written_in_the_file(compose):
    text = COMPOSE_FILE.read_text(encoding="utf-8")
    for service in compose["services"].values():
        for key, value in environment(service).items():
            if re.search("PASSWORD|SECRET|TOKEN", key):
                assert REFERENCE.match(value), f"{key} must come from .env"
            for password in re.findall(r"://[^:/@\s]+:([^@\s]+)@", value):  # user:password@host in a URL
                assert REFERENCE.match(password), f"{key} has a password in its URL"
    assert not re.search(r"(?i)password\s*[:=]\s*['\"]?(?!\$\{)\w", text)
    example = dict(line.split("=", 1) for line in (ROOT / ".env.example").read_text().splitlines()
                   if line and not line.startswith("#"))
    assert example["POSTGRES_PASSWORD"] == "" and ".env" in (ROOT / ".gitignore").read_text().split()


def test_the_image_pins_torch_as_pyproject_does():
    pinned = next(d for d in tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
                  if d.startswith("torch"))
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert re.search(rf"pip install .*{re.escape(pinned)}\b", dockerfile)
    assert "pip install ." in dockerfile


def test_parsing_scales_on_a_dask_scheduler_and_scalable_workers(compose):
    services = compose["services"]
    scheduler, worker = services["dask-scheduler"], services["dask-worker"]
    assert scheduler["entrypoint"] == ["dask", "scheduler"] and "8786" in scheduler["command"]
    assert worker["entrypoint"] == ["dask", "worker"] and worker["command"][0] == "tcp://dask-scheduler:8786"
    assert "container_name" not in worker and not worker.get("ports"), "`--scale dask-worker=N` needs both unset"
    assert worker["command"][worker["command"].index("--nthreads") + 1] == "1"  # one parse per process
    targets = {re.search(r":(/[^:]+)(?::ro|:rw)?$", volume)[1] for volume in worker["volumes"]}
    assert environment(worker)["STANZA_RESOURCES_DIR"] in targets
    assert environment(worker)["PREFECT_API_URL"] == environment(services["evex"])["PREFECT_API_URL"]
    assert environment(services["evex"])["EVEX_DASK_ADDRESS"] == "tcp://dask-scheduler:8786"
    assert scheduler["image"] == worker["image"] == services["evex"]["image"]  # same evex, same versions
