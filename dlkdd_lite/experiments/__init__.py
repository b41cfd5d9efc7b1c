"""experiments: many runs and what is read from them.

``sweep`` (the temperature x alpha grid), ``reproduce`` (every quick-tier figure and table), ``evidence`` (paired
differences with bootstrap intervals over seeds and videos), ``cost`` (inference FLOPs and time),
``paper_tables`` (the published numbers), ``paper_tier`` (the paper tier's steps, one dataset at a time).
"""
