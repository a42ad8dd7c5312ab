using System.Runtime.Versioning;

// Linux only: memfd, pidfd, epoll and posix_spawn are the substance of this layer.
[assembly: SupportedOSPlatform("linux")]
