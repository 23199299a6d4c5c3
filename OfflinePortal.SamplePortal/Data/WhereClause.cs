using System.Globalization;
using System.Text;

namespace OfflinePortal.SamplePortal.Data;

/// <summary>A where clause the server refuses; the message says why and reaches the client.</summary>
internal sealed class WhereClauseException(string message) : Exception(message);

/// <summary>Collects SQL parameters so that every value a client sends is bound, never concatenated.</summary>
internal sealed class SqlParameters
{
    public List<KeyValuePair<string, object?>> Items { get; } = [];

    public string Add(object? value)
    {
        var name = "$w" + Items.Count.ToString(CultureInfo.InvariantCulture);
        Items.Add(new(name, value ?? DBNull.Value));
        return name;
    }
}

/// <summary>
/// Parses the SQL-92 subset ArcGIS "standardized queries" allow into parameterised SQLite: comparisons, AND/OR/NOT,
/// parentheses, [NOT] IN, [NOT] LIKE [ESCAPE], IS [NOT] NULL, [NOT] BETWEEN, DATE/TIMESTAMP literals, numbers and
/// strings, UPPER/LOWER, and field names checked against the layer. Everything else (subqueries, semicolons,
/// comments, other functions, unknown fields) is refused.
/// </summary>
internal sealed class WhereClause
{
    private readonly LayerDef _layer;
    private readonly SqlParameters _parameters;
    private readonly string _alias;
    private readonly List<Token> _tokens;
    private int _pos;

    private WhereClause(string text, LayerDef layer, SqlParameters parameters, string alias)
    {
        _layer = layer;
        _parameters = parameters;
        _alias = alias;
        _tokens = Tokenize(text);
    }

    /// <summary>Translates <paramref name="where"/> into SQL over the layer's table (aliased <paramref name="alias"/>); empty or null means all rows.</summary>
    public static string ToSql(string? where, LayerDef layer, SqlParameters parameters, string alias = "t")
    {
        if (string.IsNullOrWhiteSpace(where))
        {
            return "1=1";
        }
        if (where.Length > 4000)
        {
            throw new WhereClauseException("The where clause is too long (over 4000 characters).");
        }
        var parser = new WhereClause(where, layer, parameters, alias);
        var sql = parser.ParseOr();
        if (parser.Peek.Kind != TokenKind.End)
        {
            throw new WhereClauseException($"Unexpected '{parser.Peek.Text}' at position {parser.Peek.Position + 1}.");
        }
        return sql;
    }

    private enum TokenKind
    {
        Identifier,
        Number,
        String,
        Operator,
        LeftParen,
        RightParen,
        Comma,
        End,
    }

    private readonly record struct Token(TokenKind Kind, string Text, int Position)
    {
        public bool IsKeyword(string k) => Kind == TokenKind.Identifier && string.Equals(Text, k, StringComparison.OrdinalIgnoreCase);
    }

    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "SELECT", "FROM", "UNION", "INSERT", "UPDATE", "DELETE", "DROP", "CREATE", "ALTER", "ATTACH", "DETACH", "PRAGMA", "EXEC", "EXECUTE", "INTO", "JOIN", "VACUUM", "REPLACE", "WITH",
    };

    private static List<Token> Tokenize(string s)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < s.Length)
        {
            var c = s[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }
            if ((c == '-' && i + 1 < s.Length && s[i + 1] == '-') || (c == '/' && i + 1 < s.Length && s[i + 1] == '*'))
            {
                throw new WhereClauseException("Comments are not allowed in a where clause.");
            }
            if (c == ';')
            {
                throw new WhereClauseException("Semicolons are not allowed in a where clause: only one expression can be given.");
            }
            var start = i;
            if (c == '\'')
            {
                var sb = new StringBuilder();
                i++;
                while (true)
                {
                    if (i >= s.Length)
                    {
                        throw new WhereClauseException($"Unterminated string starting at position {start + 1}.");
                    }
                    if (s[i] == '\'')
                    {
                        if (i + 1 < s.Length && s[i + 1] == '\'')
                        {
                            sb.Append('\'');
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    sb.Append(s[i++]);
                }
                tokens.Add(new(TokenKind.String, sb.ToString(), start));
                continue;
            }
            if (char.IsDigit(c) || (c == '.' && i + 1 < s.Length && char.IsDigit(s[i + 1])))
            {
                while (i < s.Length && (char.IsDigit(s[i]) || s[i] == '.'))
                {
                    i++;
                }
                if (i < s.Length && (s[i] == 'e' || s[i] == 'E'))
                {
                    i++;
                    if (i < s.Length && (s[i] == '+' || s[i] == '-'))
                    {
                        i++;
                    }
                    while (i < s.Length && char.IsDigit(s[i]))
                    {
                        i++;
                    }
                }
                tokens.Add(new(TokenKind.Number, s[start..i], start));
                continue;
            }
            if (char.IsLetter(c) || c == '_')
            {
                while (i < s.Length && (char.IsLetterOrDigit(s[i]) || s[i] == '_' || s[i] == '.'))
                {
                    i++;
                }
                tokens.Add(new(TokenKind.Identifier, s[start..i], start));
                continue;
            }
            if (c == '"')
            {
                var end = s.IndexOf('"', i + 1);
                if (end < 0)
                {
                    throw new WhereClauseException($"Unterminated quoted name at position {start + 1}.");
                }
                tokens.Add(new(TokenKind.Identifier, s[(i + 1)..end], start));
                i = end + 1;
                continue;
            }
            switch (c)
            {
                case '(':
                    tokens.Add(new(TokenKind.LeftParen, "(", start));
                    i++;
                    continue;
                case ')':
                    tokens.Add(new(TokenKind.RightParen, ")", start));
                    i++;
                    continue;
                case ',':
                    tokens.Add(new(TokenKind.Comma, ",", start));
                    i++;
                    continue;
                case '=':
                    tokens.Add(new(TokenKind.Operator, "=", start));
                    i++;
                    continue;
                case '<' or '>' or '!':
                    var two = i + 1 < s.Length ? s.Substring(i, 2) : "";
                    if (two is "<>" or "<=" or ">=" or "!=")
                    {
                        tokens.Add(new(TokenKind.Operator, two == "!=" ? "<>" : two, start));
                        i += 2;
                        continue;
                    }
                    if (c != '!')
                    {
                        tokens.Add(new(TokenKind.Operator, c.ToString(), start));
                        i++;
                        continue;
                    }
                    break;
                case '-' or '+':
                    tokens.Add(new(TokenKind.Operator, c.ToString(), start));
                    i++;
                    continue;
            }
            throw new WhereClauseException($"Unexpected character '{c}' at position {start + 1}.");
        }
        tokens.Add(new(TokenKind.End, "", s.Length));
        return tokens;
    }

    private Token Peek => _tokens[_pos];

    private Token Next() => _tokens[_pos++];

    private bool Accept(string keyword)
    {
        if (Peek.IsKeyword(keyword))
        {
            _pos++;
            return true;
        }
        return false;
    }

    private void Expect(TokenKind kind, string what)
    {
        if (Peek.Kind != kind)
        {
            throw new WhereClauseException($"Expected {what} at position {Peek.Position + 1}" + (Peek.Kind == TokenKind.End ? " (end of clause)." : $", found '{Peek.Text}'."));
        }
        _pos++;
    }

    private string ParseOr()
    {
        var left = ParseAnd();
        while (Accept("OR"))
        {
            left = $"({left} OR {ParseAnd()})";
        }
        return left;
    }

    private string ParseAnd()
    {
        var left = ParseNot();
        while (Accept("AND"))
        {
            left = $"({left} AND {ParseNot()})";
        }
        return left;
    }

    private string ParseNot() => Accept("NOT") ? $"(NOT {ParseNot()})" : ParsePredicate();

    private string ParsePredicate()
    {
        if (Peek.Kind == TokenKind.LeftParen)
        {
            var save = _pos;
            _pos++;
            if (Peek.IsKeyword("SELECT"))
            {
                throw new WhereClauseException("Subqueries are not supported in a where clause.");
            }
            // A parenthesised boolean expression; operands themselves never need parentheses in this subset.
            var inner = ParseOr();
            Expect(TokenKind.RightParen, "')'");
            _ = save;
            return $"({inner})";
        }
        var left = ParseOperand();
        var negate = Accept("NOT");
        if (Accept("IN"))
        {
            Expect(TokenKind.LeftParen, "'(' after IN");
            if (Peek.IsKeyword("SELECT"))
            {
                throw new WhereClauseException("Subqueries are not supported in a where clause.");
            }
            var items = new List<string> { ParseOperand(left.Field).Sql };
            while (Peek.Kind == TokenKind.Comma)
            {
                _pos++;
                items.Add(ParseOperand(left.Field).Sql);
            }
            Expect(TokenKind.RightParen, "')' closing the IN list");
            return $"({left.Sql} {(negate ? "NOT IN" : "IN")} ({string.Join(", ", items)}))";
        }
        if (Accept("LIKE"))
        {
            var pattern = ParseOperand(left.Field);
            var sql = $"({left.Sql} {(negate ? "NOT LIKE" : "LIKE")} {pattern.Sql}";
            if (Accept("ESCAPE"))
            {
                var esc = Next();
                if (esc.Kind != TokenKind.String || esc.Text.Length != 1)
                {
                    throw new WhereClauseException("ESCAPE needs a one-character string.");
                }
                sql += " ESCAPE " + _parameters.Add(esc.Text);
            }
            return sql + ")";
        }
        if (Accept("BETWEEN"))
        {
            var low = ParseOperand(left.Field);
            if (!Accept("AND"))
            {
                throw new WhereClauseException("BETWEEN needs AND.");
            }
            var high = ParseOperand(left.Field);
            return $"({left.Sql} {(negate ? "NOT BETWEEN" : "BETWEEN")} {low.Sql} AND {high.Sql})";
        }
        if (negate)
        {
            throw new WhereClauseException($"Expected IN, LIKE or BETWEEN after NOT at position {Peek.Position + 1}.");
        }
        if (Accept("IS"))
        {
            var not = Accept("NOT");
            if (!Accept("NULL"))
            {
                throw new WhereClauseException("Expected NULL after IS.");
            }
            return $"({left.Sql} IS {(not ? "NOT " : "")}NULL)";
        }
        if (Peek.Kind == TokenKind.Operator && Peek.Text is "=" or "<>" or "<" or ">" or "<=" or ">=")
        {
            var op = Next().Text;
            var right = ParseOperand(left.Field);
            if (left.Field is null && right.Field is not null && left.Literal is not null)
            {
                // A literal on the left of a field: convert it for the field's type (e.g. a date string).
                left = Literal(left.Literal, right.Field);
            }
            return $"({left.Sql} {op} {right.Sql})";
        }
        throw new WhereClauseException(Peek.Kind == TokenKind.End
            ? "The where clause ends where a comparison was expected."
            : $"Expected a comparison at position {Peek.Position + 1}, found '{Peek.Text}'.");
    }

    private readonly record struct Operand(string Sql, FieldDef? Field, object? Literal);

    /// <summary>An operand; <paramref name="context"/> is the field it is compared with, to convert literals (dates, GUIDs).</summary>
    private Operand ParseOperand(FieldDef? context = null)
    {
        var t = Next();
        switch (t.Kind)
        {
            case TokenKind.Number:
                return Literal(ParseNumber(t), context);
            case TokenKind.Operator when t.Text is "-" or "+" && Peek.Kind == TokenKind.Number:
                var n = ParseNumber(Next());
                return Literal(t.Text == "-" ? Negate(n) : n, context);
            case TokenKind.String:
                return Literal(t.Text, context);
            case TokenKind.Identifier:
                if (t.IsKeyword("DATE") || t.IsKeyword("TIMESTAMP"))
                {
                    var lit = Next();
                    if (lit.Kind != TokenKind.String)
                    {
                        throw new WhereClauseException($"{t.Text.ToUpperInvariant()} needs a quoted literal, e.g. DATE '2024-01-31'.");
                    }
                    return new Operand(_parameters.Add(ParseDate(lit.Text)), null, null);
                }
                if (t.IsKeyword("NULL"))
                {
                    throw new WhereClauseException("Compare with NULL using IS NULL or IS NOT NULL.");
                }
                if (Peek.Kind == TokenKind.LeftParen)
                {
                    var fn = t.Text.ToUpperInvariant();
                    if (fn is not ("UPPER" or "LOWER"))
                    {
                        throw new WhereClauseException($"Function '{t.Text}' is not supported; only UPPER and LOWER are.");
                    }
                    _pos++;
                    var arg = ParseOperand(context);
                    Expect(TokenKind.RightParen, $"')' closing {fn}");
                    return new Operand($"{fn}({arg.Sql})", arg.Field is { IsText: true } ? arg.Field with { Kind = FieldKind.String } : arg.Field, null);
                }
                if (Reserved.Contains(t.Text))
                {
                    throw new WhereClauseException($"'{t.Text}' is not allowed in a where clause.");
                }
                var field = _layer.FindField(t.Text)
                    ?? throw new WhereClauseException($"Unknown field '{t.Text}' in layer '{_layer.Name}'.");
                return new Operand($"{_alias}.\"{field.Name}\"", field, null);
            default:
                throw new WhereClauseException(t.Kind == TokenKind.End
                    ? "The where clause ends where a value or field was expected."
                    : $"Expected a value or field at position {t.Position + 1}, found '{t.Text}'.");
        }
    }

    private Operand Literal(object value, FieldDef? context)
    {
        var converted = value;
        if (context is not null && value is string s)
        {
            if (context.Kind == FieldKind.Date)
            {
                converted = ParseDate(s);
            }
            else if (context.Kind is FieldKind.GlobalId or FieldKind.Guid && GlobalIds.Normalize(s) is { } g)
            {
                converted = g;
            }
        }
        return new Operand(_parameters.Add(converted), null, value);
    }

    private static object Negate(object n) => n is long l ? -l : -(double)n;

    private static object ParseNumber(Token t)
    {
        if (long.TryParse(t.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var l))
        {
            return l;
        }
        if (double.TryParse(t.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
        {
            return d;
        }
        throw new WhereClauseException($"'{t.Text}' is not a number.");
    }

    private static readonly string[] DateFormats =
    [
        "yyyy-MM-dd", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss.fff", "yyyy-MM-ddTHH:mm:ss", "yyyy-MM-ddTHH:mm:ssZ", "yyyy-MM-ddTHH:mm:ss.fffZ", "M/d/yyyy", "M/d/yyyy h:mm:ss tt",
    ];

    /// <summary>A date literal as epoch milliseconds (UTC), the way dates are stored.</summary>
    private static long ParseDate(string s)
    {
        if (DateTime.TryParseExact(s.Trim(), DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var dt))
        {
            return new DateTimeOffset(dt, TimeSpan.Zero).ToUnixTimeMilliseconds();
        }
        throw new WhereClauseException($"'{s}' is not a date; use DATE 'yyyy-mm-dd' or TIMESTAMP 'yyyy-mm-dd hh:mm:ss'.");
    }
}
