using System.Globalization;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace VnQuantum.Hub.Pages;

/// <summary>
/// Numbers as HTML form fields carry them. An <c>&lt;input type="number"&gt;</c>'s value attribute and what the
/// browser submits are always in the invariant form ("0.3"); the browser shows them in the reader's own convention.
/// Formatting one with the page's culture (vi-VN writes "0,3") gives a value the browser cannot read: the field shows
/// empty and the next submit silently falls back to the default. Text a person reads still uses the page's culture.
/// </summary>
public static class FormNumbers
{
    /// <summary>The value attribute of a number field: round-trip precision, invariant culture.</summary>
    public static string Value(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}

/// <summary>
/// Binds double and float properties as number fields send them: invariant, a decimal point, no group separators.
/// ASP.NET Core's own converter accepts group separators, so a decimal comma ("0,55") silently bound as 55; here it
/// is a model error that names what was typed.
/// </summary>
public sealed class FormNumberBinderProvider : IModelBinderProvider
{
    public IModelBinder? GetBinder(ModelBinderProviderContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var type = context.Metadata.UnderlyingOrModelType;
        return type == typeof(double) || type == typeof(float) ? new FormNumberBinder(type == typeof(float), context.Metadata.IsReferenceOrNullableType) : null;
    }

    private sealed class FormNumberBinder(bool single, bool nullable) : IModelBinder
    {
        public Task BindModelAsync(ModelBindingContext bindingContext)
        {
            var values = bindingContext.ValueProvider.GetValue(bindingContext.ModelName);
            if (values == ValueProviderResult.None)
            {
                return Task.CompletedTask;
            }

            bindingContext.ModelState.SetModelValue(bindingContext.ModelName, values);
            string text = values.FirstValue?.Trim() ?? string.Empty;
            if (text.Length == 0 && nullable)
            {
                bindingContext.Result = ModelBindingResult.Success(null);
            }
            else if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value))
            {
                bindingContext.Result = ModelBindingResult.Success(single ? (float)value : value);
            }
            else
            {
                bindingContext.ModelState.TryAddModelError(bindingContext.ModelName, $"'{text}' is not a number");
            }

            return Task.CompletedTask;
        }
    }
}
