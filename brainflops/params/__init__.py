"""Layer 2: parameters (value, unit, range, source, provenance) and their distributions."""
