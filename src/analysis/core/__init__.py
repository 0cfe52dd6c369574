"""The bottom layer: paths, environment names, errors, parameters and the topic registry (no pandas)."""
