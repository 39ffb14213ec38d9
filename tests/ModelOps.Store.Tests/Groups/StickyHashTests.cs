using System.Globalization;
using ModelOps.Store.Groups;

namespace ModelOps.Store.Tests.Groups;

public sealed class StickyHashTests
{
    [Fact]
    public void Bucket_ManyKeys_SpreadEvenlyOverDeciles()
    {
        var deciles = new int[10];
        for (var k = 0; k < 50_000; k++)
        {
            deciles[StickyHash.Bucket("rides", "user-" + k.ToString(CultureInfo.InvariantCulture)) / 10]++;
        }

        Assert.All(deciles, count => Assert.InRange(count, 4_700, 5_300));
    }

    [Fact]
    public void Bucket_SameKey_SameBucketAndOtherGroupsMapIndependently()
    {
        var moved = 0;
        for (var k = 0; k < 1_000; k++)
        {
            var key = "k" + k.ToString(CultureInfo.InvariantCulture);
            var bucket = StickyHash.Bucket("rides", key);
            Assert.InRange(bucket, 0, 99);
            Assert.Equal(bucket, StickyHash.Bucket("rides", key));
            if (StickyHash.Bucket("credit", key) != bucket)
            {
                moved++;
            }
        }

        Assert.InRange(moved, 950, 1_000);
    }
}
