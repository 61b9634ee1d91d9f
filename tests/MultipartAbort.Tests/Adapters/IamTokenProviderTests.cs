using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using MultipartAbort.Adapters.Iam;
using MultipartAbort.Core.Configuration;
using MultipartAbort.Core.Observability;

namespace MultipartAbort.Tests.Adapters;

/// <summary>The token provider's clock and failure rules, with IAM's answers scripted (the loopback IAM tests are in MultipartAbort.Ibm.Tests).</summary>
public class IamTokenProviderTests
{
    private const string Key = "unit-test-api-key-42";
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly ScriptedIam _iam = new();
    private readonly StringWriter _log = new();

    private IamTokenProvider Provider() =>
        new(new HttpClient(_iam), new Uri("http://iam.test/"), new Secret(Key), _time, new StructuredLogger(_log, "test", LogLevel.Debug, _time));

    /// <summary>IAM's answers, one per exchange, in order; counts the exchanges.</summary>
    private sealed class ScriptedIam : HttpMessageHandler
    {
        public ConcurrentQueue<(HttpStatusCode Status, string Body)> Answers { get; } = new();
        public ConcurrentQueue<Uri> Asked { get; } = new();

        public void Token(string token, long expiresIn = 3600) => Answers.Enqueue((HttpStatusCode.OK, $"{{\"access_token\":\"{token}\",\"expires_in\":{expiresIn}}}"));

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Asked.Enqueue(request.RequestUri!);
            var (status, body) = Answers.TryDequeue(out var next) ? next : (HttpStatusCode.InternalServerError, "{}");
            return Task.FromResult(new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") });
        }
    }

    [Fact]
    public async Task Start_PostsToIdentityToken_AndCachesTheToken()
    {
        _iam.Token("t1");
        using var provider = Provider();

        await provider.StartAsync(CancellationToken.None);
        var first = await provider.GetTokenAsync(CancellationToken.None);
        var second = await provider.GetTokenAsync(CancellationToken.None);

        first.Should().Be("t1");
        second.Should().Be("t1");
        provider.Exchanges.Should().Be(1);
        _iam.Asked.Should().Equal(new Uri("http://iam.test/identity/token"));
    }

    [Fact]
    public async Task Start_WithOnlyAnExpiration_TakesTheLifetimeFromIt()
    {
        var expiration = _time.GetUtcNow().AddMinutes(10).ToUnixTimeSeconds();
        _iam.Answers.Enqueue((HttpStatusCode.OK, $"{{\"access_token\":\"t1\",\"expiration\":{expiration}}}"));
        _iam.Token("t2");
        using var provider = Provider();
        await provider.StartAsync(CancellationToken.None);

        _time.Advance(TimeSpan.FromMinutes(8)); // 80% of ten minutes
        await provider.BackgroundRefresh;

        (await provider.GetTokenAsync(CancellationToken.None)).Should().Be("t2");
    }

    [Fact]
    public async Task BackgroundRefresh_WhenIamFails_KeepsTheTokenAndTriesAgainLater()
    {
        _iam.Token("t1");
        _iam.Answers.Enqueue((HttpStatusCode.ServiceUnavailable, "{\"errorCode\":\"BXNIM0500E\",\"errorMessage\":\"IAM is down\"}"));
        _iam.Token("t2");
        using var provider = Provider();
        await provider.StartAsync(CancellationToken.None);

        _time.Advance(TimeSpan.FromMinutes(48));
        await provider.BackgroundRefresh;
        var during = await provider.GetTokenAsync(CancellationToken.None);
        _time.Advance(IamTokenProvider.RetryAfterFailure);
        await provider.BackgroundRefresh;
        var after = await provider.GetTokenAsync(CancellationToken.None);

        during.Should().Be("t1", "the old token still lives for 12 minutes");
        after.Should().Be("t2");
        provider.Exchanges.Should().Be(3);
        _log.ToString().Should().Contain("IAM is down").And.NotContain(Key).And.NotContain("t1\"");
    }

    [Fact]
    public async Task GetToken_AfterExpiryWithoutRefresh_ExchangesAgain()
    {
        _iam.Token("t1", expiresIn: 60);
        _iam.Answers.Enqueue((HttpStatusCode.ServiceUnavailable, "{}")); // the background refresh at 48 s fails
        _iam.Token("t2", expiresIn: 60);
        using var provider = Provider();
        await provider.StartAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(48));
        await provider.BackgroundRefresh;

        _time.Advance(TimeSpan.FromSeconds(13)); // expired; the retry timer (30 s) has not fired yet
        var token = await provider.GetTokenAsync(CancellationToken.None);

        token.Should().Be("t2");
    }

    [Fact]
    public async Task Start_WhenIamRefusesTheKey_ThrowsIamsMessageWithoutTheKey()
    {
        // A server that echoes the key must still not get it into the message.
        _iam.Answers.Enqueue((HttpStatusCode.BadRequest, $"{{\"errorCode\":\"BXNIM0415E\",\"errorMessage\":\"Provided API key could not be found: {Key}\"}}"));
        using var provider = Provider();

        var act = () => provider.StartAsync(CancellationToken.None);

        var message = (await act.Should().ThrowAsync<IamException>()).Which.Message;
        message.Should().Contain("Provided API key could not be found").And.Contain("BXNIM0415E").And.NotContain(Key);
    }

    [Fact]
    public async Task Start_WhenIamAnswersWithoutJson_SaysTheStatus()
    {
        _iam.Answers.Enqueue((HttpStatusCode.BadGateway, "<html>bad gateway</html>"));
        using var provider = Provider();

        var act = () => provider.StartAsync(CancellationToken.None);

        (await act.Should().ThrowAsync<IamException>()).Which.Message.Should().Contain("HTTP 502");
    }

    [Fact]
    public async Task TokenAfterRejection_OfAFreshToken_IsNull_OfAnAgedOne_IsANewToken()
    {
        _iam.Token("t1");
        _iam.Token("t2");
        using var provider = Provider();
        await provider.StartAsync(CancellationToken.None);

        var fresh = await provider.TokenAfterRejectionAsync("t1", CancellationToken.None);
        _time.Advance(IamTokenProvider.RejectionRefreshFloor);
        var aged = await provider.TokenAfterRejectionAsync("t1", CancellationToken.None);
        var again = await provider.TokenAfterRejectionAsync("t1", CancellationToken.None);

        fresh.Should().BeNull("a 403 on a token seconds old is a real AccessDenied");
        aged.Should().Be("t2");
        again.Should().Be("t2", "another request refreshed it already; no second exchange");
        provider.Exchanges.Should().Be(2);
    }
}
