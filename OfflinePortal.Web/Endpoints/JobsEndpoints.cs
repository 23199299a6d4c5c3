using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using OfflinePortal.Core;
using OfflinePortal.Core.Administration;
using OfflinePortal.Core.Jobs;
using OfflinePortal.Core.Packaging;
using OfflinePortal.Core.Persistence;
using OfflinePortal.Web.Security;

namespace OfflinePortal.Web.Endpoints;

/// <summary>The jobs API under <c>/api/v1/jobs</c>: list, get, create, cancel, retry, log, package download and deletion, CSV export.</summary>
public static partial class JobsEndpoints
{
    public static RouteGroupBuilder MapJobsEndpoints(this RouteGroupBuilder api)
    {
        var jobs = api.MapGroup("/jobs").WithTags("Jobs").RequireAuthorization(PortalPolicies.CanView);

        jobs.MapGet("/", ListAsync).WithName("ListJobs").WithSummary("Jobs matching the audit filters, one page at a time.");
        jobs.MapGet("/export.csv", ExportAsync).WithName("ExportJobs").WithSummary("Every job matching the filters as CSV (streamed).")
            .Produces(StatusCodes.Status200OK, contentType: "text/csv");
        jobs.MapGet("/{id:guid}", GetAsync).WithName("GetJob");
        jobs.MapGet("/{id:guid}/log", GetLogAsync).WithName("GetJobLog");
        jobs.MapGet("/{id:guid}/package", DownloadAsync).WithName("DownloadPackage").WithSummary("The job's package as a zip (streamed).")
            .Produces(StatusCodes.Status200OK, contentType: "application/zip");
        jobs.MapDelete("/{id:guid}/package", DeletePackageAsync).WithName("DeletePackage")
            .WithSummary("Deletes the job's package by hand; the job's record and log are kept and say when and by whom.")
            .RequireAuthorization(PortalPolicies.CanOperate);
        jobs.MapPost("/", CreateAsync).WithName("CreateJob").RequireAuthorization(PortalPolicies.CanOperate);
        jobs.MapPost("/{id:guid}/cancel", CancelAsync).WithName("CancelJob").RequireAuthorization(PortalPolicies.CanOperate);
        jobs.MapPost("/{id:guid}/retry", RetryAsync).WithName("RetryJob").RequireAuthorization(PortalPolicies.CanOperate);
        return api;
    }

    /// <summary>Audit filters as query parameters (<c>state</c> may list several states separated by commas).</summary>
    public sealed record JobListParameters(
        string? User, string? WebMap, int? Crew, string? State, DateTime? From, DateTime? To, string? Text,
        string? Sort, bool? Desc, int? Page, int? PageSize)
    {
        public JobQuery ToQuery() => new()
        {
            UserId = User,
            WebMapId = WebMap,
            CrewId = Crew,
            States = ParseStates(State),
            FromUtc = AsUtc(From),
            ToUtc = AsUtc(To),
            Text = Text,
            SortBy = Enum.TryParse<JobSortColumn>(Sort, ignoreCase: true, out var sort) ? sort : JobSortColumn.Created,
            Descending = Desc ?? true,
            Page = Page ?? 0,
            PageSize = PageSize ?? 25,
        };

        /// <summary>Dates without a zone are UTC (the audit shows UTC everywhere).</summary>
        private static DateTime? AsUtc(DateTime? value) => value is not { } v
            ? null
            : v.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(v, DateTimeKind.Utc) : v.ToUniversalTime();

        /// <summary>The query string that <see cref="ToQuery"/> reads back (filters and sort, not the page), e.g. for the CSV export link.</summary>
        public static string ToQueryString(JobQuery query)
        {
            ArgumentNullException.ThrowIfNull(query);
            var parts = new List<KeyValuePair<string, string?>>();
            void Add(string key, string? value)
            {
                if (!string.IsNullOrEmpty(value))
                {
                    parts.Add(new(key, value));
                }
            }
            Add("user", query.UserId);
            Add("webMap", query.WebMapId);
            Add("crew", query.CrewId?.ToString(CultureInfo.InvariantCulture));
            Add("state", query.States is { Count: > 0 } states ? string.Join(',', states) : null);
            Add("from", query.FromUtc?.ToString("O", CultureInfo.InvariantCulture));
            Add("to", query.ToUtc?.ToString("O", CultureInfo.InvariantCulture));
            Add("text", query.Text);
            Add("sort", query.SortBy.ToString());
            Add("desc", query.Descending ? "true" : "false");
            return Microsoft.AspNetCore.Http.QueryString.Create(parts).ToUriComponent();
        }

        private static List<JobState>? ParseStates(string? states)
        {
            if (string.IsNullOrWhiteSpace(states))
            {
                return null;
            }
            var list = new List<JobState>();
            foreach (var part in states.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!Enum.TryParse<JobState>(part, ignoreCase: true, out var state) || !Enum.IsDefined(state))
                {
                    throw RequestValidationException.For("state", $"Unknown state '{part}'. Use {string.Join(", ", Enum.GetNames<JobState>())}.");
                }
                list.Add(state);
            }
            return list;
        }
    }

    public sealed record JobLayerResponse(string LayerId, string Title, string Kind, LayerResultStatus Status, long? FeatureCount, long? Bytes, string? Error);

    public sealed record JobResponse(
        Guid Id, JobState State, double Progress, string? CurrentStep, string CreatedByUserId, string CreatedByName,
        DateTime CreatedUtc, DateTime? StartedUtc, DateTime? FinishedUtc, double? DurationSeconds, string WebMapId, string? WebMapTitle,
        int? AreaId, string AreaName, string AreaGeoJson, int? CrewId, string? CrewName, string ParametersJson, string? OverridesJson,
        long? PackageBytes, DateTime? PackageDeletedUtc, bool HasPackage, string? Error, Guid? RetryOfJobId, int Attempt, string? Node,
        IReadOnlyList<JobLayerResponse> Layers, JobSnapshot? Live)
    {
        public static JobResponse From(JobDetails d, JobSnapshot? live)
        {
            var j = d.Job;
            return new JobResponse(j.Id, live?.State ?? j.State, live?.Fraction ?? j.Progress, live?.CurrentStep ?? j.CurrentStep, j.CreatedByUserId,
                j.CreatedByName, j.CreatedUtc, j.StartedUtc, j.FinishedUtc, j.DurationSeconds, j.WebMapId, j.WebMapTitle, j.AreaId, j.AreaName,
                j.AreaGeoJson, j.CrewId, j.CrewName, j.ParametersJson, j.OverridesJson, j.PackageBytes, j.PackageDeletedUtc, d.HasPackage,
                j.Error, j.RetryOfJobId, j.Attempt, j.Node,
                [.. d.Layers.Select(l => new JobLayerResponse(l.LayerId, l.Title, l.Kind, l.Status, l.FeatureCount, l.Bytes, l.Error))],
                live is { IsFinished: false } ? live : null);
        }
    }

    public sealed record JobLogEntryResponse(int Sequence, DateTime TimestampUtc, JobLogLevel Level, string Message);

    private static async Task<Results<Ok<JobPage>, ValidationProblem>> ListAsync([AsParameters] JobListParameters parameters, JobService service, CancellationToken cancellationToken)
    {
        try
        {
            return TypedResults.Ok(await service.QueryAsync(parameters.ToQuery(), cancellationToken));
        }
        catch (RequestValidationException ex)
        {
            return TypedResults.ValidationProblem(ex.Errors.ToDictionary());
        }
    }

    private static async Task<Results<Ok<JobResponse>, NotFound>> GetAsync(Guid id, JobService service, JobMonitor monitor, CancellationToken cancellationToken) =>
        await service.GetAsync(id, cancellationToken) is { } details
            ? TypedResults.Ok(JobResponse.From(details, monitor.Get(id)))
            : TypedResults.NotFound();

    private static async Task<Results<Ok<List<JobLogEntryResponse>>, NotFound>> GetLogAsync(
        Guid id, JobService service, CancellationToken cancellationToken, int after = 0, int take = 1000)
    {
        if (!await service.ExistsAsync(id, cancellationToken))
        {
            return TypedResults.NotFound();
        }
        var entries = await service.GetLogAsync(id, after, take, cancellationToken);
        return TypedResults.Ok(entries.Select(e => new JobLogEntryResponse(e.Sequence, e.TimestampUtc, e.Level, e.Message)).ToList());
    }

    private static async Task<Results<Created<JobResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        CreateJobRequest request, HttpContext context, JobService service, JobMonitor monitor, CancellationToken cancellationToken)
    {
        try
        {
            var job = await service.CreateAsync(request, context.User.ToActor(), cancellationToken);
            var details = await service.GetAsync(job.Id, cancellationToken);
            return TypedResults.Created($"/api/v1/jobs/{job.Id}", JobResponse.From(details!, monitor.Get(job.Id)));
        }
        catch (JobQueueFullException ex)
        {
            return QueueFull(context, ex);
        }
        catch (RequestValidationException ex)
        {
            return TypedResults.ValidationProblem(ex.Errors.ToDictionary());
        }
    }

    private static async Task<Results<Accepted<JobCancelResponse>, Ok<JobCancelResponse>, NotFound, Conflict<JobCancelResponse>>> CancelAsync(
        Guid id, HttpContext context, JobService service, CancellationToken cancellationToken)
    {
        var result = await service.CancelAsync(id, context.User.ToActor(), cancellationToken);
        var body = new JobCancelResponse(id, result);
        return result switch
        {
            JobCancelResult.NotFound => TypedResults.NotFound(),
            JobCancelResult.Cancelled => TypedResults.Ok(body),
            JobCancelResult.CancellationRequested => TypedResults.Accepted($"/api/v1/jobs/{id}", body),
            _ => TypedResults.Conflict(body),
        };
    }

    public sealed record JobCancelResponse(Guid Id, JobCancelResult Result);

    private static async Task<Results<Created<JobResponse>, NotFound, ValidationProblem, ProblemHttpResult>> RetryAsync(
        Guid id, HttpContext context, JobService service, JobMonitor monitor, CancellationToken cancellationToken)
    {
        try
        {
            var job = await service.RetryAsync(id, context.User.ToActor(), cancellationToken);
            if (job is null)
            {
                return TypedResults.NotFound();
            }
            var details = await service.GetAsync(job.Id, cancellationToken);
            return TypedResults.Created($"/api/v1/jobs/{job.Id}", JobResponse.From(details!, monitor.Get(job.Id)));
        }
        catch (JobQueueFullException ex)
        {
            return QueueFull(context, ex);
        }
        catch (RequestValidationException ex)
        {
            return TypedResults.ValidationProblem(ex.Errors.ToDictionary());
        }
    }

    /// <summary>A full queue is the server being busy, not a bad request: 503 with Retry-After, and the same errors by field.</summary>
    private static ProblemHttpResult QueueFull(HttpContext context, JobQueueFullException ex)
    {
        context.Response.Headers.RetryAfter = ((int)JobQueueFullException.RetryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        return TypedResults.Problem(ex.Message, statusCode: StatusCodes.Status503ServiceUnavailable, title: "The job queue is full",
            extensions: new Dictionary<string, object?>(StringComparer.Ordinal) { ["errors"] = ex.Errors, ["waiting"] = ex.Waiting });
    }

    private static async Task<IResult> DownloadAsync(Guid id, JobService service, PackageZipStreamer zip, CancellationToken cancellationToken)
    {
        var details = await service.GetAsync(id, cancellationToken);
        if (details is null)
        {
            return TypedResults.NotFound();
        }
        var directory = await service.GetPackageDirectoryAsync(id, cancellationToken);
        if (directory is null)
        {
            return TypedResults.Problem(
                details.Job.PackageDeletedUtc is not null ? "The package was deleted (retention or by an admin); the job's record is kept." : "This job has no package.",
                statusCode: StatusCodes.Status404NotFound);
        }
        var fileName = PackageFileName(details.Job);
        return Results.Stream(stream => zip.WriteAsync(directory, stream, cancellationToken), "application/zip", fileName);
    }

    /// <summary>
    /// 204 when deleted; 404 for an unknown job; 409 while the job is queued or running, or when it has no package (any more).
    /// A download already streaming from the folder is cut off: the person deleting has decided the package must go.
    /// </summary>
    private static async Task<Results<NoContent, NotFound, ProblemHttpResult>> DeletePackageAsync(
        Guid id, HttpContext context, JobService service, CancellationToken cancellationToken)
    {
        var details = await service.GetAsync(id, cancellationToken);
        if (details is null)
        {
            return TypedResults.NotFound();
        }
        if (details.PackageDeletionRefusal is { } refusal)
        {
            return TypedResults.Problem(refusal, statusCode: StatusCodes.Status409Conflict);
        }
        var actor = context.User.ToActor();
        return await service.DeletePackageAsync(id, JobDetails.DeletedByHandReason(actor), cancellationToken)
            ? TypedResults.NoContent()
            : TypedResults.Problem("The package was deleted or the job changed meanwhile.", statusCode: StatusCodes.Status409Conflict);
    }

    private static async Task<IResult> ExportAsync([AsParameters] JobListParameters parameters, HttpContext context, JobService service, TimeProvider time, CancellationToken cancellationToken)
    {
        JobQuery query;
        try
        {
            query = parameters.ToQuery();
        }
        catch (RequestValidationException ex)
        {
            return TypedResults.ValidationProblem(ex.Errors.ToDictionary());
        }
        context.Response.ContentType = "text/csv; charset=utf-8";
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"offlineportal-jobs-{time.GetUtcNow().ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}.csv\"";
        await service.ExportCsvAsync(query, context.Response.Body, cancellationToken);
        return Results.Empty;
    }

    /// <summary><c>offline-map-&lt;area&gt;-&lt;yyyyMMdd&gt;-&lt;short id&gt;.zip</c>, with only safe characters.</summary>
    public static string PackageFileName(Job job)
    {
        ArgumentNullException.ThrowIfNull(job);
        var area = UnsafeFileChars().Replace(job.AreaName, "-").Trim('-');
        if (area.Length > 60)
        {
            area = area[..60];
        }
        return string.Create(CultureInfo.InvariantCulture, $"offline-map-{(area.Length == 0 ? "area" : area)}-{(job.FinishedUtc ?? job.CreatedUtc):yyyyMMdd}-{job.Id.ToString("N")[..8]}.zip");
    }

    [GeneratedRegex("[^A-Za-z0-9._-]+")]
    private static partial Regex UnsafeFileChars();
}
