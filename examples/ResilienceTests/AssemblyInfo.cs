// ExpectNoHelperLeft counts every helper of this test process: with several test classes, run
// them one at a time (or pass each class's own blob name).
[assembly: CollectionBehavior(DisableTestParallelization = true)]
