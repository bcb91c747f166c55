"""Prefect flows of evex: thin orchestration over the domain modules in `evex`."""

import logging
import os

# The domain modules log with the standard `evex` loggers; Prefect forwards them to the run's logs.
os.environ.setdefault("PREFECT_LOGGING_EXTRA_LOGGERS", "evex")
logging.getLogger("evex").setLevel(logging.INFO)
