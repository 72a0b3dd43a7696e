namespace LiveChat.Core.Webhooks;

/// <summary>What an ADMIN reads about an endpoint and its deliveries: why a URL is refused, why an attempt failed, why the endpoint was disabled.</summary>
public static class WebhookTexts
{
    public static string UrlRequired(int max) => $"url é obrigatória: uma URL https absoluta de até {max} caracteres.";
    public const string UrlNotHttps = "url deve ser uma URL https absoluta.";
    public const string UrlWithCredentials = "url não pode conter credenciais (usuário:senha@).";
    public const string UrlWithFragment = "url não pode ter fragmento (#...).";
    public const string UrlLoopback = "url não pode apontar para esta máquina (loopback).";
    public const string UrlPrivate = "url não pode apontar para um endereço privado, link-local ou reservado.";

    public static string Timeout(TimeSpan limit) => $"tempo esgotado após {limit.TotalSeconds:0.#} s";
    public static string NetworkError(string kind) => $"erro de rede ({kind})";
    public static string AddressRefused(string host) => $"recusado: {host} só resolve para endereços privados, de loopback, link-local ou reservados";
    public const string EndpointDeleted = "webhook apagado";
    public const string EndpointDisabled = "webhook desativado";

    public static string Disabled(long failingSince, string lastFailure) =>
        $"Todas as entregas falharam desde {DateTimeOffset.FromUnixTimeMilliseconds(failingSince):u} (última: {lastFailure}). " +
        "Corrija o receptor, reative o webhook e reenvie o que falhou.";
}
