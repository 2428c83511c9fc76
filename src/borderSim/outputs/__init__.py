"""What a run reports: daily variables, the per-replicate summary, tidy tables and the overview plot."""
