"""`make bench`: load tests of the portal as it runs in production (see README, "Benchmark")."""
