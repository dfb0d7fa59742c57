"""Developer tools: not part of the bot (the tests, the benchmarks and CI use them)."""
