// Every test makes its own database, but the suite is small; sequential runs keep PostgreSQL connection counts low.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
