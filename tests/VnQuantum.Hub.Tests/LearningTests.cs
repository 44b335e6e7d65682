using System.Globalization;
using System.Net;
using Microsoft.Extensions.Localization;
using VnQuantum.Hub.Learning;
using VnQuantum.Qkd.KeyRates;
using VnQuantum.Qkd.Links;

namespace VnQuantum.Hub.Tests;

public sealed class LearningTests
{
    private static readonly CourseCatalog Catalog = new(Path.Combine(AppContext.BaseDirectory, "Courses"));

    private static Exercise ExerciseOf(string slug) => Catalog.Find("intro")!.Lessons.Select(l => l.Exercise).Single(e => e?.Slug == slug)!;

    private const string Header = "OPENQASM 3.0;\ninclude \"stdgates.inc\";\n";

    private static readonly IStringLocalizer English = TestText.In("en");

    [Fact]
    public void TheIntroductoryCourse_HasFourLessons_InBothLanguages_WithFormulasLeftToKatex()
    {
        var course = Catalog.Find("intro")!;
        Assert.Equal(["01-qubits-and-gates", "02-entanglement", "03-bb84", "04-sensing-with-a-qubit"], course.Lessons.Select(l => l.Slug));
        Assert.All(course.Lessons, l => Assert.NotNull(l.Exercise));
        foreach (var lesson in course.Lessons)
        {
            string vi = Catalog.LessonHtml(course, lesson, new CultureInfo("vi-VN"));
            string en = Catalog.LessonHtml(course, lesson, new CultureInfo("en"));
            Assert.NotEqual(vi, en);
            Assert.Contains("<h1", vi);
            Assert.Contains("class=\"math\"", en);
            Assert.Contains("Bài tập", vi);
            Assert.Contains("Exercise", en);
        }
    }

    [Theory]
    [InlineData("qubit[1] q;\nbit[1] c;\nh q[0];\nc = measure q;\n", true)]
    [InlineData("qubit[1] q;\nbit[1] c;\nry(pi/2) q[0];\nc = measure q;\n", true)]
    [InlineData("qubit[1] q;\nbit[1] c;\nx q[0];\nc = measure q;\n", false)]
    [InlineData("qubit[1] q;\nbit[1] c;\nrx(pi/3) q[0];\nc = measure q;\n", false)]
    public void Superposition_IsCheckedByItsDistribution(string body, bool passes) =>
        Assert.Equal(passes, ExerciseChecker.Check(ExerciseOf("superposition"), Header + body, English).Passed);

    [Fact]
    public void Bell_PassesForHThenCx_AndNotForAProductState_OrAnotherBellState()
    {
        var bell = ExerciseOf("bell");
        Assert.True(ExerciseChecker.Check(bell, Header + "qubit[2] q;\nbit[2] c;\nh q[0];\ncx q[0], q[1];\nc = measure q;\n", English).Passed);
        Assert.False(ExerciseChecker.Check(bell, Header + "qubit[2] q;\nbit[2] c;\nh q[0];\nh q[1];\nc = measure q;\n", English).Passed);
        Assert.False(ExerciseChecker.Check(bell, Header + "qubit[2] q;\nbit[2] c;\nh q[0];\ncx q[0], q[1];\nx q[1];\nc = measure q;\n", English).Passed);
        var parse = ExerciseChecker.Check(bell, Header + "qubit[2] q;\ncxx q[0], q[1];\n", English);
        Assert.False(parse.Passed);
        Assert.StartsWith("exercise.qasm:4:1:", parse.Feedback);
        Assert.Contains("measures nothing", ExerciseChecker.Check(bell, Header + "qubit[2] q;\nh q[0];\n", English).Feedback);
    }

    [Fact]
    public void KeyRateAt80Km_IsCheckedAgainstThePillar_WhichAgreesWithAnIndependentReimplementation()
    {
        double reference = DecoyStateBb84.OptimalInfiniteDecoy(QkdLink.Lim2014(80)).Rate;

        // Python re-implementation of the same model (GLLP with infinite decoys, Lim et al. 2014 link) written while
        // preparing the course: 2.09e-4 bits per pulse at mu about 0.59.
        Assert.InRange(reference, 2.09e-4 * 0.97, 2.09e-4 * 1.03);
        var exercise = ExerciseOf("keyrate-80km");
        Assert.True(ExerciseChecker.Check(exercise, reference.ToString("G3", CultureInfo.InvariantCulture), English).Passed);
        Assert.True(ExerciseChecker.Check(exercise, (reference * 1.04).ToString("G3", new CultureInfo("vi-VN")), English).Passed);
        Assert.False(ExerciseChecker.Check(exercise, (reference * 1.2).ToString("G3", CultureInfo.InvariantCulture), English).Passed);
        Assert.Contains("Enter a number", ExerciseChecker.Check(exercise, "nhiều lắm", English).Feedback);
        Assert.Contains("Hãy nhập một số", ExerciseChecker.Check(exercise, "nhiều lắm", TestText.In("vi-VN")).Feedback);
    }

    [Theory]
    [InlineData("0.1", true)]
    [InlineData("0,1", true)]
    [InlineData("0.1005", true)]
    [InlineData("0.01", false)]
    [InlineData("1/sqrt(100)", false)]
    public void StandardQuantumLimitFor100Qubits_IsOneTenthOfARadian(string answer, bool passes) =>
        Assert.Equal(passes, ExerciseChecker.Check(ExerciseOf("sql-100"), answer, English).Passed);
}

public sealed class LearningPageTests(HubFactory factory) : IClassFixture<HubFactory>
{
    private const string Bell = "OPENQASM 3.0;\ninclude \"stdgates.inc\";\nqubit[2] q;\nbit[2] c;\nh q[0];\ncx q[0], q[1];\nc = measure q;\n";

    [Fact]
    public async Task Lessons_AreVietnameseByDefault_AndEnglishOnRequest_WithLangSet()
    {
        var session = factory.Session();
        string vi = await session.Get("/Learn/intro/02-entanglement");
        Assert.Contains("<html lang=\"vi\">", vi);
        Assert.Contains("Rối lượng tử", vi);
        string en = await session.Get("/Learn/intro/02-entanglement?culture=en");
        Assert.Contains("<html lang=\"en\">", en);
        Assert.Contains("Entanglement", en);
        Assert.Contains("/lib/katex/katex.min.js", en);

        // The switcher keeps the choice in a cookie and returns to the page.
        var switched = await session.Post("/Learn", new Dictionary<string, string> { ["culture"] = "en", ["returnUrl"] = "/Learn" }, "/Language");
        Assert.Equal("/Learn", switched.Headers.Location!.OriginalString);
        Assert.Contains("Courses", await session.Get("/Learn"));
        Assert.Contains("Sign in", await session.Get("/"));
        var back = await session.Post("/", new Dictionary<string, string> { ["culture"] = "vi-VN", ["returnUrl"] = "https://evil.example/" }, "/Language");
        Assert.Equal("/", back.Headers.Location!.OriginalString);
        Assert.Contains("Đăng nhập", await session.Get("/"));
        Assert.Equal(HttpStatusCode.NotFound, (await session.Client.GetAsync("/Learn/intro/99-nothing")).StatusCode);
    }

    [Fact]
    public async Task AnExercise_IsChecked_AndASignedInLearnersProgressIsKept()
    {
        var anonymous = factory.Session();
        var tried = await anonymous.Post("/Learn/intro/02-entanglement", new Dictionary<string, string> { ["Answer"] = Bell });
        Assert.Contains("Đúng!", await tried.Content.ReadAsStringAsync());

        var learner = factory.Session();
        await learner.SignUp("learner@example.vn", "Hồ Thị Yến", "học lượng tử mỗi ngày một bài");
        Assert.Contains("0/4", await learner.Get("/Learn/intro"));
        var wrong = await learner.Post("/Learn/intro/02-entanglement", new Dictionary<string, string> { ["Answer"] = Bell.Replace("cx q[0], q[1];\n", string.Empty, StringComparison.Ordinal) });
        Assert.Contains("Chưa đúng", await wrong.Content.ReadAsStringAsync());
        Assert.Contains("0/4", await learner.Get("/Learn/intro"));
        var right = await learner.Post("/Learn/intro/02-entanglement", new Dictionary<string, string> { ["Answer"] = Bell });
        string page = await right.Content.ReadAsStringAsync();
        Assert.Contains("Đúng!", page);
        Assert.Contains("<svg", page);
        Assert.Contains("1/4", await learner.Get("/Learn/intro"));

        // The last answer comes back with the lesson; another learner's progress is their own.
        Assert.Contains("cx q[0], q[1];", await learner.Get("/Learn/intro/02-entanglement"));
        var other = factory.Session();
        await other.SignUp("learner2@example.vn", "Lý Văn Nam", "học lượng tử mỗi ngày một bài");
        Assert.Contains("0/4", await other.Get("/Learn/intro"));
        string fresh = await other.Get("/Learn/intro/02-entanglement");
        Assert.DoesNotContain("cx q[0], q[1];", fresh[fresh.IndexOf("<textarea", StringComparison.Ordinal)..]);
    }
}
