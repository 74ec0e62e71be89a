using SmartPole.Domain.Alarms;
using SmartPole.Domain.Incidents;

namespace SmartPole.Domain.Tests;

public sealed class ProbableCausesTests
{
    [Theory]
    [InlineData(ProbableCauses.SupplyLoss, AlarmTypes.LampFailure, AlarmTypes.SmallCellOffAir, AlarmTypes.CameraOffline)]
    [InlineData(ProbableCauses.SupplyLoss, AlarmTypes.LampFailure, AlarmTypes.PoleOffline)]
    [InlineData(ProbableCauses.VehicleImpact, AlarmTypes.Impact, AlarmTypes.Tilt)]
    [InlineData(ProbableCauses.Vandalism, AlarmTypes.DoorOpen, AlarmTypes.CameraTamper)]
    [InlineData(ProbableCauses.WaterIngress, AlarmTypes.WaterLeak, AlarmTypes.SmallCellOffAir)]
    [InlineData(ProbableCauses.Emergency, AlarmTypes.Sos, AlarmTypes.Impact, AlarmTypes.Tilt)]
    [InlineData(ProbableCauses.CommunicationLoss, AlarmTypes.PoleOffline)]
    [InlineData(AlarmTypes.Tilt, AlarmTypes.Tilt)]
    [InlineData(ProbableCauses.MultipleFaults, AlarmTypes.AirQuality, AlarmTypes.StorageFull)]
    public void Infers_the_cause_that_explains_the_alarms_together(string cause, params string[] types)
    {
        var (inferred, explanation) = ProbableCauses.Infer(types);

        Assert.Equal(cause, inferred);
        Assert.False(string.IsNullOrWhiteSpace(explanation));
    }
}
