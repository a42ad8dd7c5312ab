// Cluster tests count helper processes of the whole test host and load both cores: one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
