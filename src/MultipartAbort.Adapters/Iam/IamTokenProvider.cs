using System.Net.Http.Headers;

namespace MultipartAbort.Adapters.Iam;

/// <summary>Refreshed at 80% of a token's lifetime (as IBM's SDKs do) and when COS refuses an old one. Neither key nor token is ever logged.</summary>
public sealed class IamTokenProvider : IDisposable
{
    public const string GrantType = "urn:ibm:params:oauth:grant-type:apikey";

    public const double RefreshAt = 0.8;

    /// <summary>COS answers expiry and missing permission alike (403): a token this fresh is not refreshed, so no IAM call per refusal.</summary>
    public static readonly TimeSpan RejectionRefreshFloor = TimeSpan.FromSeconds(30);

    /// <summary>While the current token still lives.</summary>
    public static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(30);

    private readonly HttpClient _http;
    private readonly Uri _tokenUri;
    private readonly Secret _apiKey;
    private readonly TimeProvider _time;
    private readonly StructuredLogger? _log;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ITimer _timer;
    private IamToken? _current;
    private Task _backgroundRefresh = Task.CompletedTask;
    private int _exchanges;

    public IamTokenProvider(HttpClient http, Uri iamEndpoint, Secret apiKey, TimeProvider time, StructuredLogger? log = null)
    {
        _http = http;
        _tokenUri = new Uri(iamEndpoint.ToString().TrimEnd('/') + "/identity/token");
        _apiKey = apiKey;
        _time = time;
        _log = log;
        _timer = time.CreateTimer(_ => Volatile.Write(ref _backgroundRefresh, RefreshInBackgroundAsync()), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Successful or not.</summary>
    public int Exchanges => Volatile.Read(ref _exchanges);

    // Tests await it instead of sleeping.
    internal Task BackgroundRefresh => Volatile.Read(ref _backgroundRefresh);

    /// <summary>Throws <see cref="IamException"/> with IAM's message when the key is refused.</summary>
    public Task StartAsync(CancellationToken cancellationToken) => RefreshAsync(null, cancellationToken);

    public async ValueTask<string> GetTokenAsync(CancellationToken cancellationToken)
    {
        var token = Volatile.Read(ref _current);
        if (token is not null && _time.GetUtcNow() < token.ExpiresAt)
            return token.Value;
        return (await RefreshAsync(token, cancellationToken).ConfigureAwait(false)).Value;
    }

    /// <summary>Null when a retry cannot help.</summary>
    public async ValueTask<string?> TokenAfterRejectionAsync(string rejected, CancellationToken cancellationToken)
    {
        var token = Volatile.Read(ref _current);
        if (token is not null && token.Value != rejected)
            return token.Value; // another request has refreshed it already
        if (token is not null && _time.GetUtcNow() - token.ObtainedAt < RejectionRefreshFloor)
            return null;
        _log?.Log(LogLevel.Information, "the store refused the IAM token; exchanging the API key for a new one and retrying once");
        return (await RefreshAsync(token, cancellationToken).ConfigureAwait(false)).Value;
    }

    private async Task<IamToken> RefreshAsync(IamToken? stale, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // One exchange at a time: whoever waited behind one uses its token.
            if (_current is { } now && !ReferenceEquals(now, stale) && _time.GetUtcNow() < now.ExpiresAt)
                return now;
            var fresh = await ExchangeAsync(cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _current, fresh);
            var wait = fresh.RefreshAt - _time.GetUtcNow();
            _timer.Change(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
            return fresh;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task RefreshInBackgroundAsync()
    {
        var stale = Volatile.Read(ref _current);
        try
        {
            await RefreshAsync(stale, CancellationToken.None).ConfigureAwait(false);
            _log?.Log(LogLevel.Debug, "IAM token refreshed in the background");
        }
        catch (IamException ex)
        {
            // The current token still serves until it expires; try again soon.
            _log?.Log(LogLevel.Warning, $"IAM token refresh failed; trying again in {RetryAfterFailure.TotalSeconds:0} s: {ex.Message}");
            _timer.Change(RetryAfterFailure, Timeout.InfiniteTimeSpan);
        }
    }

    private async Task<IamToken> ExchangeAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _exchanges);
        using var request = new HttpRequestMessage(HttpMethod.Post, _tokenUri)
        {
            Content = new FormUrlEncodedContent([new("grant_type", GrantType), new("apikey", _apiKey.Reveal())]),
        };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        var asked = _time.GetUtcNow();
        string text;
        System.Net.HttpStatusCode status;
        try
        {
            using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            status = response.StatusCode;
            text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new IamException(Redact($"IAM at {_tokenUri} could not be reached: {ex.Message}"), ex);
        }

        IamTokenResponse? answer = null;
        try
        {
            answer = JsonSerializer.Deserialize(text, IamJsonContext.Default.IamTokenResponse);
        }
        catch (JsonException) { }

        if ((int)status is < 200 or > 299 || answer?.AccessToken is not { Length: > 0 } value)
        {
            var why = answer?.ErrorMessage is { Length: > 0 } message
                ? $"{message}{(answer.ErrorCode is { Length: > 0 } code ? $" ({code})" : "")}"
                : $"HTTP {(int)status} without an IAM error message";
            throw new IamException(Redact($"IAM at {_tokenUri} did not exchange the API key for a token: {why}"));
        }

        var lifetime = answer.ExpiresIn is > 0
            ? TimeSpan.FromSeconds(answer.ExpiresIn.Value)
            : answer.Expiration is { } expiration
                ? DateTimeOffset.FromUnixTimeSeconds(expiration) - asked
                : TimeSpan.Zero;
        if (lifetime <= TimeSpan.Zero)
            throw new IamException($"IAM at {_tokenUri} answered a token without a lifetime (expires_in {Text(answer.ExpiresIn)}, expiration {Text(answer.Expiration)})");
        // Times count from when the exchange began, so a slow answer errs towards refreshing early.
        return new IamToken(value, asked, asked + lifetime * RefreshAt, asked + lifetime);
    }

    // IAM does not echo the key, but a message must never carry it, whatever a server does.
    private string Redact(string message) => _apiKey.Reveal() is { Length: > 0 } key ? message.Replace(key, "***", StringComparison.Ordinal) : message;

    private static string Text(long? n) => n?.ToString(CultureInfo.InvariantCulture) ?? "missing";

    public void Dispose()
    {
        _timer.Dispose();
        _gate.Dispose();
    }
}

/// <summary>The message is IAM's (or the network's), never the key.</summary>
public sealed class IamException(string message, Exception? inner = null) : Exception(message, inner);

// Times on this process's clock.
internal sealed record IamToken(string Value, DateTimeOffset ObtainedAt, DateTimeOffset RefreshAt, DateTimeOffset ExpiresAt)
{
    // The value is a credential: records print their members, this one must not.
    public override string ToString() => $"IAM token obtained {ObtainedAt:O}, expiring {ExpiresAt:O}";
}

/// <param name="ExpiresIn">3600 on IBM Cloud.</param>
/// <param name="Expiration">Unix seconds of IAM's clock.</param>
internal sealed record IamTokenResponse(
    [property: JsonPropertyName("access_token")] string? AccessToken,
    [property: JsonPropertyName("expires_in")] long? ExpiresIn,
    [property: JsonPropertyName("expiration")] long? Expiration,
    [property: JsonPropertyName("errorCode")] string? ErrorCode,
    [property: JsonPropertyName("errorMessage")] string? ErrorMessage
)
{
    // It carries a credential: records print their members, this one must not.
    public override string ToString() => nameof(IamTokenResponse);
}

[JsonSerializable(typeof(IamTokenResponse))]
internal sealed partial class IamJsonContext : JsonSerializerContext;
