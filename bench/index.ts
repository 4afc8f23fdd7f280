// Benchmarks are added beside the code they measure; see README.md.
export {};
