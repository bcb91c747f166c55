"""A learned decision as data: a weight per feature name, an intercept, the threshold that accepts,
and the event types it was trained on, in a small JSON file read once per process.

A linear model needs no library at run time and stays readable (the heaviest weights say what it
learned). An event type the model never saw (a type added by YAML alone) is left to the rules.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

MODELS_DIR = Path(__file__).with_name("data")
FIELDS = {"name": str, "types": list, "intercept": float, "weights": dict, "threshold": float}


class ModelFileError(ValueError):
    """A model file that cannot be used, with the file and the reason."""


@dataclass(frozen=True)
class LinearDecision:
    name: str
    types: frozenset[str]
    intercept: float
    weights: dict[str, float] = field(hash=False)
    threshold: float
    trained_on: dict = field(default_factory=dict, hash=False)  # what it learned from and its scores

    def probability(self, features: dict[str, float]) -> float:
        score = self.intercept + sum(self.weights.get(name, 0.0) * value for name, value in features.items())
        return 1.0 / (1.0 + math.exp(-score))

    def accepts(self, event_type: str, features: dict[str, float]) -> bool:
        """Yes for a type it was not trained on: the rules' answer stands."""
        return event_type not in self.types or self.probability(features) >= self.threshold

    def to_file(self, path: Path) -> None:
        record = {"name": self.name, "types": sorted(self.types), "intercept": self.intercept,
                  "threshold": self.threshold, "trained_on": self.trained_on,
                  "weights": dict(sorted(self.weights.items()))}
        path.write_text(json.dumps(record, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")

    @classmethod
    def from_file(cls, path: Path) -> LinearDecision:
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise ModelFileError(f"{path}: not a model file ({error})") from None
        for name, kind in FIELDS.items():
            value = record.get(name) if isinstance(record, dict) else None
            if not isinstance(value, int | float if kind is float else kind) or isinstance(value, bool):
                raise ModelFileError(f"{path}: `{name}` missing or not a {kind.__name__}")
        if not all(isinstance(v, int | float) for v in record["weights"].values()):
            raise ModelFileError(f"{path}: every weight must be a number")
        return cls(record["name"], frozenset(record["types"]), float(record["intercept"]),
                   {k: float(v) for k, v in record["weights"].items()}, float(record["threshold"]),
                   record.get("trained_on", {}))


@cache
def shipped_decision(name: str) -> LinearDecision | None:
    """The decision the package ships under this name, or None: the rules decide alone."""
    path = MODELS_DIR / f"{name}.json"
    return LinearDecision.from_file(path) if path.is_file() else None
