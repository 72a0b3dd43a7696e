using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace LiveChat.Core.Realtime;

public sealed record NegotiateResult(string Url, string AccessToken);

/// <summary>HS256 tokens signed with the AccessKey's UTF-8 bytes, as the service expects.</summary>
public static class SignalRTokens
{
    public const string UserIdClaim = "asrs.s.uid";

    public static string Create(string accessKey, string audience, DateTimeOffset now, TimeSpan lifetime, string? userId = null) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Audience = audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = (now + lifetime).UtcDateTime,
            Claims = userId is null ? null : new Dictionary<string, object> { [UserIdClaim] = userId },
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(accessKey)), SecurityAlgorithms.HmacSha256),
        });

    public static string MachineUser(string machineId) => $"machine:{machineId}";
    public static string AgentUser(string userId) => $"agent:{userId}";
    public static string AgentsGroup(string tenantId) => $"tenant:{tenantId}:agents";
}
