"""data layer (see docs/ARCHITECTURE.md)."""
