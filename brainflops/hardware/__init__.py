"""Layer 7: what an estimate or a workload takes in hardware: roofline, machine plans, benchmarks.

Modules, by concern:

* :mod:`~brainflops.hardware.devices`: the accelerator table (Epoch AI) as ``Device`` records;
* :mod:`~brainflops.hardware.roofline`: attainable FLOP/s, bound, time of work on a device;
* :mod:`~brainflops.hardware.facility`: PUE, electricity price; power, purchase and energy cost;
* :mod:`~brainflops.hardware.links`: the interconnect table and traffic against it;
* :mod:`~brainflops.hardware.parallelism`: all-reduce, compression, tensor traffic, bubble;
* :mod:`~brainflops.hardware.memory`: training memory per device (bytes per parameter);
* :mod:`~brainflops.hardware.plan`: a brain model in real time (and, for compatibility,
  every public name the modules above held before the split);
* :mod:`~brainflops.hardware.training`, :mod:`~brainflops.hardware.training_plan`,
  :mod:`~brainflops.hardware.workloads`: training a network on ``N`` devices;
* :mod:`~brainflops.hardware.recorded_runs`: predictions against Epoch's recorded runs;
* :mod:`~brainflops.hardware.scaling`, :mod:`~brainflops.hardware.comparison`: speed-up
  by strategy, and the brain and training runs in one table;
* :mod:`~brainflops.hardware.bench`: measure this machine (its records in
  :mod:`~brainflops.hardware.bench_records`).

This layer does not load presets; callers pass :class:`~brainflops.models.model.Model`
objects in.
"""
