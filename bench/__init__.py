"""`make bench`: benchmarks of the archiver, each next to its physical limit in the same run.

Not tests: nothing here runs under pytest. `python -m bench --help` lists the options.
"""
