using System.Globalization;

namespace VnQuantum.Circuits.OpenQasm;

internal enum TokenKind
{
    Identifier,
    Integer,
    Real,
    String,
    Symbol,
    End,
}

internal readonly record struct Token(TokenKind Kind, string Text, int Line, int Column)
{
    public bool Is(string symbol) => Kind is TokenKind.Symbol or TokenKind.Identifier && Text == symbol;

    public string Describe() => Kind switch
    {
        TokenKind.End => "end of file",
        TokenKind.String => $"\"{Text}\"",
        _ => $"'{Text}'",
    };
}

/// <summary>
/// Splits OpenQASM source into tokens, tracking line and column; comments are // and /* */. OpenQASM 3 adds Unicode
/// identifiers (θ, π), its operators (@, ==, &amp;&amp;, &lt;&lt;=, …) and '#' pragmas / '@' annotations, which the
/// OpenQASM 2 lexer refuses.
/// </summary>
internal static class Lexer
{
    private static readonly string[] Qasm3Symbols =
    [
        "<<=", ">>=", "**=", "==", "!=", "<=", ">=", "&&", "||", "<<", ">>", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "**", "++", "->",
        ";", ",", "(", ")", "[", "]", "{", "}", "+", "-", "*", "/", "^", "%", "@", ":", "=", "<", ">", "!", "~", "&", "|", ".", "#", "$",
    ];

    public static List<Token> Tokenize(string source, string file, bool qasm3 = false)
    {
        var tokens = new List<Token>();
        int i = 0, line = 1, column = 1;

        void Advance(int count)
        {
            for (int k = 0; k < count && i < source.Length; k++, i++)
            {
                if (source[i] == '\n')
                {
                    line++;
                    column = 1;
                }
                else
                {
                    column++;
                }
            }
        }

        QasmException Error(int l, int c, string message) => new(new QasmDiagnostic(file, l, c, message));

        while (i < source.Length)
        {
            char ch = source[i];
            if (char.IsWhiteSpace(ch))
            {
                Advance(1);
                continue;
            }

            if (ch == '/' && i + 1 < source.Length && source[i + 1] == '/')
            {
                while (i < source.Length && source[i] != '\n')
                {
                    Advance(1);
                }

                continue;
            }

            if (ch == '/' && i + 1 < source.Length && source[i + 1] == '*')
            {
                int startLine = line, startColumn = column;
                Advance(2);
                while (i < source.Length && !(source[i] == '*' && i + 1 < source.Length && source[i + 1] == '/'))
                {
                    Advance(1);
                }

                if (i >= source.Length)
                {
                    throw Error(startLine, startColumn, "unterminated comment: '/*' has no matching '*/'");
                }

                Advance(2);
                continue;
            }

            int tokenLine = line, tokenColumn = column;
            if (char.IsAsciiLetter(ch) || ch == '_' || (qasm3 && char.IsLetter(ch)))
            {
                int start = i;
                while (i < source.Length && (char.IsAsciiLetterOrDigit(source[i]) || source[i] == '_' || (qasm3 && char.IsLetterOrDigit(source[i]))))
                {
                    Advance(1);
                }

                tokens.Add(new Token(TokenKind.Identifier, source[start..i], tokenLine, tokenColumn));
                continue;
            }

            if (char.IsAsciiDigit(ch) || (ch == '.' && i + 1 < source.Length && char.IsAsciiDigit(source[i + 1])))
            {
                int start = i;
                bool real = false;
                while (i < source.Length && char.IsAsciiDigit(source[i]))
                {
                    Advance(1);
                }

                if (i < source.Length && source[i] == '.')
                {
                    real = true;
                    Advance(1);
                    while (i < source.Length && char.IsAsciiDigit(source[i]))
                    {
                        Advance(1);
                    }
                }

                if (i < source.Length && (source[i] == 'e' || source[i] == 'E'))
                {
                    int save = i, saveLine = line, saveColumn = column;
                    Advance(1);
                    if (i < source.Length && (source[i] == '+' || source[i] == '-'))
                    {
                        Advance(1);
                    }

                    if (i < source.Length && char.IsAsciiDigit(source[i]))
                    {
                        real = true;
                        while (i < source.Length && char.IsAsciiDigit(source[i]))
                        {
                            Advance(1);
                        }
                    }
                    else
                    {
                        i = save;
                        line = saveLine;
                        column = saveColumn;
                    }
                }

                tokens.Add(new Token(real ? TokenKind.Real : TokenKind.Integer, source[start..i], tokenLine, tokenColumn));
                continue;
            }

            // OpenQASM 3 also quotes strings with ' (include 'stdgates.inc';).
            if (ch == '"' || (qasm3 && ch == '\''))
            {
                char quote = ch;
                Advance(1);
                int start = i;
                while (i < source.Length && source[i] != quote && source[i] != '\n')
                {
                    Advance(1);
                }

                if (i >= source.Length || source[i] != quote)
                {
                    throw Error(tokenLine, tokenColumn, "unterminated string");
                }

                string text = source[start..i];
                Advance(1);
                tokens.Add(new Token(TokenKind.String, text, tokenLine, tokenColumn));
                continue;
            }

            string? symbol = qasm3
                ? Array.Find(Qasm3Symbols, c => string.CompareOrdinal(source, i, c, 0, c.Length) == 0)
                : ch switch
                {
                    '-' when i + 1 < source.Length && source[i + 1] == '>' => "->",
                    '=' when i + 1 < source.Length && source[i + 1] == '=' => "==",
                    ';' or ',' or '(' or ')' or '[' or ']' or '{' or '}' or '+' or '-' or '*' or '/' or '^' => ch.ToString(),
                    _ => null,
                };
            if (symbol is null)
            {
                string shown = char.IsControl(ch) ? $"U+{(int)ch:X4}" : ch.ToString(CultureInfo.InvariantCulture);
                throw Error(tokenLine, tokenColumn, $"unexpected character '{shown}'");
            }

            Advance(symbol.Length);
            tokens.Add(new Token(TokenKind.Symbol, symbol, tokenLine, tokenColumn));
        }

        tokens.Add(new Token(TokenKind.End, string.Empty, line, column));
        return tokens;
    }
}
