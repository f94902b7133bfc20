using System.Diagnostics;
using Glass.Data.WSprites;
using Glass.Runtime;
using Glass.Web;
using Glass.Web.Play;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Interactions;
using Xunit;
using Xunit.Abstractions;

namespace Glass.Tests.Web;

/// <summary>The page in a real headless Chromium: keys, the stay action, upload, GIF download, screenshot.</summary>
// The tiny model is calibrated with sampled actions from the process-wide generator: built while no other test draws.
[Collection(nameof(GlobalTorchRandom))]
public class PlaygroundBrowserTests(ITestOutputHelper output)
{
    [ChromiumFact]
    public async Task PlaysInTheBrowser()
    {
        TorchRuntime.Initialize();
        var model = GlassPlayableModel.Load(TinyGlass.Checkpoint, TorchSharp.torch.CPU);
        await using var t = await TestServer.StartAsync(model, sources: [new CharacterStartSource(new BuiltinCharacterLibrary(), 6, model.Width, model.Height)]);
        var downloads = TestPaths.NewTempDir("glass-downloads");
        var profile = TestPaths.NewTempDir("glass-chromium");
        using var driver = Chromium.Start(downloads, profile);
        try
        {
            var page = new Page(driver);
            driver.Navigate().GoToUrl(t.Server.Address);
            page.WaitUntil(() => page.Js<bool>("return document.body.dataset.ready === 'true'"), "page ready");
            driver.FindElement(By.Id("screen")).Click();
            var start = page.Frame();

            // A key press plays one step and the frame changes.
            page.Press(Keys.ArrowRight);
            page.WaitForStep(1);
            Assert.NotEqual(start, page.Frame());

            // Stay: the background does not move. A frame is m f + (1 - m) b; with b fixed, a pixel can
            // change by at most (m1 + m2) * 255 levels (plus rounding), so where the masks are small the frames must agree.
            page.Press(Keys.Space);
            page.WaitForStep(2);
            var (before, maskBefore) = (page.Frame(), page.Mask());
            page.Press(Keys.Space);
            page.WaitForStep(3);
            var (after, maskAfter) = (page.Frame(), page.Mask());
            Assert.NotEqual(before, after); // the character itself still changes
            int background = 0;
            for (int p = 0; p < maskBefore.Length; p++)
            {
                int bound = maskBefore[p] + maskAfter[p] + 2;
                if (bound <= 12) background++;
                for (int c = 0; c < 3; c++)
                    Assert.True(Math.Abs(before[4 * p + c] - after[4 * p + c]) <= bound, $"pixel {p} changed by {Math.Abs(before[4 * p + c] - after[4 * p + c])} > {bound} with masks {maskBefore[p]}, {maskAfter[p]}");
            }
            Assert.True(background > maskBefore.Length / 10, $"only {background} of {maskBefore.Length} pixels are background enough to check (mask deciles {string.Join(",", maskBefore.Order().Where((_, i) => i % (maskBefore.Length / 10) == 0))})");

            // Holding a key keeps playing.
            new Actions(driver).KeyDown(Keys.ArrowLeft).Perform();
            Thread.Sleep(1000);
            new Actions(driver).KeyUp(Keys.ArrowLeft).Perform();
            page.WaitUntil(() => page.Js<bool>("return window.glass.idle()"), "idle after holding");
            var held = page.Step() - 3;
            Assert.True(held >= 3, $"holding a key for 1 s played {held} steps");
            output.WriteLine($"holding a key for 1 s played {held} steps");

            // Number keys pick the local action; M toggles the mask overlay.
            page.Press("2");
            page.WaitForStep(3 + held + 1);
            Assert.Equal(1, page.Js<long>("return window.glass.state.local"));
            page.Press("m");
            Assert.True(driver.FindElement(By.Id("mask-toggle")).Selected);

            // Upload a starting image: play restarts from it.
            var upload = Path.Combine(downloads, "start.png");
            File.WriteAllBytes(upload, TestImages.EncodePng(64, 48, (x, _) => x < 32 ? new SkiaSharp.SKColor(255, 0, 0) : new SkiaSharp.SKColor(0, 0, 255)));
            driver.FindElement(By.Id("upload")).SendKeys(upload);
            page.WaitUntil(() => page.Step() == 0 && page.Frame()[0] == 255, "uploaded start image shown");
            var frame = page.Frame();
            Assert.Equal([255, 0, 0], frame[0..3]);
            Assert.Equal([0, 0, 255], frame[^4..^1]);
            driver.FindElement(By.Id("screen")).Click();
            page.Press(Keys.ArrowDown);
            page.WaitForStep(1);

            // The GIF button downloads the frames played since the upload: the start frame and one step.
            driver.FindElement(By.Id("gif")).Click();
            var gif = Path.Combine(downloads, "glass-session.gif");
            page.WaitUntil(() => File.Exists(gif) && !Directory.GetFiles(downloads, "*.crdownload").Any(), "GIF download");
            using (var codec = SkiaSharp.SKCodec.Create(new MemoryStream(File.ReadAllBytes(gif))))
            {
                Assert.Equal(2, codec.FrameCount);
                Assert.Equal((2 * model.Width, 2 * model.Height), (codec.Info.Width, codec.Info.Height));
            }

            var latencies = page.List("return window.glass.state.latencies.map(l => l.total)").Select(Convert.ToDouble).ToList();
            var server = page.List("return window.glass.state.latencies.map(l => l.server)").Select(Convert.ToDouble).ToList();
            var modelMs = page.List("return window.glass.state.latencies.map(l => l.model)").Select(Convert.ToDouble).ToList();
            output.WriteLine($"key->frame in the browser: {latencies.Count} steps, median {Median(latencies):F1} ms (server {Median(server):F1} ms, model {Median(modelMs):F1} ms), max {latencies.Max():F1} ms");

            var screenshot = Path.Combine(TestPaths.NewTempDir("glass-screenshot"), "playground.png");
            driver.GetScreenshot().SaveAsFile(screenshot);
            Assert.True(new FileInfo(screenshot).Length > 1000);
            output.WriteLine($"screenshot: {screenshot}");
        }
        finally
        {
            driver.Quit();
            try { Directory.Delete(profile, true); } catch (IOException) { }
        }
    }

    /// <summary>
    /// The README's picture: the shipped CPU checkpoint (the tiny test model until it exists) playing a
    /// built-in character for a few steps. Written to docs/playground.png only when GLASS_UPDATE_DOCS=1, so a test
    /// run leaves the working tree clean; otherwise to a temporary folder.
    /// </summary>
    [ChromiumFact]
    public async Task SavesTheReadmeScreenshot()
    {
        TorchRuntime.Initialize();
        var shipped = Path.Combine(TestPaths.RepoRoot, "checkpoints", "wsprites-cpu.glass");
        var model = GlassPlayableModel.Load(File.Exists(shipped) ? shipped : TinyGlass.Checkpoint, TorchSharp.torch.CPU);
        output.WriteLine($"model: {model.Description}");
        await using var t = await TestServer.StartAsync(model, sources: [new CharacterStartSource(new BuiltinCharacterLibrary(), 12, model.Width, model.Height)]);
        var downloads = TestPaths.NewTempDir("glass-downloads");
        var profile = TestPaths.NewTempDir("glass-chromium");
        using var driver = Chromium.Start(downloads, profile, 1100, 900);
        try
        {
            var page = new Page(driver);
            driver.Navigate().GoToUrl(t.Server.Address);
            page.WaitUntil(() => page.Js<bool>("return document.body.dataset.ready === 'true'"), "page ready");
            driver.FindElements(By.CssSelector(".thumbs button"))[3].Click();
            page.WaitUntil(() => page.Step() == 0 && page.Js<bool>("return window.glass.idle()"), "character chosen");
            driver.FindElement(By.Id("screen")).Click();
            foreach (var key in new[] { Keys.ArrowRight, Keys.ArrowRight, Keys.ArrowRight, Keys.ArrowDown, "2", Keys.Space, Keys.ArrowLeft, Keys.ArrowLeft, Keys.ArrowUp, "1", Keys.ArrowRight, Keys.ArrowRight })
            {
                int step = page.Step();
                page.Press(key);
                page.WaitForStep(step + 1);
            }
            var latencies = page.List("return window.glass.state.latencies.map(l => l.total)").Select(Convert.ToDouble).ToList();
            output.WriteLine($"key->frame in the browser: {latencies.Count} key presses, median {Median(latencies):F1} ms, max {latencies.Max():F1} ms");
            page.WaitUntil(() => page.Js<bool>("return [...document.querySelectorAll('#locals .preview')].every(p => p.style.backgroundImage)"), "previews");
            var docs = Environment.GetEnvironmentVariable("GLASS_UPDATE_DOCS") == "1"
                ? Path.Combine(TestPaths.RepoRoot, "docs") : TestPaths.NewTempDir("glass-screenshot");
            Directory.CreateDirectory(docs);
            var temp = Path.Combine(docs, $"playground.png.tmp-{Environment.ProcessId}");
            driver.GetScreenshot().SaveAsFile(temp);
            File.Move(temp, Path.Combine(docs, "playground.png"), overwrite: true);
            output.WriteLine($"saved {Path.Combine(docs, "playground.png")}");
        }
        finally
        {
            driver.Quit();
            try { Directory.Delete(profile, true); } catch (IOException) { }
        }
    }

    static double Median(List<double> xs)
    {
        var s = xs.Order().ToList();
        return s.Count == 0 ? double.NaN : s[s.Count / 2];
    }

    sealed class Page(ChromeDriver driver)
    {
        public T Js<T>(string script) => (T)Convert.ChangeType(((IJavaScriptExecutor)driver).ExecuteScript(script)!, typeof(T));

        public IReadOnlyCollection<object> List(string script) => (IReadOnlyCollection<object>)((IJavaScriptExecutor)driver).ExecuteScript(script)!;

        public void Press(string key) => new Actions(driver).SendKeys(key).Perform();

        public int Step() => (int)Js<long>("return window.glass.state.step");

        /// <summary>RGBA bytes of the shown frame at the model's resolution.</summary>
        public byte[] Frame() => List("return window.glass.frameBytes()").Select(Convert.ToByte).ToArray();

        /// <summary>The shown mask, one byte per pixel.</summary>
        public byte[] Mask() => List("return window.glass.maskBytes()").Select(Convert.ToByte).ToArray();

        public void WaitForStep(int step) => WaitUntil(() => Step() == step && Js<bool>("return window.glass.idle()"), $"step {step}");

        public void WaitUntil(Func<bool> condition, string what, double seconds = 30)
        {
            var clock = Stopwatch.StartNew();
            while (!condition())
            {
                if (clock.Elapsed.TotalSeconds > seconds)
                {
                    var message = ((IJavaScriptExecutor)driver).ExecuteScript("return document.getElementById('message').textContent");
                    throw new TimeoutException($"waited {seconds} s for {what}; page says: '{message}', step {Step()}");
                }
                Thread.Sleep(20);
            }
        }
    }
}
