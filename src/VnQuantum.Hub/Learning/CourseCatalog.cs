using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Markdig;

namespace VnQuantum.Hub.Learning;

/// <summary>
/// The courses shipped under Courses/: one folder per course with its course.json and a Markdown file per lesson and
/// language (<c>01-qubits.vi.md</c>, <c>01-qubits.en.md</c>). Formulas stay TeX inside math spans that KaTeX renders
/// in the browser; raw HTML in lessons is not passed through.
/// </summary>
public sealed class CourseCatalog
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().UseMathematics().UsePipeTables().UseEmphasisExtras().DisableHtml().Build();
    private static readonly JsonSerializerOptions Json = new() { PropertyNameCaseInsensitive = true };
    private readonly string _folder;
    private readonly ConcurrentDictionary<(string, string, string), string> _html = new();

    public CourseCatalog(string folder)
    {
        _folder = folder;
        var courses = new List<Course>();
        foreach (string file in Directory.Exists(folder) ? Directory.GetFiles(folder, "course.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToArray() : [])
        {
            var course = JsonSerializer.Deserialize<Course>(File.ReadAllText(file), Json)
                ?? throw new InvalidDataException($"{file}: empty course description");
            foreach (var lesson in course.Lessons)
            {
                foreach (string language in new[] { "vi", "en" })
                {
                    if (!File.Exists(LessonFile(course.Slug, lesson.Slug, language)))
                    {
                        throw new InvalidDataException($"{file}: lesson {lesson.Slug} has no {language} text ({lesson.Slug}.{language}.md)");
                    }
                }
            }

            courses.Add(course);
        }

        Courses = courses;
    }

    public IReadOnlyList<Course> Courses { get; }

    public Course? Find(string slug) => Courses.FirstOrDefault(c => c.Slug == slug);

    /// <summary>The lesson as HTML in the reader's language (Vietnamese unless English is chosen).</summary>
    public string LessonHtml(Course course, Lesson lesson, CultureInfo culture)
    {
        ArgumentNullException.ThrowIfNull(course);
        ArgumentNullException.ThrowIfNull(lesson);
        ArgumentNullException.ThrowIfNull(culture);
        string language = culture.TwoLetterISOLanguageName == "en" ? "en" : "vi";
        return _html.GetOrAdd((course.Slug, lesson.Slug, language), key => Markdown.ToHtml(File.ReadAllText(LessonFile(key.Item1, key.Item2, key.Item3)), Pipeline));
    }

    private string LessonFile(string course, string lesson, string language) => Path.Combine(_folder, course, $"{lesson}.{language}.md");
}
