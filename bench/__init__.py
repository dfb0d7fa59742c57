"""Benchmarks (not tests): each module prints medians, percentiles and ratios, never asserts on time."""
