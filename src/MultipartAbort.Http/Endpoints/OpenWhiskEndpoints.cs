namespace MultipartAbort.Http.Endpoints;

/// <summary>The OpenWhisk Docker action protocol.</summary>
public static class OpenWhiskEndpoints
{
    public static void MapOpenWhiskEndpoints(this IEndpointRouteBuilder app, FunctionServices services, OutcomeMetrics metrics)
    {
        app.MapPost("/init", () => Results.Text("{\"ok\":true}", "application/json"));

        app.MapPost("/run", async (HttpContext http) =>
        {
            var (body, refusal) = await RequestBody.ReadAsync(http.Request, http.RequestAborted).ConfigureAwait(false);
            if (refusal is not null)
                return refusal;
            var answer = await services.RunActivationAsync(http.Request.Headers[HostDoors.SignatureHeader].FirstOrDefault(), body!).ConfigureAwait(false);
            return RequestBody.Answer(answer, metrics);
        });
    }
}
