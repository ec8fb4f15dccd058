"""Layer 7: what an estimate or a workload takes in hardware: roofline, machine plans, benchmarks."""
