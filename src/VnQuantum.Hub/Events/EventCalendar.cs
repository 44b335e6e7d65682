using Ical.Net;
using Ical.Net.CalendarComponents;
using Ical.Net.DataTypes;
using Ical.Net.Serialization;
using VnQuantum.Hub.Data;

namespace VnQuantum.Hub.Events;

/// <summary>Events as iCalendar (RFC 5545) through Ical.Net: times in UTC, a stable UID per event.</summary>
public static class EventCalendar
{
    /// <summary>Vietnam's time (ICT, UTC+7, no daylight saving) for showing event times.</summary>
    public static readonly TimeSpan VietnamOffset = TimeSpan.FromHours(7);

    public static DateTime InVietnam(DateTime utc) => DateTime.SpecifyKind(utc, DateTimeKind.Utc) + VietnamOffset;

    public static string Write(IEnumerable<HubEvent> events, string host)
    {
        ArgumentNullException.ThrowIfNull(events);
        var calendar = new Calendar { ProductId = "-//VnQuantum//Hub//VI" };
        foreach (var e in events)
        {
            calendar.Events.Add(new CalendarEvent
            {
                Uid = $"event-{e.Id}@{host}",
                Summary = e.Title,
                Description = e.Description,
                Location = e.Location,
                DtStart = new CalDateTime(DateTime.SpecifyKind(e.StartsAt, DateTimeKind.Utc)),
                DtEnd = new CalDateTime(DateTime.SpecifyKind(e.EndsAt, DateTimeKind.Utc)),
                DtStamp = new CalDateTime(DateTime.SpecifyKind(e.UpdatedAt, DateTimeKind.Utc)),
            });
        }

        return new CalendarSerializer().SerializeToString(calendar)!;
    }
}
