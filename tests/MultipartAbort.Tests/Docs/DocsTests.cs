using System.Reflection;
using System.Text.RegularExpressions;
using MultipartAbort.Core.Configuration;
using MultipartAbort.Testing;

namespace MultipartAbort.Tests.Docs;

/// <summary>The README and docs/ stay true to themselves and to the code: every link lands, every variable is documented.</summary>
public partial class DocsTests
{
    private static readonly string Root = PublishedBinary.RepositoryRoot;

    private static IEnumerable<string> Pages() =>
        new[] { Path.Combine(Root, "README.md") }.Concat(Directory.GetFiles(Path.Combine(Root, "docs"), "*.md")).Concat(Directory.GetFiles(Path.Combine(Root, "bench"), "*.md", SearchOption.AllDirectories).Where(f => !IsBuildOutput(f)));

    // A bench tool's build output (bench/report/render: Playwright's package ships its own .md files) is not ours.
    private static bool IsBuildOutput(string file) => Path.GetRelativePath(Root, file).Split(Path.DirectorySeparatorChar).Any(s => s is "bin" or "obj" or "out");

    /// <summary>GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens.</summary>
    private static string Slug(string heading) => NotWordOrSpace().Replace(heading.TrimStart('#').Trim().ToLowerInvariant(), "").Replace(' ', '-');

    private static HashSet<string> Anchors(string page)
    {
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        var fenced = false;
        foreach (var line in File.ReadLines(page))
        {
            if (line.StartsWith("```", StringComparison.Ordinal))
                fenced = !fenced;
            else if (!fenced && line.StartsWith('#'))
                anchors.Add(Slug(line));
        }
        return anchors;
    }

    [Fact]
    public void EveryRelativeLink_LandsOnAFileAndHeadingThatExist()
    {
        var broken = new List<string>();
        foreach (var page in Pages())
        {
            foreach (Match m in Link().Matches(File.ReadAllText(page)))
            {
                var link = m.Groups[1].Value;
                if (link.StartsWith("http", StringComparison.Ordinal) || link.StartsWith("mailto:", StringComparison.Ordinal))
                    continue;
                var hash = link.IndexOf('#');
                var path = hash < 0 ? link : link[..hash];
                var target = path.Length == 0 ? page : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(page)!, path));
                if (!File.Exists(target) && !Directory.Exists(target))
                    broken.Add($"{Path.GetRelativePath(Root, page)}: {link} (no such file)");
                else if (hash >= 0 && target.EndsWith(".md", StringComparison.Ordinal) && !Anchors(target).Contains(link[(hash + 1)..]))
                    broken.Add($"{Path.GetRelativePath(Root, page)}: {link} (no such heading)");
            }
        }

        broken.Should().BeEmpty();
    }

    [Fact]
    public void EveryEnvironmentVariable_IsDocumentedInTheConfigurationPage()
    {
        var page = File.ReadAllText(Path.Combine(Root, "docs", "configuration.md"));
        var names = typeof(EnvironmentVariables).GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).ToArray();

        names.Should().HaveCountGreaterThan(20);
        names.Where(n => !page.Contains($"`{n}`", StringComparison.Ordinal)).Should().BeEmpty();
    }

    [GeneratedRegex(@"\]\(([^)\s]+)\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"[^\w\- ]")]
    private static partial Regex NotWordOrSpace();
}
