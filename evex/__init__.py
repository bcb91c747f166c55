"""evex: French news articles to a queryable database of events."""

__version__ = "0.1.0"
