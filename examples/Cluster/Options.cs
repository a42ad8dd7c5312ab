namespace ClusterExample;

/// <summary>The command line: no options for the one-process demo, <c>--port</c> (and usually
/// <c>--seed</c>) for one member of a real cluster.</summary>
internal sealed record Options(int? Port, string? Seed, string Hostname, string? PublicHostname, string Role)
{
    public static Options Parse(string[] args)
    {
        var options = new Options(null, null, "0.0.0.0", null, "helpers");
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value");
            options = args[i] switch
            {
                "--port" => options with { Port = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture) },
                "--seed" => options with { Seed = value },
                "--hostname" => options with { Hostname = value },
                "--public-hostname" => options with { PublicHostname = value },
                "--role" => options with { Role = value },
                _ => throw new ArgumentException($"unknown option {args[i]} (known: --port, --seed, --hostname, --public-hostname, --role)"),
            };
            i++;
        }
        if (options.Seed is not null && options.Port is null) throw new ArgumentException("--seed needs --port");
        return options;
    }
}
