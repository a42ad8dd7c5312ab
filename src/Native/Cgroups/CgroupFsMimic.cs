namespace UmhActors.Native.Cgroups;

/// <summary>
/// Test-only stand-in for the kernel's side of cgroupfs when an ordinary directory mimics it:
/// cgroupfs creates control files on mkdir and lets rmdir remove a directory full of them; a
/// plain directory does neither.
/// </summary>
internal sealed record CgroupFsMimic(Action<string> DirectoryCreated, Action<string> RemovingDirectory);
