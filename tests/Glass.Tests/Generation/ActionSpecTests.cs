using Glass.Generation;
using Xunit;

namespace Glass.Tests.Generation;

public class ActionSpecTests
{
    static readonly Dictionary<string, double[]> Actions = new()
    {
        ["right"] = [0.07, 0], ["left"] = [-0.07, 0], ["down"] = [0, 0.1], ["up"] = [0, -0.1], ["stay"] = [0, 0],
    };

    static ActionSpec Parse(string text, int k = 6) => ActionSpec.Parse(text, Actions, k);

    /// <summary>The error's second line is the spec, the third the carets; returns the marked text.</summary>
    static string Marked(GlassException e)
    {
        var lines = e.Message.Split('\n');
        Assert.Equal(3, lines.Length);
        var caretStart = lines[2].IndexOf('^');
        var caretLength = lines[2].Trim().Length;
        Assert.Equal(new string('^', caretLength), lines[2].Trim());
        return lines[1].Substring(caretStart, caretLength);
    }

    [Fact]
    public void ParsesTheIssueExample()
    {
        var spec = Parse("right*4:2 stay*6:5 up*3:0");
        Assert.Equal(13, spec.Count);
        Assert.All(spec.Steps.Take(4), s => Assert.Equal(new ActionStep(0.07, 0, 2, "right"), s));
        Assert.All(spec.Steps.Skip(4).Take(6), s => Assert.Equal(new ActionStep(0, 0, 5, "stay"), s));
        Assert.All(spec.Steps.Skip(10), s => Assert.Equal(new ActionStep(0, -0.1, 0, "up"), s));
        Assert.Equal("right*4:2 stay*6:5 up*3:0", spec.ToString());
    }

    [Fact]
    public void ExplicitShiftsDefaultsSeparatorsAndComments()
    {
        var ok = Parse("0.05,-0.02*3:1; (-0.1, 0.2):4*2\nLEFT  # a comment, with (dx,dy) ignored\n\nstay");
        Assert.Equal(3 + 2 + 1 + 1, ok.Count);
        Assert.Equal(new ActionStep(0.05, -0.02, 1, "0.05,-0.02"), ok.Steps[0]);
        Assert.Equal(new ActionStep(-0.1, 0.2, 4, "-0.1,0.2"), ok.Steps[3]);
        Assert.Equal(new ActionStep(-0.07, 0, 0, "left"), ok.Steps[5]); // name matched case-insensitively, local id defaults to 0
        Assert.Equal(new ActionStep(0, 0, 0, "stay"), ok.Steps[6]);
        Assert.Equal("(0.05,-0.02)*3:1 (-0.1,0.2)*2:4 left:0 stay:0", ok.ToString());
        Assert.Equal(ok.Steps, Parse(ok.ToString()).Steps); // canonical text round-trips
    }

    [Fact]
    public void ReadsAFileWithOneActionPerLine()
    {
        var dir = TestPaths.NewTempDir();
        var file = Path.Combine(dir, "moves.txt");
        File.WriteAllText(file, "# walk right, then cast\nright*4:2\r\nstay*2:5\n");
        var spec = ActionSpec.Load(file, Actions, 6);
        Assert.Equal(6, spec.Count);
        Assert.Equal(file, spec.Source);

        File.WriteAllText(file, "right*4:2\nstay*0:5\n");
        var e = Assert.Throws<GlassException>(() => ActionSpec.Load(file, Actions, 6));
        Assert.StartsWith($"{file}:2: repeat count 0", e.Message);
        Assert.Null(e.Input); // the message names the file
        Assert.Equal("0", Marked(e));
    }

    [Theory]
    [InlineData("right*4:2 rigth*6:5", "rigth", "unknown action 'rigth' (did you mean 'right'?)")]
    [InlineData("right*4:2 stay*6:7 up", "7", "local action id 7 is out of range: this model has 6 local actions (0..5)")]
    [InlineData("right*4:2 stay*6:-1", "-1", "local action id -1 is out of range")]
    [InlineData("right*0:2 stay", "0", "repeat count 0 must be at least 1")]
    [InlineData("up  right*-3:1", "-3", "repeat count -3 must be at least 1")]
    [InlineData("right*2.5", "2.5", "repeat count '2.5' is not a whole number")]
    [InlineData("right*:1", ":", "missing the repeat count after '*'")]
    [InlineData("right*2*3", "*3", "the repeat count is given twice")]
    [InlineData("stay 0.05,abc*2", "abc", "'abc' is not a number")]
    [InlineData("stay 0.05,-3", "-3", "shift -3 is beyond")]
    [InlineData("stay 0.1,0.2,0.3", "0.1,0.2,0.3", "a shift is two numbers")]
    [InlineData("stay (0.1,0.2", "(0.1,0.2", "'(' without a matching ')'")]
    [InlineData("stay (0.1,0.2)x", "x", "unexpected 'x'")]
    [InlineData("stay *3", "*", "missing the global action")]
    [InlineData("moves.txt", "moves.txt", "no file of that name exists either")]
    public void BadSpecsMarkTheBadPart(string text, string marked, string message)
    {
        var e = Assert.Throws<GlassException>(() => Parse(text));
        Assert.Equal(GlassInput.Actions, e.Input);
        Assert.Contains(message, e.Message.Split('\n')[0]);
        Assert.Equal(text, e.Message.Split('\n')[1].Trim());
        Assert.Equal(marked, Marked(e));
    }

    [Fact]
    public void LocalIdsAreCheckedAgainstTheModelsK()
    {
        Assert.Equal(3, Parse("stay:3", k: 4).Steps[0].LocalAction);
        var e = Assert.Throws<GlassException>(() => Parse("stay:4", k: 4));
        Assert.Contains("this model has 4 local actions (0..3)", e.Message);
        Assert.StartsWith("line 2: local action id 4", Assert.Throws<GlassException>(() => Parse("stay\nstay:4", k: 4)).Message);
    }

    [Fact]
    public void EmptyOrHugeSpecsAreRefused()
    {
        Assert.Contains("no actions given", Assert.Throws<GlassException>(() => Parse("  # nothing\n")).Message);
        var e = Assert.Throws<GlassException>(() => ActionSpec.Parse("right*60 left*50", Actions, 6, maxSteps: 100));
        Assert.Contains("more than 100 steps", e.Message);
        Assert.Equal("left*50", Marked(e));
    }

    [Fact]
    public void LongLinesShowAWindowAroundTheError()
    {
        var text = string.Join(' ', Enumerable.Repeat("right*2:1", 40)) + " jump " + string.Join(' ', Enumerable.Repeat("left", 40));
        var e = Assert.Throws<GlassException>(() => Parse(text));
        Assert.Equal("jump", Marked(e));
        Assert.True(e.Message.Split('\n')[1].Length < 160);
    }
}
