using System.Buffers;

namespace OfflinePortal.Core.ArcGis;

/// <summary>Bytes in an array rented from <see cref="ArrayPool{T}.Shared"/>; disposing returns the array (once).</summary>
internal sealed class PooledBytes(byte[] array, int length) : IDisposable
{
    private byte[]? _array = array;

    public int Length { get; } = length;

    public ReadOnlyMemory<byte> Memory => (_array ?? throw new ObjectDisposedException(nameof(PooledBytes))).AsMemory(0, Length);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _array, null) is { } rented)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
