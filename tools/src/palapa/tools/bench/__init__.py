"""The benchmarks (`./palapa bench NAME`): each starts what it measures on free ports and prints its figures."""
