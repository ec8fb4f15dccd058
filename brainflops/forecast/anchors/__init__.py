"""Biological anchors (Cotra 2020, 2022): from brain FLOP/s to P(transformative AI by year).

* :mod:`~brainflops.forecast.anchors.inputs`: the packaged variants (``load_variant``) and
  user inputs files (``load_inputs``), every input a sourced ``Parameter``;
* :mod:`~brainflops.forecast.anchors.requirements`: the anchors as models;
* :mod:`~brainflops.forecast.anchors.affordability`: FLOP per dollar, spend, algorithmic
  progress and the fit to the packaged GPU data;
* :mod:`~brainflops.forecast.anchors.montecarlo`: the Monte Carlo (``forecast``) and the
  tornado of the median year (``tornado``).

See ``docs/anchors.md`` for the method, the inputs and their sources, and the critiques.
"""
