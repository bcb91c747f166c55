"""Decisions learned from the gold sets where rules guess: features read from the article's parse,
a linear model per decision stored as data (`data/NAME.json`), trained and cross-validated by one
command (`python -m bench learn`), shipped only where it beats the rules on every development set."""
