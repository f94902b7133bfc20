using System.Runtime.CompilerServices;
using Glass.Runtime;

namespace Glass.Tests;

static class TorchSetup
{
    /// <summary>Patches and loads TorchSharp's native shim before any test touches torch, whatever the test order.</summary>
    [ModuleInitializer]
    internal static void Initialize() => TorchRuntime.Initialize();
}
