using LiveChat.Core.Uploads;

namespace LiveChat.Tests.Uploads;

public sealed class FileRulesTests
{
    [Theory]
    [InlineData("foto.JPG", "foto.JPG")]
    [InlineData("../../etc/passwd.txt", "passwd.txt")]
    [InlineData("..\\..\\boot.ini.txt", "boot.ini.txt")]
    [InlineData("...hidden.pdf", "hidden.pdf")]
    [InlineData("relatório ação.pdf", "relatório ação.pdf")]
    [InlineData("a\u0000b\u202Ec.txt", "a_b_c.txt")]
    [InlineData("what?#%.png", "what___.png")]
    public void Safe_file_name_keeps_one_harmless_segment(string input, string expected) =>
        Assert.Equal(expected, FileRules.SafeFileName(input));

    [Theory]
    [InlineData("")]
    [InlineData("../")]
    [InlineData("   ")]
    public void Nothing_left_is_no_name(string input) => Assert.Null(FileRules.SafeFileName(input));

    [Fact]
    public void Long_names_are_capped_keeping_the_extension()
    {
        var name = FileRules.SafeFileName(new string('a', 300) + ".docx")!;
        Assert.Equal(100, name.Length);
        Assert.EndsWith(".docx", name);
    }

    [Theory]
    [InlineData("a.pdf", "application/pdf", true)]
    [InlineData("a.txt", "text/plain; charset=utf-8", true)]
    [InlineData("a.jpeg", "image/jpeg", true)]
    [InlineData("a.pdf", "image/png", false)]
    [InlineData("a.exe", "application/octet-stream", false)]
    [InlineData("a.svg", "image/svg+xml", false)]
    public void Type_must_be_allowed_and_match_the_extension(string name, string type, bool allowed) =>
        Assert.Equal(allowed, FileRules.IsAllowedType(name, type));
}
