"""Benchmark of evex on this machine: a generated drop of French articles against bare Stanza."""
