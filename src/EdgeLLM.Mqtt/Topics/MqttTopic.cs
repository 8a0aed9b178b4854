namespace EdgeLLM.Mqtt.Topics;

/// <summary>
/// MQTT topic rules: validating topic names (what a message is published to) and topic filters (what a client
/// subscribes to), and matching one against the other the way the broker does, including shared subscriptions
/// (<c>$share/{group}/{filter}</c>) and the rule that filters starting with a wildcard do not match <c>$</c>-topics.
/// </summary>
public static class MqttTopic
{
    /// <summary>The prefix of a shared subscription: <c>$share/{group}/{filter}</c>.</summary>
    public const string SharePrefix = "$share/";

    /// <summary>Whether <paramref name="topic"/> can be published to; <paramref name="error"/> says why not.</summary>
    public static bool IsValidName(string? topic, out string? error)
    {
        error = topic is null ? "it is null"
            : topic.Length == 0 ? "it is empty"
            : topic.AsSpan().IndexOfAny('+', '#') is var w and >= 0 ? $"it contains the wildcard '{topic[w]}' (only topic filters may)"
            : MqttUtf8.Check(topic) is { } utf8 ? $"it contains {utf8}"
            : null;
        return error is null;
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming <paramref name="paramName"/> when <paramref name="topic"/> is not a valid topic name.</summary>
    public static void ValidateName(string? topic, string paramName = "topic")
    {
        if (!IsValidName(topic, out string? error))
        {
            throw new ArgumentException($"'{topic}' is not a valid MQTT topic name: {error}.", paramName);
        }
    }

    /// <summary>
    /// Whether <paramref name="filter"/> can be subscribed to: <c>+</c> only as a whole level, <c>#</c> only as the whole
    /// last level, and for <c>$share/{group}/{filter}</c> a group without wildcards or <c>/</c> and a valid inner filter.
    /// </summary>
    public static bool IsValidFilter(string? filter, out string? error)
    {
        if (filter is null)
        {
            error = "it is null";
            return false;
        }
        if (MqttUtf8.Check(filter) is { } utf8)
        {
            error = $"it contains {utf8}";
            return false;
        }
        ReadOnlySpan<char> inner = filter;
        if (filter.StartsWith(SharePrefix, StringComparison.Ordinal))
        {
            ReadOnlySpan<char> rest = inner[SharePrefix.Length..];
            int slash = rest.IndexOf('/');
            if (slash <= 0)
            {
                error = "a shared subscription needs '$share/{group}/{filter}' with a non-empty group and filter";
                return false;
            }
            if (rest[..slash].IndexOfAny('+', '#') >= 0)
            {
                error = "the share group name contains a wildcard";
                return false;
            }
            inner = rest[(slash + 1)..];
        }
        error = CheckFilterLevels(inner);
        return error is null;
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming <paramref name="paramName"/> when <paramref name="filter"/> is not a valid topic filter.</summary>
    public static void ValidateFilter(string? filter, string paramName = "filter")
    {
        if (!IsValidFilter(filter, out string? error))
        {
            throw new ArgumentException($"'{filter}' is not a valid MQTT topic filter: {error}.", paramName);
        }
    }

    /// <summary>Whether <paramref name="filter"/> is a shared subscription (<c>$share/{group}/…</c>).</summary>
    public static bool IsShared(string filter) => filter.StartsWith(SharePrefix, StringComparison.Ordinal);

    /// <summary>
    /// The filter a shared subscription matches against: <c>$share/pool/edgellm/pool/pool/request</c> gives
    /// <c>edgellm/pool/pool/request</c>. Any other filter is returned unchanged.
    /// </summary>
    public static ReadOnlySpan<char> RemoveSharePrefix(ReadOnlySpan<char> filter)
    {
        if (!filter.StartsWith(SharePrefix, StringComparison.Ordinal))
        {
            return filter;
        }
        ReadOnlySpan<char> rest = filter[SharePrefix.Length..];
        int slash = rest.IndexOf('/');
        return slash < 0 ? [] : rest[(slash + 1)..];
    }

    /// <summary>
    /// Whether a message published to <paramref name="topic"/> is delivered to a subscription on <paramref name="filter"/>.
    /// Both must be valid (see <see cref="IsValidFilter"/>, <see cref="IsValidName"/>); allocates nothing.
    /// </summary>
    /// <exception cref="ArgumentException">The filter or the topic is invalid.</exception>
    public static bool Matches(string filter, string topic)
    {
        ValidateFilter(filter, nameof(filter));
        ValidateName(topic, nameof(topic));
        return MatchesValid(RemoveSharePrefix(filter), topic);
    }

    /// <summary>Matching for inputs already known to be valid; the share prefix must already be removed.</summary>
    internal static bool MatchesValid(ReadOnlySpan<char> filter, ReadOnlySpan<char> topic)
    {
        // MQTT 3.1.1 §4.7.2: a filter starting with a wildcard does not match a topic starting with '$'.
        if (topic[0] == '$' && (filter[0] == '+' || filter[0] == '#'))
        {
            return false;
        }
        while (true)
        {
            int filterEnd = filter.IndexOf('/');
            ReadOnlySpan<char> filterLevel = filterEnd < 0 ? filter : filter[..filterEnd];
            if (filterLevel is "#")
            {
                return true;
            }
            int topicEnd = topic.IndexOf('/');
            ReadOnlySpan<char> topicLevel = topicEnd < 0 ? topic : topic[..topicEnd];
            if (filterLevel is not "+" && !filterLevel.SequenceEqual(topicLevel))
            {
                return false;
            }
            if (topicEnd < 0)
            {
                // The topic has ended: only an exact end of the filter or a trailing "/#" (which also matches the parent) fits.
                return filterEnd < 0 || filter[(filterEnd + 1)..] is "#";
            }
            if (filterEnd < 0)
            {
                return false;
            }
            filter = filter[(filterEnd + 1)..];
            topic = topic[(topicEnd + 1)..];
        }
    }

    private static string? CheckFilterLevels(ReadOnlySpan<char> filter)
    {
        if (filter.IsEmpty)
        {
            return "it is empty";
        }
        int start = 0;
        while (true)
        {
            int end = filter[start..].IndexOf('/');
            bool last = end < 0;
            ReadOnlySpan<char> level = last ? filter[start..] : filter.Slice(start, end);
            int wildcard = level.IndexOfAny('+', '#');
            if (wildcard >= 0)
            {
                if (level.Length != 1)
                {
                    return $"the wildcard '{level[wildcard]}' must fill a whole level, but the level is '{level}'";
                }
                if (level[0] == '#' && !last)
                {
                    return "'#' may only be the last level";
                }
            }
            if (last)
            {
                return null;
            }
            start += end + 1;
        }
    }
}
