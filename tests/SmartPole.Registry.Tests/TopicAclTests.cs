namespace SmartPole.Registry.Tests;

public sealed class TopicAclTests
{
    private static readonly MqttPrincipal Pole = new("nanshan.ns-001", MqttPrincipalKind.Pole, "nanshan", new HashSet<string> { "ns-001" });
    private static readonly MqttPrincipal Gateway = new("nanshan.gw.d7", MqttPrincipalKind.Gateway, "nanshan", new HashSet<string> { "ns-001", "ns-002" });
    private static readonly MqttPrincipal Provisioner = new("nanshan.provision", MqttPrincipalKind.Provisioner, "nanshan", new HashSet<string>());

    [Theory]
    [InlineData("sp/nanshan/ns-001/telemetry")]
    [InlineData("sp/nanshan/ns-001/events")]
    [InlineData("sp/nanshan/ns-001/status")]
    [InlineData("sp/nanshan/ns-001/cmd/c-42/ack")]
    public void A_pole_may_publish_its_own_upstream_topics(string topic)
    {
        var decision = TopicAcl.Decide(Pole, "ns-001", topic, AclAction.Publish);

        Assert.True(decision.Allowed, decision.Reason);
    }

    [Theory]
    [InlineData("sp/futian/ns-001/telemetry", "city")]
    [InlineData("sp/nanshan/ns-002/telemetry", "not carried")]
    [InlineData("sp/nanshan/ns-001/config", "may publish only")]
    [InlineData("sp/nanshan/ns-001/cmd/c-42", "may publish only")]
    [InlineData("sp/nanshan/provision", "not carried")]
    [InlineData("other/topic", "outside")]
    [InlineData("sp/nanshan", "outside")]
    public void A_pole_may_not_publish_elsewhere(string topic, string why)
    {
        var decision = TopicAcl.Decide(Pole, "ns-001", topic, AclAction.Publish);

        Assert.False(decision.Allowed);
        Assert.Contains(why, decision.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sp/nanshan/ns-001/cmd/#")]
    [InlineData("sp/nanshan/ns-001/cmd/+")]
    [InlineData("sp/nanshan/ns-001/config")]
    public void A_pole_may_subscribe_to_its_commands_and_config(string filter)
    {
        var decision = TopicAcl.Decide(Pole, "ns-001", filter, AclAction.Subscribe);

        Assert.True(decision.Allowed, decision.Reason);
    }

    [Theory]
    [InlineData("sp/#")]
    [InlineData("#")]
    [InlineData("sp/+/ns-001/cmd/#")]
    [InlineData("sp/nanshan/+/cmd/#")]
    [InlineData("sp/nanshan/#")]
    [InlineData("sp/nanshan/ns-001/#")]
    [InlineData("sp/nanshan/ns-001/telemetry")]
    [InlineData("sp/nanshan/ns-002/cmd/#")]
    [InlineData("sp/futian/ns-001/config")]
    [InlineData("$share/g/sp/nanshan/ns-001/cmd/#")]
    [InlineData("sp/nanshan/provision/ns-001")]
    public void A_pole_may_not_subscribe_beyond_its_own_commands(string filter)
    {
        var decision = TopicAcl.Decide(Pole, "ns-001", filter, AclAction.Subscribe);

        Assert.False(decision.Allowed);
        Assert.NotNull(decision.Reason);
    }

    [Fact]
    public void A_gateway_has_pole_rights_for_each_pole_it_carries_and_no_other()
    {
        var second = TopicAcl.Decide(Gateway, "d7", "sp/nanshan/ns-002/telemetry", AclAction.Publish);
        var secondCommands = TopicAcl.Decide(Gateway, "d7", "sp/nanshan/ns-002/cmd/#", AclAction.Subscribe);
        var stranger = TopicAcl.Decide(Gateway, "d7", "sp/nanshan/ns-003/telemetry", AclAction.Publish);

        Assert.True(second.Allowed);
        Assert.True(secondCommands.Allowed);
        Assert.False(stranger.Allowed);
    }

    [Fact]
    public void A_provisioner_may_ask_and_hear_only_its_own_answer()
    {
        var ask = TopicAcl.Decide(Provisioner, "gw-new", "sp/nanshan/provision", AclAction.Publish);
        var hear = TopicAcl.Decide(Provisioner, "gw-new", "sp/nanshan/provision/gw-new", AclAction.Subscribe);
        var eavesdrop = TopicAcl.Decide(Provisioner, "gw-new", "sp/nanshan/provision/gw-other", AclAction.Subscribe);
        var wildcard = TopicAcl.Decide(Provisioner, "gw-new", "sp/nanshan/provision/+", AclAction.Subscribe);
        var telemetry = TopicAcl.Decide(Provisioner, "gw-new", "sp/nanshan/ns-001/telemetry", AclAction.Publish);
        var otherCity = TopicAcl.Decide(Provisioner, "gw-new", "sp/futian/provision", AclAction.Publish);

        Assert.True(ask.Allowed);
        Assert.True(hear.Allowed);
        Assert.False(eavesdrop.Allowed);
        Assert.False(wildcard.Allowed);
        Assert.False(telemetry.Allowed);
        Assert.False(otherCity.Allowed);
    }
}
