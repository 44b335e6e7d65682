namespace VnQuantum.Circuits.OpenQasm;

/// <content>
/// Classical arrays (array[int[8], 4, 2] a = {…};): values known when the program is compiled, as the other
/// classical variables are; element and row indexing, slices, assignment by copy, sizeof, iteration, and array
/// parameters of subroutines, readonly or mutable, passed by reference as the specification says.
/// </content>
internal sealed partial class Qasm3Compiler
{
    /// <summary>The specification's limit on dimensions.</summary>
    private const int MaxArrayDimensions = 7;

    /// <summary>Elements one array may hold: a bound on the memory and time one declaration can take.</summary>
    private const int MaxArrayElements = 1 << 20;

    /// <summary>
    /// An array, or a view of consecutive rows of one: views share <see cref="Data"/>, so a mutable parameter or a
    /// row written through an index changes the array it came from. Row-major, the last index fastest.
    /// </summary>
    private sealed class ArrayValue(TypeRef element, int[] dimensions, object[] data, int offset)
    {
        public TypeRef Element { get; } = element;

        public int[] Dimensions { get; } = dimensions;

        public object[] Data { get; } = data;

        public int Offset { get; } = offset;

        public int Length => Dimensions.Aggregate(1, (a, b) => a * b);

        public int RowLength => Dimensions.Skip(1).Aggregate(1, (a, b) => a * b);

        public IEnumerable<object> Elements => Data.Skip(Offset).Take(Length);

        public ArrayValue Copy() => new(Element, [.. Dimensions], [.. Elements], 0);

        /// <summary>Row <paramref name="i"/> along the first dimension: a view, or the element of a 1-D array.</summary>
        public object Row(int i) => Dimensions.Length == 1 ? Data[Offset + i] : new ArrayValue(Element, Dimensions[1..], Data, Offset + (i * RowLength));

        public string Shape => string.Join(" × ", Dimensions);
    }

    private void DeclareArray(ClassicalDeclStmt c)
    {
        var type = c.Type;
        var element = type.Element!;
        if (element.IsArray || element.Name is "stretch")
        {
            throw Error(element.At, $"an array's elements are bit, int, uint, float, angle, bool, complex or duration values, not {(element.IsArray ? "arrays" : element.Name)}");
        }

        if (type.DimensionCount is not null)
        {
            throw Error(type.At, "#dim = n is for subroutine parameters; a declared array gives each dimension's size");
        }

        if (type.Dimensions.Length > MaxArrayDimensions)
        {
            throw Error(type.At, $"an array has at most {MaxArrayDimensions} dimensions");
        }

        int[] dimensions = [.. type.Dimensions.Select(d => PositiveInt(d, "an array dimension"))];
        long elements = dimensions.Aggregate(1L, (a, b) => a * b);
        if (elements > MaxArrayElements)
        {
            throw Error(type.At, $"an array of {elements:N0} elements is more than the {MaxArrayElements:N0} VnQuantum holds");
        }

        Steps(c.At, elements); // bounds a loop that declares large arrays over and over
        ArrayValue array;
        if (c.Initializer is null)
        {
            object zero = Convert(c.At, ZeroOf(element), element);
            array = new ArrayValue(element, dimensions, [.. Enumerable.Repeat(zero, (int)elements)], 0);
        }
        else if (c.Initializer is SetExpr literal)
        {
            var data = new List<object>((int)elements);
            FillFromLiteral(literal, element, dimensions, 0, data);
            array = new ArrayValue(element, dimensions, [.. data], 0);
        }
        else
        {
            var source = Eval(c.Initializer) as ArrayValue ?? throw Error(c.Initializer.At, $"'{c.Name}' is an array; give it {{…}} or another array of shape {string.Join(" × ", dimensions)}");
            RequireShape(c.Initializer.At, source, dimensions);
            array = new ArrayValue(element, dimensions, [.. source.Elements.Select(e => Convert(c.Initializer.At, e, element))], 0);
        }

        Declare(c.At, c.Name, new ValueSymbol(array, type, c.Modifier == "const") { RuntimeDepth = _runtimeBranchDepth });
    }

    private static object ZeroOf(TypeRef element) => element.Name switch
    {
        "float" or "angle" => 0.0,
        "bool" => false,
        "complex" => System.Numerics.Complex.Zero,
        "duration" => new DurationValue(0, 0, false),
        _ => 0L,
    };

    /// <summary>A nested {…} literal, checked against the shape level by level.</summary>
    private void FillFromLiteral(SetExpr literal, TypeRef element, int[] dimensions, int level, List<object> into)
    {
        if (literal.Items.Length != dimensions[level])
        {
            throw Error(literal.At, $"this {{…}} has {literal.Items.Length} item(s); dimension {level} of the array has {dimensions[level]}");
        }

        foreach (var item in literal.Items)
        {
            if (level < dimensions.Length - 1)
            {
                if (item is SetExpr inner)
                {
                    FillFromLiteral(inner, element, dimensions, level + 1, into);
                }
                else if (Eval(item) is ArrayValue row)
                {
                    RequireShape(item.At, row, dimensions[(level + 1)..]);
                    into.AddRange(row.Elements.Select(e => Convert(item.At, e, element)));
                }
                else
                {
                    throw Error(item.At, $"expected a row {{…}} of {dimensions[level + 1]} item(s)");
                }
            }
            else
            {
                object value = item is SetExpr ? throw Error(item.At, "one {…} too many: the array has fewer dimensions") : Eval(item);
                into.Add(value is RuntimeOperand ? throw Error(item.At, "array elements are known when the program is compiled; this one comes from a measurement") : Convert(item.At, value, element));
            }
        }
    }

    private void RequireShape(Token at, ArrayValue array, int[] dimensions)
    {
        if (!array.Dimensions.AsSpan().SequenceEqual(dimensions))
        {
            throw Error(at, $"an array of shape {array.Shape} where one of shape {string.Join(" × ", dimensions)} is needed");
        }
    }

    /// <summary>a[i], a[i, j], a[i][j], a[1:2]: an element, a row (a view) or a slice (a copy).</summary>
    private object IndexArray(IndexExpr index, ArrayValue array)
    {
        object current = array;
        for (int k = 0; k < index.Indices.Length; k++)
        {
            var spec = index.Indices[k];
            if (current is not ArrayValue a)
            {
                throw Error(spec.At, "more indices than the array has dimensions");
            }

            if (spec is RangeExpr or SetExpr)
            {
                if (k != index.Indices.Length - 1)
                {
                    throw Error(spec.At, "a range or set must be the last index");
                }

                var rows = SelectedRows(spec, a);
                Steps(spec.At, (long)rows.Count * a.RowLength); // a slice is a copy
                return new ArrayValue(a.Element, [rows.Count, .. a.Dimensions[1..]], [.. rows.SelectMany(r => RowElements(a, r))], 0);
            }

            current = a.Row(ArrayIndex(spec, a));
        }

        return current;
    }

    private static IEnumerable<object> RowElements(ArrayValue a, int row) => a.Row(row) is ArrayValue view ? view.Elements : [a.Row(row)];

    private int ArrayIndex(Expr spec, ArrayValue a)
    {
        object value = Eval(spec);
        if (value is RuntimeOperand)
        {
            throw Error(spec.At, "an array index known only at run time (from a measurement) is not supported");
        }

        long i = ToLong(spec.At, value);
        long n = a.Dimensions[0];
        long resolved = i < 0 ? n + i : i;
        return resolved >= 0 && resolved < n ? (int)resolved : throw Error(spec.At, $"index {i} is out of range for a dimension of size {n}");
    }

    private List<int> SelectedRows(Expr spec, ArrayValue a)
    {
        var positions = Enumerable.Range(0, a.Dimensions[0]).ToArray();
        return [.. Select(new IndexExpr(spec.At, new NameExpr(spec.At, "array"), [spec]), positions)];
    }

    /// <summary>a = b, a[i] = v, a[i, j] += v, a[2] = row, a[0:1] = a[2:3]: by copy, shapes checked.</summary>
    private void AssignArray(AssignStmt a, string name, ValueSymbol variable)
    {
        if (variable.IsConst)
        {
            throw Error(a.At, $"'{name}' is {(variable.Type.IsArray ? "a readonly or constant array" : "a constant")}");
        }

        if (_runtimeBranchDepth > variable.RuntimeDepth)
        {
            throw Error(a.At, $"'{name}' is assigned inside a branch or loop that depends on a measurement; array elements are known when the program is compiled");
        }

        var array = (ArrayValue)variable.Value;
        var indices = new List<Expr>();
        for (var t = a.Target; t is IndexExpr ix; t = ix.Target)
        {
            indices.InsertRange(0, ix.Indices);
        }

        // Walk to the place written: all but the last index select rows (views).
        var place = array;
        for (int k = 0; k < indices.Count - 1; k++)
        {
            if (indices[k] is RangeExpr or SetExpr)
            {
                throw Error(indices[k].At, "a range or set must be the last index");
            }

            place = place.Row(ArrayIndex(indices[k], place)) as ArrayValue ?? throw Error(indices[k + 1].At, "more indices than the array has dimensions");
        }

        object Value(object? current)
        {
            object value = Eval(a.Value);
            if (a.Operator != "=")
            {
                value = Binary(a.At, a.Operator[..^1], current ?? throw Error(a.At, $"'{a.Operator}' needs a single element"), value);
            }

            return value is RuntimeOperand ? throw Error(a.Value.At, $"'{name}' would hold a value known only at run time; array elements are known when the program is compiled") : value;
        }

        if (indices.Count == 0)
        {
            WriteRows(a.Value.At, place, [.. Enumerable.Range(0, place.Dimensions[0])], Value(null), oneRow: false);
            return;
        }

        var last = indices[^1];
        if (last is RangeExpr or SetExpr)
        {
            WriteRows(a.Value.At, place, SelectedRows(last, place), Value(null), oneRow: false);
            return;
        }

        int i = ArrayIndex(last, place);
        if (place.Dimensions.Length == 1)
        {
            place.Data[place.Offset + i] = Convert(a.At, Value(place.Data[place.Offset + i]), place.Element);
            return;
        }

        WriteRows(a.Value.At, place, [i], Value(null), oneRow: true);
    }

    /// <summary>Writes rows of <paramref name="place"/> from an array of the matching shape (read whole first: slices may overlap).</summary>
    private void WriteRows(Token at, ArrayValue place, List<int> rows, object value, bool oneRow)
    {
        int[] shape = oneRow ? place.Dimensions[1..] : [rows.Count, .. place.Dimensions[1..]];
        var source = value as ArrayValue ?? throw Error(at, $"expected an array of shape {string.Join(" × ", shape)}");
        RequireShape(at, source, shape);
        Steps(at, source.Length);
        var elements = source.Elements.ToArray();
        int rowLength = place.RowLength;
        for (int r = 0; r < rows.Count; r++)
        {
            for (int e = 0; e < rowLength; e++)
            {
                place.Data[place.Offset + (rows[r] * rowLength) + e] = Convert(at, elements[(r * rowLength) + e], place.Element);
            }
        }
    }

    /// <summary>sizeof(a) and sizeof(a, k): the size of dimension k (0 when not given).</summary>
    private long SizeOf(CallExpr call)
    {
        if (call.Arguments.Length is not (1 or 2))
        {
            throw Error(call.At, "sizeof takes an array and, optionally, a dimension: sizeof(a) or sizeof(a, 1)");
        }

        var array = Eval(call.Arguments[0]) as ArrayValue ?? throw Error(call.Arguments[0].At, "sizeof needs an array");
        long dimension = call.Arguments.Length == 2 ? ToLong(call.Arguments[1].At, Eval(call.Arguments[1])) : 0;
        return dimension >= 0 && dimension < array.Dimensions.Length
            ? array.Dimensions[dimension]
            : throw Error(call.Arguments[^1].At, $"the array has {array.Dimensions.Length} dimension(s); there is no dimension {dimension}");
    }

    /// <summary>An array argument: the caller's array itself (by reference), its element type and shape checked.</summary>
    private void BindArrayParameter(Scope scope, SubroutineParameter parameter, Expr argument)
    {
        var array = Eval(argument) as ArrayValue ?? throw Error(argument.At, $"'{parameter.Name}' takes an array");
        var expected = parameter.Type;
        var element = expected.Element!;
        bool sameWidth = element.Width is null || array.Element.Width is null
            || ToLong(element.Width.At, Eval(element.Width)) == ToLong(array.Element.Width.At, Eval(array.Element.Width));
        if (element.Name != array.Element.Name || !sameWidth)
        {
            throw Error(argument.At, $"'{parameter.Name}' takes an array of {element.Name} elements of its declared width");
        }

        if (expected.DimensionCount is { } count && ToLong(count.At, Eval(count)) != array.Dimensions.Length)
        {
            throw Error(argument.At, $"'{parameter.Name}' takes an array of {ToLong(count.At, Eval(count))} dimension(s), not {array.Dimensions.Length}");
        }

        if (!expected.Dimensions.IsDefaultOrEmpty)
        {
            RequireShape(argument.At, array, [.. expected.Dimensions.Select(d => PositiveInt(d, "an array dimension"))]);
        }

        if (parameter.Mutable && FindVariable(argument) is { IsConst: true })
        {
            throw Error(argument.At, $"a readonly or constant array cannot be passed as mutable '{parameter.Name}'");
        }

        scope.Declare(parameter.Name, new ValueSymbol(array, expected, isConst: !parameter.Mutable) { RuntimeDepth = _runtimeBranchDepth });
    }

    private ValueSymbol? FindVariable(Expr e) => e switch
    {
        NameExpr n => _scope.Find(n.Name) as ValueSymbol,
        IndexExpr ix => FindVariable(ix.Target),
        _ => null,
    };
}
