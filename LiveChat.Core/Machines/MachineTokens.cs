using System.Security.Cryptography;
using System.Text;

namespace LiveChat.Core.Machines;

public static class MachineTokens
{
    /// <summary>A new random token (32 bytes, base64url). It is shown once; only its hash is stored.</summary>
    public static string Generate() => "lcm_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))
        .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
