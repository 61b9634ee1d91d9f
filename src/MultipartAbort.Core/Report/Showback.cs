using MultipartAbort.Core.Ports;

namespace MultipartAbort.Core.Report;

/// <summary>What a report groups its figures by: no one, who started each upload, or who owns it.</summary>
public enum ReportBy
{
    None,
    Initiator,
    Owner,
}

/// <summary>One showback group: the figures of the uploads of one initiator or owner, and the raw names that folded into it.</summary>
public sealed class ShowbackGroup(string name)
{
    /// <summary>Raw ids and display names kept per group: enough to tell the sessions of a role apart, never one per upload.</summary>
    public const int MaxNames = 20;

    private readonly SortedSet<string> _ids = new(StringComparer.Ordinal);
    private readonly SortedSet<string> _displayNames = new(StringComparer.Ordinal);

    public string Name { get; } = name;
    public Breakdown Figures { get; } = new();

    /// <summary>The ids as the store gave them (an assumed-role session ARN before it was folded into its role).</summary>
    public IReadOnlyCollection<string> Ids => _ids;

    public IReadOnlyCollection<string> DisplayNames => _displayNames;

    internal void Remember(UploadPrincipal? principal)
    {
        if (principal?.Id is { } id && _ids.Count < MaxNames)
            _ids.Add(id);
        if (principal?.DisplayName is { } display && _displayNames.Count < MaxNames)
            _displayNames.Add(display);
    }

    internal void Add(ShowbackGroup other)
    {
        Figures.Add(other.Figures);
        foreach (var id in other._ids.Where(_ => _ids.Count < MaxNames))
            _ids.Add(id);
        foreach (var display in other._displayNames.Where(_ => _displayNames.Count < MaxNames))
            _displayNames.Add(display);
    }
}

/// <summary>The showback rules: which value an upload groups under, and how many groups an answer keeps.</summary>
public static class Showback
{
    /// <summary>The group of uploads whose store named no initiator (or owner).</summary>
    public const string Unknown = "(unknown)";

    /// <summary>The group the values past the top N add up under.</summary>
    public const string Other = "(other)";

    /// <summary>How many groups an answer keeps by default (the largest by bytes); the rest add up under <see cref="Other"/>.</summary>
    public const int DefaultTop = 20;

    public const int MaxTop = 1000;

    public static string Name(this ReportBy by) =>
        by switch
        {
            ReportBy.Initiator => "initiator",
            ReportBy.Owner => "owner",
            _ => "none",
        };

    /// <summary>"initiator" or "owner" (any case); false for anything else.</summary>
    public static bool TryParse(string? text, out ReportBy by)
    {
        by = text?.ToLowerInvariant() switch
        {
            "initiator" => ReportBy.Initiator,
            "owner" => ReportBy.Owner,
            _ => ReportBy.None,
        };
        return by != ReportBy.None;
    }

    /// <summary>
    /// The group of a principal: its id (an assumed-role session ARN folded into its role, so every session of a role
    /// adds up together), else its display name, else <see cref="Unknown"/>.
    /// </summary>
    public static string GroupOf(UploadPrincipal? principal) =>
        principal?.Id is { Length: > 0 } id ? RoleOf(id) ?? id
        : principal?.DisplayName is { Length: > 0 } display ? display
        : Unknown;

    /// <summary>
    /// <c>arn:PARTITION:sts::ACCOUNT:assumed-role/ROLE/SESSION</c> → <c>arn:PARTITION:iam::ACCOUNT:role/ROLE</c>; null for
    /// any other id. The session ARN carries no role path, so the role is named without one.
    /// </summary>
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

    /// <summary>The principal an upload is grouped by.</summary>
    public static UploadPrincipal? PrincipalOf(ReportedUpload upload, ReportBy by) =>
        by switch
        {
            ReportBy.Initiator => upload.Initiator,
            ReportBy.Owner => upload.Owner,
            _ => null,
        };

    /// <summary>
    /// Groups of the same name added up, the <paramref name="top"/> largest by bytes kept (then by name), the rest under
    /// <see cref="Other"/> (last): a bounded answer and metric set however many principals the store names.
    /// </summary>
    internal static IReadOnlyList<ShowbackGroup> Top(IEnumerable<ShowbackGroup> groups, int top)
    {
        var merged = new Dictionary<string, ShowbackGroup>(StringComparer.Ordinal);
        foreach (var group in groups)
        {
            if (!merged.TryGetValue(group.Name, out var into))
                merged[group.Name] = into = new ShowbackGroup(group.Name);
            into.Add(group);
        }
        var ranked = merged.Values.Where(g => g.Name != Other).OrderByDescending(g => g.Figures.Total.Bytes).ThenByDescending(g => g.Figures.Total.Uploads).ThenBy(g => g.Name, StringComparer.Ordinal).ToList();
        var kept = ranked.Take(Math.Max(0, top)).ToList();
        var rest = ranked.Skip(kept.Count).ToList();
        if (merged.TryGetValue(Other, out var other))
            rest.Add(other);
        if (rest.Count > 0)
        {
            var folded = new ShowbackGroup(Other);
            foreach (var group in rest)
                folded.Add(group);
            kept.Add(folded);
        }
        return kept;
    }
}
