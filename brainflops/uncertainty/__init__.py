"""Layer 3: Monte Carlo sampling and sensitivity analysis.

These work against any model that implements :class:`brainflops.uncertainty.samples.SampleableModel`
(the protocol the model layer fulfils), so they import nothing from the layers above.
"""
