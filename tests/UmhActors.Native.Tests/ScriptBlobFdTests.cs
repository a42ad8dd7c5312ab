using UmhActors.Native.Launch;
using UmhActors.Native.Tests.Support;
using UmhActors.Tests.Shared;

namespace UmhActors.Native.Tests;

/// <summary>
/// What a <c>#!</c> script helper holds as fd 3: the kernel hands its interpreter the path
/// <c>/proc/self/fd/3</c>, so fd 3 cannot be close-on-exec, and nothing after the exec is the
/// library's to close. These pin what that fd exposes (its blob's own bytes, read-only, sealed)
/// and how far it reaches (the interpreter and its children, until the script closes it), as
/// docs/protocol.md states.
/// </summary>
public sealed class ScriptBlobFdTests
{
    [Fact]
    public async Task Script_helper_holds_its_own_blob_as_fd_3_read_only_and_sealed_against_writes()
    {
        // $$ is the interpreter itself (each command below is its child). The write goes through a
        // new open of the memfd for writing, the way a hostile script would try it.
        var script = "#!/bin/sh\n" +
                     "readlink /proc/$$/fd/3\n" +
                     "sed -n 's/^flags:[[:space:]]*//p' /proc/$$/fdinfo/3\n" +
                     "if (printf tampered >> /proc/$$/fd/3) 2>/dev/null; then echo written; else echo refused; fi\n" +
                     "echo ---\n" +
                     "cat /proc/$$/fd/3\n";
        using var blob = TestBlobs.Script("fd3-script", script);
        var (stdout, stderr, exit) = await ProcessText.RunToEndAsync(HelperLauncher.Launch(blob));

        Assert.True(exit.ExitCode == 0, $"{exit}; stderr: {stderr}");
        var (head, bytes) = (stdout[..stdout.IndexOf("---\n", StringComparison.Ordinal)], stdout[(stdout.IndexOf("---\n", StringComparison.Ordinal) + 4)..]);
        var lines = head.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("/memfd:umh:fd3-script (deleted)", lines[0]);
        var flags = Convert.ToInt32(lines[1], 8);
        Assert.True((flags & 3) == 0, $"fd 3 is open for writing: flags {lines[1]} (octal)");
        Assert.Equal("refused", lines[2]);
        Assert.Equal(script, bytes);
    }

    [Fact]
    public async Task Script_helpers_children_inherit_fd_3_until_the_script_closes_it()
    {
        using var blob = TestBlobs.Script("fd3-children",
            "#!/bin/sh\n" +
            "readlink /proc/self/fd/3 || echo none\n" +
            "exec 3<&-\n" +
            "readlink /proc/self/fd/3 || echo none\n");
        var (stdout, stderr, exit) = await ProcessText.RunToEndAsync(HelperLauncher.Launch(blob));

        Assert.True(exit.ExitCode == 0, $"{exit}; stderr: {stderr}");
        Assert.Equal(["/memfd:umh:fd3-children (deleted)", "none"], stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Python_script_helper_keeps_fd_3_after_reading_itself_but_its_subprocesses_do_not_get_it()
    {
        using var blob = TestBlobs.Script("fd3-python",
            "#!/usr/bin/python3\n" +
            "import os, subprocess\n" +
            "print(os.readlink('/proc/self/fd/3'), flush=True)\n" +
            "subprocess.run(['/bin/sh', '-c', 'readlink /proc/self/fd/3 || echo none'], check=True)\n");
        var (stdout, stderr, exit) = await ProcessText.RunToEndAsync(HelperLauncher.Launch(blob));

        Assert.True(exit.ExitCode == 0, $"{exit}; stderr: {stderr}");
        Assert.Equal(["/memfd:umh:fd3-python (deleted)", "none"], stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
