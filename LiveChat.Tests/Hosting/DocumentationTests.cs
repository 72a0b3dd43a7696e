using System.Text.RegularExpressions;
using LiveChat.Tests.Infrastructure;

namespace LiveChat.Tests.Hosting;

/// <summary>The README is a landing page, and every link between it and the pages in docs/ leads somewhere.</summary>
public sealed partial class DocumentationTests
{
    static readonly string[] Pages = [Path.Combine(LocalStack.RepoRoot, "README.md"),
        .. Directory.GetFiles(Path.Combine(LocalStack.RepoRoot, "docs"), "*.md")];

    [Fact]
    public void The_readme_stays_a_landing_page_with_the_two_commands_first()
    {
        var readme = File.ReadAllLines(Pages[0]);
        Assert.InRange(readme.Length, 1, 250);
        Assert.Equal("./run.sh", readme[3].Split(' ')[0]);
        Assert.Equal("./test.sh", readme[4].Split(' ')[0]);
    }

    [Fact]
    public void Every_relative_link_and_anchor_in_the_readme_and_docs_exists()
    {
        var broken = new List<string>();
        foreach (var page in Pages)
            foreach (Match link in Link().Matches(WithoutCode(File.ReadAllText(page))))
            {
                var target = link.Groups[1].Value;
                if (target.StartsWith("http:") || target.StartsWith("https:") || target.StartsWith("mailto:")) continue;
                var (file, anchor) = target.IndexOf('#') is var hash and >= 0 ? (target[..hash], target[(hash + 1)..]) : (target, null);
                var path = file.Length == 0 ? page : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(page)!, file));
                if (!File.Exists(path) && !Directory.Exists(path)) broken.Add($"{Path.GetFileName(page)}: {target} (no such file)");
                else if (anchor is not null && !Anchors(path).Contains(anchor)) broken.Add($"{Path.GetFileName(page)}: {target} (no such heading)");
            }
        Assert.Empty(broken);
    }

    /// <summary>GitHub's heading anchors: lower case, punctuation dropped, spaces as hyphens.</summary>
    static HashSet<string> Anchors(string markdown) =>
        Heading().Matches(WithoutCode(File.ReadAllText(markdown)))
            .Select(h => Regex.Replace(h.Groups[1].Value.Trim().ToLowerInvariant(), @"[^\p{L}\p{N} _-]", "").Replace(' ', '-'))
            .ToHashSet();

    static string WithoutCode(string markdown) => Regex.Replace(markdown, "^```.*?^```", "", RegexOptions.Singleline | RegexOptions.Multiline);

    [GeneratedRegex(@"\]\(([^)\s]+)\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"^#{1,6} (.+)$", RegexOptions.Multiline)]
    private static partial Regex Heading();
}
