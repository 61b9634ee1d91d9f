namespace MultipartAbort.Http.Endpoints;

/// <summary>A CloudEvent goes to the CloudEvent handler; anything else is a webhook, as on Lambda.</summary>
public static class RootEndpoint
{
    public static void MapRootEndpoint(this IEndpointRouteBuilder app, FunctionServices services, OutcomeMetrics metrics)
    {
        app.MapPost("/", async (HttpContext http) =>
        {
            var received = services.Time.GetUtcNow();
            var (body, refusal) = await RequestBody.ReadAsync(http.Request, http.RequestAborted).ConfigureAwait(false);
            if (refusal is not null)
                return refusal;
            var (delivery, problem) = CloudEventReader.IsCloudEvent(http.Request) ? CloudEventReader.Read(http.Request, body!) : (null, null);
            if (problem is not null)
                return RequestBody.Json(StatusCodes.Status400BadRequest, ResultJson.Error(problem));
            var answer = await services.PostAsync(http.Request.Method, http.Request.Headers[HostDoors.SignatureHeader].FirstOrDefault(), body!, delivery, received).ConfigureAwait(false);
            return RequestBody.Answer(answer, metrics);
        });
    }
}
