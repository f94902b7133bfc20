using Glass.Model.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Glass.Model.LocalMotion;

/// <summary>What local motion analysis returns for a sequence of T foregrounds.</summary>
public sealed record ActionSeparationResult(
    Tensor States /* (B, T, S, h, w) */,
    Tensor VqLoss /* scalar */,
    Tensor ActionIds /* (B, T-1) int64 */,
    Tensor? ActionProbabilities /* (B, T-1, K) with Gumbel-softmax, else null */,
    Tensor ActionEmbeddings /* (B, T-1, D): the action head's output before quantization */,
    Tensor[] ReconstructedForegrounds /* [full (B, T-1, 3, H, W), half (.., H/2, W/2), quarter (.., H/4, W/4)] */,
    Tensor ReconstructedMasks /* (B, T-1, 1, H, W) */,
    Tensor ReconstructedStates /* (B, T-1, S, h, w) */)
{
    /// <summary>Every tensor of the result (for moving them between dispose scopes).</summary>
    public IEnumerable<Tensor> Tensors()
    {
        yield return States; yield return VqLoss; yield return ActionIds;
        if (ActionProbabilities is not null) yield return ActionProbabilities;
        yield return ActionEmbeddings;
        foreach (var f in ReconstructedForegrounds) yield return f;
        yield return ReconstructedMasks; yield return ReconstructedStates;
    }
}

/// <summary>
/// Local motion analysis (LMA): encodes foregrounds into states, finds the local action of each transition,
/// and unrolls the dynamics: teacher-forced on the first <c>numGroundTruth</c> encoded real foregrounds,
/// then autoregressively on re-encoded renderings; finally the renderings are re-encoded (state
/// reconstruction). Network calls are batched exactly as the reference does, so training-mode BatchNorm
/// statistics agree with it.
/// </summary>
public sealed class ActionSeparator : nn.Module
{
    readonly SequenceConverter<RepresentationNetwork> representation_network;
    readonly Sequential state_compressor;
    readonly ActionNetwork action_network;
    readonly DynamicsNetwork dynamics_network;
    readonly SequenceConverter<RenderingNetwork> rendering_network;

    public RepresentationNetwork Representation => representation_network.Backbone;
    public ActionNetwork Actions => action_network;
    public DynamicsNetwork Dynamics => dynamics_network;
    public RenderingNetwork Rendering => rendering_network.Backbone;

    public ActionSeparator(RepresentationNetwork representation, int compressedStateSize, ActionNetwork actions,
        DynamicsNetwork dynamics, RenderingNetwork rendering) : base(nameof(ActionSeparator))
    {
        representation_network = new SequenceConverter<RepresentationNetwork>(representation);
        state_compressor = nn.Sequential(new GuardedConv2d(representation.StateChannels, compressedStateSize, 1));
        action_network = actions;
        dynamics_network = dynamics;
        rendering_network = new SequenceConverter<RenderingNetwork>(rendering);
        RegisterComponents();
    }

    /// <summary>Encodes frames into (state, attention).</summary>
    /// <returns>states (N, S, h, w) and attention (N, 1, h, w)</returns>
    public (Tensor States, Tensor Attention) Encode(Tensor frames /* (N, 3, H, W) */)
    {
        using var scope = NewDisposeScope();
        var r = Representation.forward(frames);
        long s = r.shape[1] - 1;
        return (r[.., ..(int)s].MoveToOuterDisposeScope(), r[.., (int)s..].MoveToOuterDisposeScope());
    }

    /// <summary>The compressed state e fed to the dynamics.</summary>
    /// <returns>(N, s, h, w)</returns>
    public Tensor Compress(Tensor states /* (N, S, h, w) */) => state_compressor.forward(states);

    public ActionSeparationResult Forward(
        Tensor foregrounds /* (B, T, 3, H, W) */,
        Tensor shiftedForegrounds /* (B, T-1, 3, H, W) */,
        Tensor globalActions /* (B, T-1, 2) */,
        double gumbelTemperature,
        int numGroundTruth)
    {
        long b = foregrounds.shape[0], t = foregrounds.shape[1];
        if (numGroundTruth < 1 || numGroundTruth > t - 1)
            throw new GlassException($"num_ground_truth_observations must be in 1..{t - 1} for {t} frames, got {numGroundTruth}");
        using var scope = NewDisposeScope();

        var representation = representation_network.Forward(foregrounds);
        long sz = representation.shape[2] - 1;
        var states = representation[.., .., ..(int)sz];
        var attentions = representation[.., .., (int)sz..];
        var shifted = representation_network.Forward(shiftedForegrounds);
        var shiftedStates = shifted[.., .., ..(int)sz];
        var shiftedAttentions = shifted[.., .., (int)sz..];

        var compressed = TensorFolder.Fold(Compress(TensorFolder.Flatten(states)), t);

        var actions = action_network.Forward(
            TensorFolder.Flatten(shiftedStates), TensorFolder.Flatten(shiftedAttentions),
            TensorFolder.Flatten(states[.., 1..]), TensorFolder.Flatten(attentions[.., 1..]),
            gumbelTemperature);
        var codes = TensorFolder.Fold(actions.Codes, t - 1);

        // Teacher forcing on the encoded real foregrounds.
        var memory = dynamics_network.InitialMemory(b);
        var predicted = new List<Tensor>();
        for (int i = 0; i < numGroundTruth; i++)
        {
            var (next, nextMemory) = dynamics_network.Step(compressed[.., i], codes[.., i], globalActions[.., i], memory);
            predicted.Add(next);
            memory = nextMemory;
        }
        var rendered = rendering_network.Backbone.ForwardSequence(torch.stack(predicted, 1));
        var frames = new List<Tensor>[3];
        for (int r = 0; r < 3; r++) frames[r] = [rendered.Foregrounds[r]];
        var masks = new List<Tensor> { rendered.Masks };

        // Autoregression: each later transition starts from the re-encoded last rendering.
        var last = rendered.Foregrounds[0][.., -1];
        for (int i = numGroundTruth; i < t - 1; i++)
        {
            var state = Encode(last).States;
            var (next, nextMemory) = dynamics_network.Step(Compress(state), codes[.., i], globalActions[.., i], memory);
            memory = nextMemory;
            var step = rendering_network.Backbone.Forward(next);
            for (int r = 0; r < 3; r++) frames[r].Add(step.Foregrounds[r].unsqueeze(1));
            masks.Add(step.Masks.unsqueeze(1));
            last = step.Foregrounds[0];
        }
        var reconstructed = frames.Select(f => f.Count == 1 ? f[0] : torch.cat(f, 1)).ToArray();
        var reconstructedMasks = masks.Count == 1 ? masks[0] : torch.cat(masks, 1);

        var reconstructedStates = representation_network.Forward(reconstructed[0])[.., .., ..(int)sz];

        return new ActionSeparationResult(
            states.MoveToOuterDisposeScope(),
            actions.VqLoss.MoveToOuterDisposeScope(),
            TensorFolder.Fold(actions.Ids, t - 1).MoveToOuterDisposeScope(),
            actions.Probabilities is null ? null : TensorFolder.Fold(actions.Probabilities, t - 1).MoveToOuterDisposeScope(),
            TensorFolder.Fold(actions.Embeddings, t - 1).MoveToOuterDisposeScope(),
            reconstructed.Select(x => x.MoveToOuterDisposeScope()).ToArray(),
            reconstructedMasks.MoveToOuterDisposeScope(),
            reconstructedStates.MoveToOuterDisposeScope());
    }
    /// <summary>Deterministic local action ids of real transitions (no dynamics, no rendering, no Gumbel noise).</summary>
    /// <returns>(B, T-1) int64</returns>
    public Tensor InferActionIds(Tensor foregrounds /* (B, T, 3, H, W) */, Tensor shiftedForegrounds /* (B, T-1, 3, H, W) */)
    {
        using var scope = NewDisposeScope();
        long t = foregrounds.shape[1];
        var (states, attention) = Encode(TensorFolder.Flatten(foregrounds[.., 1..]));
        var (shiftedStates, shiftedAttention) = Encode(TensorFolder.Flatten(shiftedForegrounds));
        var ids = action_network.InferIds(shiftedStates, shiftedAttention, states, attention);
        return TensorFolder.Fold(ids, t - 1).MoveToOuterDisposeScope();
    }
}
