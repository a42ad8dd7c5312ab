using UmhActors.Helpers;
using UmhActors.Protocol.Control;
using UmhActors.Requests;
using Xunit.Abstractions;

namespace UmhActors.TestKit.Tests;

/// <summary>The runtime honours the test-fault methods only when its host launched it in test mode.</summary>
public sealed class TestModeTests(ITestOutputHelper output) : FaultSpec(output)
{
    [Theory]
    [InlineData("hang")]
    [InlineData("garble")]
    [InlineData("allocate")]
    public async Task Cooperative_faults_are_refused_with_a_typed_error_without_test_mode_and_the_helper_serves_on(string fault)
    {
        var helper = StartHelper(HelperOptions.Default, out var pid);
        var faults = this.HelperFaults(helper, Patience);
        Func<Task<int>> inject = fault switch
        {
            "hang" => () => faults.HangAsync(),
            "garble" => () => faults.GarbleAsync(),
            _ => () => faults.OomKillAsync(),
        };

        var refusal = await Assert.ThrowsAsync<HelperTestModeRequiredException>(inject);

        var error = Assert.IsType<HelperErrorException>(refusal.InnerException);
        Assert.Equal(TestFaultMethods.DisabledErrorCode, error.Error.Code);
        Assert.Contains("WithTestFaults", refusal.Message);
        Assert.Equal("still here", await EchoAsync(helper));
        Assert.Equal(pid, this.AwaitHelperReady(helper, Patience));
        StopAndExpectNothingLeft(helper);
    }

    [Fact]
    public void Test_mode_is_off_by_default_and_set_through_the_helpers_environment()
    {
        Assert.False(HelperOptions.Default.TestFaults);
        var options = HelperOptions.Default.WithTestFaults();
        Assert.True(options.TestFaults);
        Assert.Equal("1", options.Launch.Environment[TestFaultMethods.EnvironmentVariable]);
    }

    [Fact]
    public async Task Other_reserved_methods_are_still_refused_by_the_host()
    {
        var helper = StartHelper(HelperOptions.Default, out _);
        var invalid = await Assert.ThrowsAsync<InvalidHelperRequestException>(() => new HelperClient(helper).SendAsync(HelperRequest.WithoutParams("$/shutdown")));
        Assert.Equal(HelperRequestProblem.ReservedMethod, invalid.Problem);
        StopAndExpectNothingLeft(helper);
    }
}
