"""Layer 6: trends fitted to data, parity timelines and forecasts built on them."""
