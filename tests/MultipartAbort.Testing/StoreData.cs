using System.Reflection;
using Xunit.Sdk;

namespace MultipartAbort.Testing;

/// <summary>A theory row that runs the test on moto (the argument "moto").</summary>
public sealed class OnMotoAttribute : DataAttribute
{
    public override IEnumerable<object[]> GetData(MethodInfo testMethod) => [["moto"]];
}

/// <summary>
/// A theory row that runs the test on Ceph RGW (the argument "rgw"), skipped with the install command where Ceph is not
/// installed (<see cref="RgwServer.SkipReason"/>); never skipped in CI (REQUIRE_RGW=1).
/// </summary>
public sealed class OnRgwAttribute : DataAttribute
{
    public OnRgwAttribute() => Skip = RgwServer.SkipReason!;

    public override IEnumerable<object[]> GetData(MethodInfo testMethod) => [["rgw"]];
}
