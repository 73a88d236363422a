using Casework.Intake.Domain;

namespace Casework.Intake;

/// <summary>
/// A region's answer lists for the equality monitoring questions (section <c>Intake:EqualityMonitoring</c>, keys
/// <c>Gender</c>, <c>Ethnicity</c>, <c>Disability</c>, each a list; a list not set keeps the default).
/// </summary>
public sealed class EqualityMonitoringOptions
{
    public const string Section = "Intake:EqualityMonitoring";

    // Null unless configured: the binder would add configured answers to a pre-filled list instead of replacing it.
    public List<string>? Gender { get; set; }
    public List<string>? Ethnicity { get; set; }
    public List<string>? Disability { get; set; }
}

public static class EqualityMonitoringSetup
{
    /// <summary>Registers the region's <see cref="EqualityVocabulary"/>; a bad list stops the service at start-up.</summary>
    public static WebApplicationBuilder AddEqualityMonitoring(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(EqualityMonitoringOptions.Section).Get<EqualityMonitoringOptions>() ?? new();
        EqualityVocabulary vocabulary;
        try
        {
            vocabulary = EqualityVocabulary.Of(options.Gender, options.Ethnicity, options.Disability);
        }
        catch (ArgumentException problem)
        {
            throw new InvalidOperationException($"{EqualityMonitoringOptions.Section}:{problem.Message}", problem);
        }
        builder.Services.AddSingleton(vocabulary);
        return builder;
    }
}
