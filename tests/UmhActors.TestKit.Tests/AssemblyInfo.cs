// ExpectNoHelperLeft counts every helper of this process: tests must not run side by side.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
