using Microsoft.EntityFrameworkCore;
using OfflinePortal.Core.Persistence;

namespace OfflinePortal.Core.Areas;

/// <summary>What a supervisor enters for an area.</summary>
public sealed record AreaInput(string Name, string WebMapId, string? WebMapTitle, int? CrewId, string GeoJson);

/// <summary>An area as the list shows it.</summary>
public sealed record AreaListItem(int Id, string Name, string WebMapId, string? WebMapTitle, int? CrewId, string? CrewName, DateTime UpdatedUtc, string UpdatedBy);

/// <summary>Crews and areas: list, create, edit, delete, with the checks that keep them consistent.</summary>
public sealed class AreaService(IDbContextFactory<PortalDbContext> dbFactory, AreaValidator validator, TimeProvider time)
{
    public async Task<IReadOnlyList<Crew>> ListCrewsAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        return await db.Crews.AsNoTracking().OrderBy(c => c.Name).ToListAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<Crew> SaveCrewAsync(int? id, string name, string? notes, CancellationToken cancellationToken)
    {
        name = (name ?? "").Trim();
        if (name.Length == 0)
        {
            throw RequestValidationException.For("Name", "A crew needs a name.");
        }
        if (name.Length > 200)
        {
            throw RequestValidationException.For("Name", "A crew name has at most 200 characters.");
        }
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        // The Name column is COLLATE NOCASE, so this comparison ignores case like the unique index does.
        if (await db.Crews.AnyAsync(c => c.Id != id && c.Name == name, cancellationToken).ConfigureAwait(false))
        {
            throw RequestValidationException.For("Name", $"There is already a crew named '{name}'.");
        }
        var now = time.GetUtcNow().UtcDateTime;
        Crew crew;
        if (id is { } existing)
        {
            crew = await db.Crews.SingleOrDefaultAsync(c => c.Id == existing, cancellationToken).ConfigureAwait(false)
                ?? throw RequestValidationException.For("Id", $"Crew {existing} does not exist.");
        }
        else
        {
            crew = new Crew { Name = name, CreatedUtc = now };
            db.Crews.Add(crew);
        }
        crew.Name = name;
        crew.Notes = string.IsNullOrWhiteSpace(notes) ? null : notes.Trim();
        crew.UpdatedUtc = now;
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return crew;
    }

    /// <summary>Deletes a crew that no area uses (jobs keep the crew's name in their own record).</summary>
    public async Task DeleteCrewAsync(int id, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var areas = await db.Areas.CountAsync(a => a.CrewId == id, cancellationToken).ConfigureAwait(false);
        if (areas > 0)
        {
            throw RequestValidationException.For("Id", $"The crew is assigned to {areas} area(s); assign them to another crew first.");
        }
        await db.Crews.Where(c => c.Id == id).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<AreaListItem>> ListAreasAsync(string? webMapId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var areas = db.Areas.AsNoTracking();
        if (!string.IsNullOrEmpty(webMapId))
        {
            areas = areas.Where(a => a.WebMapId == webMapId);
        }
        return await areas.OrderBy(a => a.Name)
            .Select(a => new AreaListItem(a.Id, a.Name, a.WebMapId, a.WebMapTitle, a.CrewId, a.Crew != null ? a.Crew.Name : null, a.UpdatedUtc, a.UpdatedBy))
            .ToListAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<Area?> GetAreaAsync(int id, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        return await db.Areas.AsNoTracking().Include(a => a.Crew).SingleOrDefaultAsync(a => a.Id == id, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Creates (<paramref name="id"/> null) or updates an area; nothing is saved when any field is wrong.</summary>
    public async Task<Area> SaveAreaAsync(int? id, AreaInput input, string userName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var name = (input.Name ?? "").Trim();
        if (name.Length == 0)
        {
            errors[nameof(AreaInput.Name)] = ["An area needs a name."];
        }
        else if (name.Length > 200)
        {
            errors[nameof(AreaInput.Name)] = ["An area name has at most 200 characters."];
        }
        var webMapId = (input.WebMapId ?? "").Trim();
        if (webMapId.Length == 0)
        {
            errors[nameof(AreaInput.WebMapId)] = ["Choose the web map the area is for."];
        }
        else if (webMapId.Length > 100)
        {
            errors[nameof(AreaInput.WebMapId)] = ["A web map id has at most 100 characters."];
        }
        var geometry = validator.Validate(input.GeoJson);
        if (!geometry.IsValid)
        {
            errors[nameof(AreaInput.GeoJson)] = [geometry.Error!];
        }
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        if (input.CrewId is { } crewId && !await db.Crews.AnyAsync(c => c.Id == crewId, cancellationToken).ConfigureAwait(false))
        {
            errors[nameof(AreaInput.CrewId)] = [$"Crew {crewId} does not exist."];
        }
        if (errors.Count > 0)
        {
            throw new RequestValidationException(errors);
        }
        var now = time.GetUtcNow().UtcDateTime;
        Area area;
        if (id is { } existing)
        {
            area = await db.Areas.SingleOrDefaultAsync(a => a.Id == existing, cancellationToken).ConfigureAwait(false)
                ?? throw RequestValidationException.For("Id", $"Area {existing} does not exist.");
        }
        else
        {
            area = new Area { Name = name, WebMapId = webMapId, GeoJson = geometry.GeoJson!, CreatedUtc = now, CreatedBy = userName, UpdatedBy = userName };
            db.Areas.Add(area);
        }
        area.Name = name;
        area.WebMapId = webMapId;
        area.WebMapTitle = string.IsNullOrWhiteSpace(input.WebMapTitle) ? null : input.WebMapTitle.Trim();
        area.CrewId = input.CrewId;
        area.GeoJson = geometry.GeoJson!;
        (area.MinX, area.MinY, area.MaxX, area.MaxY) = (geometry.MinX, geometry.MinY, geometry.MaxX, geometry.MaxY);
        area.UpdatedUtc = now;
        area.UpdatedBy = userName;
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return area;
    }

    /// <summary>Deletes an area; jobs made from it keep their own snapshot of its geometry.</summary>
    public async Task DeleteAreaAsync(int id, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await db.Areas.Where(a => a.Id == id).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
    }
}
