using Glass.Model.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Glass.Model.LocalMotion;

/// <summary>Local actions of a batch of transitions.</summary>
public sealed record LocalActionResult(
    Tensor Codes /* (N, D): quantized (or Gumbel-mixed) action codes fed to the dynamics */,
    Tensor Ids /* (N) int64 */,
    Tensor VqLoss /* scalar; zero with Gumbel-softmax */,
    Tensor? Probabilities /* (N, K) Gumbel-softmax sample; null with the vector quantizer */,
    Tensor Embeddings /* (N, D): the head's output before quantization (the logits with Gumbel-softmax) */);

/// <summary>
/// Local action network: shared ResidualBlocks S->2S (res/2), 2S->S and global average pooling embed the
/// attention-weighted states of the shifted foreground (x) and of the next foreground (x'); the direction
/// is four bilinear layers driven by affine maps of x (BN1d + LeakyReLU between them) minus x, or plainly
/// x' - x; an MLP maps it to a D-dimensional code quantized to one of K codes (or, with Gumbel-softmax,
/// a Linear gives K logits). The unused "mapping" MLP of the reference is kept so checkpoints match.
/// </summary>
public sealed class ActionNetwork : nn.Module
{
    readonly Sequential residuals;
    readonly Sequential mapping;
    readonly ModuleList<Bilinear> projections;
    readonly ModuleList<Linear> affines;
    readonly ModuleList<Sequential> bns_acts;
    readonly nn.Module<Tensor, Tensor> final_mlp;
    readonly VectorQuantizer action_codes_quantizer;

    public int StateSize { get; }
    public int NumActions { get; }
    public int ActionSpaceDimension { get; }
    public bool UseGumbel { get; }
    public bool UsePlainDirection { get; }
    public VectorQuantizer Quantizer => action_codes_quantizer;

    public ActionNetwork(int stateSize = 64, int numActions = 6, int actionSpaceDimension = 16, bool useGumbel = false, bool usePlainDirection = false)
        : base(nameof(ActionNetwork))
    {
        int s = stateSize;
        StateSize = s;
        NumActions = numActions;
        ActionSpaceDimension = actionSpaceDimension;
        UseGumbel = useGumbel;
        UsePlainDirection = usePlainDirection;
        residuals = nn.Sequential(new ResidualBlock(s, 2 * s, 2, feedsConvolutions: true), new ResidualBlock(2 * s, s));
        mapping = nn.Sequential(nn.Linear(s, 2 * s), nn.BatchNorm1d(2 * s), nn.LeakyReLU(0.2), nn.Linear(2 * s, s));
        projections = new ModuleList<Bilinear>(
            nn.Bilinear(s, s, 2 * s), nn.Bilinear(s, 2 * s, 2 * s), nn.Bilinear(s, 2 * s, 2 * s), nn.Bilinear(s, 2 * s, s));
        affines = new ModuleList<Linear>(nn.Linear(s, s), nn.Linear(s, s), nn.Linear(s, s), nn.Linear(s, s));
        // The reference's fourth entry is None: the last projection has no normalisation.
        bns_acts = new ModuleList<Sequential>(
            nn.Sequential(nn.BatchNorm1d(2 * s), nn.LeakyReLU(0.2)),
            nn.Sequential(nn.BatchNorm1d(2 * s), nn.LeakyReLU(0.2)),
            nn.Sequential(nn.BatchNorm1d(2 * s), nn.LeakyReLU(0.2)));
        final_mlp = useGumbel
            ? nn.Linear(s, numActions)
            : nn.Sequential(
                nn.Linear(s, 2 * s), nn.BatchNorm1d(2 * s), nn.LeakyReLU(0.2),
                nn.Linear(2 * s, s), nn.BatchNorm1d(s), nn.LeakyReLU(0.2),
                nn.Linear(s, actionSpaceDimension));
        action_codes_quantizer = new VectorQuantizer(numActions, actionSpaceDimension);
        RegisterComponents();
    }

    /// <summary>Pooled embedding of attention-weighted states.</summary>
    /// <returns>(N, S)</returns>
    public Tensor Embed(Tensor states /* (N, S, h, w) */, Tensor attention /* (N, 1, h, w) */)
    {
        using var scope = NewDisposeScope();
        return residuals.forward(states * attention).mean([2, 3]).MoveToOuterDisposeScope();
    }

    /// <summary>The reference's calculate_directions.</summary>
    /// <returns>(N, S)</returns>
    public Tensor Directions(Tensor first /* (N, S) */, Tensor second /* (N, S) */)
    {
        if (UsePlainDirection) return second - first;
        using var scope = NewDisposeScope();
        var projected = second;
        for (int i = 0; i < projections.Count; i++)
        {
            projected = projections[i].forward(affines[i].forward(first), projected);
            if (i < bns_acts.Count) projected = bns_acts[i].forward(projected);
        }
        return (projected - first).MoveToOuterDisposeScope();
    }

    /// <summary>Actions of the transitions from the shifted current states to the next states.</summary>
    public LocalActionResult Forward(
        Tensor shiftedStates /* (N, S, h, w) */, Tensor shiftedAttention /* (N, 1, h, w) */,
        Tensor nextStates /* (N, S, h, w) */, Tensor nextAttention /* (N, 1, h, w) */,
        double gumbelTemperature)
    {
        using var scope = NewDisposeScope();
        var x = Embed(shiftedStates, shiftedAttention);
        var nextX = Embed(nextStates, nextAttention);
        var directions = Directions(x, nextX);
        var head = final_mlp.forward(directions);
        LocalActionResult result;
        if (UseGumbel)
        {
            var probabilities = GumbelSoftmax.Sample(head.log_softmax(1), gumbelTemperature);
            var codes = torch.matmul(probabilities, action_codes_quantizer.Codebook);
            result = new LocalActionResult(codes, probabilities.argmax(1), torch.zeros([], device: codes.device), probabilities, head);
        }
        else
        {
            var q = action_codes_quantizer.Forward(head);
            result = new LocalActionResult(q.Quantized, q.Ids, q.Loss, null, head);
        }
        return new LocalActionResult(result.Codes.MoveToOuterDisposeScope(), result.Ids.MoveToOuterDisposeScope(),
            result.VqLoss.MoveToOuterDisposeScope(), result.Probabilities?.MoveToOuterDisposeScope(), result.Embeddings.MoveToOuterDisposeScope());
    }

    /// <summary>Deterministic action ids (no Gumbel noise): nearest code, or the most likely logit.</summary>
    /// <returns>(N) int64</returns>
    public Tensor InferIds(Tensor shiftedStates /* (N, S, h, w) */, Tensor shiftedAttention /* (N, 1, h, w) */,
        Tensor nextStates /* (N, S, h, w) */, Tensor nextAttention /* (N, 1, h, w) */)
    {
        using var scope = NewDisposeScope();
        var directions = Directions(Embed(shiftedStates, shiftedAttention), Embed(nextStates, nextAttention));
        var head = final_mlp.forward(directions);
        var ids = UseGumbel ? head.argmax(1) : action_codes_quantizer.NearestIds(head);
        return ids.MoveToOuterDisposeScope();
    }

    /// <summary>The code fed to the dynamics for chosen action ids (the one-hot times the codebook).</summary>
    /// <returns>(N, D)</returns>
    public Tensor CodesOf(Tensor ids /* (N) int64 */)
    {
        if (ids.numel() > 0)
        {
            long min = ids.min().item<long>(), max = ids.max().item<long>();
            if (min < 0 || max >= NumActions)
                throw new GlassException($"local action id out of range: got {min}..{max}, the model has {NumActions} local actions (0..{NumActions - 1})");
        }
        return action_codes_quantizer.Lookup(ids);
    }
}
