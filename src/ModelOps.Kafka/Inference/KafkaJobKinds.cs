using ModelOps.Jobs.Configuration;
using ModelOps.Jobs.Jobs;

namespace ModelOps.Kafka.Inference;

/// <summary>Adds the streaming jobs to the config language.</summary>
public static class KafkaJobKinds
{
    /// <summary>Registers <see cref="KafkaInferenceJob"/> with its checks.</summary>
    public static ConfigKinds AddKafkaJobs(this ConfigKinds kinds)
    {
        ArgumentNullException.ThrowIfNull(kinds);
        return kinds.Add<Job, KafkaInferenceJob>(KafkaInferenceJob.KindName)
            .AddCheck<KafkaInferenceJob>(job => job.Problems());
    }
}
