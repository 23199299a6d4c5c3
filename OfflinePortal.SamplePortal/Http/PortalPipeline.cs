using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace OfflinePortal.SamplePortal.Http;

/// <summary>
/// Runs around every endpoint of the mount (the tile endpoints too): injected faults first, then token security.
/// Applied as a group convention so endpoints added to the group later get it as well.
/// </summary>
internal sealed class PortalPipeline(SamplePortalFaults faults, TokenService tokens, string prefix)
{
    private static readonly string[] PublicPaths = ["/sharing/rest/info", "/sharing/rest/generateToken", "/arcgis/rest/info", "/sharing/rest"];

    public async Task InvokeAsync(HttpContext ctx, RequestDelegate next)
    {
        var path = ctx.Request.PathBase.Add(ctx.Request.Path).Value ?? "";
        var decision = faults.Decide(path);
        if (decision.Delay > TimeSpan.Zero)
        {
            await Task.Delay(decision.Delay, ctx.RequestAborted).ConfigureAwait(false);
        }
        if (decision.FailStatus is { } status)
        {
            await ArcGisResponse.WriteErrorAsync(ctx, "json", new ArcGisException(status, "Service unavailable (injected fault)."), status).ConfigureAwait(false);
            return;
        }
        if (decision.DropAfter is { } bytes)
        {
            ctx.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
            ctx.Response.Body = new DroppingStream(ctx.Response.Body, bytes, ctx);
        }
        if (tokens.Enabled && !IsPublic(ctx))
        {
            var request = await ArcGisRequest.ReadAsync(ctx, prefix).ConfigureAwait(false);
            var check = tokens.Validate(request.Token);
            if (check != TokenService.Check.Valid)
            {
                var error = check == TokenService.Check.Missing
                    ? new ArcGisException(499, "Token Required", "Token Required") { MessageCode = "GWM_0003" }
                    : new ArcGisException(498, "Invalid token.");
                await ArcGisResponse.WriteErrorAsync(ctx, request.Format, error).ConfigureAwait(false);
                return;
            }
        }
        await next(ctx).ConfigureAwait(false);
    }

    private bool IsPublic(HttpContext ctx)
    {
        var path = ctx.Request.Path.Value ?? "";
        var rest = path.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) ? path[prefix.Length..].TrimEnd('/') : path;
        return PublicPaths.Any(p => string.Equals(p, rest, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Passes the first bytes of the body through, then aborts the connection: a server dying mid-response.</summary>
    private sealed class DroppingStream(Stream inner, int allowed, HttpContext ctx) : Stream
    {
        private int _remaining = allowed;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush() => inner.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => _remaining > 0 ? inner.FlushAsync(cancellationToken) : Task.CompletedTask;

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count)
        {
            if (_remaining <= 0)
            {
                return;
            }
            var n = Math.Min(_remaining, count);
            inner.Write(buffer, offset, n);
            _remaining -= n;
            if (_remaining <= 0)
            {
                inner.Flush();
                ctx.Abort();
            }
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_remaining <= 0)
            {
                return;
            }
            var n = Math.Min(_remaining, buffer.Length);
            await inner.WriteAsync(buffer[..n], cancellationToken).ConfigureAwait(false);
            _remaining -= n;
            if (_remaining <= 0)
            {
                await inner.FlushAsync(cancellationToken).ConfigureAwait(false);
                ctx.Abort();
            }
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }
}
