using System.Buffers.Text;
using System.Globalization;
using System.Text.Json;

namespace OfflinePortal.Core.ArcGis.Json;

/// <summary>A token captured from the stream (structure and scalars at structural level).</summary>
internal readonly record struct JsonToken(JsonTokenType Type, string? Text = null, long? Integer = null, double Number = double.NaN)
{
    public bool IsName(string name) => Type == JsonTokenType.PropertyName && string.Equals(Text, name, StringComparison.OrdinalIgnoreCase);
}

/// <summary>Reads one JSON value starting at the reader's current token; must leave the reader on the value's last token.</summary>
internal delegate T JsonValueReader<in TState, out T>(ref Utf8JsonReader reader, TState state);

/// <summary>
/// Pull-based JSON over a <see cref="Stream"/>: an incremental <see cref="Utf8JsonReader"/> whose buffer is refilled
/// (and grown only when one value does not fit). Callers walk the structure token by token and read small values
/// (one feature) whole; nothing else is kept. Large base64 strings are decoded straight into a stream without ever
/// being held whole.
/// </summary>
internal sealed class StreamingJsonSource : IDisposable
{
    private static readonly JsonReaderOptions Options = new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip };
    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly int _maxBufferSize;
    private readonly string _origin;
    private byte[] _buffer;
    private int _start;
    private int _end;
    private bool _eof;
    private long _discarded;
    private JsonReaderState _state = new(Options);

    public StreamingJsonSource(Stream stream, string origin, int initialBufferSize = 64 * 1024, int maxBufferSize = 256 * 1024 * 1024, bool leaveOpen = false)
    {
        _stream = stream;
        _origin = origin;
        _leaveOpen = leaveOpen;
        _maxBufferSize = Math.Max(maxBufferSize, initialBufferSize);
        _buffer = new byte[Math.Max(initialBufferSize, 256)];
        PeakBufferSize = _buffer.Length;
    }

    /// <summary>The largest the buffer has grown (bytes): stays at the initial size unless one value was larger.</summary>
    public int PeakBufferSize { get; private set; }

    /// <summary>Bytes of the document consumed so far.</summary>
    public long BytesConsumed => _discarded + _start;

    /// <summary>Bytes read from the stream so far (consumed plus buffered ahead).</summary>
    public long BytesRead => _discarded + _end;

    public JsonToken Token { get; private set; }

    /// <summary>Reads the next token; fails on truncation.</summary>
    public async ValueTask<JsonToken> ReadTokenAsync(CancellationToken cancellationToken)
    {
        while (!TryReadToken())
        {
            await FillAsync(cancellationToken).ConfigureAwait(false);
        }
        return Token;
    }

    /// <summary>Reads the next token and checks its type.</summary>
    public async ValueTask<JsonToken> ExpectAsync(JsonTokenType type, string what, CancellationToken cancellationToken)
    {
        var token = await ReadTokenAsync(cancellationToken).ConfigureAwait(false);
        return token.Type == type ? token : throw Unexpected(token, what);
    }

    /// <summary>Reads the next complete value (buffering it whole) and hands it to <paramref name="read"/>.</summary>
    public async ValueTask<T> ReadValueAsync<TState, T>(JsonValueReader<TState, T> read, TState state, CancellationToken cancellationToken)
    {
        while (true)
        {
            var (status, value) = TryReadValue(read, state, stopAtEndArray: false, optimistic: false);
            if (status == ValueStatus.Value)
            {
                return value!;
            }
            await FillAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The next element of the current array, or <c>(false, default)</c> after consuming its end.</summary>
    /// <param name="optimistic">
    /// The reader copes with a partial buffer (it stops when <see cref="Utf8JsonReader.Read"/> returns false): parse
    /// straight away and check afterwards that the whole value was there, instead of scanning it twice.
    /// </param>
    public async ValueTask<(bool HasValue, T Value)> ReadElementAsync<TState, T>(JsonValueReader<TState, T> read, TState state, CancellationToken cancellationToken,
        bool optimistic = false)
    {
        while (true)
        {
            var (status, value) = TryReadValue(read, state, stopAtEndArray: true, optimistic);
            switch (status)
            {
                case ValueStatus.Value:
                    return (true, value!);
                case ValueStatus.EndOfArray:
                    return (false, default!);
            }
            await FillAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Skips the next value without needing it whole in memory.</summary>
    public ValueTask SkipValueAsync(CancellationToken cancellationToken) => CopyValueToAsync(Stream.Null, cancellationToken);

    /// <summary>Copies the raw bytes of the next value to <paramref name="destination"/> (for replaying it later).</summary>
    public async ValueTask CopyValueToAsync(Stream destination, CancellationToken cancellationToken)
    {
        var depth = 0;
        while (true)
        {
            var from = _start;
            var done = ScanValue(ref depth);
            if (_start > from && destination != Stream.Null)
            {
                await destination.WriteAsync(_buffer.AsMemory(from, _start - from), cancellationToken).ConfigureAwait(false);
            }
            if (done)
            {
                return;
            }
            await FillAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// After a property name token: decodes the base64 string value into <paramref name="destination"/> piece by
    /// piece. Returns false (and consumes the value) when the value is null or not a string.
    /// </summary>
    public async ValueTask<bool> ReadBase64ToAsync(Stream destination, CancellationToken cancellationToken)
    {
        while (true)
        {
            while (_start < _end && _buffer[_start] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
            {
                _start++;
            }
            if (_start < _end)
            {
                break;
            }
            await FillAsync(cancellationToken).ConfigureAwait(false);
        }
        if (_buffer[_start] != (byte)'"')
        {
            await SkipValueAsync(cancellationToken).ConfigureAwait(false);
            return false;
        }
        _start++;
        var clean = new byte[16 * 1024];
        var decoded = new byte[12 * 1024];
        var cleanLength = 0;
        while (true)
        {
            var closed = false;
            var i = _start;
            while (i < _end)
            {
                var b = _buffer[i];
                if (b == (byte)'"')
                {
                    closed = true;
                    i++;
                    break;
                }
                if (b == (byte)'\\')
                {
                    if (i + 1 >= _end || (_buffer[i + 1] == (byte)'u' && i + 5 >= _end))
                    {
                        break; // the escape continues in the next read
                    }
                    var escaped = _buffer[i + 1];
                    if (escaped == (byte)'u')
                    {
                        var hex = System.Text.Encoding.ASCII.GetString(_buffer, i + 2, 4);
                        var code = int.TryParse(hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var c) ? c : -1;
                        if (code is > 32 and < 127)
                        {
                            clean[cleanLength++] = (byte)code;
                        }
                        i += 6;
                    }
                    else
                    {
                        if (escaped == (byte)'/')
                        {
                            clean[cleanLength++] = (byte)'/';
                        }
                        else if (escaped is not ((byte)'n' or (byte)'r' or (byte)'t' or (byte)'b' or (byte)'f'))
                        {
                            throw new ArcGisProtocolException($"The attachment data in {_origin} is not base64 (escaped '{(char)escaped}').", _origin);
                        }
                        i += 2;
                    }
                }
                else
                {
                    if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
                    {
                        clean[cleanLength++] = b;
                    }
                    i++;
                }
                if (cleanLength >= clean.Length - 8)
                {
                    cleanLength = await DecodeAsync(clean, cleanLength, decoded, destination, final: false, cancellationToken).ConfigureAwait(false);
                }
            }
            _start = i;
            if (closed)
            {
                await DecodeAsync(clean, cleanLength, decoded, destination, final: true, cancellationToken).ConfigureAwait(false);
                // The reader's state still expects the value: feed it an empty string so it moves past it.
                var fix = new Utf8JsonReader("\"\""u8, isFinalBlock: false, _state);
                fix.Read();
                _state = fix.CurrentState;
                return true;
            }
            await FillAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public ArcGisProtocolException Unexpected(JsonToken token, string what) =>
        new(string.Create(CultureInfo.InvariantCulture, $"{_origin} is not the expected JSON: {what} expected at byte {BytesConsumed}, found {token.Type}{(token.Text is null ? "" : " '" + token.Text + "'")}."), _origin);

    public ArcGisProtocolException Invalid(string message) =>
        new(string.Create(CultureInfo.InvariantCulture, $"{_origin} is not the expected JSON at byte {BytesConsumed}: {message}"), _origin);

    public void Dispose()
    {
        if (!_leaveOpen)
        {
            _stream.Dispose();
        }
    }

    private enum ValueStatus
    {
        NeedMore,
        Value,
        EndOfArray,
    }

    private Utf8JsonReader CreateReader() => new(_buffer.AsSpan(_start, _end - _start), _eof, _state);

    private void Commit(ref Utf8JsonReader reader)
    {
        _start += (int)reader.BytesConsumed;
        _state = reader.CurrentState;
    }

    private bool TryReadToken()
    {
        var reader = CreateReader();
        try
        {
            if (!reader.Read())
            {
                return _eof ? throw Truncated() : false;
            }
            Token = reader.TokenType switch
            {
                JsonTokenType.PropertyName or JsonTokenType.String => new JsonToken(reader.TokenType, reader.GetString()),
                JsonTokenType.Number => new JsonToken(JsonTokenType.Number, null, reader.TryGetInt64(out var l) ? l : null, reader.GetDouble()),
                _ => new JsonToken(reader.TokenType),
            };
        }
        catch (JsonException e)
        {
            throw Malformed(e);
        }
        Commit(ref reader);
        return true;
    }

    private (ValueStatus Status, T? Value) TryReadValue<TState, T>(JsonValueReader<TState, T> read, TState state, bool stopAtEndArray, bool optimistic)
    {
        var reader = CreateReader();
        T value;
        try
        {
            if (!reader.Read())
            {
                return _eof ? throw Truncated() : (ValueStatus.NeedMore, default);
            }
            if (stopAtEndArray && reader.TokenType == JsonTokenType.EndArray)
            {
                Commit(ref reader);
                return (ValueStatus.EndOfArray, default);
            }
            var start = reader;
            if (optimistic && !_eof && reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                // Most values lie wholly in the buffer: parse them in one pass. A value cut off by the end of the
                // buffer leaves the reader short of its closing token (or makes a Skip throw); then fall back.
                var depth = reader.CurrentDepth;
                var closing = reader.TokenType == JsonTokenType.StartObject ? JsonTokenType.EndObject : JsonTokenType.EndArray;
                try
                {
                    value = read(ref reader, state);
                    if (reader.TokenType == closing && reader.CurrentDepth == depth)
                    {
                        Commit(ref reader);
                        return (ValueStatus.Value, value);
                    }
                }
                catch (Exception e) when (e is InvalidOperationException or JsonException or FormatException or ArgumentException)
                {
                    // Cut off mid-value; the checked path below decides whether more data is needed or the value is bad.
                }
                reader = start;
            }
            var probe = start;
            if (!probe.TrySkip())
            {
                return _eof ? throw Truncated() : (ValueStatus.NeedMore, default);
            }
            value = read(ref reader, state);
        }
        catch (JsonException e)
        {
            throw Malformed(e);
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException or OverflowException)
        {
            throw Invalid(e.Message);
        }
        Commit(ref reader);
        return (ValueStatus.Value, value);
    }

    /// <summary>Advances over as much of the next value as is buffered; true once the value is complete.</summary>
    private bool ScanValue(ref int depth)
    {
        var reader = CreateReader();
        var done = false;
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    depth++;
                }
                else if (reader.TokenType is JsonTokenType.EndObject or JsonTokenType.EndArray)
                {
                    depth--;
                }
                // Back at the starting depth after anything but a property name: the value is complete
                // (a scalar is complete at once).
                if (depth == 0 && reader.TokenType != JsonTokenType.PropertyName)
                {
                    done = true;
                    break;
                }
            }
        }
        catch (JsonException e)
        {
            throw Malformed(e);
        }
        if (!done && _eof)
        {
            throw Truncated();
        }
        Commit(ref reader);
        return done;
    }

    private async ValueTask FillAsync(CancellationToken cancellationToken)
    {
        if (_eof)
        {
            throw Truncated();
        }
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _discarded += _start;
            _start = 0;
        }
        if (_end == _buffer.Length)
        {
            if (_buffer.Length >= _maxBufferSize)
            {
                throw Invalid(string.Create(CultureInfo.InvariantCulture, $"a single value is larger than {_maxBufferSize} bytes."));
            }
            Array.Resize(ref _buffer, (int)Math.Min((long)_buffer.Length * 2, _maxBufferSize));
            PeakBufferSize = Math.Max(PeakBufferSize, _buffer.Length);
        }
        var read = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
        if (read == 0)
        {
            _eof = true;
        }
        _end += read;
    }

    /// <summary>
    /// Decodes the base64 gathered so far. Before the end of the string the last quad is kept back, so that padding
    /// is only ever seen by the final call. Returns how many undecoded bytes remain at the start of <paramref name="clean"/>.
    /// </summary>
    private async ValueTask<int> DecodeAsync(byte[] clean, int length, byte[] decoded, Stream destination, bool final, CancellationToken cancellationToken)
    {
        if (final && length % 4 is 2 or 3)
        {
            // Some writers leave out the padding.
            while (length % 4 != 0)
            {
                clean[length++] = (byte)'=';
            }
        }
        var usable = final ? length : Math.Max(0, ((length / 4) - 1) * 4);
        var offset = 0;
        while (offset < usable)
        {
            var status = Base64.DecodeFromUtf8(clean.AsSpan(offset, usable - offset), decoded, out var consumed, out var written, isFinalBlock: true);
            if (written > 0)
            {
                await destination.WriteAsync(decoded.AsMemory(0, written), cancellationToken).ConfigureAwait(false);
            }
            offset += consumed;
            if (status == System.Buffers.OperationStatus.Done)
            {
                break;
            }
            if (status != System.Buffers.OperationStatus.DestinationTooSmall)
            {
                throw new ArcGisProtocolException($"The attachment data in {_origin} is not valid base64 (near byte {BytesConsumed}).", _origin);
            }
        }
        var rest = length - usable;
        Buffer.BlockCopy(clean, usable, clean, 0, rest);
        return rest;
    }

    private ArcGisProtocolException Truncated() =>
        new(string.Create(CultureInfo.InvariantCulture, $"{_origin} ends early (truncated after {BytesRead} bytes)."), _origin);

    private ArcGisProtocolException Malformed(JsonException e) =>
        _eof && (e.Message.Contains("end of data", StringComparison.OrdinalIgnoreCase) || e.Message.Contains("end of the JSON", StringComparison.OrdinalIgnoreCase))
            ? new(string.Create(CultureInfo.InvariantCulture, $"{_origin} ends early (truncated after {BytesRead} bytes): {e.Message}"), _origin, e)
            : new(string.Create(CultureInfo.InvariantCulture, $"{_origin} is not valid JSON near byte {BytesConsumed}: {e.Message}"), _origin, e);
}
