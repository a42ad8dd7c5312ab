namespace UmhActors.Protocol.Framing;

/// <summary>
/// What <see cref="MessagePackValueCheck.Check"/> found wrong with a value, and where: data to
/// match on and to word a message from, not a message itself.
/// </summary>
/// <param name="Kind">Which rule the value breaks.</param>
/// <param name="Offset">Where in the checked bytes the offending value's header starts (0 for
/// <see cref="MessagePackValueProblemKind.Empty"/>; for
/// <see cref="MessagePackValueProblemKind.TrailingBytes"/>, where the extra bytes start).</param>
/// <param name="Length">The size the problem is about: the bytes a too-long string declares, the
/// entries a too-long collection declares, or the number of trailing bytes; 0 for the other kinds.</param>
public sealed record MessagePackValueProblem(MessagePackValueProblemKind Kind, int Offset, long Length);
