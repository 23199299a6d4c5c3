using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using OfflinePortal.Core.ArcGis.Model;

namespace OfflinePortal.Core.Packaging;

/// <summary>
/// Writes one feature service into one GeoPackage (<c>data/&lt;service&gt;.gpkg</c>). Order of use:
/// <see cref="Create"/> → <see cref="AddSpatialReference"/> (optional; layers add theirs) → <see cref="AddLayerAsync"/>
/// per layer and table → <see cref="WriteFeaturesAsync(GeoPackageLayer, IAsyncEnumerable{EsriFeature}, CancellationToken)"/>
/// (any number of calls) and <see cref="AddAttachmentAsync"/> → <see cref="AddRelationshipAsync"/> →
/// <see cref="SetReplicaAsync"/> (editable packages) → <see cref="FinishAsync"/>, which builds the spatial indexes, fills
/// the relationship mapping tables, creates the change-log triggers and closes the file. Not thread-safe: one
/// caller at a time. Disposing without finishing leaves an incomplete file that the caller deletes.
/// </summary>
/// <remarks>
/// Microsoft.Data.Sqlite's async methods run synchronously, so the hot insert loop calls the synchronous API
/// directly and stays async only where it waits for the caller's data.
/// </remarks>
public sealed class FeatureGeoPackageWriter : IAsyncDisposable, IDisposable
{
    public const string RelatedTablesExtension = "gpkg_related_tables";
    public const string RelatedTablesDefinition = "http://docs.ogc.org/is/18-000/18-000.html";
    private const string RtreeDefinition = "http://www.geopackage.org/spec/#extension_rtree";
    private const string SchemaDefinition = "http://www.geopackage.org/spec/#extension_schema";
    private const int BlobChunkSize = 81920;

    private readonly GeoPackageDatabase _db;
    private readonly FeatureGeoPackageOptions _options;
    private readonly HashSet<string> _tableNames = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<int, TableState> _tables = [];
    private readonly List<RelationshipClass> _relationships = [];
    private readonly HashSet<string> _constraintNames = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _domainSignatures = new(StringComparer.Ordinal);
    private bool _relationsTableCreated;
    private bool _schemaTablesCreated;
    private bool _replicaSet;
    private bool _finished;

    private FeatureGeoPackageWriter(GeoPackageDatabase db, FeatureGeoPackageOptions options)
    {
        _db = db;
        _options = options;
    }

    public string Path => _db.Path;

    /// <summary>Creates a new GeoPackage at <paramref name="path"/> (which must not exist).</summary>
    public static FeatureGeoPackageWriter Create(string path, FeatureGeoPackageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var db = GeoPackageDatabase.Create(path);
        try
        {
            db.AddSpatialReference(GeoPackageSpatialReference.WebMercator);
            db.CreateGeometryColumnsTable();
            PackageSchema.CreateDescriptionTables(db);
            if (options.TrackChanges)
            {
                PackageSchema.CreateSyncTables(db);
            }
            return new FeatureGeoPackageWriter(db, options);
        }
        catch
        {
            db.Dispose();
            throw;
        }
    }

    /// <summary>Adds a spatial reference (EPSG or WKT-only); returns its srs_id. Layers add their own automatically.</summary>
    public int AddSpatialReference(SpatialReference reference)
    {
        ThrowIfFinished();
        return _db.AddSpatialReference(reference);
    }

    /// <summary>
    /// Creates the table for a layer (features) or table (attributes), its attachments table when the layer has
    /// attachments, and the metadata rows (contents, geometry column, aliases and coded-value domains).
    /// </summary>
    public Task<GeoPackageLayer> AddLayerAsync(LayerInfo layer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(layer);
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfFinished();
        if (_tables.ContainsKey(layer.Id))
        {
            throw new InvalidOperationException($"Layer {layer.Id} was already added.");
        }

        var isFeatures = !layer.IsTable && layer.GeometryType != EsriGeometryType.None;
        var tableName = PackageNames.ToTableName(layer.Name, _tableNames);
        var columns = PlanColumns(layer, out var objectIdColumn, out var globalIdColumn, out var objectIdField);
        string? geometryColumn = null;
        GeoPackageGeometryType? geometryType = null;
        int? srsId = null;
        if (isFeatures)
        {
            geometryColumn = UniqueColumnName(_options.GeometryColumnName, columns.Select(c => c.ColumnName));
            geometryType = GeoPackageGeometryTypes.FromEsri(layer.GeometryType);
            srsId = _db.AddSpatialReference(layer.SpatialReference ?? layer.Extent?.SpatialReference ?? SpatialReference.WebMercator);
        }

        using (var transaction = _db.Connection.BeginTransaction())
        {
            var definitions = new List<string>
            {
                $"{PackageNames.QuoteIdentifier(objectIdColumn)} INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL",
            };
            foreach (var column in columns.Where(c => c.ColumnName != objectIdColumn))
            {
                // No DEFAULT expression for the GlobalID: GDAL cannot parse one and reports an error on every open;
                // the change-log insert trigger gives new rows their GlobalID instead.
                definitions.Add($"{PackageNames.QuoteIdentifier(column.ColumnName)} {column.SqlType}");
            }
            if (geometryColumn is not null)
            {
                definitions.Add($"{PackageNames.QuoteIdentifier(geometryColumn)} {geometryType!.Value.ToSqlName()}");
            }
            _db.Execute($"CREATE TABLE {PackageNames.QuoteIdentifier(tableName)} ({string.Join(", ", definitions)})", transaction);
            _db.AddContents(tableName, isFeatures ? "features" : "attributes", tableName, layer.Name, srsId, isFeatures ? layer.Extent : null, transaction);
            if (geometryColumn is not null)
            {
                _db.Execute(
                    "INSERT INTO gpkg_geometry_columns (table_name, column_name, geometry_type_name, srs_id, z, m) VALUES ($t, $c, $g, $s, $z, $m)",
                    transaction,
                    ("$t", tableName), ("$c", geometryColumn), ("$g", geometryType!.Value.ToSqlName()), ("$s", srsId),
                    ("$z", layer.HasZ ? 1 : 0), ("$m", layer.HasM ? 1 : 0));
            }
            WriteFieldMetadata(tableName, columns, transaction);
            if (geometryColumn is not null)
            {
                // Envelopes are collected during the load (they are at hand there) and packed into the R-tree at
                // FinishAsync (RtreePacker): far cheaper than R*Tree inserts row by row.
                _db.Execute($"CREATE VIRTUAL TABLE {PackageNames.QuoteIdentifier(RtreeName(tableName, geometryColumn))} USING rtree(id, minx, maxx, miny, maxy)", transaction);
                _db.Execute($"CREATE TEMP TABLE {PackageNames.QuoteIdentifier(LoadTableName(tableName))} (id INTEGER PRIMARY KEY, minx REAL, maxx REAL, miny REAL, maxy REAL)", transaction);
            }
            transaction.Commit();
        }

        string? attachmentTable = null;
        string? attachmentMapping = null;
        if (layer.HasAttachments && _options.IncludeAttachmentTables)
        {
            attachmentTable = CompanionName(tableName, "__ATTACH");
            attachmentMapping = CompanionName(tableName, "__ATTACHREL");
            CreateAttachmentTables(tableName, objectIdColumn, attachmentTable, attachmentMapping);
        }

        var result = new GeoPackageLayer
        {
            LayerId = layer.Id,
            LayerName = layer.Name,
            TableName = tableName,
            Kind = isFeatures ? GeoPackageTableKind.Features : GeoPackageTableKind.Attributes,
            ObjectIdColumn = objectIdColumn,
            GlobalIdColumn = globalIdColumn,
            GeometryColumn = geometryColumn,
            GeometryType = geometryType,
            SrsId = srsId,
            HasZ = isFeatures && layer.HasZ,
            HasM = isFeatures && layer.HasM,
            AttachmentTable = attachmentTable,
            AttachmentMappingTable = attachmentMapping,
            Columns = columns,
        };
        _db.Execute(
            $"INSERT INTO {PackageSchema.LayersTable} (layer_id, layer_name, table_name, kind, object_id_column, global_id_column, geometry_column, geometry_type, srs_id, attachment_table, attachment_mapping_table, change_tracking) " +
            "VALUES ($id, $name, $t, $kind, $oid, $gid, $geom, $gtype, $srs, $att, $attmap, $track)",
            null,
            ("$id", layer.Id), ("$name", layer.Name), ("$t", tableName), ("$kind", isFeatures ? "features" : "attributes"),
            ("$oid", objectIdColumn), ("$gid", globalIdColumn), ("$geom", geometryColumn), ("$gtype", geometryType?.ToSqlName()),
            ("$srs", srsId), ("$att", attachmentTable), ("$attmap", attachmentMapping),
            ("$track", _options.TrackChanges && globalIdColumn is not null ? 1 : 0));
        foreach (var column in columns)
        {
            var f = column.Field;
            _db.Execute(
                $"INSERT INTO {PackageSchema.FieldsTable} (table_name, column_name, field_name, field_type, alias, length, nullable, editable, domain, default_value) " +
                "VALUES ($t, $c, $f, $type, $alias, $len, $null, $edit, $domain, $def)",
                null,
                ("$t", tableName), ("$c", column.ColumnName), ("$f", f.Name), ("$type", EsriField.ToWireName(f.Type)),
                ("$alias", f.Alias), ("$len", f.Length), ("$null", f.Nullable ? 1 : 0), ("$edit", f.Editable ? 1 : 0),
                ("$domain", f.Domain?.GetRawText()), ("$def", f.DefaultValue?.GetRawText()));
        }

        var geometryWriter = geometryType is { } gt ? new GeoPackageGeometryWriter(gt, srsId!.Value, layer.HasZ, layer.HasM) : null;
        _tables[layer.Id] = new TableState(result, objectIdField, geometryWriter);
        return Task.FromResult(result);
    }

    /// <summary>Streams features into a layer's table, committing every <see cref="FeatureGeoPackageOptions.BatchSize"/> rows.</summary>
    /// <returns>The number of rows written by this call.</returns>
    public async Task<long> WriteFeaturesAsync(GeoPackageLayer layer, IAsyncEnumerable<EsriFeature> features, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(features);
        var state = GetState(layer);
        using var inserter = new Inserter(this, state);
        try
        {
            await foreach (var feature in features.WithCancellation(cancellationToken))
            {
                inserter.Insert(feature);
            }
            inserter.Commit();
        }
        catch
        {
            inserter.Rollback();
            throw;
        }
        return inserter.Count;
    }

    /// <summary>Writes a batch of features already in memory (one query page).</summary>
    public Task<long> WriteFeaturesAsync(GeoPackageLayer layer, IEnumerable<EsriFeature> features, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(features);
        var state = GetState(layer);
        using var inserter = new Inserter(this, state);
        try
        {
            foreach (var feature in features)
            {
                cancellationToken.ThrowIfCancellationRequested();
                inserter.Insert(feature);
            }
            inserter.Commit();
        }
        catch
        {
            inserter.Rollback();
            throw;
        }
        return Task.FromResult(inserter.Count);
    }

    /// <summary>
    /// Stores one attachment of a layer, streaming <paramref name="content"/> into the media table. Pass the byte
    /// count in <paramref name="length"/> when known (a Content-Length, a decoded base64 size); without it, a
    /// non-seekable stream is first spooled to a temporary file so that the blob can be allocated at its size.
    /// </summary>
    /// <returns>The attachment's row id in the media table.</returns>
    public async Task<long> AddAttachmentAsync(GeoPackageLayer layer, PackageAttachment attachment, Stream content, long? length = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(attachment);
        ArgumentNullException.ThrowIfNull(content);
        var state = GetState(layer);
        var table = state.Layer.AttachmentTable
            ?? throw new InvalidOperationException($"Layer {state.Layer.LayerId} has no attachments table (HasAttachments was false).");

        Stream source = content;
        FileStream? spool = null;
        try
        {
            if (length is null)
            {
                if (content.CanSeek)
                {
                    length = content.Length - content.Position;
                }
                else
                {
                    spool = new FileStream(System.IO.Path.Combine(System.IO.Path.GetTempPath(), "op-attach-" + Guid.NewGuid().ToString("N")),
                        FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, BlobChunkSize, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
                    await content.CopyToAsync(spool, BlobChunkSize, cancellationToken);
                    spool.Position = 0;
                    length = spool.Length;
                    source = spool;
                }
            }
            if (length < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(length), length, "An attachment length cannot be negative.");
            }

            var parentGlobalId = attachment.ParentGlobalId;
            if (parentGlobalId is null && attachment.ParentObjectId is { } parentOid && state.Layer.GlobalIdColumn is { } gidColumn)
            {
                parentGlobalId = _db.Scalar<string>(
                    $"SELECT {PackageNames.QuoteIdentifier(gidColumn)} FROM {PackageNames.QuoteIdentifier(state.Layer.TableName)} WHERE {PackageNames.QuoteIdentifier(state.Layer.ObjectIdColumn)} = $oid",
                    null, ("$oid", parentOid));
            }

            using var transaction = _db.Connection.BeginTransaction();
            using var insert = _db.Connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText =
                $"INSERT INTO {PackageNames.QuoteIdentifier(table)} (data, content_type, ATTACHMENTID, GLOBALID, REL_GLOBALID, REL_OBJECTID, ATT_NAME, DATA_SIZE, KEYWORDS) " +
                "VALUES (zeroblob($len), $type, $aid, $gid, $pgid, $poid, $name, $len, $kw) RETURNING id";
            insert.Parameters.AddWithValue("$len", length.Value);
            insert.Parameters.AddWithValue("$type", attachment.ContentType);
            insert.Parameters.AddWithValue("$aid", (object?)attachment.AttachmentId ?? DBNull.Value);
            insert.Parameters.AddWithValue("$gid", (object?)attachment.GlobalId ?? PackageGlobalIds.New());
            insert.Parameters.AddWithValue("$pgid", (object?)parentGlobalId ?? DBNull.Value);
            insert.Parameters.AddWithValue("$poid", (object?)attachment.ParentObjectId ?? DBNull.Value);
            insert.Parameters.AddWithValue("$name", attachment.Name);
            insert.Parameters.AddWithValue("$kw", (object?)attachment.Keywords ?? DBNull.Value);
            var id = Convert.ToInt64(insert.ExecuteScalar(), CultureInfo.InvariantCulture);

            await CopyIntoBlobAsync(table, id, source, length.Value, cancellationToken);

            if (attachment.ParentObjectId is { } oid)
            {
                _db.Execute(
                    $"INSERT INTO {PackageNames.QuoteIdentifier(state.Layer.AttachmentMappingTable!)} (base_id, related_id) VALUES ($b, $r)",
                    transaction, ("$b", oid), ("$r", id));
            }
            transaction.Commit();
            state.AttachmentCount++;
            return id;
        }
        finally
        {
            if (spool is not null)
            {
                await spool.DisposeAsync();
            }
        }
    }

    /// <summary>Records a relationship class; its RTE mapping table is filled from the key fields at <see cref="FinishAsync"/>.</summary>
    public Task AddRelationshipAsync(RelationshipClass relationship, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(relationship);
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfFinished();
        if (!_tables.ContainsKey(relationship.OriginLayerId) || !_tables.ContainsKey(relationship.DestinationLayerId))
        {
            throw new InvalidOperationException(
                $"Relationship {relationship.Id} joins layers {relationship.OriginLayerId} and {relationship.DestinationLayerId}; add both layers first.");
        }
        if (_relationships.Any(r => r.Id == relationship.Id))
        {
            throw new InvalidOperationException($"Relationship {relationship.Id} was already added.");
        }
        _relationships.Add(relationship);
        return Task.CompletedTask;
    }

    /// <summary>Stores the replica this package is registered as (editable packages only).</summary>
    public Task SetReplicaAsync(PackageReplica replica, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(replica);
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfFinished();
        if (!_options.TrackChanges)
        {
            throw new InvalidOperationException("A package written without change tracking (noUpdates) holds no replica.");
        }
        if (Uri.TryCreate(replica.ServiceUrl, UriKind.Absolute, out var uri) &&
            (uri.Query.Contains("token=", StringComparison.OrdinalIgnoreCase) || !string.IsNullOrEmpty(uri.UserInfo)))
        {
            throw new ArgumentException("The replica's service URL must not carry a token or credentials.", nameof(replica));
        }
        using var transaction = _db.Connection.BeginTransaction();
        _db.Execute($"DELETE FROM {PackageSchema.ReplicaTable}", transaction);
        _db.Execute($"DELETE FROM {PackageSchema.LayerGensTable}", transaction);
        _db.Execute(
            $"INSERT INTO {PackageSchema.ReplicaTable} (id, service_url, replica_id, replica_name, sync_model, sync_direction, attachment_sync_direction, replica_server_gen, last_sync_utc) " +
            "VALUES (1, $url, $id, $name, $model, $dir, $adir, $gen, $last)",
            transaction,
            ("$url", replica.ServiceUrl), ("$id", replica.ReplicaId), ("$name", replica.ReplicaName), ("$model", replica.SyncModel),
            ("$dir", replica.SyncDirection), ("$adir", replica.AttachmentSyncDirection), ("$gen", replica.ReplicaServerGen),
            ("$last", replica.LastSync?.UtcDateTime.ToString(GeoPackageDatabase.TimestampFormat, CultureInfo.InvariantCulture)));
        foreach (var gen in replica.LayerServerGens)
        {
            _db.Execute(
                $"INSERT INTO {PackageSchema.LayerGensTable} (layer_id, server_gen) VALUES ($id, $gen)",
                transaction, ("$id", gen.Id), ("$gen", gen.ServerGen));
        }
        transaction.Commit();
        _replicaSet = true;
        return Task.CompletedTask;
    }

    /// <summary>
    /// Completes the file: extents, spatial indexes (R-tree filled in one pass, then its triggers), GlobalID
    /// indexes, relationship and attachment mapping tables, change-log triggers, and the journal mode devices expect.
    /// </summary>
    public Task<FeatureGeoPackageSummary> FinishAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfFinished();
        if (_options.TrackChanges && !_replicaSet)
        {
            throw new InvalidOperationException("An editable package needs its replica (SetReplicaAsync) before it is finished.");
        }
        GeoPackageSqlFunctions.Register(_db.Connection);
        var summaries = new List<GeoPackageTableSummary>();
        foreach (var state in _tables.Values)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var transaction = _db.Connection.BeginTransaction();
            var layer = state.Layer;
            var t = PackageNames.QuoteIdentifier(layer.TableName);
            if (layer.Kind == GeoPackageTableKind.Features)
            {
                _db.UpdateContentsBounds(layer.TableName, state.Extent, transaction);
                CreateSpatialIndex(layer, transaction);
            }
            if (layer.GlobalIdColumn is { } gid)
            {
                _db.Execute($"CREATE INDEX {PackageNames.QuoteIdentifier("op_idx_" + layer.TableName + "_gid")} ON {t} ({PackageNames.QuoteIdentifier(gid)})", transaction);
            }
            if (layer.AttachmentTable is { } attachments)
            {
                FinishAttachments(layer, attachments, transaction);
            }
            transaction.Commit();
            var count = _db.Scalar<long>($"SELECT count(*) FROM {t}");
            summaries.Add(new GeoPackageTableSummary(layer.LayerId, layer.TableName, layer.Kind, count, state.AttachmentCount, state.Extent));
        }

        foreach (var relationship in _relationships)
        {
            cancellationToken.ThrowIfCancellationRequested();
            WriteRelationship(relationship);
        }

        if (_options.TrackChanges)
        {
            using var transaction = _db.Connection.BeginTransaction();
            foreach (var state in _tables.Values)
            {
                var layer = state.Layer;
                if (layer.GlobalIdColumn is { } gid)
                {
                    PackageSchema.CreateChangeTriggers(_db, transaction, layer.TableName, layer.ObjectIdColumn, gid, layer.LayerId, "feature");
                }
                if (layer.AttachmentTable is { } attachments)
                {
                    PackageSchema.CreateChangeTriggers(_db, transaction, attachments, "id", "GLOBALID", layer.LayerId, "attachment");
                }
            }
            transaction.Commit();
        }
        _db.Complete();
        _finished = true;
        _db.Dispose();
        var bytes = new FileInfo(_db.Path).Length;
        return Task.FromResult(new FeatureGeoPackageSummary(_db.Path, bytes, summaries));
    }

    public void Dispose() => _db.Dispose();

    public ValueTask DisposeAsync()
    {
        _db.Dispose();
        return ValueTask.CompletedTask;
    }

    private TableState GetState(GeoPackageLayer layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ThrowIfFinished();
        return _tables.TryGetValue(layer.LayerId, out var state) && state.Layer.TableName == layer.TableName
            ? state
            : throw new InvalidOperationException($"Layer {layer.LayerId} was not added to this GeoPackage.");
    }

    private void ThrowIfFinished() => ObjectDisposedException.ThrowIf(_finished, this);

    private static string CompanionName(string tableName, string suffix) => tableName + suffix;

    private static string UniqueColumnName(string preferred, IEnumerable<string> taken)
    {
        var names = taken.ToList();
        var candidate = preferred;
        for (var n = 2; PackageNames.ContainsIgnoreCase(names, candidate); n++)
        {
            candidate = preferred + "_" + n.ToString(CultureInfo.InvariantCulture);
        }
        return candidate;
    }

    /// <summary>
    /// Columns keep the service's field names verbatim (quoted in SQL), so that the sync task maps them back
    /// 1:1; only names that collide case-insensitively (SQLite column names are case-insensitive) get a suffix.
    /// </summary>
    private static List<GeoPackageColumn> PlanColumns(LayerInfo layer, out string objectIdColumn, out string? globalIdColumn, out EsriField objectIdField)
    {
        var columns = new List<GeoPackageColumn>();
        var oid = layer.Fields.FirstOrDefault(f => f.Type == EsriFieldType.OID)
            ?? layer.FindField(layer.ObjectIdField)
            ?? new EsriField(string.IsNullOrWhiteSpace(layer.ObjectIdField) ? "OBJECTID" : layer.ObjectIdField, EsriFieldType.OID) { Nullable = false, Editable = false };
        objectIdField = oid with { Type = EsriFieldType.OID };
        objectIdColumn = CleanColumnName(objectIdField.Name, 0);
        columns.Add(new GeoPackageColumn(objectIdColumn, objectIdField, "INTEGER"));
        globalIdColumn = null;
        var index = 1;
        foreach (var field in layer.Fields)
        {
            index++;
            if (ReferenceEquals(field, oid) || string.Equals(field.Name, oid.Name, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            var sqlType = FieldValues.SqlType(field);
            if (sqlType is null)
            {
                continue;
            }
            var name = UniqueColumnName(CleanColumnName(field.Name, index), columns.Select(c => c.ColumnName));
            columns.Add(new GeoPackageColumn(name, field, sqlType));
            var isGlobalId = field.Type == EsriFieldType.GlobalID ||
                (layer.GlobalIdField is { Length: > 0 } g && string.Equals(field.Name, g, StringComparison.OrdinalIgnoreCase) && field.Type is EsriFieldType.GUID or EsriFieldType.String);
            if (isGlobalId && globalIdColumn is null)
            {
                globalIdColumn = name;
            }
        }
        return columns;
    }

    private static string CleanColumnName(string name, int index)
    {
        var cleaned = name.Replace('\0', '_').Trim();
        return cleaned.Length == 0 ? "field_" + index.ToString(CultureInfo.InvariantCulture) : cleaned;
    }

    private void WriteFieldMetadata(string tableName, IReadOnlyList<GeoPackageColumn> columns, SqliteTransaction transaction)
    {
        foreach (var column in columns)
        {
            var field = column.Field;
            var constraint = WriteDomain(field, transaction);
            var hasAlias = !string.IsNullOrWhiteSpace(field.Alias) && field.Alias != column.ColumnName;
            if (constraint is null && !hasAlias)
            {
                continue;
            }
            EnsureSchemaTables(transaction);
            _db.Execute(
                "INSERT INTO gpkg_data_columns (table_name, column_name, name, title, description, mime_type, constraint_name) VALUES ($t, $c, $n, $title, NULL, NULL, $k)",
                transaction,
                ("$t", tableName), ("$c", column.ColumnName), ("$n", field.Name), ("$title", field.Alias ?? field.Name), ("$k", constraint));
        }
    }

    /// <summary>Writes a coded-value domain as an <c>enum</c> constraint (a range domain as <c>range</c>); returns its name.</summary>
    private string? WriteDomain(EsriField field, SqliteTransaction transaction)
    {
        if (field.Domain is not { ValueKind: JsonValueKind.Object } domain || !domain.TryGetProperty("type", out var typeElement))
        {
            return null;
        }
        var type = typeElement.GetString();
        var baseName = domain.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(n.GetString())
            ? n.GetString()!
            : field.Name + "_domain";
        if (string.Equals(type, "codedValue", StringComparison.OrdinalIgnoreCase) &&
            domain.TryGetProperty("codedValues", out var coded) && coded.ValueKind == JsonValueKind.Array)
        {
            var values = new List<(string Code, string Description)>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var item in coded.EnumerateArray())
            {
                if (!item.TryGetProperty("code", out var code) || code.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
                {
                    continue;
                }
                var codeText = code.ValueKind == JsonValueKind.String ? code.GetString()! : code.GetRawText();
                if (!seen.Add(codeText))
                {
                    continue;
                }
                var description = item.TryGetProperty("name", out var dn) && dn.ValueKind == JsonValueKind.String ? dn.GetString()! : codeText;
                values.Add((codeText, description));
            }
            if (values.Count == 0)
            {
                return null;
            }
            var name = ClaimConstraintName(baseName, "enum", values);
            if (name.Fresh)
            {
                EnsureSchemaTables(transaction);
                foreach (var (code, description) in values)
                {
                    _db.Execute(
                        "INSERT INTO gpkg_data_column_constraints (constraint_name, constraint_type, value, min, min_is_inclusive, max, max_is_inclusive, description) VALUES ($n, 'enum', $v, NULL, NULL, NULL, NULL, $d)",
                        transaction, ("$n", name.Name), ("$v", code), ("$d", description));
                }
            }
            return name.Name;
        }
        if (string.Equals(type, "range", StringComparison.OrdinalIgnoreCase) &&
            domain.TryGetProperty("range", out var range) && range.ValueKind == JsonValueKind.Array && range.GetArrayLength() == 2 &&
            range[0].TryGetDouble(out var min) && range[1].TryGetDouble(out var max) && min < max)
        {
            var name = ClaimConstraintName(baseName, "range", [(min.ToString("R", CultureInfo.InvariantCulture), max.ToString("R", CultureInfo.InvariantCulture))]);
            if (name.Fresh)
            {
                EnsureSchemaTables(transaction);
                _db.Execute(
                    "INSERT INTO gpkg_data_column_constraints (constraint_name, constraint_type, value, min, min_is_inclusive, max, max_is_inclusive, description) VALUES ($n, 'range', NULL, $min, 1, $max, 1, NULL)",
                    transaction, ("$n", name.Name), ("$min", min), ("$max", max));
            }
            return name.Name;
        }
        return null;
    }

    /// <summary>
    /// Domains are shared by name across fields and layers; a same-named domain with other values (two services'
    /// domains never meet, but two layers can disagree) gets a numbered name of its own.
    /// </summary>
    private (string Name, bool Fresh) ClaimConstraintName(string baseName, string kind, IReadOnlyList<(string, string)> content)
    {
        var signature = kind + "|" + string.Join("|", content.Select(c => c.Item1 + "=" + c.Item2));
        for (var n = 1; ; n++)
        {
            var name = n == 1 ? baseName : baseName + "_" + n.ToString(CultureInfo.InvariantCulture);
            if (_constraintNames.Add(name))
            {
                _domainSignatures[name] = signature;
                return (name, true);
            }
            if (_domainSignatures.TryGetValue(name, out var existing) && existing == signature)
            {
                return (name, false);
            }
        }
    }

    private void EnsureSchemaTables(SqliteTransaction transaction)
    {
        if (_schemaTablesCreated)
        {
            return;
        }
        _db.Execute("""
            CREATE TABLE gpkg_data_columns (
              table_name TEXT NOT NULL,
              column_name TEXT NOT NULL,
              name TEXT,
              title TEXT,
              description TEXT,
              mime_type TEXT,
              constraint_name TEXT,
              CONSTRAINT pk_gdc PRIMARY KEY (table_name, column_name),
              CONSTRAINT gdc_tn UNIQUE (table_name, name))
            """, transaction);
        _db.Execute("""
            CREATE TABLE gpkg_data_column_constraints (
              constraint_name TEXT NOT NULL,
              constraint_type TEXT NOT NULL,
              value TEXT,
              min NUMERIC,
              min_is_inclusive BOOLEAN,
              max NUMERIC,
              max_is_inclusive BOOLEAN,
              description TEXT,
              CONSTRAINT gdcc_ntv UNIQUE (constraint_name, constraint_type, value))
            """, transaction);
        _db.AddExtension("gpkg_data_columns", null, "gpkg_schema", SchemaDefinition, "read-write", transaction);
        _db.AddExtension("gpkg_data_column_constraints", null, "gpkg_schema", SchemaDefinition, "read-write", transaction);
        _schemaTablesCreated = true;
    }

    private void EnsureRelationsTable()
    {
        if (_relationsTableCreated)
        {
            return;
        }
        _db.Execute("""
            CREATE TABLE gpkgext_relations (
              id INTEGER PRIMARY KEY AUTOINCREMENT,
              base_table_name TEXT NOT NULL,
              base_primary_column TEXT NOT NULL DEFAULT 'id',
              related_table_name TEXT NOT NULL,
              related_primary_column TEXT NOT NULL DEFAULT 'id',
              relation_name TEXT NOT NULL,
              mapping_table_name TEXT NOT NULL UNIQUE)
            """);
        _db.AddExtension("gpkgext_relations", null, RelatedTablesExtension, RelatedTablesDefinition, "read-write");
        _relationsTableCreated = true;
    }

    private void AddRelation(string baseTable, string baseColumn, string relatedTable, string relatedColumn, string relationName, string mappingTable)
    {
        EnsureRelationsTable();
        _db.Execute($"""
            CREATE TABLE {PackageNames.QuoteIdentifier(mappingTable)} (
              base_id INTEGER NOT NULL,
              related_id INTEGER NOT NULL)
            """);
        _db.Execute($"CREATE INDEX {PackageNames.QuoteIdentifier("op_idx_" + mappingTable + "_base")} ON {PackageNames.QuoteIdentifier(mappingTable)} (base_id)");
        _db.Execute($"CREATE INDEX {PackageNames.QuoteIdentifier("op_idx_" + mappingTable + "_related")} ON {PackageNames.QuoteIdentifier(mappingTable)} (related_id)");
        _db.AddExtension(mappingTable, null, RelatedTablesExtension, RelatedTablesDefinition, "read-write");
        _db.Execute(
            "INSERT INTO gpkgext_relations (base_table_name, base_primary_column, related_table_name, related_primary_column, relation_name, mapping_table_name) VALUES ($bt, $bc, $rt, $rc, $n, $m)",
            null, ("$bt", baseTable), ("$bc", baseColumn), ("$rt", relatedTable), ("$rc", relatedColumn), ("$n", relationName), ("$m", mappingTable));
    }

    private void CreateAttachmentTables(string baseTable, string baseColumn, string attachmentTable, string mappingTable)
    {
        if (!_tableNames.Add(attachmentTable) || !_tableNames.Add(mappingTable))
        {
            throw new InvalidOperationException($"Table name {attachmentTable} is already taken.");
        }
        _db.Execute($"""
            CREATE TABLE {PackageNames.QuoteIdentifier(attachmentTable)} (
              id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
              data BLOB NOT NULL,
              content_type TEXT NOT NULL,
              ATTACHMENTID INTEGER,
              GLOBALID TEXT(38),
              REL_GLOBALID TEXT(38),
              REL_OBJECTID INTEGER,
              ATT_NAME TEXT,
              DATA_SIZE INTEGER,
              KEYWORDS TEXT)
            """);
        _db.AddContents(attachmentTable, "attributes", attachmentTable, "Attachments of " + baseTable, null, null);
        AddRelation(baseTable, baseColumn, attachmentTable, "id", "media", mappingTable);
    }

    private void FinishAttachments(GeoPackageLayer layer, string attachments, SqliteTransaction transaction)
    {
        var a = PackageNames.QuoteIdentifier(attachments);
        var t = PackageNames.QuoteIdentifier(layer.TableName);
        var oid = PackageNames.QuoteIdentifier(layer.ObjectIdColumn);
        var map = PackageNames.QuoteIdentifier(layer.AttachmentMappingTable!);
        _db.Execute($"CREATE INDEX {PackageNames.QuoteIdentifier("op_idx_" + attachments + "_rel")} ON {a} (REL_GLOBALID)", transaction);
        if (layer.GlobalIdColumn is { } gidColumn)
        {
            var gid = PackageNames.QuoteIdentifier(gidColumn);
            // Attachments that arrived before their feature: fill the parent GlobalID from the parent object id …
            _db.Execute(
                $"UPDATE {a} SET REL_GLOBALID = (SELECT f.{gid} FROM {t} AS f WHERE f.{oid} = {a}.REL_OBJECTID) WHERE REL_GLOBALID IS NULL AND REL_OBJECTID IS NOT NULL",
                transaction);
            // … and map those known only by parent GlobalID (replica attachments) to their feature.
            _db.Execute(
                $"INSERT INTO {map} (base_id, related_id) SELECT f.{oid}, x.id FROM {a} AS x JOIN {t} AS f ON f.{gid} = x.REL_GLOBALID " +
                $"WHERE NOT EXISTS (SELECT 1 FROM {map} AS m WHERE m.related_id = x.id)",
                transaction);
        }
    }

    private void WriteRelationship(RelationshipClass relationship)
    {
        var origin = _tables[relationship.OriginLayerId].Layer;
        var destination = _tables[relationship.DestinationLayerId].Layer;
        var originKey = FindColumn(origin, relationship.OriginPrimaryKey);
        var foreignKey = FindColumn(destination, relationship.OriginForeignKey);
        var mapping = origin.TableName + "__REL" + relationship.Id.ToString(CultureInfo.InvariantCulture);
        if (!_tableNames.Add(mapping))
        {
            throw new InvalidOperationException($"Table name {mapping} is already taken.");
        }
        using var transaction = _db.Connection.BeginTransaction();
        _db.Execute(
            $"INSERT INTO {PackageSchema.RelationshipsTable} (relationship_id, name, origin_layer_id, destination_layer_id, origin_table, destination_table, origin_primary_key, origin_foreign_key, cardinality, composite, mapping_table) " +
            "VALUES ($id, $name, $o, $d, $ot, $dt, $pk, $fk, $card, $comp, $map)",
            transaction,
            ("$id", relationship.Id), ("$name", relationship.Name), ("$o", relationship.OriginLayerId), ("$d", relationship.DestinationLayerId),
            ("$ot", origin.TableName), ("$dt", destination.TableName), ("$pk", relationship.OriginPrimaryKey), ("$fk", relationship.OriginForeignKey),
            ("$card", relationship.Cardinality), ("$comp", relationship.Composite ? 1 : 0), ("$map", originKey is null || foreignKey is null ? null : mapping));
        transaction.Commit();
        if (originKey is null || foreignKey is null)
        {
            return; // keys not in the packaged schema (e.g. an attributed many-to-many class): definition only
        }
        AddRelation(origin.TableName, origin.ObjectIdColumn, destination.TableName, destination.ObjectIdColumn,
            destination.Kind == GeoPackageTableKind.Features ? "features" : "attributes", mapping);
        var fkIndex = PackageNames.QuoteIdentifier("op_idx_" + destination.TableName + "_" + relationship.Id.ToString(CultureInfo.InvariantCulture));
        _db.Execute($"CREATE INDEX {fkIndex} ON {PackageNames.QuoteIdentifier(destination.TableName)} ({PackageNames.QuoteIdentifier(foreignKey)})");
        _db.Execute(
            $"INSERT INTO {PackageNames.QuoteIdentifier(mapping)} (base_id, related_id) " +
            $"SELECT o.{PackageNames.QuoteIdentifier(origin.ObjectIdColumn)}, d.{PackageNames.QuoteIdentifier(destination.ObjectIdColumn)} " +
            $"FROM {PackageNames.QuoteIdentifier(origin.TableName)} AS o JOIN {PackageNames.QuoteIdentifier(destination.TableName)} AS d " +
            $"ON d.{PackageNames.QuoteIdentifier(foreignKey)} = o.{PackageNames.QuoteIdentifier(originKey)} WHERE o.{PackageNames.QuoteIdentifier(originKey)} IS NOT NULL");
    }

    private static string? FindColumn(GeoPackageLayer layer, string fieldName) =>
        layer.Columns.FirstOrDefault(c => string.Equals(c.Field.Name, fieldName, StringComparison.OrdinalIgnoreCase))?.ColumnName;

    /// <summary>
    /// Completes the <c>gpkg_rtree_index</c> R-tree that the load filled: adds the standard triggers (GeoPackage 1.3
    /// set) that keep it current on later edits, and registers the extension.
    /// </summary>
    private static string RtreeName(string table, string column) => "rtree_" + table + "_" + column;

    private static string LoadTableName(string table) => "op_load_" + table;

    private void CreateSpatialIndex(GeoPackageLayer layer, SqliteTransaction transaction)
    {
        var table = layer.TableName;
        var column = layer.GeometryColumn!;
        var rtreeName = RtreeName(table, column);
        var r = PackageNames.QuoteIdentifier(rtreeName);
        var t = PackageNames.QuoteIdentifier(table);
        var c = PackageNames.QuoteIdentifier(column);
        var i = PackageNames.QuoteIdentifier(layer.ObjectIdColumn);
        var load = "temp." + PackageNames.QuoteIdentifier(LoadTableName(table));
        // Packed in one pass from the envelopes collected during the load (row-by-row R*Tree inserts cost most of a
        // large layer's write time); the triggers below keep it current on later edits.
        RtreePacker.Pack(_db.Connection, transaction, rtreeName, load);
        _db.Execute($"DROP TABLE {load}", transaction);
        var values = $"(NEW.{i}, ST_MinX(NEW.{c}), ST_MaxX(NEW.{c}), ST_MinY(NEW.{c}), ST_MaxY(NEW.{c}))";
        string Trigger(string suffix) => PackageNames.QuoteIdentifier(rtreeName + "_" + suffix);
        _db.Execute($"CREATE TRIGGER {Trigger("insert")} AFTER INSERT ON {t} WHEN (new.{c} NOT NULL AND NOT ST_IsEmpty(NEW.{c})) BEGIN INSERT OR REPLACE INTO {r} VALUES {values}; END", transaction);
        _db.Execute($"CREATE TRIGGER {Trigger("update1")} AFTER UPDATE OF {c} ON {t} WHEN OLD.{i} = NEW.{i} AND (NEW.{c} NOTNULL AND NOT ST_IsEmpty(NEW.{c})) BEGIN INSERT OR REPLACE INTO {r} VALUES {values}; END", transaction);
        _db.Execute($"CREATE TRIGGER {Trigger("update2")} AFTER UPDATE OF {c} ON {t} WHEN OLD.{i} = NEW.{i} AND (NEW.{c} ISNULL OR ST_IsEmpty(NEW.{c})) BEGIN DELETE FROM {r} WHERE id = OLD.{i}; END", transaction);
        _db.Execute($"CREATE TRIGGER {Trigger("update3")} AFTER UPDATE ON {t} WHEN OLD.{i} != NEW.{i} AND (NEW.{c} NOTNULL AND NOT ST_IsEmpty(NEW.{c})) BEGIN DELETE FROM {r} WHERE id = OLD.{i}; INSERT OR REPLACE INTO {r} VALUES {values}; END", transaction);
        _db.Execute($"CREATE TRIGGER {Trigger("update4")} AFTER UPDATE ON {t} WHEN OLD.{i} != NEW.{i} AND (NEW.{c} ISNULL OR ST_IsEmpty(NEW.{c})) BEGIN DELETE FROM {r} WHERE id IN (OLD.{i}, NEW.{i}); END", transaction);
        _db.Execute($"CREATE TRIGGER {Trigger("delete")} AFTER DELETE ON {t} WHEN old.{c} NOT NULL BEGIN DELETE FROM {r} WHERE id = OLD.{i}; END", transaction);
        _db.AddExtension(table, column, "gpkg_rtree_index", RtreeDefinition, "write-only", transaction);
    }

    private async Task CopyIntoBlobAsync(string table, long rowId, Stream source, long length, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BlobChunkSize);
        try
        {
            using var blob = new SqliteBlob(_db.Connection, table, "data", rowId);
            long written = 0;
            while (true)
            {
                var read = await source.ReadAsync(buffer.AsMemory(0, BlobChunkSize), cancellationToken);
                if (read == 0)
                {
                    break;
                }
                if (written + read > length)
                {
                    throw new InvalidDataException($"The attachment stream is longer than the announced {length} bytes.");
                }
                blob.Write(buffer, 0, read);
                written += read;
            }
            if (written != length)
            {
                throw new InvalidDataException($"The attachment stream ended after {written} of {length} bytes.");
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private sealed class TableState(GeoPackageLayer layer, EsriField objectIdField, GeoPackageGeometryWriter? geometryWriter)
    {
        public GeoPackageLayer Layer { get; } = layer;

        public EsriField ObjectIdField { get; } = objectIdField;

        public GeoPackageGeometryWriter? GeometryWriter { get; } = geometryWriter;

        private double _minX = double.PositiveInfinity, _minY = double.PositiveInfinity, _maxX = double.NegativeInfinity, _maxY = double.NegativeInfinity;

        public EsriEnvelope? Extent => double.IsPositiveInfinity(_minX) ? null : new EsriEnvelope(_minX, _minY, _maxX, _maxY);

        public long AttachmentCount { get; set; }

        public void Include(GeoPackageGeometryWriter writer)
        {
            if (writer.MinX < _minX) _minX = writer.MinX;
            if (writer.MinY < _minY) _minY = writer.MinY;
            if (writer.MaxX > _maxX) _maxX = writer.MaxX;
            if (writer.MaxY > _maxY) _maxY = writer.MaxY;
        }
    }

    /// <summary>
    /// One prepared INSERT for a table, reused for every row, committing in batches. Bound through SQLite's C API
    /// (<see cref="SqliteStatement"/>): per-parameter binding through SqliteCommand was the larger part of the row cost.
    /// </summary>
    private sealed class Inserter : IDisposable
    {
        private readonly FeatureGeoPackageWriter _owner;
        private readonly TableState _state;
        private readonly SqliteStatement _insert;
        private readonly object[] _values;
        private readonly SqliteStatement? _envelopeInsert;
        private readonly SqliteStatement? _envelopeDelete;
        private readonly int _oidIndex;
        private readonly GeoPackageColumn[] _columns;
        private SqliteTransaction _transaction;
        private int _inBatch;

        public Inserter(FeatureGeoPackageWriter owner, TableState state)
        {
            _owner = owner;
            _state = state;
            _columns = [.. state.Layer.Columns];
            var names = _columns.Select(c => PackageNames.QuoteIdentifier(c.ColumnName)).ToList();
            if (state.Layer.GeometryColumn is { } g)
            {
                names.Add(PackageNames.QuoteIdentifier(g));
            }
            var placeholders = Enumerable.Range(1, names.Count).Select(i => "?" + i.ToString(CultureInfo.InvariantCulture));
            _values = new object[_columns.Length];
            _oidIndex = Array.FindIndex(_columns, c => c.ColumnName == state.Layer.ObjectIdColumn);
            _transaction = owner._db.Connection.BeginTransaction();
            // REPLACE: a page that overlaps the previous one (paging over changing data) rewrites the same row.
            _insert = new SqliteStatement(owner._db.Connection,
                $"INSERT OR REPLACE INTO {PackageNames.QuoteIdentifier(state.Layer.TableName)} ({string.Join(", ", names)}) VALUES ({string.Join(", ", placeholders)})");
            if (state.Layer.GeometryColumn is not null)
            {
                var load = "temp." + PackageNames.QuoteIdentifier(LoadTableName(state.Layer.TableName));
                _envelopeInsert = new SqliteStatement(owner._db.Connection, $"INSERT OR REPLACE INTO {load} (id, minx, maxx, miny, maxy) VALUES (?1, ?2, ?3, ?4, ?5)");
                _envelopeDelete = new SqliteStatement(owner._db.Connection, $"DELETE FROM {load} WHERE id = ?1");
            }
        }

        public long Count { get; private set; }

        public void Insert(EsriFeature feature)
        {
            ArgumentNullException.ThrowIfNull(feature);
            for (var i = 0; i < _columns.Length; i++)
            {
                var field = _columns[i].Field;
                try
                {
                    _values[i] = FieldValues.ToDbValue(field, feature.GetAttribute(field.Name));
                }
                catch (FormatException e)
                {
                    throw new GeoPackageWriteException(_state.Layer.TableName, feature.GetAttribute(_state.ObjectIdField.Name), e.Message, e);
                }
            }
            byte[]? blob = null;
            if (_envelopeInsert is not null)
            {
                try
                {
                    blob = _state.GeometryWriter!.Encode(feature.Geometry);
                }
                catch (GeoPackageGeometryException e)
                {
                    throw new GeoPackageWriteException(_state.Layer.TableName, feature.GetAttribute(_state.ObjectIdField.Name), e.Message, e);
                }
                if (blob is not null)
                {
                    _state.Include(_state.GeometryWriter);
                }
            }
            for (var i = 0; i < _values.Length; i++)
            {
                _insert.Bind(i + 1, _values[i]);
            }
            if (_envelopeInsert is not null)
            {
                _insert.Bind(_values.Length + 1, (object?)blob);
            }
            _insert.Execute();
            if (_envelopeInsert is not null)
            {
                IndexRow(blob is not null);
            }
            Count++;
            if (++_inBatch >= _owner._options.BatchSize)
            {
                _transaction.Commit();
                _transaction.Dispose();
                _transaction = _owner._db.Connection.BeginTransaction();
                _inBatch = 0;
            }
        }

        public void Commit() => _transaction.Commit();

        private void IndexRow(bool hasGeometry)
        {
            var id = _values[_oidIndex] is long oid ? oid : SQLitePCL.raw.sqlite3_last_insert_rowid(_owner._db.Connection.Handle);
            if (!hasGeometry)
            {
                // a replaced row may have had a geometry before
                _envelopeDelete!.Bind(1, id);
                _envelopeDelete.Execute();
                return;
            }
            var writer = _state.GeometryWriter!;
            _envelopeInsert!.Bind(1, id);
            _envelopeInsert.Bind(2, writer.MinX);
            _envelopeInsert.Bind(3, writer.MaxX);
            _envelopeInsert.Bind(4, writer.MinY);
            _envelopeInsert.Bind(5, writer.MaxY);
            _envelopeInsert.Execute();
        }

        public void Rollback()
        {
            try
            {
                _transaction.Rollback();
            }
            catch (InvalidOperationException)
            {
                // already completed
            }
        }

        public void Dispose()
        {
            _envelopeInsert?.Dispose();
            _envelopeDelete?.Dispose();
            _insert.Dispose();
            _transaction.Dispose();
        }
    }
}

/// <summary>A feature that cannot be written, with the table and object id it came with.</summary>
public sealed class GeoPackageWriteException(string table, object? objectId, string message, Exception? inner = null)
    : Exception($"{table} (objectid {Convert.ToString(objectId, CultureInfo.InvariantCulture) ?? "none"}): {message}", inner)
{
    public string Table { get; } = table;
}

/// <summary>GlobalIDs in the form ArcGIS writes them.</summary>
public static class PackageGlobalIds
{
    public static string New() => Guid.NewGuid().ToString("B").ToUpperInvariant();
}
