namespace Casework.Gateway.Tests;

/// <summary>One echo backend and one gateway in front of it, shared by the tests of a class.</summary>
public sealed class GatewayFixture : IAsyncLifetime
{
    public EchoBackend Backend { get; private set; } = null!;

    public GatewayHost Gateway { get; private set; } = null!;

    public HttpClient Client => Gateway.Client;

    public async Task InitializeAsync()
    {
        Backend = await EchoBackend.StartAsync();
        Gateway = GatewayHost.Start(Backend);
    }

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Backend.DisposeAsync();
    }
}
