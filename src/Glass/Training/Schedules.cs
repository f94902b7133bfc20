namespace Glass.Training;

/// <summary>
/// The step-dependent quantities of the training curriculum, computed exactly as the reference
/// does (integer truncation included): frames per clip grow, ground-truth frames fall, the Gumbel
/// temperature anneals linearly, and the first steps train only the global motion analysis.
/// </summary>
public sealed record Schedules(Glass.Config.TrainingConfig Config)
{
    /// <summary>Frames per clip at this step.</summary>
    public int NumObservations(long step) => (int)Ramp(step, Config.NumObservationsStart, Config.NumObservationsEnd,
        Config.NumObservationsIncreaseStart, Config.NumObservationsSteps, truncate: true);

    /// <summary>Transitions fed with real (teacher-forced) frames at this step.</summary>
    public int NumGroundTruthObservations(long step) => (int)Ramp(step, Config.GtObservationsStart, Config.GtObservationsEnd,
        Config.GtObservationsDecreaseStart, Config.GtObservationsSteps, truncate: true);

    public double GumbelTemperature(long step) => Ramp(step, Config.GumbelTemperatureStart, Config.GumbelTemperatureEnd,
        Config.GumbelTemperatureDecreaseStart, Config.GumbelTemperatureSteps, truncate: false);

    /// <summary>True while only the GMA losses count.</summary>
    public bool IsGmaPretraining(long step) => step < Config.PretrainingStepsGma;

    /// <summary>Learning-rate factor of MultiStepLR: gamma to the number of milestones passed.</summary>
    public double LearningRateFactor(long step) => Math.Pow(Config.LrGamma, Config.LrSchedule.Count(m => step >= m));

    /// <summary>start before `from`, end after `from + length`, linear in between; the integer
    /// schedules move by int(scale * (end - start)) as the reference truncates.</summary>
    static double Ramp(long step, double start, double end, long from, long length, bool truncate)
    {
        if (step < from) return start;
        if (step > from + length) return end;
        double scale = length == 0 ? 1.0 : (double)(step - from) / length;
        double delta = scale * (end - start);
        return start + (truncate ? Math.Truncate(delta) : delta);
    }
}
