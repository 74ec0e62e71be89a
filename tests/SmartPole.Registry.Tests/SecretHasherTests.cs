using SmartPole.Registry.Security;

namespace SmartPole.Registry.Tests;

public sealed class SecretHasherTests
{
    [Fact]
    public void A_hash_verifies_its_secret_only()
    {
        var hasher = new SecretHasher(100);

        var hash = hasher.Hash("correct horse");

        Assert.StartsWith("pbkdf2-sha256$100$", hash, StringComparison.Ordinal);
        Assert.True(hasher.Verify("correct horse", hash));
        Assert.False(hasher.Verify("correct horse ", hash));
        Assert.False(hasher.Verify("", hash));
    }

    [Fact]
    public void Two_hashes_of_one_secret_differ_by_their_salt()
    {
        var hasher = new SecretHasher(100);

        var first = hasher.Hash("same");
        var second = hasher.Hash("same");

        Assert.NotEqual(first, second);
        Assert.True(hasher.Verify("same", second));
    }

    [Fact]
    public void A_remembered_check_still_refuses_a_wrong_secret_and_a_tampered_hash_fails()
    {
        var hasher = new SecretHasher(100);
        var hash = hasher.Hash("secret");
        Assert.True(hasher.Verify("secret", hash));

        var wrongAfterCache = hasher.Verify("secreT", hash);
        var tampered = new SecretHasher(100).Verify("secret", hash[..^4] + "AAA=");
        var garbage = hasher.Verify("secret", "md5$whatever");

        Assert.False(wrongAfterCache);
        Assert.False(tampered);
        Assert.False(garbage);
    }

    [Fact]
    public void A_hash_made_with_other_iterations_still_verifies()
    {
        var old = new SecretHasher(50).Hash("secret");

        var verified = new SecretHasher(1000).Verify("secret", old);

        Assert.True(verified);
    }
}
