"""Prefect flows of evex: thin orchestration over the domain modules in `evex`."""

import logging
import os

# The domain modules log with the standard `evex` loggers; Prefect forwards them to the run's logs.
os.environ.setdefault("PREFECT_LOGGING_EXTRA_LOGGERS", "evex")
logging.getLogger("evex").setLevel(logging.INFO)
# Without PREFECT_API_URL, a run starts Prefect's ephemeral server, which waits 20 s by default: on
# a busy 2-core machine (a parse running beside it) that start took longer and `evex run` failed.
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
