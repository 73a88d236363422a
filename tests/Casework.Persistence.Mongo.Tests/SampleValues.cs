using System.Collections;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Casework.Persistence.Mongo.Tests;

/// <summary>
/// A populated instance of any stored type, built by reflection: every property gets a value other than its default
/// (strings with non-ASCII text, decimals with many digits, the last enum member, nested records, two-element lists
/// and dictionaries), so a mapping that loses or changes any kind of value fails the round trip.
/// </summary>
public sealed class SampleValues
{
    private int _counter;

    public object? Create(Type type, int depth = 0)
    {
        var n = ++_counter;
        var underlying = Nullable.GetUnderlyingType(type);
        if (underlying is not null)
        {
            return Create(underlying, depth);
        }
        if (type == typeof(string)) return $"Zoë \"O'Brien\" – ✓ {n}";
        if (type == typeof(Guid)) return new Guid($"6f1c2a1e-0a01-4c1e-9a01-{n:D12}");
        if (type == typeof(bool)) return true;
        if (type == typeof(int)) return 1_000 + n;
        if (type == typeof(long)) return 9_000_000_000L + n;
        if (type == typeof(short)) return (short)(10 + n);
        if (type == typeof(byte)) return (byte)(n % 200 + 1);
        if (type == typeof(decimal)) return 12_345_678_901_234.567_890_123_4m + n;
        if (type == typeof(double)) return 0.1 + n;
        if (type == typeof(float)) return 0.5f + n;
        if (type == typeof(DateTimeOffset)) return new DateTimeOffset(2025, 3, 14, 9, 26, 53, TimeSpan.Zero).AddTicks(1_234_567 + n);
        if (type == typeof(DateTime)) return new DateTime(2025, 3, 14, 9, 26, 53, DateTimeKind.Utc).AddTicks(7_654_321 + n);
        if (type == typeof(DateOnly)) return new DateOnly(2025, 3, 14).AddDays(n);
        if (type == typeof(TimeOnly)) return new TimeOnly(9, 26, 53).Add(TimeSpan.FromSeconds(n));
        if (type == typeof(TimeSpan)) return TimeSpan.FromMinutes(90 + n);
        if (type == typeof(JsonElement)) return JsonSerializer.SerializeToElement(new { amount = 1.50m, count = n, flag = false, tags = new[] { "x" } });
        if (type == typeof(object)) return $"object {n}";
        if (type.IsEnum)
        {
            var values = Enum.GetValues(type);
            return values.GetValue(values.Length - 1);
        }
        if (type.IsArray)
        {
            var element = type.GetElementType()!;
            var array = Array.CreateInstance(element, 2);
            array.SetValue(Create(element, depth + 1), 0);
            array.SetValue(Create(element, depth + 1), 1);
            return array;
        }
        if (Dictionary(type) is { } dictionary)
        {
            return dictionary;
        }
        if (Sequence(type, depth) is { } sequence)
        {
            return sequence;
        }
        if (depth > 6)
        {
            return null;
        }
        return Object(type, depth);

        object? Dictionary(Type t)
        {
            var definition = Generic(t, typeof(IDictionary<,>)) ?? Generic(t, typeof(IReadOnlyDictionary<,>));
            if (definition is null)
            {
                return null;
            }
            var (key, value) = (definition.GetGenericArguments()[0], definition.GetGenericArguments()[1]);
            var concrete = t.IsInterface ? typeof(Dictionary<,>).MakeGenericType(key, value) : t;
            var instance = (IDictionary)Activator.CreateInstance(concrete)!;
            instance[Create(key, depth + 1)!] = Create(value, depth + 1);
            instance[Create(key, depth + 1)!] = Create(value, depth + 1);
            return instance;
        }
    }

    private object? Sequence(Type type, int depth)
    {
        var enumerable = Generic(type, typeof(IEnumerable<>));
        if (enumerable is null || type == typeof(string))
        {
            return null;
        }
        var element = enumerable.GetGenericArguments()[0];
        var concrete = type.IsInterface
            ? (Generic(type, typeof(ISet<>)) ?? Generic(type, typeof(IReadOnlySet<>))) is not null
                ? typeof(HashSet<>).MakeGenericType(element)
                : typeof(List<>).MakeGenericType(element)
            : type;
        var instance = Activator.CreateInstance(concrete)!;
        var add = concrete.GetMethod("Add", [element])!;
        add.Invoke(instance, [Create(element, depth + 1)]);
        add.Invoke(instance, [Create(element, depth + 1)]);
        return instance;
    }

    private static Type? Generic(Type type, Type definition) =>
        type.IsGenericType && type.GetGenericTypeDefinition() == definition
            ? type
            : type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == definition);

    /// <summary>A record or class through its widest constructor, then every settable property still at its default.</summary>
    private object Object(Type type, int depth)
    {
        var constructor = type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).FirstOrDefault();
        var instance = constructor is null
            ? RuntimeHelpers.GetUninitializedObject(type)
            : constructor.Invoke(constructor.GetParameters().Select(p => Create(p.ParameterType, depth + 1)).ToArray());
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.SetMethod is { IsPublic: true } && property.GetIndexParameters().Length == 0 && IsDefault(property.GetValue(instance)))
            {
                property.SetValue(instance, Create(property.PropertyType, depth + 1));
            }
        }
        return instance;
    }

    private static bool IsDefault(object? value) =>
        value is null || (value.GetType().IsValueType && value.Equals(Activator.CreateInstance(value.GetType())))
        || value is ICollection { Count: 0 };
}
