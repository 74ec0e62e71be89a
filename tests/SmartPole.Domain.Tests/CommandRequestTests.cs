using System.Text;
using System.Text.Json;
using SmartPole.Domain.Commands;

namespace SmartPole.Domain.Tests;

public sealed class CommandRequestTests
{
    [Fact]
    public void ToUtf8_writes_device_action_and_args_as_given()
    {
        var request = new CommandRequest("display-1", "show", JsonDocument.Parse("""{"text":"前方施工 \"slow\"","seconds":30}""").RootElement);

        var json = Encoding.UTF8.GetString(request.ToUtf8());

        Assert.Equal("""{"device":"display-1","action":"show","args":{"text":"前方施工 \"slow\"","seconds":30}}""", json);
    }

    [Fact]
    public void ToUtf8_leaves_args_out_when_there_are_none()
    {
        var json = Encoding.UTF8.GetString(new CommandRequest("cell-1", "energySaving").ToUtf8());

        Assert.Equal("""{"device":"cell-1","action":"energySaving"}""", json);
    }

    [Theory]
    [InlineData("""{"ok":true}""", true, true, null)]
    [InlineData("""{"ok":false,"detail":"busy"}""", true, false, "busy")]
    [InlineData("""{"ok":false,"detail":{"code":7}}""", true, false, """{"code":7}""")]
    [InlineData("""{"detail":"x"}""", false, false, null)]
    [InlineData("""{"ok":"yes"}""", false, false, null)]
    [InlineData("""[1]""", false, false, null)]
    [InlineData("""{"ok":tru""", false, false, null)]
    public void Ack_decoder_reads_ok_and_detail_and_refuses_the_rest(string payload, bool valid, bool ok, string? detail)
    {
        var decoded = CommandAckDecoder.TryDecode(Encoding.UTF8.GetBytes(payload), out var gotOk, out var gotDetail, out var error);

        Assert.Equal(valid, decoded);
        Assert.Equal(ok, gotOk);
        Assert.Equal(detail, gotDetail);
        Assert.Equal(valid, error is null);
    }
}
