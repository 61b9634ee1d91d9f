namespace MultipartAbort.Core.Report;

public enum ReportBy
{
    None,
    Initiator,
    Owner,
}

/// <summary>The figures of one initiator's or owner's uploads, and the raw names folded into it.</summary>
public sealed class ShowbackGroup(string name)
{
    // Enough to tell the sessions of a role apart, never one per upload.
    public const int MaxNames = 20;

    private readonly SortedSet<string> _ids = new(StringComparer.Ordinal);
    private readonly SortedSet<string> _displayNames = new(StringComparer.Ordinal);

    public string Name { get; } = name;
    public Breakdown Figures { get; } = new();

    // As the store gave them (a session ARN before it was folded into its role).
    public IReadOnlyCollection<string> Ids => _ids;

    public IReadOnlyCollection<string> DisplayNames => _displayNames;

    internal void Remember(UploadPrincipal? principal)
    {
        if (principal?.Id is { } id && _ids.Count < MaxNames)
            _ids.Add(id);
        if (principal?.DisplayName is { } display && _displayNames.Count < MaxNames)
            _displayNames.Add(display);
    }

    internal ShowbackGroup Add(ShowbackGroup other)
    {
        Figures.Add(other.Figures);
        foreach (var id in other._ids.Where(_ => _ids.Count < MaxNames))
            _ids.Add(id);
        foreach (var display in other._displayNames.Where(_ => _displayNames.Count < MaxNames))
            _displayNames.Add(display);
        return this;
    }
}

public static class Showback
{
    public const string Unknown = "(unknown)";

    public const string Other = "(other)";

    public const int DefaultTop = 20;

    public const int MaxTop = 1000;

    public static string Name(this ReportBy by) => by.ToString().ToLowerInvariant();

    // Only the names, in any case (never a number).
    public static bool TryParse(string? text, out ReportBy by)
    {
        by = Enum.GetValues<ReportBy>().FirstOrDefault(b => string.Equals(b.Name(), text, StringComparison.OrdinalIgnoreCase));
        return by != ReportBy.None;
    }

    // A session ARN is folded into its role, so every session of a role adds up together.
    public static string GroupOf(UploadPrincipal? principal) =>
        principal?.Id is { Length: > 0 } id ? RoleOf(id) ?? id
        : principal?.DisplayName is { Length: > 0 } display ? display
        : Unknown;

    // assumed-role/ROLE/SESSION -> role/ROLE. The session ARN carries no role path, so the role is named without one.
    public static string? RoleOf(string id)
    {
        var parts = id.Split(':', 6);
        if (parts.Length != 6 || parts[0] != "arn" || parts[2] != "sts" || parts[3].Length != 0)
            return null;
        var resource = parts[5].Split('/');
        if (resource.Length != 3 || resource[0] != "assumed-role" || resource[1].Length == 0 || resource[2].Length == 0)
            return null;
        return $"arn:{parts[1]}:iam::{parts[4]}:role/{resource[1]}";
    }

    public static UploadPrincipal? PrincipalOf(ReportedUpload upload, ReportBy by) =>
        by switch
        {
            ReportBy.Initiator => upload.Initiator,
            ReportBy.Owner => upload.Owner,
            _ => null,
        };

    // A bounded answer and metric set however many principals the store names: past top, all fold into (other), last.
    internal static IReadOnlyList<ShowbackGroup> Top(IEnumerable<ShowbackGroup> groups, int top)
    {
        var merged = Merge(groups);
        var ranked = merged.Where(g => g.Name != Other).OrderByDescending(g => g.Figures.Total.Bytes).ThenByDescending(g => g.Figures.Total.Uploads).ThenBy(g => g.Name, StringComparer.Ordinal).ToList();
        var kept = ranked.Take(Math.Max(0, top)).ToList();
        return [.. kept, .. Merge(ranked.Skip(kept.Count).Concat(merged.Where(g => g.Name == Other)), Other)];
    }

    // One group per name, or all under into.
    private static List<ShowbackGroup> Merge(IEnumerable<ShowbackGroup> groups, string? into = null) =>
        [.. groups.GroupBy(g => into ?? g.Name, StringComparer.Ordinal).Select(same => same.Aggregate(new ShowbackGroup(same.Key), (merged, group) => merged.Add(group)))];
}
