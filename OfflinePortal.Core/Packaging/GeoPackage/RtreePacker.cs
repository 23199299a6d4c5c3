using System.Buffers.Binary;
using Microsoft.Data.Sqlite;

namespace OfflinePortal.Core.Packaging;

/// <summary>
/// Fills an empty SQLite R*Tree (<c>rtree(id, minx, maxx, miny, maxy)</c>, 32-bit float bounds) in one pass as a
/// packed Hilbert R-tree (rows sorted by their centre's position on a Hilbert curve, cut into full nodes, level by
/// level), writing its shadow tables directly in SQLite's documented node format instead of inserting row by row
/// (which walks and splits nodes for every row: most of a large layer's load time).
/// </summary>
/// <remarks>
/// <para>Shadow tables (SQLite's <c>ext/rtree/rtree.c</c>): <c>&lt;name&gt;_node(nodeno INTEGER PRIMARY KEY, data)</c> holds one
/// blob per node, all of the node size the module chose at creation (the root's length); node 1 is the root.
/// A node is big-endian: a 2-byte tree depth (meaningful on the root only, 0 elsewhere; leaves are depth 0), a
/// 2-byte cell count, then cells of an 8-byte id (a rowid in a leaf, a child node number above) and four float32
/// bounds (minx, maxx, miny, maxy), the rest zero. <c>&lt;name&gt;_rowid(rowid, nodeno)</c> maps every indexed row to its leaf,
/// <c>&lt;name&gt;_parent(nodeno, parentnode)</c> every non-root node to its parent.</para>
/// <para>Bounds are rounded outward to float32, as the module does, so a stored box always contains the feature's.
/// The tree is packed full; later edits go through the module (the GeoPackage triggers) and split nodes as usual.
/// The one sort runs in SQLite (an external merge sort into temp files), so memory stays flat however many rows there
/// are; only the upper levels (one entry per leaf node) are held in memory.</para>
/// </remarks>
internal static class RtreePacker
{
    private const int CellBytes = 8 + (4 * sizeof(float));
    private const int HeaderBytes = 4;
    private const string HilbertFunction = "op_rtree_hilbert";

    /// <summary>
    /// Packs <paramref name="source"/> (a table or sub-select with columns <c>id, minx, maxx, miny, maxy</c>) into the
    /// empty R-tree <paramref name="rtree"/>; returns the number of rows indexed.
    /// </summary>
    /// <exception cref="InvalidOperationException">The R-tree is not empty, or not a 2-D float R-tree.</exception>
    public static long Pack(SqliteConnection connection, SqliteTransaction transaction, string rtree, string source)
    {
        var nodeTable = PackageNames.QuoteIdentifier(rtree + "_node");
        var rowidTable = PackageNames.QuoteIdentifier(rtree + "_rowid");
        var parentTable = PackageNames.QuoteIdentifier(rtree + "_parent");
        var nodeSize = checked((int)(long)Scalar(connection, transaction, $"SELECT length(data) FROM {nodeTable} WHERE nodeno = 1"));
        if ((long)Scalar(connection, transaction, $"SELECT count(*) FROM {rowidTable}") != 0 ||
            (long)Scalar(connection, transaction, $"SELECT count(*) FROM {nodeTable}") != 1)
        {
            throw new InvalidOperationException($"The R-tree {rtree} is not empty; only an empty R-tree can be packed.");
        }
        var capacity = (nodeSize - HeaderBytes) / CellBytes;
        if (capacity < 4)
        {
            throw new InvalidOperationException($"The R-tree {rtree} has {nodeSize}-byte nodes, too small for a 2-D float R-tree.");
        }
        var count = (long)Scalar(connection, transaction, $"SELECT count(*) FROM {source}");
        if (count == 0)
        {
            return 0;
        }

        using var writer = new NodeWriter(connection, nodeTable, rowidTable, parentTable, nodeSize);
        if (count <= capacity)
        {
            writer.WriteRoot(Read(connection, transaction, $"SELECT id, minx, maxx, miny, maxy FROM {source}"), depth: 0, isLeaf: true);
            return count;
        }

        // Leaves: the rows in the order of their centres along a Hilbert curve over the layer's extent, cut every
        // `capacity` rows. One sort, done by SQLite; neighbours on the curve are neighbours on the map.
        var extent = Read(connection, transaction, $"SELECT 0, min(minx), max(maxx), min(miny), max(maxy) FROM {source}")[0];
        var curve = new HilbertCurve(extent.MinX, extent.MaxX, extent.MinY, extent.MaxY);
        connection.CreateFunction<double, double, long>(HilbertFunction, curve.Index, isDeterministic: true);
        var level = new List<Entry>((int)((count + capacity - 1) / capacity));
        var nextNode = 2L;
        using (var sorted = new SqliteStatement(connection, $"SELECT id, minx, maxx, miny, maxy FROM {source} ORDER BY {HilbertFunction}(minx + maxx, miny + maxy)"))
        {
            var cells = new List<Entry>(capacity);
            while (sorted.Read())
            {
                cells.Add(Entry.Outward(sorted.GetInt64(0), sorted.GetDouble(1), sorted.GetDouble(2), sorted.GetDouble(3), sorted.GetDouble(4)));
                if (cells.Count == capacity)
                {
                    level.Add(writer.WriteNode(nextNode++, cells, isLeaf: true));
                    cells.Clear();
                }
            }
            if (cells.Count > 0)
            {
                level.Add(writer.WriteNode(nextNode++, cells, isLeaf: true));
            }
        }

        // Upper levels: runs of `capacity` nodes in the same order (one entry per node below: small, in memory).
        var depth = 1;
        while (level.Count > capacity)
        {
            var parents = new List<Entry>((level.Count + capacity - 1) / capacity);
            for (var i = 0; i < level.Count; i += capacity)
            {
                parents.Add(writer.WriteNode(nextNode++, level.GetRange(i, Math.Min(capacity, level.Count - i)), isLeaf: false));
            }
            level = parents;
            depth++;
        }
        writer.WriteRoot(level, depth, isLeaf: false);
        return count;
    }

    /// <summary>Positions on a Hilbert curve of 2^16 × 2^16 cells over an extent (points outside are clamped to its edge).</summary>
    private sealed class HilbertCurve(double minX, double maxX, double minY, double maxY)
    {
        private const int Order = 1 << 16;
        private readonly double _x0 = minX * 2;
        private readonly double _scaleX = maxX > minX ? (Order - 1) / ((maxX - minX) * 2) : 0;
        private readonly double _y0 = minY * 2;
        private readonly double _scaleY = maxY > minY ? (Order - 1) / ((maxY - minY) * 2) : 0;

        /// <summary>The curve index of a centre given as doubled coordinates (<c>min + max</c>, as the query passes them).</summary>
        public long Index(double doubledX, double doubledY)
        {
            var x = Cell((doubledX - _x0) * _scaleX);
            var y = Cell((doubledY - _y0) * _scaleY);
            long d = 0;
            for (var s = Order / 2; s > 0; s /= 2)
            {
                var rx = (x & s) > 0 ? 1 : 0;
                var ry = (y & s) > 0 ? 1 : 0;
                d += (long)s * s * ((3 * rx) ^ ry);
                if (ry == 0)
                {
                    if (rx == 1)
                    {
                        x = s - 1 - x;
                        y = s - 1 - y;
                    }
                    (x, y) = (y, x);
                }
            }
            return d;
        }

        private static int Cell(double value) => double.IsNaN(value) ? 0 : (int)Math.Clamp(value, 0, Order - 1);
    }

    /// <summary>Rows of (id, minx, maxx, miny, maxy), bounds rounded outward.</summary>
    private static List<Entry> Read(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var entries = new List<Entry>();
        while (reader.Read())
        {
            entries.Add(Entry.Outward(reader.GetInt64(0), reader.GetDouble(1), reader.GetDouble(2), reader.GetDouble(3), reader.GetDouble(4)));
        }
        return entries;
    }

    private static object Scalar(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command.ExecuteScalar() ?? throw new InvalidOperationException($"No value from: {sql}");
    }

    /// <summary>A cell: a row id (leaf) or child node number, and its float32 bounds.</summary>
    private readonly record struct Entry(long Id, float MinX, float MaxX, float MinY, float MaxY)
    {
        /// <summary>The bounds rounded outward to float32, so that the stored box contains the double-precision one.</summary>
        public static Entry Outward(long id, double minX, double maxX, double minY, double maxY) =>
            new(id, Down(minX), Up(maxX), Down(minY), Up(maxY));

        private static float Down(double value)
        {
            var f = (float)value;
            return f > value ? MathF.BitDecrement(f) : f;
        }

        private static float Up(double value)
        {
            var f = (float)value;
            return f < value ? MathF.BitIncrement(f) : f;
        }

        public static Entry Union(long id, List<Entry> cells)
        {
            float minX = float.PositiveInfinity, maxX = float.NegativeInfinity, minY = float.PositiveInfinity, maxY = float.NegativeInfinity;
            foreach (var c in cells)
            {
                minX = Math.Min(minX, c.MinX);
                maxX = Math.Max(maxX, c.MaxX);
                minY = Math.Min(minY, c.MinY);
                maxY = Math.Max(maxY, c.MaxY);
            }
            return new Entry(id, minX, maxX, minY, maxY);
        }
    }

    /// <summary>Prepared statements for the three shadow tables, and the node encoding.</summary>
    private sealed class NodeWriter : IDisposable
    {
        private readonly byte[] _buffer;
        private readonly SqliteStatement _insertNode;
        private readonly SqliteStatement _updateRoot;
        private readonly SqliteStatement _insertRowid;
        private readonly SqliteStatement _insertParent;

        public NodeWriter(SqliteConnection connection, string nodeTable, string rowidTable, string parentTable, int nodeSize)
        {
            _buffer = new byte[nodeSize];
            _insertNode = new SqliteStatement(connection, $"INSERT INTO {nodeTable} (nodeno, data) VALUES (?1, ?2)");
            _updateRoot = new SqliteStatement(connection, $"UPDATE {nodeTable} SET data = ?2 WHERE nodeno = ?1");
            _insertRowid = new SqliteStatement(connection, $"INSERT INTO {rowidTable} (rowid, nodeno) VALUES (?1, ?2)");
            _insertParent = new SqliteStatement(connection, $"INSERT INTO {parentTable} (nodeno, parentnode) VALUES (?1, ?2)");
        }

        /// <summary>Writes node <paramref name="node"/> holding <paramref name="cells"/>, and the map rows that point into it; returns its parent cell.</summary>
        public Entry WriteNode(long node, List<Entry> cells, bool isLeaf)
        {
            Encode(cells, depth: 0);
            Write(_insertNode, node);
            Link(node, cells, isLeaf);
            return Entry.Union(node, cells);
        }

        public void WriteRoot(List<Entry> cells, int depth, bool isLeaf)
        {
            Encode(cells, depth);
            Write(_updateRoot, 1);
            Link(1, cells, isLeaf);
        }

        private void Write(SqliteStatement statement, long node)
        {
            statement.Bind(1, node);
            statement.BindBlob(2, _buffer);
            statement.Execute();
        }

        private void Link(long node, List<Entry> cells, bool isLeaf)
        {
            var map = isLeaf ? _insertRowid : _insertParent;
            foreach (var cell in cells)
            {
                map.Bind(1, cell.Id);
                map.Bind(2, node);
                map.Execute();
            }
        }

        private void Encode(List<Entry> cells, int depth)
        {
            var span = _buffer.AsSpan();
            span.Clear();
            BinaryPrimitives.WriteUInt16BigEndian(span, checked((ushort)depth));
            BinaryPrimitives.WriteUInt16BigEndian(span[2..], checked((ushort)cells.Count));
            var offset = HeaderBytes;
            foreach (var cell in cells)
            {
                BinaryPrimitives.WriteInt64BigEndian(span[offset..], cell.Id);
                BinaryPrimitives.WriteSingleBigEndian(span[(offset + 8)..], cell.MinX);
                BinaryPrimitives.WriteSingleBigEndian(span[(offset + 12)..], cell.MaxX);
                BinaryPrimitives.WriteSingleBigEndian(span[(offset + 16)..], cell.MinY);
                BinaryPrimitives.WriteSingleBigEndian(span[(offset + 20)..], cell.MaxY);
                offset += CellBytes;
            }
        }

        public void Dispose()
        {
            _insertNode.Dispose();
            _updateRoot.Dispose();
            _insertRowid.Dispose();
            _insertParent.Dispose();
        }
    }
}
