using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Xunit;

namespace Casework.Testing;

/// <summary>Reading and asserting the JSON answers of a service's HTTP API, and posting JSON to it.</summary>
public static class HttpAssertions
{
    /// <summary>The response body as JSON, whatever the status.</summary>
    public static async Task<JsonElement> ReadJsonAsync(this HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();

    /// <summary>Asserts the status (showing the body when it differs) and returns the body as JSON.</summary>
    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"Expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>Asserts an RFC 9457 problem-details response with this status and returns it.</summary>
    public static async Task<JsonElement> ProblemAsync(this HttpResponseMessage response, HttpStatusCode expected)
    {
        var problem = await response.JsonAsync(expected);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal((int)expected, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
        return problem;
    }

    /// <summary>A string property of a JSON answer (null when it is JSON null).</summary>
    public static string? Text(this JsonElement item, string property) => item.GetProperty(property).GetString();

    /// <summary>The field names of a validation problem's <c>errors</c>.</summary>
    public static IReadOnlyCollection<string> ErrorFields(this JsonElement problem) =>
        problem.TryGetProperty("errors", out var errors) ? errors.EnumerateObject().Select(p => p.Name).ToHashSet() : [];

    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string path, object body, params (string Name, string Value)[] headers) =>
        client.SendJsonAsync(HttpMethod.Post, path, body, headers);

    public static Task<HttpResponseMessage> PutJsonAsync(this HttpClient client, string path, object body, params (string Name, string Value)[] headers) =>
        client.SendJsonAsync(HttpMethod.Put, path, body, headers);

    private static Task<HttpResponseMessage> SendJsonAsync(this HttpClient client, HttpMethod method, string path, object body, (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) };
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        return client.SendAsync(request);
    }

    /// <summary>Posts JSON text as given, for bodies a serializer would not write (malformed, wrong types).</summary>
    public static Task<HttpResponseMessage> PostRawAsync(this HttpClient client, string path, string json) =>
        client.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));
}
