using System.Text.Json;
using System.Text.Json.Nodes;
using OfflinePortal.SamplePortal.Data;

namespace OfflinePortal.SamplePortal.Http;

/// <summary>ArcGIS JSON of fields, features, edit results and layer/service metadata.</summary>
internal static class FeatureJson
{
    public static void WriteField(Utf8JsonWriter w, FieldDef f)
    {
        w.WriteStartObject();
        w.WriteString("name", f.Name);
        w.WriteString("type", f.EsriType);
        w.WriteString("alias", f.Alias);
        w.WriteString("sqlType", "sqlTypeOther");
        if (f.Length > 0 || f.IsText)
        {
            w.WriteNumber("length", f.Length > 0 ? f.Length : 255);
        }
        w.WriteBoolean("nullable", f.Kind is not (FieldKind.ObjectId or FieldKind.GlobalId));
        w.WriteBoolean("editable", f.Editable);
        w.WriteBoolean("required", f.Kind is FieldKind.ObjectId or FieldKind.GlobalId);
        if (f.Domain is { } d)
        {
            w.WriteStartObject("domain");
            w.WriteString("type", "codedValue");
            w.WriteString("name", d.Name);
            w.WriteStartArray("codedValues");
            foreach (var c in d.CodedValues)
            {
                w.WriteStartObject();
                w.WriteString("name", c.Name);
                w.WritePropertyName("code");
                ArcGisResponse.WriteValue(w, c.Code);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteString("mergePolicy", "esriMPTDefaultValue");
            w.WriteString("splitPolicy", "esriSPTDefaultValue");
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("domain");
        }
        w.WriteNull("defaultValue");
        w.WriteEndObject();
    }

    public static void WriteFields(Utf8JsonWriter w, LayerDef layer, IReadOnlyList<int> fieldIndexes)
    {
        w.WriteStartArray("fields");
        foreach (var i in fieldIndexes)
        {
            WriteField(w, layer.Fields[i]);
        }
        w.WriteEndArray();
    }

    /// <summary>A feature: the chosen attributes, then the geometry projected to <paramref name="outWkid"/> (none when null).</summary>
    public static void WriteFeature(Utf8JsonWriter w, FeatureRow row, IReadOnlyList<int> fieldIndexes, int? outWkid)
    {
        w.WriteStartObject();
        w.WriteStartObject("attributes");
        foreach (var i in fieldIndexes)
        {
            w.WritePropertyName(row.Layer.Fields[i].Name);
            ArcGisResponse.WriteValue(w, row.Values[i]);
        }
        w.WriteEndObject();
        if (outWkid is { } wkid && row.Geometry is { } g)
        {
            w.WritePropertyName("geometry");
            EsriGeometryJson.Write(w, WebMercator.Project(g, WebMercator.LatestWkid, wkid));
        }
        w.WriteEndObject();
    }

    public static void WriteResults(Utf8JsonWriter w, string name, IEnumerable<EditResult> results)
    {
        w.WriteStartArray(name);
        foreach (var r in results)
        {
            WriteResult(w, r);
        }
        w.WriteEndArray();
    }

    public static void WriteResult(Utf8JsonWriter w, EditResult r)
    {
        w.WriteStartObject();
        if (r.ObjectId is { } oid)
        {
            w.WriteNumber("objectId", oid);
        }
        else
        {
            w.WriteNull("objectId");
        }
        if (r.GlobalId is not null)
        {
            w.WriteString("globalId", r.GlobalId);
        }
        w.WriteBoolean("success", r.Success);
        if (!r.Success)
        {
            w.WriteStartObject("error");
            w.WriteNumber("code", r.ErrorCode);
            w.WriteString("description", r.Description);
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    private static JsonObject Sr() => new() { ["wkid"] = WebMercator.Wkid, ["latestWkid"] = WebMercator.LatestWkid };

    public static JsonObject Extent(NetTopologySuite.Geometries.Envelope e) => new()
    {
        ["xmin"] = e.MinX, ["ymin"] = e.MinY, ["xmax"] = e.MaxX, ["ymax"] = e.MaxY, ["spatialReference"] = Sr(),
    };

    public static JsonObject SyncCapabilities() => new()
    {
        ["supportsAsync"] = true,
        ["supportsRegisteringExistingData"] = true,
        ["supportsSyncDirectionControl"] = true,
        ["supportsPerLayerSync"] = true,
        ["supportsPerReplicaSync"] = true,
        ["supportsSyncModelNone"] = true,
        ["supportsRollbackOnFailure"] = true,
        ["supportsAttachmentsSyncDirection"] = true,
        ["supportsBiDirectionalSyncForServer"] = true,
        ["supportedSyncDataOptions"] = 0,
    };

    private static JsonObject EditorTracking() => new()
    {
        ["enableEditorTracking"] = true,
        ["enableOwnershipAccessControl"] = false,
        ["allowOthersToUpdate"] = true,
        ["allowOthersToDelete"] = true,
        ["allowOthersToQuery"] = true,
        ["allowAnonymousToUpdate"] = true,
        ["allowAnonymousToDelete"] = true,
        ["allowAnonymousToQuery"] = true,
    };

    public static JsonObject Service(ServiceDef s, NetTopologySuite.Geometries.Envelope extent)
    {
        var o = new JsonObject
        {
            ["currentVersion"] = 11.3,
            ["serviceItemId"] = s.ItemId,
            ["serviceDescription"] = s.Description,
            ["hasVersionedData"] = false,
            ["supportsDisconnectedEditing"] = s.SyncEnabled,
            ["hasStaticData"] = !s.Editable,
            ["maxRecordCount"] = SampleSchema.MaxRecordCount,
            ["supportedQueryFormats"] = "JSON, geoJSON",
            ["supportsVCSProjection"] = false,
            ["supportsAppend"] = false,
            ["capabilities"] = s.Capabilities,
            ["description"] = s.Description,
            ["copyrightText"] = "OfflinePortal sample data",
            ["spatialReference"] = Sr(),
            ["initialExtent"] = Extent(extent),
            ["fullExtent"] = Extent(extent),
            ["allowGeometryUpdates"] = s.Editable,
            ["units"] = "esriMeters",
            ["size"] = 0,
            ["syncEnabled"] = s.SyncEnabled,
            ["supportsApplyEditsWithGlobalIds"] = true,
            ["supportsReturnDeleteResults"] = true,
            ["supportsRelationshipsResource"] = s.Relationships.Count > 0,
            // Sent by ArcGIS Online on every hosted feature service root; the sample supports neither split nor tracking.
            ["advancedEditingCapabilities"] = new JsonObject { ["supportsSplit"] = false, ["supportsReturnServiceEditsInSourceSR"] = false },
            ["isLocationTrackingService"] = false,
            ["isLocationTrackingView"] = false,
            ["editorTrackingInfo"] = EditorTracking(),
            ["xssPreventionInfo"] = new JsonObject { ["xssPreventionEnabled"] = true, ["xssPreventionRule"] = "InputOnly", ["xssInputRule"] = "rejectInvalid" },
            ["layers"] = new JsonArray([.. s.Layers.Where(l => !l.IsTable).Select(l => (JsonNode)new JsonObject
            {
                ["id"] = l.Id, ["name"] = l.Name, ["parentLayerId"] = -1, ["defaultVisibility"] = true, ["subLayerIds"] = null,
                ["minScale"] = 0, ["maxScale"] = 0, ["geometryType"] = l.EsriGeometryType,
            })]),
            ["tables"] = new JsonArray([.. s.Layers.Where(l => l.IsTable).Select(l => (JsonNode)new JsonObject { ["id"] = l.Id, ["name"] = l.Name })]),
            ["relationships"] = new JsonArray([.. s.Relationships.Select(r => (JsonNode)new JsonObject
            {
                ["id"] = r.Id, ["name"] = r.Name, ["backwardPathLabel"] = "Hydrant", ["originLayerId"] = r.OriginLayerId,
                ["originPrimaryKey"] = r.OriginKey, ["forwardPathLabel"] = "Inspections", ["destinationLayerId"] = r.DestinationLayerId,
                ["originForeignKey"] = r.DestinationKey, ["relationshipTableId"] = -1, ["destinationPrimaryKey"] = LayerDef.GlobalIdField,
                ["destinationForeignKey"] = "", ["rules"] = new JsonArray(), ["cardinality"] = "esriRelCardinalityOneToMany",
                ["attributed"] = false, ["composite"] = false,
            })]),
            ["supportedExportFormats"] = "json",
            ["extractChangesCapabilities"] = new JsonObject
            {
                ["supportsReturnIdsOnly"] = false, ["supportsReturnExtentOnly"] = false, ["supportsReturnAttachments"] = false,
                ["supportsLayerQueries"] = false, ["supportsSpatialFilter"] = false, ["supportsReturnFeature"] = false,
            },
        };
        if (s.SyncEnabled)
        {
            o["syncCapabilities"] = SyncCapabilities();
        }
        return o;
    }

    public static JsonObject Layer(ServiceDef s, LayerDef l, NetTopologySuite.Geometries.Envelope? extent, long lastEditDate)
    {
        var caps = s.Capabilities;
        var o = new JsonObject
        {
            ["currentVersion"] = 11.3,
            ["id"] = l.Id,
            ["name"] = l.Name,
            ["type"] = l.IsTable ? "Table" : "Feature Layer",
            ["serviceItemId"] = s.ItemId,
            ["displayField"] = l.DisplayField,
            ["description"] = l.Description,
            ["copyrightText"] = "OfflinePortal sample data",
            ["defaultVisibility"] = true,
            ["editFieldsInfo"] = new JsonObject { ["creationDateField"] = "CreationDate", ["creatorField"] = "Creator", ["editDateField"] = "EditDate", ["editorField"] = "Editor" },
            ["editingInfo"] = new JsonObject { ["lastEditDate"] = lastEditDate },
            ["relationships"] = new JsonArray([.. s.Relationships.Where(r => r.OriginLayerId == l.Id || r.DestinationLayerId == l.Id).Select(r => (JsonNode)new JsonObject
            {
                ["id"] = r.Id,
                ["name"] = r.Name,
                ["relatedTableId"] = r.OriginLayerId == l.Id ? r.DestinationLayerId : r.OriginLayerId,
                ["cardinality"] = "esriRelCardinalityOneToMany",
                ["role"] = r.OriginLayerId == l.Id ? "esriRelRoleOrigin" : "esriRelRoleDestination",
                ["keyField"] = r.OriginLayerId == l.Id ? r.OriginKey : r.DestinationKey,
                ["composite"] = false,
            })]),
            ["isDataVersioned"] = false,
            ["supportsCalculate"] = s.Editable,
            ["supportsTruncate"] = false,
            ["supportsMultiScaleGeometry"] = false,
            ["hasGeometryProperties"] = !l.IsTable,
            ["supportsAttachmentsByUploadId"] = false,
            ["supportsRollbackOnFailureParameter"] = true,
            ["supportsStatistics"] = false,
            ["supportsAdvancedQueries"] = true,
            ["supportsValidateSql"] = false,
            ["supportsCoordinatesQuantization"] = false,
            ["supportsApplyEditsWithGlobalIds"] = true,
            ["supportsQueryAttachments"] = l.HasAttachments,
            ["advancedQueryCapabilities"] = new JsonObject
            {
                ["supportsPagination"] = true, ["supportsQueryRelatedPagination"] = false, ["supportsQueryWithDistance"] = false,
                ["supportsReturningQueryExtent"] = true, ["supportsStatistics"] = false, ["supportsOrderBy"] = true,
                ["supportsDistinct"] = false, ["supportsQueryWithResultType"] = false, ["supportsSqlExpression"] = false,
                ["supportsAdvancedQueryRelated"] = false, ["supportsReturningGeometryCentroid"] = false,
                ["supportsQueryAttachments"] = l.HasAttachments,
            },
            ["useStandardizedQueries"] = true,
            ["minScale"] = 0,
            ["maxScale"] = 0,
            ["allowGeometryUpdates"] = s.Editable,
            ["hasAttachments"] = l.HasAttachments,
            ["htmlPopupType"] = "esriServerHTMLPopupTypeNone",
            ["hasM"] = false,
            ["hasZ"] = false,
            ["objectIdField"] = LayerDef.ObjectIdField,
            ["uniqueIdField"] = new JsonObject { ["name"] = LayerDef.ObjectIdField, ["isSystemMaintained"] = true },
            ["globalIdField"] = LayerDef.GlobalIdField,
            ["typeIdField"] = "",
            ["indexes"] = new JsonArray(
                new JsonObject { ["name"] = "PK_" + l.Table, ["fields"] = LayerDef.ObjectIdField, ["isAscending"] = true, ["isUnique"] = true, ["description"] = "primary key" },
                new JsonObject { ["name"] = l.Table + "_globalid", ["fields"] = LayerDef.GlobalIdField, ["isAscending"] = true, ["isUnique"] = true, ["description"] = "GlobalID index" }),
            ["types"] = new JsonArray(),
            ["templates"] = new JsonArray(new JsonObject
            {
                ["name"] = l.Name, ["description"] = "",
                ["drawingTool"] = l.Geometry switch { GeometryKind.Point => "esriFeatureEditToolPoint", GeometryKind.Polyline => "esriFeatureEditToolLine", GeometryKind.Polygon => "esriFeatureEditToolPolygon", _ => "esriFeatureEditToolNone" },
                ["prototype"] = new JsonObject { ["attributes"] = new JsonObject() },
            }),
            ["supportedQueryFormats"] = "JSON, geoJSON",
            ["hasStaticData"] = !s.Editable,
            ["maxRecordCount"] = SampleSchema.MaxRecordCount,
            ["standardMaxRecordCount"] = SampleSchema.MaxRecordCount,
            ["tileMaxRecordCount"] = SampleSchema.MaxRecordCount,
            ["maxRecordCountFactor"] = 1,
            ["capabilities"] = caps,
            ["syncCanReturnChanges"] = s.SyncEnabled,
        };
        var fields = new JsonArray();
        foreach (var f in l.Fields)
        {
            var buffer = new System.Buffers.ArrayBufferWriter<byte>();
            using (var w = new Utf8JsonWriter(buffer))
            {
                WriteField(w, f);
            }
            fields.Add(JsonNode.Parse(buffer.WrittenSpan));
        }
        o["fields"] = fields;
        if (!l.IsTable)
        {
            o["geometryType"] = l.EsriGeometryType;
            o["extent"] = extent is null ? null : Extent(extent);
            o["geometryProperties"] = new JsonObject { ["shapeLengthFieldName"] = "", ["units"] = "esriMeters" };
            o["drawingInfo"] = DrawingInfo(l);
        }
        return o;
    }

    private static JsonObject DrawingInfo(LayerDef l)
    {
        JsonObject symbol = l.Geometry switch
        {
            GeometryKind.Point => new JsonObject
            {
                ["type"] = "esriSMS", ["style"] = "esriSMSCircle", ["color"] = l.Name == "Hydrants" ? new JsonArray(220, 40, 40, 255) : new JsonArray(40, 90, 200, 255),
                ["size"] = 7, ["angle"] = 0, ["xoffset"] = 0, ["yoffset"] = 0,
                ["outline"] = new JsonObject { ["color"] = new JsonArray(255, 255, 255, 255), ["width"] = 1 },
            },
            GeometryKind.Polyline => new JsonObject { ["type"] = "esriSLS", ["style"] = "esriSLSSolid", ["color"] = new JsonArray(0, 112, 255, 255), ["width"] = 2 },
            _ => new JsonObject
            {
                ["type"] = "esriSFS", ["style"] = "esriSFSSolid", ["color"] = new JsonArray(120, 180, 230, 90),
                ["outline"] = new JsonObject { ["type"] = "esriSLS", ["style"] = "esriSLSSolid", ["color"] = new JsonArray(40, 80, 140, 255), ["width"] = 1 },
            },
        };
        return new JsonObject
        {
            ["renderer"] = new JsonObject { ["type"] = "simple", ["symbol"] = symbol, ["label"] = "", ["description"] = "" },
            ["transparency"] = 0,
            ["labelingInfo"] = null,
        };
    }
}
