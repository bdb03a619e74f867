"""OIP benchmarks: `python -m bench.run` (or `make bench`) measures every speed figure.

`bench.generate` makes the seeded data, `bench.bench_engine` times the engine alone,
`bench.tasks` runs one measurement per child process, `bench.loadtest` drives `oip serve`
with wrk, and `bench.run` puts it all together in one table (see bench/README.md).
"""
