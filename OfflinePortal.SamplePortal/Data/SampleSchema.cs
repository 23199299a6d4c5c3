namespace OfflinePortal.SamplePortal.Data;

/// <summary>The ArcGIS field types the sample data uses, named as on the wire.</summary>
internal enum FieldKind
{
    ObjectId,
    GlobalId,
    Guid,
    String,
    SmallInteger,
    Integer,
    Double,
    Date,
}

internal sealed record CodedValue(string Name, object Code);

internal sealed record Domain(string Name, IReadOnlyList<CodedValue> CodedValues);

internal sealed record FieldDef(string Name, FieldKind Kind, string Alias, int Length = 0, Domain? Domain = null, bool Editable = true)
{
    public string EsriType => Kind switch
    {
        FieldKind.ObjectId => "esriFieldTypeOID",
        FieldKind.GlobalId => "esriFieldTypeGlobalID",
        FieldKind.Guid => "esriFieldTypeGUID",
        FieldKind.String => "esriFieldTypeString",
        FieldKind.SmallInteger => "esriFieldTypeSmallInteger",
        FieldKind.Integer => "esriFieldTypeInteger",
        FieldKind.Double => "esriFieldTypeDouble",
        FieldKind.Date => "esriFieldTypeDate",
        _ => throw new InvalidOperationException(Kind.ToString()),
    };

    public bool IsText => Kind is FieldKind.String or FieldKind.GlobalId or FieldKind.Guid;

    public bool IsNumeric => Kind is FieldKind.ObjectId or FieldKind.SmallInteger or FieldKind.Integer or FieldKind.Double or FieldKind.Date;

    public string SqlType => Kind switch
    {
        FieldKind.ObjectId or FieldKind.SmallInteger or FieldKind.Integer or FieldKind.Date => "INTEGER",
        FieldKind.Double => "REAL",
        _ => "TEXT",
    };
}

internal enum GeometryKind
{
    None,
    Point,
    Polyline,
    Polygon,
}

/// <summary>One-to-many relationship from an origin layer's key to a destination layer's foreign key.</summary>
internal sealed record RelationshipDef(int Id, string Name, int OriginLayerId, string OriginKey, int DestinationLayerId, string DestinationKey);

internal sealed record LayerDef(
    int Id,
    string Name,
    string Table,
    GeometryKind Geometry,
    IReadOnlyList<FieldDef> Fields,
    string DisplayField,
    bool HasAttachments,
    string Description)
{
    public const string ObjectIdField = "OBJECTID";
    public const string GlobalIdField = "GlobalID";

    private readonly Dictionary<string, FieldDef> _byName = Fields.ToDictionary(f => f.Name, StringComparer.OrdinalIgnoreCase);

    public bool IsTable => Geometry == GeometryKind.None;

    public string AttachmentTable => Table + "_attach";

    public string RTreeTable => Table + "_rtree";

    public FieldDef? FindField(string name) => _byName.GetValueOrDefault(name);

    public string EsriGeometryType => Geometry switch
    {
        GeometryKind.Point => "esriGeometryPoint",
        GeometryKind.Polyline => "esriGeometryPolyline",
        GeometryKind.Polygon => "esriGeometryPolygon",
        _ => "",
    };
}

internal sealed record ServiceDef(
    string Name,
    string Title,
    string Description,
    string ItemId,
    bool SyncEnabled,
    bool Editable,
    IReadOnlyList<LayerDef> Layers,
    IReadOnlyList<RelationshipDef> Relationships)
{
    public string Capabilities => (SyncEnabled, Editable) switch
    {
        (true, true) => "Create,Delete,Query,Update,Editing,Sync",
        (true, false) => "Query,Sync",
        (false, true) => "Create,Delete,Query,Update,Editing",
        _ => "Query",
    };

    public LayerDef? FindLayer(int id) => Layers.FirstOrDefault(l => l.Id == id);
}

/// <summary>The fixed schema of the sample utility: three feature services and their layers.</summary>
internal static class SampleSchema
{
    public const string WaterNetwork = "WaterNetwork";
    public const string PressureZones = "PressureZones";
    public const string CriticalCustomers = "CriticalCustomers";
    public const int MaxRecordCount = 2000;

    public static readonly Domain HydrantStatus = new("HydrantStatus",
    [
        new("In Service", "InService"),
        new("Out of Service", "OutOfService"),
        new("Needs Repair", "NeedsRepair"),
        new("Retired", "Retired"),
    ]);

    public static readonly Domain PipeMaterial = new("PipeMaterial",
    [
        new("Ductile Iron", "DI"),
        new("Cast Iron", "CI"),
        new("PVC", "PVC"),
        new("Asbestos Cement", "AC"),
        new("HDPE", "HDPE"),
    ]);

    public static readonly Domain InspectionResult = new("InspectionResult",
    [
        new("Pass", "Pass"),
        new("Fail", "Fail"),
        new("Repair Needed", "Repair"),
    ]);

    private static FieldDef[] Common(params FieldDef[] own) =>
    [
        new(LayerDef.ObjectIdField, FieldKind.ObjectId, "OBJECTID", Editable: false),
        new(LayerDef.GlobalIdField, FieldKind.GlobalId, "GlobalID", 38, Editable: false),
        .. own,
        new("CreationDate", FieldKind.Date, "CreationDate", 8, Editable: false),
        new("Creator", FieldKind.String, "Creator", 128, Editable: false),
        new("EditDate", FieldKind.Date, "EditDate", 8, Editable: false),
        new("Editor", FieldKind.String, "Editor", 128, Editable: false),
    ];

    public static readonly LayerDef Hydrants = new(0, "Hydrants", "hydrants", GeometryKind.Point, Common(
        new("ASSETID", FieldKind.String, "Asset ID", 20),
        new("HYDRANTTYPE", FieldKind.String, "Hydrant Type", 30),
        new("STATUS", FieldKind.String, "Status", 16, HydrantStatus),
        new("FLOWRATE", FieldKind.Double, "Flow Rate (gpm)"),
        new("INSTALLDATE", FieldKind.Date, "Install Date", 8),
        new("LASTINSPECTION", FieldKind.Date, "Last Inspection", 8),
        new("PRESSUREZONE", FieldKind.String, "Pressure Zone", 30)), "ASSETID", HasAttachments: true,
        "Fire hydrants of the Ashland water system.");

    public static readonly LayerDef Valves = new(1, "Valves", "valves", GeometryKind.Point, Common(
        new("ASSETID", FieldKind.String, "Asset ID", 20),
        new("VALVETYPE", FieldKind.String, "Valve Type", 30),
        new("DIAMETER", FieldKind.SmallInteger, "Diameter (in)"),
        new("NORMALPOSITION", FieldKind.String, "Normal Position", 10),
        new("TURNS", FieldKind.SmallInteger, "Turns to Close"),
        new("LASTEXERCISED", FieldKind.Date, "Last Exercised", 8),
        new("INSTALLDATE", FieldKind.Date, "Install Date", 8)), "ASSETID", HasAttachments: false,
        "Isolation valves.");

    public static readonly LayerDef Mains = new(2, "Mains", "mains", GeometryKind.Polyline, Common(
        new("ASSETID", FieldKind.String, "Asset ID", 20),
        new("DIAMETER", FieldKind.SmallInteger, "Diameter (in)"),
        new("MATERIAL", FieldKind.String, "Material", 10, PipeMaterial),
        new("INSTALLYEAR", FieldKind.SmallInteger, "Install Year"),
        new("PRESSUREZONE", FieldKind.String, "Pressure Zone", 30)), "ASSETID", HasAttachments: false,
        "Distribution mains along the street grid.");

    public static readonly LayerDef Inspections = new(3, "Inspections", "inspections", GeometryKind.None, Common(
        new("HYDRANTGUID", FieldKind.Guid, "Hydrant GlobalID", 38),
        new("INSPECTOR", FieldKind.String, "Inspector", 50),
        new("INSPECTIONDATE", FieldKind.Date, "Inspection Date", 8),
        new("RESULT", FieldKind.String, "Result", 10, InspectionResult),
        new("STATICPRESSURE", FieldKind.Double, "Static Pressure (psi)"),
        new("NOTES", FieldKind.String, "Notes", 500)), "INSPECTOR", HasAttachments: false,
        "Hydrant inspections, related to hydrants through the hydrant GlobalID.");

    public static readonly LayerDef Zones = new(0, "PressureZones", "pressure_zones", GeometryKind.Polygon, Common(
        new("ZONENAME", FieldKind.String, "Zone Name", 50),
        new("ZONECODE", FieldKind.String, "Zone Code", 10),
        new("HGL", FieldKind.Double, "Hydraulic Grade Line (ft)"),
        new("SOURCE", FieldKind.String, "Source", 50),
        new("AREAACRES", FieldKind.Double, "Area (acres)")), "ZONENAME", HasAttachments: true,
        "Pressure zones of the distribution system.");

    public static readonly LayerDef Customers = new(0, "CriticalCustomers", "critical_customers", GeometryKind.Point, Common(
        new("NAME", FieldKind.String, "Name", 100),
        new("CATEGORY", FieldKind.String, "Category", 30),
        new("ADDRESS", FieldKind.String, "Address", 100),
        new("PHONE", FieldKind.String, "Phone", 20),
        new("PRIORITY", FieldKind.SmallInteger, "Priority")), "NAME", HasAttachments: false,
        "Customers who must be told before their water is shut off.");

    public static readonly IReadOnlyList<ServiceDef> Services =
    [
        new(WaterNetwork, "Water Network", "Hydrants, valves, mains and hydrant inspections of the Ashland water system (sample data).",
            "3f1c2a4b5d6e4f708192a3b4c5d6e7f8", SyncEnabled: true, Editable: true,
            [Hydrants, Valves, Mains, Inspections],
            [new RelationshipDef(0, "Hydrant_Inspections", 0, LayerDef.GlobalIdField, 3, "HYDRANTGUID")]),
        new(PressureZones, "Pressure Zones", "Pressure zones of the Ashland water system (sample data), read-only.",
            "4a2d3b5c6e7f4081a2b3c4d5e6f70819", SyncEnabled: true, Editable: false, [Zones], []),
        new(CriticalCustomers, "Critical Customers", "Hospitals, schools and care homes (sample data). Not sync-enabled.",
            "5b3e4c6d7f80419293a4b5c6d7e8f90a", SyncEnabled: false, Editable: false, [Customers], []),
    ];

    public static IEnumerable<LayerDef> AllLayers => Services.SelectMany(s => s.Layers);

    public static ServiceDef? FindService(string name) =>
        Services.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));
}
