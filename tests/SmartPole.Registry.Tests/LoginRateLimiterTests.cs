using System.Net;
using SmartPole.Testing;

namespace SmartPole.Registry.Tests;

public sealed class LoginRateLimiterTests
{
    private static readonly IPEndPoint Attacker = new(IPAddress.Parse("203.0.113.9"), 50123);
    private static readonly IPEndPoint AttackerOtherPort = new(IPAddress.Parse("203.0.113.9"), 50999);
    private static readonly IPEndPoint Neighbour = new(IPAddress.Parse("203.0.113.10"), 50123);

    private static (LoginRateLimiter Limiter, ManualTimeProvider Time) Create()
    {
        var time = new ManualTimeProvider();
        var options = new RegistryOptions { MaxFailedLogins = 3, FailedLoginWindow = TimeSpan.FromMinutes(1), LoginLockout = TimeSpan.FromMinutes(5) };
        return (new LoginRateLimiter(options, time), time);
    }

    [Fact]
    public void An_address_is_locked_out_after_too_many_failures_whatever_its_port()
    {
        var (limiter, _) = Create();

        var first = limiter.RecordFailure(Attacker);
        var second = limiter.RecordFailure(AttackerOtherPort);
        var third = limiter.RecordFailure(Attacker);

        Assert.False(first);
        Assert.False(second);
        Assert.True(third);
        Assert.True(limiter.IsLockedOut(AttackerOtherPort));
        Assert.False(limiter.IsLockedOut(Neighbour));
    }

    [Fact]
    public void A_lockout_ends_after_its_time()
    {
        var (limiter, time) = Create();
        for (var i = 0; i < 3; i++)
        {
            limiter.RecordFailure(Attacker);
        }

        time.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(1));
        var stillLocked = limiter.IsLockedOut(Attacker);
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.True(stillLocked);
        Assert.False(limiter.IsLockedOut(Attacker));
    }

    [Fact]
    public void Failures_spread_wider_than_the_window_do_not_lock_out()
    {
        var (limiter, time) = Create();

        limiter.RecordFailure(Attacker);
        time.Advance(TimeSpan.FromSeconds(40));
        limiter.RecordFailure(Attacker);
        time.Advance(TimeSpan.FromSeconds(40));
        var third = limiter.RecordFailure(Attacker);

        Assert.False(third);
        Assert.False(limiter.IsLockedOut(Attacker));
    }

    [Fact]
    public void A_success_forgets_earlier_failures()
    {
        var (limiter, _) = Create();
        limiter.RecordFailure(Attacker);
        limiter.RecordFailure(Attacker);

        limiter.RecordSuccess(Attacker);
        var afterSuccess = limiter.RecordFailure(Attacker);

        Assert.False(afterSuccess);
        Assert.False(limiter.IsLockedOut(Attacker));
    }
}
