using Xunit.Abstractions;
using Xunit.Sdk;

namespace Casework.Persistence.Tests;

/// <summary>
/// A contract test: a <see cref="FactAttribute"/> that runs once per engine subclass, and is reported
/// as skipped, with the reason the subclass gives, when that engine's server is not configured.
/// </summary>
[XunitTestCaseDiscoverer("Casework.Persistence.Tests.ContractFactDiscoverer", "Casework.Persistence.Tests")]
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class ContractFactAttribute : FactAttribute
{
    /// <summary>The test commits several documents at once: not part of the contract of an engine marked <see cref="OneDocumentPerCommitAttribute"/>.</summary>
    public bool SeveralDocuments { get; set; }
}

/// <summary>
/// Marks an engine subclass whose commits write one document each (MongoDB without transactions): it runs the contract's
/// single-document subset, and the tests that commit several documents are not part of it.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class OneDocumentPerCommitAttribute : Attribute;

/// <summary>
/// Marks an engine subclass that needs a server named by an environment variable. Without it, every
/// contract test of the class is skipped with <see cref="Reason"/> (never silently, never failing).
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class RequiresEnvironmentVariableAttribute(string variable, string reason) : Attribute
{
    public string Variable { get; } = variable;
    public string Reason { get; } = reason;
}

public sealed class ContractFactDiscoverer(IMessageSink diagnosticMessageSink) : IXunitTestCaseDiscoverer
{
    public IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute)
    {
        if (factAttribute.GetNamedArgument<bool>(nameof(ContractFactAttribute.SeveralDocuments))
            && testMethod.TestClass.Class.GetCustomAttributes(typeof(OneDocumentPerCommitAttribute)).Any())
        {
            yield break;
        }
        string? skip = null;
        var requirement = testMethod.TestClass.Class.GetCustomAttributes(typeof(RequiresEnvironmentVariableAttribute)).FirstOrDefault();
        if (requirement is not null)
        {
            var arguments = requirement.GetConstructorArguments().Cast<string>().ToArray();
            if (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(arguments[0])))
            {
                skip = arguments[1];
            }
        }
        yield return new ContractTestCase(diagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(),
            discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod, skip);
    }
}

/// <summary>An xunit test case whose skip reason comes from the engine requirement, not the attribute.</summary>
public sealed class ContractTestCase : XunitTestCase
{
    private string? _engineSkipReason;

    [Obsolete("Called by the de-serializer; should only be called by deriving classes for de-serialization purposes")]
    public ContractTestCase()
    {
    }

    public ContractTestCase(IMessageSink diagnosticMessageSink, TestMethodDisplay display, TestMethodDisplayOptions options, ITestMethod testMethod, string? skipReason)
        : base(diagnosticMessageSink, display, options, testMethod) =>
        _engineSkipReason = skipReason;

    protected override string GetSkipReason(IAttributeInfo factAttribute) => _engineSkipReason ?? base.GetSkipReason(factAttribute);

    public override void Serialize(IXunitSerializationInfo data)
    {
        base.Serialize(data);
        data.AddValue("EngineSkipReason", _engineSkipReason);
    }

    public override void Deserialize(IXunitSerializationInfo data)
    {
        // Read ours first: the base initialises the test case (and asks for the skip reason) as it deserialises.
        _engineSkipReason = data.GetValue<string>("EngineSkipReason");
        base.Deserialize(data);
    }
}
