using System.CommandLine;
using Glass.Evaluation;

namespace Glass.Cli;

/// <summary>The weight files of the video-quality metrics' pretrained networks (`--lpips`, `--lpips-backbone`,
/// `--inception`, `--i3d`). Users supply them: nothing is downloaded; a metric without its network is skipped and
/// the report says which option would give it.</summary>
public sealed class MetricNetworkOptions
{
    readonly Option<string?> _lpips = new("--lpips") { Description = "LPIPS weights: the lpips package's weights/v0.1/alex.pth or vgg.pth (or a full lpips.LPIPS state_dict)" };
    readonly Option<string?> _lpipsBackbone = new("--lpips-backbone") { Description = "torchvision alexnet/vgg16 state_dict, when --lpips holds only the linear layers" };
    readonly Option<string?> _inception = new("--inception") { Description = "FID Inception-v3 weights: pytorch-fid's pt_inception-2015-12-05-6726825d.pth" };
    readonly Option<string?> _i3d = new("--i3d") { Description = "FVD I3D weights: pytorch-i3d's rgb_imagenet.pt (Kinetics-400)" };

    public void AddTo(Command command)
    {
        foreach (var option in new[] { _lpips, _lpipsBackbone, _inception, _i3d }) command.Options.Add(option);
    }

    /// <summary>The request with the given weight files and the report's reasons for the missing ones.</summary>
    public EvaluationRequest Apply(ParseResult r, EvaluationRequest request) => request with
    {
        LpipsWeights = r.GetValue(_lpips),
        LpipsBackboneWeights = r.GetValue(_lpipsBackbone),
        InceptionWeights = r.GetValue(_inception),
        I3dWeights = r.GetValue(_i3d),
        MissingNetworkReason = Missing,
    };

    /// <summary>The report's reason for a metric without its network, naming the option that gives it.</summary>
    static string Missing(string key) => key switch
    {
        "lpips" => "no LPIPS weights given (--lpips FILE, the lpips package's alex.pth or vgg.pth, with --lpips-backbone FILE for torchvision's backbone)",
        "fid" => "no Inception weights given (--inception FILE, pytorch-fid's pt_inception-2015-12-05-6726825d.pth)",
        _ => "no I3D weights given (--i3d FILE, pytorch-i3d's rgb_imagenet.pt)",
    };
}
