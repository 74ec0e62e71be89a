using SmartPole.Domain.Poles;
using SmartPole.Server.LiveFeed;
using SmartPole.Server.Poles;

namespace SmartPole.Server.Tests;

public sealed class CityFeedTests
{
    private static PoleSnapshot Snapshot(string city, string pole, long seq) => new(city, pole, DateTimeOffset.UnixEpoch, seq, seq, 0, 0, []);

    [Fact]
    public void Drain_sends_each_changed_pole_once_with_its_newest_state()
    {
        var feed = new CityFeed(new PoleReadModel());
        feed.Publish(Snapshot("sz", "p1", 1));
        feed.Publish(Snapshot("sz", "p1", 2));
        feed.Publish(Snapshot("sz", "p2", 7));
        feed.Publish(Snapshot("gz", "q1", 3));

        var batches = feed.Drain();

        Assert.Equal(["p1", "p2"], batches["sz"].Select(s => s.Pole).Order());
        Assert.Equal(2, batches["sz"].Single(s => s.Pole == "p1").Seq);
        Assert.Single(batches["gz"]);
        Assert.Empty(feed.Drain());
    }

    [Fact]
    public void Publish_keeps_the_read_model_current_for_joining_dashboards()
    {
        var readModel = new PoleReadModel();
        var feed = new CityFeed(readModel);

        feed.Publish(Snapshot("sz", "p1", 1));
        feed.Drain();
        feed.Publish(Snapshot("sz", "p1", 5));

        Assert.Equal(5, readModel.Find("sz", "p1")!.Seq);
        Assert.Single(readModel.OfCity("sz"));
        Assert.Empty(readModel.OfCity("gz"));
    }
}
