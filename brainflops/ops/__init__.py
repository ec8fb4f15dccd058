"""Layer 4: operations and their costs: the neuron pipeline stages and reference networks."""
