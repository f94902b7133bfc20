using Glass.Config;
using Glass.Model.GlobalMotion;
using Glass.Model.Layers;
using Glass.Model.LocalMotion;
using TorchSharp;
using static TorchSharp.torch;

namespace Glass.Model;

/// <summary>Actions inferred from a real clip: what drives generation and motion transfer.</summary>
public sealed record InferredActions(
    Tensor ForegroundShifts /* (B, T-1, 2) global actions, normalised units */,
    Tensor BackgroundShifts /* (B, T-1, 2) normalised units */,
    Tensor LocalActionIds /* (B, T-1) int64 */,
    Tensor Masks /* (B, T, 1, H, W) */) : IDisposable
{
    public void Dispose()
    {
        ForegroundShifts.Dispose(); BackgroundShifts.Dispose(); LocalActionIds.Dispose(); Masks.Dispose();
    }
}

/// <summary>
/// The GLASS model: global motion analysis (masking, inpainting, foreground and background motion
/// networks) and local motion analysis (the action separator). Submodule names equal the reference's,
/// so <c>state_dict()</c> has the reference checkpoint's keys and shapes.
/// </summary>
public sealed class GlassModel : nn.Module
{
    // Declaration order = state_dict order = the reference's.
    readonly ActionSeparator local_action_separator;
    readonly SequenceConverter<MaskingNetwork> masking_network;
    readonly MotionNetwork foreground_transform_predictor;
    readonly MotionNetwork background_shift_predictor;
    readonly InpaintingNetwork inpainting_network;

    public ModelConfig Config { get; }
    public ActionSeparator LocalActionSeparator => local_action_separator;
    public MaskingNetwork MaskingNetwork => masking_network.Backbone;
    public InpaintingNetwork InpaintingNetwork => inpainting_network;
    public MotionNetwork ForegroundMotion => foreground_transform_predictor;
    public MotionNetwork BackgroundMotion => background_shift_predictor;
    public int NumLocalActions => local_action_separator.Actions.NumActions;

    /// <summary>Builds the networks from the configuration, randomly initialised, on <paramref name="device"/> (default CPU).</summary>
    public GlassModel(ModelConfig config, Device? device = null) : base(nameof(GlassModel))
    {
        Config = config;
        ModelConsistency.Check(config);
        var las = config.ActionSeparator;
        var m = config.MaskingNetwork;
        var rep = las.RepresentationNetwork;
        var act = las.ActionNetwork;
        var dyn = las.DynamicsNetwork;
        var ren = las.RenderingNetwork;
        local_action_separator = new ActionSeparator(
            new RepresentationNetwork(rep.InChannels, rep.OutChannels, rep.BaseChannels, las.StateDownsampling),
            las.StateCompressor.OutChannels,
            new ActionNetwork(act.StateSize, act.NumActions, act.ActionSpaceDimension, act.UseGumbel, act.UsePlainDirection),
            new DynamicsNetwork(dyn.StateSize, dyn.StateResolution[0], dyn.StateResolution[1], dyn.HiddenStateSize,
                dyn.ActionSpaceDimension, dyn.NoiseSize, dyn.ModulatedConv, dyn.JointInput, dyn.Normalization == "per_step"),
            new RenderingNetwork(ren.InChannels, ren.OutChannels, ren.BaseChannels, las.StateDownsampling));
        masking_network = new SequenceConverter<MaskingNetwork>(
            new MaskingNetwork(m.InChannels, m.StemChannels, m.HiddenChannels, m.NumExtraBlocks, m.DecoderChannels));
        foreground_transform_predictor = new MotionNetwork(config.MotionNetwork.BaseChannels);
        background_shift_predictor = new MotionNetwork(config.MotionNetwork.BaseChannels);
        inpainting_network = new InpaintingNetwork(config.InpaintingNetwork.BaseChannels);
        RegisterComponents();
        if (device is not null && device.type != DeviceType.CPU) this.to(device);
        ChannelsLast.Apply(this);
    }

    /// <summary>The device the parameters live on.</summary>
    public Device Device => parameters().First().device;

    void CheckInput(Tensor observations)
    {
        if (observations.dim() != 5 || observations.shape[2] < 3)
            throw new GlassException($"observations must be (B, T, 3, H, W), got ({string.Join(", ", observations.shape)})");
        if (observations.shape[1] < 2)
            throw new GlassException($"at least 2 frames are needed, got {observations.shape[1]}");
        var (w, h) = Config.FrameSize();
        if (observations.shape[3] != h || observations.shape[4] != w)
            throw new GlassException($"frames are {observations.shape[4]}x{observations.shape[3]} (WxH) but the model expects {w}x{h} (model.action_separator.state_downsampling x dynamics_network.state_resolution); resize them to data.input_size");
    }

    /// <summary>Per-frame foreground masks.</summary>
    /// <returns>(B, T, 1, H, W)</returns>
    public Tensor Segment(Tensor frames /* (B, T, 3, H, W) */) => masking_network.Forward(frames);

    /// <summary>Predicted background shifts of consecutive frames.</summary>
    /// <returns>(B, T-1, 2)</returns>
    Tensor PredictBackgroundShifts(Tensor backgrounds /* (B, T, 3, H, W) */)
    {
        using var scope = NewDisposeScope();
        return background_shift_predictor.forward(torch.cat([backgrounds[.., ..^1], backgrounds[.., 1..]], 2)).MoveToOuterDisposeScope();
    }

    /// <summary>Shifts background layers (border padding), each by its own shift.</summary>
    /// <returns>(B, T, 3, H, W)</returns>
    public static Tensor ShiftBackgrounds(Tensor backgrounds /* (B, T, 3, H, W) */, Tensor shifts /* (B, T, 2) */,
        GridSampleMode mode = GridSampleMode.Bilinear)
    {
        using var scope = NewDisposeScope();
        var shifted = SpatialTransform.Shift(TensorFolder.Flatten(backgrounds), TensorFolder.Flatten(shifts), GridSamplePaddingMode.Border, mode);
        return TensorFolder.Fold(shifted, backgrounds.shape[1]).MoveToOuterDisposeScope();
    }

    /// <summary>Shifts foreground layers and their masks (zeros padding, bilinear), each by its own shift.</summary>
    /// <returns>foregrounds (B, T, 3, H, W) and masks (B, T, 1, H, W)</returns>
    public static (Tensor Foregrounds, Tensor Masks) ShiftForegrounds(Tensor foregrounds /* (B, T, 3, H, W) */,
        Tensor masks /* (B, T, 1, H, W) */, Tensor shifts /* (B, T, 2) */)
    {
        using var scope = NewDisposeScope();
        long t = foregrounds.shape[1];
        // Foreground and mask move on one grid in one pass (grid sampling is per channel, so this is exact).
        var layers = torch.cat([TensorFolder.Flatten(foregrounds), TensorFolder.Flatten(masks)], 1);
        var grid = SpatialTransform.ShiftGrid(TensorFolder.Flatten(shifts), foregrounds.shape[3], foregrounds.shape[4]);
        var moved = TensorFolder.Fold(SpatialTransform.Sample(layers, grid, GridSamplePaddingMode.Zeros), t);
        return (moved[.., .., ..3].MoveToOuterDisposeScope(), moved[.., .., 3..].MoveToOuterDisposeScope());
    }

    /// <summary>Layer composition m * f + (1 - m) * b.</summary>
    /// <returns>(..., 3, H, W)</returns>
    public static Tensor Composite(Tensor masks /* (..., 1, H, W) */, Tensor foregrounds /* (..., 3, H, W) */, Tensor backgrounds /* (..., 3, H, W) */) =>
        masks * foregrounds + (1 - masks) * backgrounds;

    /// <summary>Predicted background shifts and each background shifted onto the next frame.</summary>
    (Tensor Shifts, Tensor Shifted) ShiftBackgrounds(Tensor backgrounds /* (B, T, 3, H, W) */)
    {
        using var scope = NewDisposeScope();
        var shifts = PredictBackgroundShifts(backgrounds);
        var shifted = ShiftBackgrounds(backgrounds[.., ..^1], shifts);
        return (shifts.MoveToOuterDisposeScope(), shifted.MoveToOuterDisposeScope());
    }

    (Tensor Shifts, Tensor Foregrounds, Tensor Masks) TransformForegrounds(Tensor foregrounds /* (B, T, 3, H, W) */, Tensor masks /* (B, T, 1, H, W) */)
    {
        using var scope = NewDisposeScope();
        var shifts = foreground_transform_predictor.forward(torch.cat([foregrounds[.., ..^1], foregrounds[.., 1..]], 2));
        var (moved, movedMasks) = ShiftForegrounds(foregrounds[.., ..^1], masks[.., ..^1], shifts);
        return (shifts.MoveToOuterDisposeScope(), moved.MoveToOuterDisposeScope(), movedMasks.MoveToOuterDisposeScope());
    }

    /// <summary>Global motion analysis of a clip: masks, layers, inpainting, both shifts and the shifted
    /// composite. Gradients flow as the reference's (call under no_grad for frozen networks).</summary>
    public GlobalMotionOutput AnalyzeGlobalMotion(Tensor observations /* (B, T, 3, H, W) */)
    {
        CheckInput(observations);
        using var scope = NewDisposeScope();
        var obs = observations[.., .., ..3];
        var masks = Segment(obs);
        var foregrounds = masks * obs;
        var backgrounds = (1 - masks) * obs;
        var inpainting = inpainting_network.Forward(obs, masks);
        var (backgroundShifts, shiftedBackgrounds) = ShiftBackgrounds(inpainting.InpaintedBackgrounds);
        var (globalActions, transformedForegrounds, transformedMasks) = TransformForegrounds(foregrounds, masks);
        return new GlobalMotionOutput
        {
            Observations = obs,
            Masks = masks,
            Foregrounds = foregrounds,
            Backgrounds = backgrounds,
            PatchedBackgrounds = inpainting.PatchedBackgrounds,
            InpaintedBackgrounds = inpainting.InpaintedBackgrounds,
            ShiftedBackgrounds = shiftedBackgrounds,
            BackgroundShifts = backgroundShifts,
            TransformedForegrounds = transformedForegrounds,
            TransformedMasks = transformedMasks,
            GlobalActions = globalActions,
            ReconstructedObservations = Composite(transformedMasks, transformedForegrounds, shiftedBackgrounds),
        }.MoveToOuterDisposeScope();
    }

    /// <summary>The global-motion networks (masking, inpainting, both motion networks).</summary>
    public IEnumerable<nn.Module> GlobalMotionNetworks =>
        [masking_network, foreground_transform_predictor, background_shift_predictor, inpainting_network];

    /// <summary>
    /// The reference's main forward pass. Gradients flow as in the reference: local motion analysis sees
    /// detached foregrounds, shifted foregrounds and global actions; the generated path runs without gradients.
    /// Call <c>eval()</c> for evaluation (BatchNorm running statistics) and wrap in <c>torch.no_grad()</c>
    /// (or use <see cref="Infer"/>) when no gradients are needed.
    /// </summary>
    /// <param name="observations">(B, T, 3, H, W) frames in [-1, 1]</param>
    /// <param name="numGroundTruthObservations">transitions unrolled on real frames (1..T-1); the rest are autoregressive</param>
    /// <param name="gumbelTemperature">Gumbel-softmax temperature (used only with use_gumbel)</param>
    /// <param name="outputGenerated">also composite rendered foregrounds over the first background (GeneratedObservations)</param>
    public GlassOutput Forward(Tensor observations, int numGroundTruthObservations, double gumbelTemperature, bool outputGenerated = false)
    {
        using var scope = NewDisposeScope();
        var g = AnalyzeGlobalMotion(observations);
        var obs = g.Observations;
        long t = obs.shape[1];

        var las = local_action_separator.Forward(
            g.Foregrounds.detach(), g.TransformedForegrounds.detach(), g.GlobalActions.detach(),
            gumbelTemperature, numGroundTruthObservations);

        var generated = g.ReconstructedObservations;
        if (outputGenerated)
        {
            using var noGrad = torch.no_grad();
            // In eval mode BatchNorm is per-sample, so the first frame's inpainting above is exactly what the
            // reference recomputes here; in training mode the batch statistics differ and it is recomputed.
            var firstBackground = training
                ? inpainting_network.Forward(obs[.., ..1], g.Masks[.., ..1]).InpaintedBackgrounds
                : g.InpaintedBackgrounds[.., ..1];
            var stacked = firstBackground.expand(-1, t - 1, -1, -1, -1);
            var accumulated = g.BackgroundShifts.cumsum(1);
            var shiftedInitial = ShiftBackgrounds(stacked, accumulated, GridSampleMode.Nearest);
            generated = Composite(las.ReconstructedMasks, las.ReconstructedForegrounds[0], shiftedInitial);
        }

        return new GlassOutput
        {
            Observations = obs,
            Masks = g.Masks,
            Foregrounds = g.Foregrounds,
            Backgrounds = g.Backgrounds,
            PatchedBackgrounds = g.PatchedBackgrounds,
            InpaintedBackgrounds = g.InpaintedBackgrounds,
            ShiftedBackgrounds = g.ShiftedBackgrounds,
            BackgroundShifts = g.BackgroundShifts,
            TransformedForegrounds = g.TransformedForegrounds,
            TransformedMasks = g.TransformedMasks,
            GlobalActions = g.GlobalActions,
            LocalStates = las.States,
            ReconstructedForegrounds = las.ReconstructedForegrounds,
            ReconstructedMasks = las.ReconstructedMasks,
            ReconstructedLocalStates = las.ReconstructedStates,
            LocalActionVqLoss = las.VqLoss,
            LocalActionIds = las.ActionIds,
            LocalActionProbabilities = las.ActionProbabilities,
            LocalActionEmbeddings = las.ActionEmbeddings,
            ReconstructedObservations = g.ReconstructedObservations,
            GeneratedObservations = generated,
        }.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Staged training's local stage: local motion analysis on the frozen global motion. The global-motion part
    /// runs without gradients and computes only what the local terms read (masks, foreground layers, global
    /// actions): the inpainting and background motion networks do not run. The same local motion as
    /// <see cref="Forward"/> for the same masks. Call with the global-motion networks in eval mode.
    /// </summary>
    /// <param name="observations">(B, T, 3, H, W) frames in [-1, 1]</param>
    /// <param name="masks">(B, T, 1, H, W) the frozen masking network's masks of these frames (e.g. cached), or null to segment here</param>
    public LocalMotionOutput AnalyzeLocalMotion(Tensor observations, Tensor? masks, int numGroundTruthObservations, double gumbelTemperature)
    {
        CheckInput(observations);
        using var scope = NewDisposeScope();
        var obs = observations[.., .., ..3];
        Tensor foregrounds, transformed, globalActions;
        using (torch.no_grad())
        {
            masks = masks is null ? Segment(obs) : masks.alias(); // an alias: the caller's tensor stays in its own scope
            foregrounds = masks * obs;
            (globalActions, transformed, _) = TransformForegrounds(foregrounds, masks);
        }
        var local = local_action_separator.Forward(foregrounds, transformed, globalActions, gumbelTemperature, numGroundTruthObservations);
        return new LocalMotionOutput
        {
            Masks = masks,
            Foregrounds = foregrounds,
            TransformedForegrounds = transformed,
            GlobalActions = globalActions,
            Local = local,
        }.MoveToOuterDisposeScope();
    }

    /// <summary><see cref="Forward"/> without gradients (does not change train/eval mode).</summary>
    public GlassOutput Infer(Tensor observations /* (B, T, 3, H, W) */, int numGroundTruthObservations, double gumbelTemperature, bool outputGenerated = true)
    {
        using var noGrad = torch.no_grad();
        return Forward(observations, numGroundTruthObservations, gumbelTemperature, outputGenerated);
    }

    /// <summary>
    /// Global and local actions of a real clip, without gradients and without the dynamics and rendering
    /// networks. Local action ids are deterministic (nearest code; with Gumbel-softmax the most likely logit).
    /// Call <c>eval()</c> first.
    /// </summary>
    public InferredActions InferActions(Tensor observations /* (B, T, 3, H, W) */)
    {
        CheckInput(observations);
        using var noGrad = torch.no_grad();
        using var scope = NewDisposeScope();
        var obs = observations[.., .., ..3];
        var masks = Segment(obs);
        var foregrounds = masks * obs;
        var inpainted = inpainting_network.Forward(obs, masks).InpaintedBackgrounds;
        var backgroundShifts = PredictBackgroundShifts(inpainted);
        var (globalActions, transformed, _) = TransformForegrounds(foregrounds, masks);
        var ids = local_action_separator.InferActionIds(foregrounds, transformed);
        return new InferredActions(globalActions.MoveToOuterDisposeScope(), backgroundShifts.MoveToOuterDisposeScope(),
            ids.MoveToOuterDisposeScope(), masks.MoveToOuterDisposeScope());
    }
}
