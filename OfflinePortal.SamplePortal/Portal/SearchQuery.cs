namespace OfflinePortal.SamplePortal.Portal;

/// <summary>
/// The portal search syntax (Lucene-like): <c>field:value</c>, quoted phrases, free terms, AND/OR/NOT, <c>+</c> and
/// <c>-</c>, parentheses. Adjacent clauses are joined by AND. <c>type:</c> matches word prefixes, as the portal's
/// stemmed index does, which is why <c>type:"Web Map" -type:"Web Mapping Application"</c> is the usual idiom.
/// </summary>
internal sealed class SearchQuery
{
    private readonly List<string> _tokens;
    private int _pos;

    private SearchQuery(string q) => _tokens = Tokenize(q);

    public static Func<PortalItem, bool> Parse(string? q)
    {
        if (string.IsNullOrWhiteSpace(q))
        {
            return _ => true;
        }
        var parser = new SearchQuery(q);
        var predicate = parser.ParseOr();
        if (parser._pos < parser._tokens.Count)
        {
            throw new FormatException($"Unexpected '{parser._tokens[parser._pos]}' in the search query.");
        }
        return predicate;
    }

    private static List<string> Tokenize(string q)
    {
        var tokens = new List<string>();
        var i = 0;
        while (i < q.Length)
        {
            var c = q[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }
            if (c is '(' or ')')
            {
                tokens.Add(c.ToString());
                i++;
                continue;
            }
            if ((c is '-' or '+') && (i + 1 < q.Length) && !char.IsWhiteSpace(q[i + 1]))
            {
                tokens.Add(c.ToString());
                i++;
                continue;
            }
            var start = i;
            while (i < q.Length && !char.IsWhiteSpace(q[i]) && q[i] is not ('(' or ')'))
            {
                if (q[i] == '"')
                {
                    var end = q.IndexOf('"', i + 1);
                    if (end < 0)
                    {
                        throw new FormatException("Unterminated quoted phrase in the search query.");
                    }
                    i = end + 1;
                    continue;
                }
                i++;
            }
            tokens.Add(q[start..i]);
        }
        return tokens;
    }

    private string? Peek => _pos < _tokens.Count ? _tokens[_pos] : null;

    private Func<PortalItem, bool> ParseOr()
    {
        var left = ParseAnd();
        while (Peek is "OR" or "||")
        {
            _pos++;
            var right = ParseAnd();
            var l = left;
            left = i => l(i) || right(i);
        }
        return left;
    }

    private Func<PortalItem, bool> ParseAnd()
    {
        var left = ParseUnary();
        while (Peek is not null and not ")" and not "OR" and not "||")
        {
            if (Peek is "AND" or "&&")
            {
                _pos++;
            }
            var right = ParseUnary();
            var l = left;
            left = i => l(i) && right(i);
        }
        return left;
    }

    private Func<PortalItem, bool> ParseUnary()
    {
        var t = Peek ?? throw new FormatException("The search query ends where a term was expected.");
        if (t is "-" or "NOT" or "!")
        {
            _pos++;
            var inner = ParseUnary();
            return i => !inner(i);
        }
        if (t == "+")
        {
            _pos++;
            return ParseUnary();
        }
        if (t == "(")
        {
            _pos++;
            var inner = ParseOr();
            if (Peek != ")")
            {
                throw new FormatException("Missing ')' in the search query.");
            }
            _pos++;
            return inner;
        }
        _pos++;
        return Term(t);
    }

    private static Func<PortalItem, bool> Term(string token)
    {
        var colon = token.IndexOf(':', StringComparison.Ordinal);
        var field = colon > 0 && !token.StartsWith('"') ? token[..colon].ToLowerInvariant() : null;
        var value = Unquote(field is null ? token : token[(colon + 1)..]);
        if (value.Length == 0)
        {
            return _ => true;
        }
        return field switch
        {
            null => i => FreeText(i, value),
            "type" => i => PrefixPhrase(i.Type, value),
            "owner" => i => Equal(i.Owner, value),
            "id" => i => Equal(i.Id, value),
            "title" => i => Phrase(i.Title, value),
            "tags" or "tag" => i => i.Tags.Any(t => Equal(t, value)),
            "typekeywords" or "typekeyword" => i => i.TypeKeywords.Any(t => Equal(t, value)),
            "orgid" => i => Equal(i.OrgId, value),
            "group" => i => i.Groups.Any(g => Equal(g, value)),
            "access" => i => Equal(i.Access, value),
            "snippet" => i => Phrase(i.Snippet ?? "", value),
            "description" => i => Phrase(i.Description ?? "", value),
            "name" => i => Equal(i.Name ?? "", value),
            _ => _ => false,
        };
    }

    private static string Unquote(string v) => v.Length >= 2 && v[0] == '"' && v[^1] == '"' ? v[1..^1] : v;

    private static bool Equal(string actual, string pattern) =>
        pattern.EndsWith('*')
            ? actual.StartsWith(pattern[..^1], StringComparison.OrdinalIgnoreCase)
            : string.Equals(actual, pattern, StringComparison.OrdinalIgnoreCase);

    private static string[] Words(string s) =>
        s.Split([' ', '-', '_', ',', '.', '/', '(', ')', ':'], StringSplitOptions.RemoveEmptyEntries);

    /// <summary>The phrase's words appear in order in <paramref name="text"/> (whole words; a trailing * makes the last a prefix).</summary>
    private static bool Phrase(string text, string phrase) => Sequence(Words(text), Words(phrase), prefix: false);

    private static bool PrefixPhrase(string text, string phrase) => Sequence(Words(text), Words(phrase), prefix: true);

    private static bool Sequence(string[] words, string[] wanted, bool prefix)
    {
        if (wanted.Length == 0)
        {
            return true;
        }
        for (var s = 0; s + wanted.Length <= words.Length; s++)
        {
            var all = true;
            for (var k = 0; k < wanted.Length && all; k++)
            {
                var w = wanted[k];
                var star = w.EndsWith('*');
                all = prefix || star
                    ? words[s + k].StartsWith(star ? w[..^1] : w, StringComparison.OrdinalIgnoreCase)
                    : string.Equals(words[s + k], w, StringComparison.OrdinalIgnoreCase);
            }
            if (all)
            {
                return true;
            }
        }
        return false;
    }

    private static bool FreeText(PortalItem i, string value) =>
        Phrase(i.Title, value) || Phrase(i.Snippet ?? "", value) || Phrase(i.Description ?? "", value)
        || i.Tags.Any(t => Phrase(t, value)) || PrefixPhrase(i.Type, value) || Equal(i.Owner, value)
        || i.TypeKeywords.Any(t => Equal(t, value)) || Equal(i.Id, value);
}
