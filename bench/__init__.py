"""Performance benchmark of cooperation-tracker: `make bench` (see bench/README.md)."""
