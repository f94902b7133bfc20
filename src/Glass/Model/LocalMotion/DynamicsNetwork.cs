using Glass.Model.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Glass.Model.LocalMotion;

/// <summary>
/// A ConvLSTM followed by BatchNorm2d, named "0" and "1" as the reference's nn.Sequential. With per-step
/// statistics (ours) the BatchNorm's affine weights are shared by all steps but its running mean and variance
/// are kept per time-step index (buffers step_running_mean / step_running_var, (StatisticSteps, C)): the hidden
/// state's scale grows over the first steps, and one average over all steps squashes the early ones in eval mode.
/// </summary>
public sealed class RecurrentBlock : nn.Module
{
    /// <summary>Time steps with their own statistics; later steps use the last.</summary>
    public const int StatisticSteps = 16;

    [TorchSharp.Utils.ComponentName(Name = "0")] readonly ConvLstm lstm;
    [TorchSharp.Utils.ComponentName(Name = "1")] readonly BatchNorm2d norm;
    readonly Tensor? step_running_mean; // (StatisticSteps, C)
    readonly Tensor? step_running_var;  // (StatisticSteps, C)
    long[]? cumulativeCounts;

    public ConvLstm Lstm => lstm;
    public bool PerStepStatistics => step_running_mean is not null;

    public RecurrentBlock(ConvLstm lstm, int channels, bool perStepStatistics = false) : base(nameof(RecurrentBlock))
    {
        this.lstm = lstm;
        norm = nn.BatchNorm2d(channels);
        if (perStepStatistics)
        {
            step_running_mean = torch.zeros(StatisticSteps, channels);
            step_running_var = torch.ones(StatisticSteps, channels);
        }
        RegisterComponents();
    }

    /// <summary>Per-step statistics only: zero them and average the following training-mode batches
    /// cumulatively (equal weights, like BatchNorm with momentum null) until <see cref="EndCumulative"/>.</summary>
    public void BeginCumulative()
    {
        using var _ = torch.no_grad();
        step_running_mean!.zero_();
        step_running_var!.fill_(1);
        cumulativeCounts = new long[StatisticSteps];
    }

    public void EndCumulative() => cumulativeCounts = null;

    /// <summary>The row of statistics evaluation uses for step <paramref name="i"/>: its own, or, for a step later than
    /// any training clip reached (still exactly at the initial mean 0 and variance 1), the last step that was trained,
    /// so clips longer than the training ones continue with the latest statistics instead of untrained ones.</summary>
    int LastEstimatedRow(int i)
    {
        using var noGrad = torch.no_grad();
        while (i > 0)
        {
            using var mean = step_running_mean![i];
            using var variance = step_running_var![i];
            using var untouched = mean.eq(0).all().logical_and(variance.eq(1).all());
            if (!untouched.item<bool>()) break;
            i--;
        }
        return i;
    }

    /// <param name="step">time-step index of this transition (0 = first)</param>
    /// <returns>normalised output (N, C, h, w) and the new LSTM state</returns>
    public (Tensor Output, (Tensor Hidden, Tensor Cell) State) Step(IReadOnlyList<Tensor> inputs, (Tensor Hidden, Tensor Cell) state, int step)
    {
        var next = lstm.Step(inputs, state);
        if (step_running_mean is null) return (norm.forward(next.Hidden), next);
        int i = Math.Min(step, StatisticSteps - 1);
        if (!training) i = LastEstimatedRow(i);
        double momentum = norm.momentum ?? 0.1;
        if (cumulativeCounts is not null && training) momentum = 1.0 / ++cumulativeCounts[i];
        using var mean = step_running_mean[i];
        using var variance = step_running_var![i];
        var output = nn.functional.batch_norm(next.Hidden, mean, variance, norm.weight, norm.bias, training, momentum, norm.eps);
        return (output, next);
    }
}

/// <summary>
/// Recurrent dynamics of the local state: ConvLSTM(s + aux -> h) at state resolution, block 0 (res/2,
/// 2h), ConvLSTM(2h + aux -> 2h) at res/2, UpBlock(late, 2h + aux -> h) back to state resolution,
/// ConvLSTM(h + aux -> h), block 2 (h). Blocks 0 and 2 are modulated convolutions styled by the
/// conditioning (or, with modulatedConv = false, SameBlocks over the concatenated conditioning). The
/// conditioning is the projected global action for layer 0 and the projected local action after it
/// (both concatenated with jointInput). Optional zero/random noise channels (noiseSize).
/// </summary>
public sealed class DynamicsNetwork : nn.Module
{
    readonly ModuleList<RecurrentBlock> recurrent_layers_blocks;
    readonly ModuleList<nn.Module> non_recurrent_blocks;
    readonly Linear la_projection;
    readonly Linear ga_projection;

    public int StateSize { get; }
    public int HiddenStateSize { get; }
    public long StateHeight { get; }
    public long StateWidth { get; }
    public int NoiseSize { get; }
    public bool ModulatedConv { get; }
    public bool JointInput { get; }
    public IEnumerable<RecurrentBlock> RecurrentBlocks => recurrent_layers_blocks;

    /// <param name="perStepStatistics">BatchNorm running statistics per time-step index (ours; false = the reference)</param>
    public DynamicsNetwork(int stateSize = 8, long stateHeight = 12, long stateWidth = 16, int hiddenStateSize = 32,
        int actionSpaceDimension = 16, int noiseSize = 0, bool modulatedConv = true, bool jointInput = false, bool perStepStatistics = false)
        : base(nameof(DynamicsNetwork))
    {
        int s = stateSize, h = hiddenStateSize;
        StateSize = s;
        HiddenStateSize = h;
        StateHeight = stateHeight;
        StateWidth = stateWidth;
        NoiseSize = noiseSize;
        ModulatedConv = modulatedConv;
        JointInput = jointInput;
        int aux = (jointInput ? 2 * s : s) + noiseSize;
        recurrent_layers_blocks = new ModuleList<RecurrentBlock>(
            new RecurrentBlock(new ConvLstm(s + aux, h, stateHeight, stateWidth), h, perStepStatistics),
            new RecurrentBlock(new ConvLstm(2 * h + aux, 2 * h, stateHeight / 2, stateWidth / 2), 2 * h, perStepStatistics),
            new RecurrentBlock(new ConvLstm(h + aux, h, stateHeight, stateWidth), h, perStepStatistics));
        if (!modulatedConv)
            non_recurrent_blocks = new ModuleList<nn.Module>(
                new SameBlock(h + aux, 2 * h, 2),
                new UpBlock(2 * h + aux, h, lateUpscaling: true),
                new SameBlock(h + aux, h));
        else
        {
            int style = jointInput ? 2 * s : s;
            non_recurrent_blocks = new ModuleList<nn.Module>(
                new ModulatedConvBlock(h + noiseSize, 2 * h, style, 2),
                new UpBlock(2 * h + aux, h, lateUpscaling: true),
                new ModulatedConvBlock(h + noiseSize, h, style));
        }
        la_projection = nn.Linear(actionSpaceDimension, s);
        ga_projection = nn.Linear(2, s);
        RegisterComponents();
    }

    /// <summary>The learned initial memory repeated over the batch.</summary>
    public DynamicsMemory InitialMemory(long batchSize) =>
        new(recurrent_layers_blocks.Select(b => b.Lstm.InitialState(batchSize)).ToList());

    /// <summary>One transition.</summary>
    /// <returns>next state features (B, h, stateHeight, stateWidth) and the next memory</returns>
    public (Tensor Next, DynamicsMemory Memory) Step(
        Tensor states /* (B, s, stateHeight, stateWidth) */,
        Tensor localActionCodes /* (B, D) */,
        Tensor globalActions /* (B, 2) */,
        DynamicsMemory memory,
        bool randomizeNoise = false)
    {
        using var scope = NewDisposeScope();
        long batch = states.shape[0];
        if (states.shape[2] != StateHeight || states.shape[3] != StateWidth)
            throw new GlassException($"state grid is {states.shape[2]}x{states.shape[3]} but model.action_separator.dynamics_network.state_resolution is [{StateHeight}, {StateWidth}]: input frames must be model.action_separator.state_downsampling x the state resolution (data.input_size)");
        Tensor? noise = NoiseSize == 0 ? null
            : randomizeNoise ? torch.randn(batch, NoiseSize, device: states.device) : torch.zeros(batch, NoiseSize, device: states.device);
        var pLocal = la_projection.forward(localActionCodes);
        var pGlobal = ga_projection.forward(globalActions);
        var joint = JointInput ? torch.cat([pLocal, pGlobal], 1) : null;
        var next = new List<(Tensor, Tensor)>(3);
        var x = states;
        for (int i = 0; i < 3; i++)
        {
            var condition = joint ?? (i == 0 ? pGlobal : pLocal);
            var recurrentInputs = new List<Tensor> { x, condition };
            if (noise is not null) recurrentInputs.Add(noise);
            var (output, state) = recurrent_layers_blocks[i].Step(recurrentInputs, memory.Layers[i], memory.Steps);
            next.Add(state);
            // Block 1 (UpBlock) always sees the conditioning as channels; modulated blocks take it as style.
            bool concatCondition = !ModulatedConv || i == 1;
            var blockInputs = new List<Tensor> { output };
            if (concatCondition) blockInputs.Add(condition);
            if (noise is not null) blockInputs.Add(noise);
            var block = non_recurrent_blocks[i];
            x = block switch
            {
                ModulatedConvBlock mod => mod.forward(ChannelwiseConcat.Apply(blockInputs, mod.InChannels), condition),
                SameBlock same => same.forward(ChannelwiseConcat.Apply(blockInputs, same.InChannels)),
                UpBlock up => up.forward(ChannelwiseConcat.Apply(blockInputs, up.InChannels)),
                _ => throw new InvalidOperationException("unexpected dynamics block " + block.GetType().Name),
            };
        }
        return (x.MoveToOuterDisposeScope(), new DynamicsMemory(next, memory.Steps + 1).MoveToOuterDisposeScope());
    }
}
