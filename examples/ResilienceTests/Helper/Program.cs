using UmhActors.Protocol.Runtime;

// A helper with one typed method. Nothing here is about faults: in test mode the helper runtime
// itself honours the TestKit's hang, garble and allocate requests.
return HelperRuntime.CreateBuilder("wordcount")
    .Handle<string, int>("count", text => text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length)
    .Build()
    .Run();
