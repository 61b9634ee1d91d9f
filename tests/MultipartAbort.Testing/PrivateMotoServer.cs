namespace MultipartAbort.Testing;

/// <summary>
/// A moto server of the collection's own, even when MOTO_ENDPOINT names a shared one: moto is one single-threaded
/// Python process, so a collection that pushes thousands of uploads through it gets a core of its own instead of
/// queueing behind every other test project's requests.
/// </summary>
public sealed class PrivateMotoServer() : MotoServer(shared: false);
