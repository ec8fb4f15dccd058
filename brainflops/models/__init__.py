"""Layer 5: models compiled from parameters and operations; presets, scenarios and the literature."""
