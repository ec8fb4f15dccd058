"""Layer 8: outputs for people: exports, plots and reports."""
