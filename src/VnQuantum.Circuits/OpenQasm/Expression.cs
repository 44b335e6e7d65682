namespace VnQuantum.Circuits.OpenQasm;

/// <summary>A parameter expression of OpenQASM 2: numbers, pi, gate parameters, + − * / ^, unary minus, and sin cos tan exp ln sqrt.</summary>
internal abstract record Expression
{
    public abstract double Evaluate(ReadOnlySpan<double> parameters);
}

internal sealed record NumberExpression(double Value) : Expression
{
    public override double Evaluate(ReadOnlySpan<double> parameters) => Value;
}

/// <summary>A reference to the gate definition's parameter number <see cref="Index"/>.</summary>
internal sealed record ParameterExpression(int Index) : Expression
{
    public override double Evaluate(ReadOnlySpan<double> parameters) => parameters[Index];
}

internal sealed record NegateExpression(Expression Operand) : Expression
{
    public override double Evaluate(ReadOnlySpan<double> parameters) => -Operand.Evaluate(parameters);
}

internal sealed record BinaryExpression(char Operator, Expression Left, Expression Right) : Expression
{
    public override double Evaluate(ReadOnlySpan<double> parameters)
    {
        double a = Left.Evaluate(parameters), b = Right.Evaluate(parameters);
        return Operator switch
        {
            '+' => a + b,
            '-' => a - b,
            '*' => a * b,
            '/' => a / b,
            _ => Math.Pow(a, b),
        };
    }
}

internal sealed record CallExpression(string Function, Expression Argument) : Expression
{
    public static readonly string[] Functions = ["sin", "cos", "tan", "exp", "ln", "sqrt"];

    public override double Evaluate(ReadOnlySpan<double> parameters)
    {
        double x = Argument.Evaluate(parameters);
        return Function switch
        {
            "sin" => Math.Sin(x),
            "cos" => Math.Cos(x),
            "tan" => Math.Tan(x),
            "exp" => Math.Exp(x),
            "ln" => Math.Log(x),
            _ => Math.Sqrt(x),
        };
    }
}
