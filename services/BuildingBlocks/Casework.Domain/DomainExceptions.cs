namespace Casework.Domain;

// The three ways a domain rule refuses a change. Domain code throws them; the service defaults' exception
// handler answers each as its problem (409, 400 naming the field, 404), so no endpoint maps them itself.

/// <summary>A rule forbids the change now (deciding a referral twice, changing a closed case): 409, with what is missing, if anything.</summary>
public class DomainRuleException(string message, IReadOnlyList<string>? missing = null) : Exception(message)
{
    public IReadOnlyList<string> Missing { get; } = missing ?? [];
}

/// <summary>An input only the record's own rules can judge (a review date beyond the cadence): 400 naming the field.</summary>
public class DomainInputException(string field, string message) : Exception(message)
{
    public string Field { get; } = field;
}

/// <summary>A part of a record that does not exist (a goal of a case): 404.</summary>
public class DomainNotFoundException(string message) : Exception(message);
