using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace VnQuantum.Kms.Tests;

/// <summary>The traffic of the crash tests: an SAE pair asking for and fetching keys while KMEs are killed.</summary>
internal static class KmeTraffic
{
    /// <summary>
    /// A few rounds of enc_keys by the master and dec_keys by the slave while KMEs may be dying: records what the master
    /// was handed (200s only), what the slave got (asserting no key comes twice), and which dec_keys replies were cut.
    /// </summary>
    public static async Task Run(HttpClient master, HttpClient slave, string masterSae, string slaveSae, Dictionary<string, string> handed, Dictionary<string, string> delivered, HashSet<string> cut, int seed)
    {
        var rng = new Random(seed);
        for (int i = 0; i < 6; i++)
        {
            try
            {
                var r = await master.PostAsync($"/api/v1/keys/{slaveSae}/enc_keys", new StringContent("""{"number":2,"size":256}""", Encoding.UTF8, "application/json"));
                if (r.StatusCode == HttpStatusCode.OK)
                {
                    foreach (var k in (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("keys").EnumerateArray())
                    {
                        handed[k.GetProperty("key_ID").GetString()!] = k.GetProperty("key").GetString()!;
                    }
                }
            }
            catch (Exception)
            {
                // Whatever broke (a kill mid-request, a refused connection), the master got no 200: nothing was handed.
            }

            var pendingIds = handed.Keys.Except(delivered.Keys).Except(cut).Take(rng.Next(1, 3)).ToList();
            if (pendingIds.Count == 0)
            {
                continue;
            }

            string body = "{\"key_IDs\":[" + string.Join(",", pendingIds.Select(id => $"{{\"key_ID\":\"{id}\"}}")) + "]}";
            try
            {
                var r = await slave.PostAsync($"/api/v1/keys/{masterSae}/dec_keys", new StringContent(body, Encoding.UTF8, "application/json"));
                if (r.StatusCode == HttpStatusCode.OK)
                {
                    foreach (var k in (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("keys").EnumerateArray())
                    {
                        Assert.True(delivered.TryAdd(k.GetProperty("key_ID").GetString()!, k.GetProperty("key").GetString()!), "a key was delivered twice");
                    }
                }
                else
                {
                    // Refused while the peer was down or restarting: the keys must come later; try them again then.
                }
            }
            catch (Exception e) when (e is SocketException || e.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused })
            {
                // The KME was down or the connection never opened: the request never arrived; the keys must come later.
            }
            catch (Exception e) when (e is not Xunit.Sdk.XunitException)
            {
                // The reply may have been cut after the KME committed the delivery: those keys may be burned.
                foreach (string id in pendingIds)
                {
                    cut.Add(id);
                }
            }
        }
    }

    /// <summary>
    /// Waits until the pair serves again after a restart: the master asks for one key until it gets a 200 (recorded in
    /// <paramref name="handed"/>), at most <paramref name="limit"/>. A restarted KME's peer may still count it as down
    /// for one probe interval and answer 503 without reserving; that is the outage guard at work, not a failure. Each
    /// trial so moves at least one key, which makes the crash tests' liveness a fact rather than a timing floor.
    /// </summary>
    public static async Task WaitUntilServing(HttpClient master, string slaveSae, Dictionary<string, string> handed, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        string last = "no answer";
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                var r = await master.PostAsync($"/api/v1/keys/{slaveSae}/enc_keys", new StringContent("""{"number":1,"size":256}""", Encoding.UTF8, "application/json"));
                if (r.StatusCode == HttpStatusCode.OK)
                {
                    var k = (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("keys")[0];
                    handed[k.GetProperty("key_ID").GetString()!] = k.GetProperty("key").GetString()!;
                    return;
                }

                last = $"{(int)r.StatusCode} {await r.Content.ReadAsStringAsync()}";
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                last = e.Message;
            }

            await Task.Delay(100);
        }

        Assert.Fail($"the KMEs did not serve a key within {limit.TotalSeconds} s of a restart (last answer: {last})");
    }

    /// <summary>
    /// After the kills: everything handed and not yet fetched must still come, exactly once, with the same bytes; only
    /// a key whose earlier dec_keys reply was cut by a kill may be gone (delivered at the KME, lost on the wire: burned).
    /// Nothing the master was not handed is delivered, and nothing twice. Returns how many keys were burned that way.
    /// </summary>
    public static async Task<int> VerifyAsync(HttpClient slave, string masterSae, Dictionary<string, string> handed, Dictionary<string, string> delivered, HashSet<string> cut)
    {
        int burned = 0;
        foreach (string id in handed.Keys.Except(delivered.Keys).ToList())
        {
            var r = await slave.GetAsync($"/api/v1/keys/{masterSae}/dec_keys?key_ID={id}");
            if (r.StatusCode == HttpStatusCode.OK)
            {
                delivered[id] = (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("keys")[0].GetProperty("key").GetString()!;
            }
            else
            {
                Assert.True(cut.Contains(id), $"handed key {id} could not be fetched: {await r.Content.ReadAsStringAsync()}");
                burned++;
            }
        }

        foreach (var (id, key) in delivered)
        {
            Assert.True(handed.TryGetValue(id, out string? sent), $"{id} delivered but never handed");
            Assert.Equal(sent, key);
            var again = await slave.GetAsync($"/api/v1/keys/{masterSae}/dec_keys?key_ID={id}");
            Assert.Equal(HttpStatusCode.Unauthorized, again.StatusCode);
        }

        return burned;
    }
}
