using System.Globalization;

namespace OfflinePortal.Core.ArcGis;

/// <summary>
/// Base of every failure the ArcGIS clients report. <see cref="RequestUrl"/> and the message never contain a token
/// (secret query parameters are redacted before the exception is built).
/// </summary>
public abstract class ArcGisException : Exception
{
    private protected ArcGisException(string message, string? requestUrl, Exception? innerException)
        : base(message, innerException)
    {
        RequestUrl = ArcGisUrl.Redact(requestUrl);
    }

    /// <summary>The URL that failed, with secrets redacted (empty when not known).</summary>
    public string RequestUrl { get; }
}

/// <summary>
/// The service answered with an ArcGIS error: the <c>{"error":{code,message,details,messageCode}}</c> envelope (which
/// usually arrives with HTTP 200), or an HTTP error status.
/// </summary>
public sealed class ArcGisServiceException : ArcGisException
{
    public ArcGisServiceException(int code, string serviceMessage, IReadOnlyList<string>? details = null, string? messageCode = null,
        string? requestUrl = null, int? httpStatus = null, Exception? innerException = null)
        : base(Format(code, serviceMessage, details, requestUrl), requestUrl, innerException)
    {
        Code = code;
        ServiceMessage = serviceMessage;
        Details = details ?? [];
        MessageCode = messageCode;
        HttpStatus = httpStatus;
    }

    /// <summary>The ArcGIS error code (<c>error.code</c>), or the HTTP status when the body held no envelope.</summary>
    public int Code { get; }

    /// <summary>The service's own message (<c>error.message</c>).</summary>
    public string ServiceMessage { get; }

    public IReadOnlyList<string> Details { get; }

    /// <summary>The optional <c>error.messageCode</c>, e.g. <c>GWM_0003</c>.</summary>
    public string? MessageCode { get; }

    /// <summary>The HTTP status of the answer (often 200 for an error envelope).</summary>
    public int? HttpStatus { get; }

    /// <summary>498: the token is invalid or expired.</summary>
    public bool IsTokenInvalid => Code == 498;

    /// <summary>499: the resource needs a token and none was sent.</summary>
    public bool IsTokenRequired => Code == 499;

    public bool IsPermissionDenied => Code == 403;

    public bool IsNotFound => Code == 404 || HttpStatus == 404
        || ServiceMessage.Contains("does not exist or is inaccessible", StringComparison.OrdinalIgnoreCase);

    private static string Format(int code, string message, IReadOnlyList<string>? details, string? url)
    {
        var text = string.Create(CultureInfo.InvariantCulture, $"The service at {ArcGisUrl.Redact(url)} answered error {code}: {message}");
        if (details is { Count: > 0 })
        {
            var extra = details.Where(d => !string.IsNullOrWhiteSpace(d) && !string.Equals(d, message, StringComparison.Ordinal)).ToList();
            if (extra.Count > 0)
            {
                text += " (" + string.Join("; ", extra) + ")";
            }
        }
        return code switch
        {
            498 => text + ". The token is invalid or has expired.",
            499 => text + ". The service needs a signed-in user or a token.",
            _ => text,
        };
    }
}

/// <summary>
/// The answer could not be used: HTML (a sign-in page or a proxy error) where JSON was expected, a body that is not
/// JSON, truncated JSON, an answer too large, or JSON of an unexpected shape.
/// </summary>
public sealed class ArcGisProtocolException(string message, string? requestUrl = null, Exception? innerException = null)
    : ArcGisException(message, requestUrl, innerException);

/// <summary>The service could not be reached or stopped answering (after the configured retries).</summary>
public sealed class ArcGisConnectionException(string message, string? requestUrl = null, Exception? innerException = null)
    : ArcGisException(message, requestUrl, innerException);

/// <summary>An asynchronous server job (createReplica, synchronizeReplica) ended as failed or did not finish in time.</summary>
public sealed class ArcGisJobFailedException(string message, string status, string? requestUrl = null, Exception? innerException = null)
    : ArcGisException(message, requestUrl, innerException)
{
    /// <summary>The last status the job reported (<c>Failed</c>, or the running status when it timed out).</summary>
    public string Status { get; } = status;
}
